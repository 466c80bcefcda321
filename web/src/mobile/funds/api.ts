import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, sendRaw, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type MyFund = Json<paths['/api/v1/my/funds/{id}']['get']['responses'][200]>;
export type FundMovement = MyFund['movements'][number];
export type FundClaim = MyFund['claims'][number];

const MY_FUNDS = ['my-funds'] as const;

export function useMyFunds() {
  return useQuery({ queryKey: MY_FUNDS, queryFn: () => unwrap(api.GET('/api/v1/my/funds')), staleTime: 0 });
}

export function useMyFund(id: string | undefined, month: string | undefined) {
  return useQuery({
    queryKey: [...MY_FUNDS, id, month ?? 'all'],
    enabled: id !== undefined,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/my/funds/{id}', {
          params: { path: { id: id! }, query: month === undefined ? {} : { month } },
        }),
      ),
    staleTime: 0,
  });
}

export interface ClaimInput {
  amountFen: number;
  paidOn: string;
  note?: string;
  clientKey: string;
}

/** 我已缴费: the claim as multipart (`payload` JSON, `receipt` photo); a retry with the same key counts once. */
export function useSubmitClaim(fundId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, receipt }: { body: ClaimInput; receipt: File }) => {
      const form = new FormData();
      form.append('payload', JSON.stringify(body));
      form.append('receipt', receipt, receipt.name);
      const response = await sendRaw(`/api/v1/my/funds/${fundId}/claims`, { method: 'POST', body: form });
      return (await response.json()) as FundClaim;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: MY_FUNDS }),
  });
}

export const newClientKey = () => `claim-${crypto.randomUUID()}`;
