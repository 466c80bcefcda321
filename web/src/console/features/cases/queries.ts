import { keepPreviousData, useQuery, type QueryClient } from '@tanstack/react-query';
import { api, sendRaw, unwrap } from '../../../api/client';
import type { CaseDetail, CaseQueueQuery } from '../../../api/types';
import { INBOX_KEY } from '../../../shared/inbox/api';

export interface RatesParams {
  orgId: string;
  from: string;
  to: string;
}

/** Query keys of cases; invalidating `caseKeys.all` refreshes every queue, detail and rate. */
export const caseKeys = {
  all: ['cases'] as const,
  lists: () => ['cases', 'list'] as const,
  queue: (query: CaseQueueQuery) => ['cases', 'list', query] as const,
  detail: (id: string) => ['cases', 'detail', id] as const,
  rates: (params: RatesParams) => ['cases', 'rates', params] as const,
};

/** The bell's messages (the one outbox, shared/inbox/api.ts): a case step refreshes them. */
export const notificationKeys = { all: INBOX_KEY };

export const useCaseQueue = (query: CaseQueueQuery, isEnabled = true) =>
  useQuery({
    queryKey: caseKeys.queue(query),
    queryFn: () => unwrap(api.GET('/api/v1/cases', { params: { query } })),
    placeholderData: keepPreviousData,
    enabled: isEnabled,
  });

export const useCase = (id: string | undefined) =>
  useQuery({
    queryKey: caseKeys.detail(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/cases/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== undefined,
  });

/** Where a case may be reassigned: its own units above and the departments of the districts above it. */
export const useReassignTargets = (id: string) =>
  useQuery({
    queryKey: ['cases', 'reassign-targets', id],
    queryFn: () => unwrap(api.GET('/api/v1/cases/{id}/reassign-targets', { params: { path: { id } } })),
  });

export const useCaseRates = (params: RatesParams | undefined) =>
  useQuery({
    queryKey: caseKeys.rates(params ?? { orgId: '', from: '', to: '' }),
    queryFn: () => unwrap(api.GET('/api/v1/case-rates', { params: { query: params! } })),
    enabled: params !== undefined,
    placeholderData: keepPreviousData,
  });

/** A case changed: show the new detail at once and refresh the queues, rates and notifications. */
export async function applyCaseChange(queryClient: QueryClient, detail: CaseDetail): Promise<void> {
  queryClient.setQueryData(caseKeys.detail(detail.id), detail);
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: caseKeys.lists() }),
    queryClient.invalidateQueries({ queryKey: ['cases', 'rates'] }),
    queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  ]);
}

/**
 * Posts a JSON body with photos as multipart/form-data: the body as the `payload` field, each file
 * as `photos` (the server checks their content, size and count).
 */
export async function postWithPhotos<T>(path: string, payload: object, photos: readonly File[]): Promise<T> {
  const body = new FormData();
  body.set('payload', JSON.stringify(payload));
  for (const photo of photos) body.append('photos', photo, photo.name);
  const response = await sendRaw(path, { method: 'POST', body });
  return (await response.json()) as T;
}

/** Where the browser loads a photo of a case (the session cookie authorizes it). */
export const photoUrl = (caseId: string, photoId: string) => `/api/v1/cases/${caseId}/photos/${photoId}`;
