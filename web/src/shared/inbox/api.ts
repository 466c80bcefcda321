import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type MyMessagesPage = Json<paths['/api/v1/messages/mine']['get']['responses'][200]>;
export type MyMessage = MyMessagesPage['items'][number];
export type MessagePreferences = Json<paths['/api/v1/messages/preferences']['get']['responses'][200]>;
export type MessageKindPreference = MessagePreferences['kinds'][number];
export type MessageChannel = MessageKindPreference['channels'][number];
export type PreferencesBody = Json<paths['/api/v1/messages/preferences']['put']['requestBody']>;

/** The one outbox's in-app messages (the bell), in both apps: every query about them starts with this key. */
export const INBOX_KEY = ['messages', 'mine'] as const;
const PREFERENCES_KEY = ['messages', 'preferences'] as const;

/** Her latest in-app messages and how many are unread; read again every `refetchMs` while a page shows them. */
export function useMyMessages(refetchMs: number) {
  return useQuery({
    queryKey: INBOX_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/messages/mine', { params: { query: { pageSize: 50 } } })),
    refetchInterval: refetchMs,
    staleTime: 0,
  });
}

/** Marks some of her messages read, or (no ids) all of them. */
export function useMarkMessagesRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[] | undefined) =>
      unwrap(api.POST('/api/v1/messages/mine/read', { body: ids === undefined ? {} : { ids } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: INBOX_KEY }),
  });
}

/** Her channels per kind of message and her quiet hours. */
export function useMessagePreferences() {
  return useQuery({
    queryKey: PREFERENCES_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/messages/preferences')),
  });
}

export function useUpdateMessagePreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PreferencesBody) => unwrap(api.PUT('/api/v1/messages/preferences', { body })),
    onSuccess: (saved) => queryClient.setQueryData(PREFERENCES_KEY, saved),
  });
}
