import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type Canteen = Json<paths['/api/v1/canteens']['get']['responses'][200]>['items'][number];
export type Diner = Json<paths['/api/v1/canteens/{id}/diners']['get']['responses'][200]>['items'][number];
export type Menu = Json<paths['/api/v1/canteens/{id}/menus']['get']['responses'][200]>['items'][number];
export type MenuBody = NonNullable<
  paths['/api/v1/canteens/{id}/menus']['put']['requestBody']
>['content']['application/json'];
export type Delivery = Json<paths['/api/v1/canteens/{id}/delivery']['get']['responses'][200]>;
export type Bills = Json<paths['/api/v1/canteens/{id}/bills']['get']['responses'][200]>;
export type Reconciliation = Json<paths['/api/v1/canteens/{id}/reconciliation']['get']['responses'][200]>;

export const canteenKeys = { all: ['canteens'] as const, one: (id: string) => ['canteens', id] as const };

export const useCanteens = () =>
  useQuery({ queryKey: canteenKeys.all, queryFn: async () => (await unwrap(api.GET('/api/v1/canteens'))).items });

const path = (id: string) => ({ params: { path: { id } } });

export const useDiners = (id: string) =>
  useQuery({
    queryKey: [...canteenKeys.one(id), 'diners'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/canteens/{id}/diners', path(id)))).items,
  });

export const useEligible = (id: string, q: string) =>
  useQuery({
    queryKey: [...canteenKeys.one(id), 'eligible', q],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/canteens/{id}/eligible', { params: { path: { id }, query: { q } } }))).items,
  });

export const useMenus = (id: string, from: string) =>
  useQuery({
    queryKey: [...canteenKeys.one(id), 'menus', from],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/canteens/{id}/menus', { params: { path: { id }, query: { from, days: 7 } } })))
        .items,
  });

export const useOrders = (id: string, day: string, meal: 'lunch' | 'dinner') =>
  useQuery({
    queryKey: [...canteenKeys.one(id), 'orders', day, meal],
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/canteens/{id}/orders', { params: { path: { id }, query: { day, meal } } }))).items,
  });

export const useDelivery = (id: string, day: string, meal: 'lunch' | 'dinner') =>
  useQuery({
    queryKey: [...canteenKeys.one(id), 'delivery', day, meal],
    queryFn: () =>
      unwrap(api.GET('/api/v1/canteens/{id}/delivery', { params: { path: { id }, query: { day, meal } } })),
  });

export const useBills = (id: string, month: string) =>
  useQuery({
    queryKey: [...canteenKeys.one(id), 'bills', month],
    queryFn: async () => {
      const query = { params: { path: { id }, query: { month } } };
      const [bills, rec] = await Promise.all([
        unwrap(api.GET('/api/v1/canteens/{id}/bills', query)),
        unwrap(api.GET('/api/v1/canteens/{id}/reconciliation', query)),
      ]);
      return { bills, rec };
    },
  });

/** A mutation that refreshes everything shown of the canteen afterwards. */
export function useCanteenMutation<V, R>(canteenId: string, fn: (v: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () =>
      queryClient.invalidateQueries({ queryKey: canteenId === '' ? canteenKeys.all : canteenKeys.one(canteenId) }),
  });
}
