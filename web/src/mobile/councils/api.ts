import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type MyTopics = Json<paths['/api/v1/my/council-topics']['get']['responses'][200]>;
export type MyTopic = MyTopics['items'][number];

const KEY = ['my-council-topics'] as const;

export function useMyTopics() {
  return useQuery({ queryKey: KEY, queryFn: () => unwrap(api.GET('/api/v1/my/council-topics')), staleTime: 0 });
}

export function usePropose() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { councilId: string; title: string; body: string }) =>
      unwrap(api.POST('/api/v1/my/council-topics', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: KEY }),
  });
}

export function useSupport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/my/council-topics/{id}/support', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: KEY }),
  });
}
