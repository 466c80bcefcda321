import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type MyAccount = Json<paths['/api/v1/my/account']['get']['responses'][200]>;
export type MyHousehold = Json<paths['/api/v1/my/household']['get']['responses'][200]>;
export type BindingStatus = NonNullable<MyAccount['binding']>['status'];

const ACCOUNT = ['my-account'] as const;
const HOUSEHOLD = ['my-household'] as const;

/** How residents may sign in here: SMS always, WeChat when the deployment has it. */
export function useSignInOptions() {
  return useQuery({
    queryKey: ['auth', 'options'],
    queryFn: () => unwrap(api.GET('/api/v1/auth/options')),
    staleTime: Infinity,
  });
}

export const requestSmsCode = (phone: string) => unwrap(api.POST('/api/v1/auth/sms/code', { body: { phone } }));

/** Signs her in with the code; the app then asks who is signed in again. */
export function useSmsSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { phone: string; code: string }) => unwrap(api.POST('/api/v1/auth/sms/verify', { body })),
    onSuccess: async () => {
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      await queryClient.invalidateQueries({ queryKey: ['auth', 'me'] });
    },
  });
}

export function useMyAccount() {
  return useQuery({ queryKey: ACCOUNT, queryFn: () => unwrap(api.GET('/api/v1/my/account')), staleTime: 0 });
}

export function useMyHousehold(isBound: boolean) {
  return useQuery({
    queryKey: HOUSEHOLD,
    queryFn: () => unwrap(api.GET('/api/v1/my/household')),
    enabled: isBound,
    staleTime: 0,
  });
}

export function useBind() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; idNumber: string }) => unwrap(api.POST('/api/v1/my/binding', { body })),
    onSuccess: (account) => {
      queryClient.setQueryData(ACCOUNT, account);
      void queryClient.invalidateQueries({ queryKey: HOUSEHOLD });
    },
    // a refused attempt still spends one of the day's attempts
    onError: () => void queryClient.invalidateQueries({ queryKey: ACCOUNT }),
  });
}

export function useUnbind() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/my/binding')),
    onSuccess: (account) => {
      queryClient.setQueryData(ACCOUNT, account);
      queryClient.removeQueries({ queryKey: HOUSEHOLD });
    },
  });
}

export type MyAppointment = Json<paths['/api/v1/my/appointments']['get']['responses'][200]>['items'][number];

/** 走访预约: when her grid worker will come (bound residents only; the list is empty otherwise). */
export function useMyAppointments(isBound: boolean) {
  return useQuery({
    queryKey: ['my-appointments'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/my/appointments'))).items,
    enabled: isBound,
  });
}
