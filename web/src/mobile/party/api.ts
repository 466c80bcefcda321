import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type Registration = Json<paths['/api/v1/my/dual-registrations']['get']['responses'][200]>['items'][number];
export type RegisterBody = NonNullable<
  paths['/api/v1/my/dual-registrations']['post']['requestBody']
>['content']['application/json'];

const MINE = ['my-dual'] as const;

export const useMyRegistrations = () =>
  useQuery({ queryKey: MINE, queryFn: () => unwrap(api.GET('/api/v1/my/dual-registrations')), staleTime: 0 });

/** Communities of the platform by part of a name (the public list: no sign-in needed to find one). */
export const useCommunities = (q: string) =>
  useQuery({
    queryKey: ['public-communities', q],
    queryFn: () => unwrap(api.GET('/api/v1/public/communities', { params: { query: { q } } })),
    enabled: q.trim().length > 0,
  });

export const usePostsOf = (registrationId: string | null) =>
  useQuery({
    queryKey: [...MINE, 'posts', registrationId],
    queryFn: () =>
      unwrap(api.GET('/api/v1/my/dual-registrations/{id}/posts', { params: { path: { id: registrationId! } } })),
    enabled: registrationId !== null,
  });

export const useOpenings = () =>
  useQuery({
    queryKey: [...MINE, 'openings'],
    queryFn: () => unwrap(api.GET('/api/v1/my/volunteer-openings')),
    staleTime: 0,
  });

export function useRegister() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: RegisterBody) => unwrap(api.POST('/api/v1/my/dual-registrations', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: MINE }),
  });
}

export function usePickPosts() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; postIds: string[] }) =>
      unwrap(
        api.PUT('/api/v1/my/dual-registrations/{id}/posts', {
          params: { path: { id: input.id } },
          body: { postIds: input.postIds },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: MINE }),
  });
}

export function useClaim() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/volunteer-openings/{id}/claim', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: MINE }),
  });
}
