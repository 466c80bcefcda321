import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type ActivityList = Json<paths['/api/v1/volunteer/activities']['get']['responses'][200]>;
export type Activity = ActivityList['items'][number];
export type ActivityDetail = Json<paths['/api/v1/volunteer/activities/{id}']['get']['responses'][200]>;
export type Signup = ActivityDetail['signups'][number];
export type Item = Json<paths['/api/v1/store/items']['get']['responses'][200]>['items'][number];
export type Redemption = Json<paths['/api/v1/store/redemptions']['get']['responses'][200]>['items'][number];
export type Appeal = Json<paths['/api/v1/points/appeals']['get']['responses'][200]>['items'][number];
export type Rule = Json<paths['/api/v1/points/rules']['get']['responses'][200]>['items'][number];
export type ActivityBody = NonNullable<
  paths['/api/v1/volunteer/activities']['post']['requestBody']
>['content']['application/json'];
export type ItemBody = NonNullable<paths['/api/v1/store/items']['post']['requestBody']>['content']['application/json'];
export type RuleBody = NonNullable<paths['/api/v1/points/rules']['post']['requestBody']>['content']['application/json'];

const KEY = ['points-console'] as const;

export const useActivities = (orgId: string) =>
  useQuery({
    queryKey: [...KEY, 'activities', orgId],
    queryFn: () => unwrap(api.GET('/api/v1/volunteer/activities', { params: { query: { orgId } } })),
  });
export const useActivity = (id: string | null) =>
  useQuery({
    queryKey: [...KEY, 'activity', id],
    queryFn: () => unwrap(api.GET('/api/v1/volunteer/activities/{id}', { params: { path: { id: id! } } })),
    enabled: id !== null,
  });
export const useItems = (orgId: string) =>
  useQuery({
    queryKey: [...KEY, 'items', orgId],
    queryFn: () => unwrap(api.GET('/api/v1/store/items', { params: { query: { orgId } } })),
  });
export const useRedemptions = (orgId: string) =>
  useQuery({
    queryKey: [...KEY, 'redemptions', orgId],
    queryFn: () => unwrap(api.GET('/api/v1/store/redemptions', { params: { query: { orgId } } })),
  });
export const useRules = (orgId: string) =>
  useQuery({
    queryKey: [...KEY, 'rules', orgId],
    queryFn: () => unwrap(api.GET('/api/v1/points/rules', { params: { query: { orgId } } })),
  });
export const useReport = (orgId: string, month: string | undefined) =>
  useQuery({
    queryKey: [...KEY, 'report', orgId, month],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/points/report', { params: { query: month === undefined ? { orgId } : { orgId, month } } }),
      ),
  });

export const useAppeals = () =>
  useQuery({ queryKey: [...KEY, 'appeals'], queryFn: () => unwrap(api.GET('/api/v1/points/appeals')) });

/** A write that refreshes every list of this page afterwards. */
export function usePointsMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }) });
}

export const createActivity = (body: ActivityBody) => unwrap(api.POST('/api/v1/volunteer/activities', { body }));
export const checkSignup = (id: string, action: 'in' | 'out') =>
  unwrap(api.POST('/api/v1/volunteer/signups/{id}/check', { params: { path: { id } }, body: { action } }));
export const confirmSignup = (id: string, minutes?: number) =>
  unwrap(
    api.POST('/api/v1/volunteer/signups/{id}/confirm', {
      params: { path: { id } },
      body: minutes === undefined ? {} : { minutes },
    }),
  );
export const createItem = (body: ItemBody) => unwrap(api.POST('/api/v1/store/items', { body }));
export const restockItem = (id: string, addStock: number) =>
  unwrap(api.PATCH('/api/v1/store/items/{id}', { params: { path: { id } }, body: { addStock } }));
export const pickup = (id: string) =>
  unwrap(api.POST('/api/v1/store/redemptions/{id}/pickup', { params: { path: { id } } }));
export const reverse = (id: string, reason: string) =>
  unwrap(api.POST('/api/v1/store/redemptions/{id}/reverse', { params: { path: { id } }, body: { reason } }));
export const saveRule = (body: RuleBody) => unwrap(api.POST('/api/v1/points/rules', { body }));
export const recordEvent = (body: { residentId: string; ruleCode: string; note?: string }) =>
  unwrap(api.POST('/api/v1/points/events', { body }));
export const decideAppeal = (id: string, grant: boolean, note?: string) =>
  unwrap(
    api.POST('/api/v1/points/appeals/{id}/decide', {
      params: { path: { id } },
      body: note === undefined ? { grant } : { grant, note },
    }),
  );
