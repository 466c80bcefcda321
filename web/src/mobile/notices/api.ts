import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type MyNoticeList = Json<paths['/api/v1/my/notices']['get']['responses'][200]>;
export type MyNoticeSummary = MyNoticeList['items'][number];
export type MyNotice = Json<paths['/api/v1/my/notices/{id}']['get']['responses'][200]>;

const KEY = ['my-notices'] as const;

export function useMyNotices() {
  return useQuery({ queryKey: KEY, queryFn: () => unwrap(api.GET('/api/v1/my/notices')), staleTime: 0 });
}

export function useMyNotice(id: string) {
  return useQuery({
    queryKey: [...KEY, id],
    queryFn: () => unwrap(api.GET('/api/v1/my/notices/{id}', { params: { path: { id } } })),
    staleTime: 0,
  });
}

/** Her read receipt: sent once when she opens a notice she has not read. */
export function useMarkRead(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/my/notices/{id}/read', { params: { path: { id } } })),
    onSuccess: (notice) => {
      queryClient.setQueryData([...KEY, id], notice);
      void queryClient.invalidateQueries({ queryKey: KEY, exact: true });
    },
  });
}

export function useAsk(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: string) =>
      unwrap(api.POST('/api/v1/my/notices/{id}/questions', { params: { path: { id } }, body: { body } })),
    onSuccess: (notice) => queryClient.setQueryData([...KEY, id], notice),
  });
}

export const attachmentUrl = (noticeId: string, attachmentId: string) =>
  `/api/v1/my/notices/${noticeId}/attachments/${attachmentId}`;
