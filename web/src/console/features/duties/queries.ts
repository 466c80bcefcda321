import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import type { DutyListQuery } from '../../../api/types';

/** Query keys of the duty list; invalidating `dutyKeys.all` refreshes the list, selects and revisions. */
export const dutyKeys = {
  all: ['duties'] as const,
  list: (query: DutyListQuery) => ['duties', 'list', query] as const,
  revisions: (code: string) => ['duties', 'revisions', code] as const,
  vocabulary: () => ['duties', 'vocabulary'] as const,
};

export const useDutyList = (query: DutyListQuery = {}) =>
  useQuery({
    queryKey: dutyKeys.list(query),
    queryFn: () => unwrap(api.GET('/api/v1/duties', { params: { query } })),
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });

export const useDutyRevisions = (code: string | undefined) =>
  useQuery({
    queryKey: dutyKeys.revisions(code ?? ''),
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/duties/{code}/revisions', { params: { path: { code: code ?? '' } } }))).items,
    enabled: code !== undefined,
  });

/** The names of the kinds of responsibility and of the departments, in both languages. */
export const useDutyVocabulary = () =>
  useQuery({
    queryKey: dutyKeys.vocabulary(),
    queryFn: () => unwrap(api.GET('/api/v1/duties/vocabulary')),
    staleTime: Infinity,
  });
