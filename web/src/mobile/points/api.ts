import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type MyPoints = Json<paths['/api/v1/my/points']['get']['responses'][200]>;
export type Shelf = Json<paths['/api/v1/my/store']['get']['responses'][200]>;
export type MyActivities = Json<paths['/api/v1/my/volunteer/activities']['get']['responses'][200]>;
export type MyActivity = MyActivities['items'][number];
export type SignupStatus = NonNullable<MyActivity['mine']>['status'];

const POINTS = ['my-points'] as const;
const STORE = ['my-store'] as const;
const ACTIVITIES = ['my-volunteer'] as const;

export function useMyPoints(month?: string) {
  return useQuery({
    queryKey: [...POINTS, month ?? 'now'],
    queryFn: () => unwrap(api.GET('/api/v1/my/points', { params: { query: month === undefined ? {} : { month } } })),
    staleTime: 0,
  });
}

export type AppealStatus = NonNullable<MyPoints['statement']['movements'][number]['appeal']>['status'];

export function useAppeal() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: { journalId: string; reason: string }) =>
      unwrap(api.POST('/api/v1/my/points/appeals', { body })),
    onSuccess: refresh,
  });
}

export function useMyStore() {
  return useQuery({ queryKey: STORE, queryFn: () => unwrap(api.GET('/api/v1/my/store')), staleTime: 0 });
}

export function useMyRedemptions() {
  return useQuery({
    queryKey: [...STORE, 'redemptions'],
    queryFn: () => unwrap(api.GET('/api/v1/my/store/redemptions')),
    staleTime: 0,
  });
}

export function useMyRanking() {
  return useQuery({
    queryKey: [...POINTS, 'ranking'],
    queryFn: () => unwrap(api.GET('/api/v1/my/points/ranking', { params: { query: {} } })),
    staleTime: 0,
  });
}

function useRefresh() {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: POINTS }),
      queryClient.invalidateQueries({ queryKey: STORE }),
      queryClient.invalidateQueries({ queryKey: ACTIVITIES }),
    ]);
  };
}

export function useSetRanking() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (optIn: boolean) => unwrap(api.PUT('/api/v1/my/points/ranking', { body: { optIn } })),
    onSuccess: refresh,
  });
}

/** One key per tap: a retry of the same tap (a lost answer) answers the first redemption. */
export function newClientKey(): string {
  return crypto.randomUUID();
}

export function useRedeem() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: { itemId: string; quantity: number; clientKey: string }) =>
      unwrap(api.POST('/api/v1/my/store/redemptions', { body })),
    onSuccess: refresh,
  });
}

export function useMyActivities() {
  return useQuery({
    queryKey: ACTIVITIES,
    queryFn: () => unwrap(api.GET('/api/v1/my/volunteer/activities')),
    staleTime: 0,
  });
}

export function useSignUp() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/my/volunteer/activities/{id}/signup', { params: { path: { id } } })),
    onSuccess: refresh,
  });
}

export function useWithdraw() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/my/volunteer/activities/{id}/withdraw', { params: { path: { id } } })),
    onSuccess: refresh,
  });
}

export function useScan() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, code }: { id: string; code: string }) =>
      unwrap(api.POST('/api/v1/my/volunteer/activities/{id}/scan', { params: { path: { id } }, body: { code } })),
    onSuccess: refresh,
  });
}
