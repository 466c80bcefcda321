import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type MyCanteen = Json<paths['/api/v1/my/canteen']['get']['responses'][200]>;
export type MyDiner = MyCanteen['items'][number];
export type MyMenu = MyDiner['menus'][number];

const MINE = ['my-canteen'] as const;

export function useMyCanteen() {
  return useQuery({ queryKey: MINE, queryFn: () => unwrap(api.GET('/api/v1/my/canteen')), staleTime: 0 });
}

/** A key made once per tap's intent: sending it again (a retry on a weak signal) orders once. */
export const newClientKey = () => `m-${crypto.randomUUID()}`;

export function useOrderMeal() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { menuId: string; clientKey: string }) =>
      unwrap(api.POST('/api/v1/my/canteen/orders', { body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: MINE }),
  });
}

export function useCancelMeal() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (orderId: string) =>
      unwrap(api.POST('/api/v1/my/canteen/orders/{orderId}/cancel', { params: { path: { orderId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: MINE }),
  });
}

/** 食品安全投诉: filed as a case; the key makes a retry of the same tap file it once. */
export function useFileComplaint() {
  return useMutation({
    mutationFn: (body: { dinerId: string; description: string; clientKey: string }) =>
      unwrap(api.POST('/api/v1/my/canteen/complaints', { body })),
  });
}
