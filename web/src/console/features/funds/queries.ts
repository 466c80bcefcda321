import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, sendRaw, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type FundItem = Json<paths['/api/v1/funds']['get']['responses'][200]>['items'][number];
export type Ledger = Json<paths['/api/v1/funds/{id}']['get']['responses'][200]>;
export type Movement = Ledger['movements'][number];
export type Owner = Json<paths['/api/v1/funds/{id}/owners']['get']['responses'][200]>['items'][number];
export type Levy = Json<paths['/api/v1/funds/{id}/levies']['get']['responses'][200]>['items'][number];
export type Claim = Json<paths['/api/v1/funds/{id}/claims']['get']['responses'][200]>['items'][number];
export type Company = Json<paths['/api/v1/property-companies']['get']['responses'][200]>['items'][number];
export type MovementBody = NonNullable<
  paths['/api/v1/funds/{id}/movements']['post']['requestBody']
>['content']['application/json'];

const KEY = ['funds-console'] as const;
const useCached = <T>(key: unknown[], fn: () => Promise<T>, enabled = true) =>
  useQuery({ queryKey: [...KEY, ...key], queryFn: fn, enabled, staleTime: 0 });

export const useFunds = () => useCached(['list'], () => unwrap(api.GET('/api/v1/funds', { params: { query: {} } })));
export const useLedger = (id: string | undefined, month: string | undefined) =>
  useCached(
    ['ledger', id, month ?? 'all'],
    () =>
      unwrap(
        api.GET('/api/v1/funds/{id}', {
          params: { path: { id: id! }, query: month === undefined ? {} : { month } },
        }),
      ),
    id !== undefined,
  );
export const useOwners = (id: string) =>
  useCached(['owners', id], () => unwrap(api.GET('/api/v1/funds/{id}/owners', { params: { path: { id } } })));
export const useLevies = (id: string) =>
  useCached(['levies', id], () => unwrap(api.GET('/api/v1/funds/{id}/levies', { params: { path: { id } } })));
export const useDecisions = (id: string) =>
  useCached(['decisions', id], () => unwrap(api.GET('/api/v1/funds/{id}/decisions', { params: { path: { id } } })));
export const useClaims = (id: string) =>
  useCached(['claims', id], () => unwrap(api.GET('/api/v1/funds/{id}/claims', { params: { path: { id } } })));
export const useCompanies = () => useCached(['companies'], () => unwrap(api.GET('/api/v1/property-companies')));
export const useCompanyFigures = (id: string) =>
  useCached(['figures', id], () =>
    unwrap(api.GET('/api/v1/property-companies/{id}/figures', { params: { path: { id } } })),
  );

function useRefresh() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: KEY });
}

/** A movement as multipart: the JSON in `payload`, the receipt's photo in `receipt`. */
export function useRecordMovement(fundId: string) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: async ({ body, receipt }: { body: MovementBody; receipt: File }) => {
      const form = new FormData();
      form.append('payload', JSON.stringify(body));
      form.append('receipt', receipt, receipt.name);
      const response = await sendRaw(`/api/v1/funds/${fundId}/movements`, { method: 'POST', body: form });
      return (await response.json()) as { balanceFen: number };
    },
    onSuccess: refresh,
  });
}

export function useDecideClaim(fundId: string) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ claimId, isConfirmed, note }: { claimId: string; isConfirmed: boolean; note?: string }) =>
      unwrap(
        api.POST('/api/v1/funds/{id}/claims/{claimId}/decide', {
          params: { path: { id: fundId, claimId } },
          body: { isConfirmed, ...(note === undefined ? {} : { note }) },
        }),
      ),
    onSuccess: refresh,
  });
}

/** A write on funds; every fund view is read again after it. */
export function useFundMutation<I, O>(fn: (input: I) => Promise<O>) {
  const refresh = useRefresh();
  return useMutation({ mutationFn: fn, onSuccess: refresh });
}
