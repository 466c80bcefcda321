import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, sendRaw, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { INBOX_KEY, useMarkMessagesRead, useMyMessages } from '../../shared/inbox/api';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type IntakeBody = Json<paths['/api/v1/my/cases']['post']['requestBody']>;
export type IntakeResult = Json<paths['/api/v1/my/cases']['post']['responses'][201]>;
export type DuplicateCase = IntakeResult['duplicates'][number];
export type MyCase = Json<paths['/api/v1/my/cases']['get']['responses'][200]>['items'][number];
export type MyCaseDetail = Json<paths['/api/v1/my/cases/{id}']['get']['responses'][200]>;
export type CaseEvent = MyCaseDetail['timeline'][number];
export type CaseStatus = MyCase['status'];
export type RatingBody = Json<paths['/api/v1/my/cases/{id}/rating']['post']['requestBody']>;

const MY_CASES = ['my-cases'] as const;
const NOTIFICATIONS = INBOX_KEY;

export const photoUrl = (caseId: string, photoId: string) =>
  `/api/v1/cases/${encodeURIComponent(caseId)}/photos/${encodeURIComponent(photoId)}`;

const fetchPublicDutyItems = async (text: string) =>
  (await unwrap(api.GET('/api/v1/duties/public', { params: { query: text === '' ? {} : { q: text } } }))).items;
export type PublicDutyItem = Awaited<ReturnType<typeof fetchPublicDutyItems>>[number];

/** The public duty items matching what the resident typed (all of them for an empty search). */
export function usePublicDutyItems(q: string) {
  const text = q.trim();
  return useQuery({
    queryKey: ['duties', 'public', text],
    queryFn: () => fetchPublicDutyItems(text),
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
}

/** The three duty items her description most likely belongs to: the console's intake asks the same way. */
export { useDutySuggestions, type DutySuggestion } from '../../shared/duty-suggestions';

export function useMyCases() {
  return useQuery({
    queryKey: MY_CASES,
    queryFn: () => unwrap(api.GET('/api/v1/my/cases')).then((answer) => answer.items),
    // staff move her cases along: each visit shows where they stand now
    staleTime: 0,
  });
}

export function useMyCase(id: string) {
  return useQuery({
    queryKey: [...MY_CASES, id],
    queryFn: () => unwrap(api.GET('/api/v1/my/cases/{id}', { params: { path: { id } } })),
    staleTime: 0,
  });
}

/** Her messages from the one outbox: read again on every page she opens, and once a minute while one stays open. */
export function useNotifications() {
  return useMyMessages(60_000);
}

/**
 * Sends a report as multipart: the JSON body in `payload`, the photos in `photos`. The answer is
 * the new case, or (with `case: null`) the open cases of the same kind nearby.
 */
export async function submitMyCase(body: IntakeBody, photos: File[]): Promise<IntakeResult> {
  const form = new FormData();
  form.append('payload', JSON.stringify(body));
  for (const photo of photos) form.append('photos', photo, photo.name);
  const response = await sendRaw('/api/v1/my/cases', { method: 'POST', body: form });
  return (await response.json()) as IntakeResult;
}

/** A change to one of her cases: the answer is the case as it now stands, cached at once. */
function useCaseChange<V>(id: string, send: (vars: V) => Promise<MyCaseDetail>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: async (detail) => {
      queryClient.setQueryData([...MY_CASES, detail.id], detail);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: MY_CASES, exact: true }),
        queryClient.invalidateQueries({ queryKey: NOTIFICATIONS }),
      ]);
    },
    mutationKey: ['my-case-change', id],
  });
}

export function useRateCase(id: string) {
  return useCaseChange(id, (body: RatingBody) =>
    unwrap(api.POST('/api/v1/my/cases/{id}/rating', { params: { path: { id } }, body })),
  );
}

export function useReopenCase(id: string) {
  return useCaseChange(id, (reason: string) =>
    unwrap(api.POST('/api/v1/my/cases/{id}/reopen', { params: { path: { id } }, body: { reason } })),
  );
}

/** Follows a case offered as a duplicate, from the place she was reporting (it must lie within 200 m). */
export function useFollowCase() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, from }: { id: string; from: { lng: number; lat: number } | null }) =>
      unwrap(
        api.POST('/api/v1/my/cases/{id}/follow', {
          params: { path: { id } },
          body: from === null ? {} : { lng: from.lng, lat: from.lat },
        }),
      ),
    onSuccess: async (detail) => {
      queryClient.setQueryData([...MY_CASES, detail.id], detail);
      await queryClient.invalidateQueries({ queryKey: MY_CASES, exact: true });
    },
  });
}

export function useMarkRead() {
  return useMarkMessagesRead();
}

/** After a new report: her list and her messages are stale. */
export function useRefreshAfterReport() {
  const queryClient = useQueryClient();
  return async (detail: MyCaseDetail | null) => {
    if (detail !== null) queryClient.setQueryData([...MY_CASES, detail.id], detail);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: MY_CASES, exact: true }),
      queryClient.invalidateQueries({ queryKey: NOTIFICATIONS }),
    ]);
  };
}
