import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';

export interface UserListParams {
  q: string;
  orgId: string | undefined;
  page: number;
  pageSize: number;
}

export const userKeys = {
  all: ['users'] as const,
  list: (params: UserListParams) => ['users', 'list', params] as const,
  detail: (id: string) => ['users', 'detail', id] as const,
};

export const useUserList = (params: UserListParams) =>
  useQuery({
    queryKey: userKeys.list(params),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/users', {
          params: {
            query: {
              page: params.page,
              pageSize: params.pageSize,
              ...(params.q === '' ? {} : { q: params.q }),
              ...(params.orgId === undefined ? {} : { orgId: params.orgId }),
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });

export const useUser = (id: string | undefined) =>
  useQuery({
    queryKey: userKeys.detail(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== undefined,
  });

export const useRoles = () =>
  useQuery({
    queryKey: ['roles'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/roles'))).items,
    staleTime: Infinity,
  });
