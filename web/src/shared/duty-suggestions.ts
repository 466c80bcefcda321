import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../api/client';

/** `value`, once it has stopped changing for `ms`: one request per pause in typing, not per key. */
export function useSettled(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

const fetchSuggestions = async (text: string) =>
  (await unwrap(api.POST('/api/v1/duties/suggest', { body: { text } }))).items;
export type DutySuggestion = Awaited<ReturnType<typeof fetchSuggestions>>[number];

/**
 * The three duty items a description most likely belongs to (none until a few characters are
 * written), as the phone's 我要反映 and the console's intake both ask: the server's 500 characters at
 * most, the last answer kept while the next is on its way.
 */
export function useDutySuggestions(description: string) {
  const text = description.trim().slice(0, 500);
  return useQuery({
    queryKey: ['duties', 'suggest', text],
    queryFn: () => fetchSuggestions(text),
    enabled: text.length >= 2,
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
}
