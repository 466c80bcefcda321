import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { OrgLevel } from '../../../api/types';
import { orgKeys, searchOrgs } from './queries';

/** Searches units in scope by name or code, waiting for the user to pause typing. */
export function useOrgSearch(level?: OrgLevel) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);
  const result = useQuery({
    queryKey: orgKeys.search(q, level),
    queryFn: () => searchOrgs(q, level),
    enabled: q !== '',
    staleTime: 10_000,
  });
  const isSettled = q === text.trim() && q !== '' && !result.isFetching;
  return { text, setText, items: q === '' ? [] : (result.data ?? []), isSearching: result.isFetching, isSettled };
}
