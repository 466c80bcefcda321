import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type Coverage = Json<paths['/api/v1/orgs/{id}/coverage']['get']['responses'][200]>;
export type CoverageFigures = Omit<Coverage['children'][number], 'unit'>;
export type LinkagePage = Json<paths['/api/v1/orgs/{id}/linkages']['get']['responses'][200]>;
export type Linkage = LinkagePage['items'][number];
export type LinkageKind = Linkage['kind'];
export type LinkageCreateBody = Json<NonNullable<paths['/api/v1/orgs/{id}/linkages']['post']['requestBody']>>;
export type Gap = Json<paths['/api/v1/orgs/{id}/linkage-gaps']['get']['responses'][200]>['items'][number];
export type Load = Json<paths['/api/v1/orgs/{id}/linkage-load']['get']['responses'][200]>['items'][number];
export type Policy = Json<paths['/api/v1/orgs/{id}/visit-policies']['get']['responses'][200]>['items'][number];
export type HouseholdChange = Json<
  paths['/api/v1/orgs/{id}/household-changes']['get']['responses'][200]
>['items'][number];
export type Visit = Json<paths['/api/v1/households/{id}/visits']['get']['responses'][200]>['items'][number];

export const LINKAGE_KINDS: readonly LinkageKind[] = [
  'fanxiang_zouqin',
  'zhucun_lianxin',
  'ruwang_zhixin',
  'lianhu_jiaoxin',
];

export const fieldworkKeys = {
  all: ['fieldwork'] as const,
  coverage: (orgId: string, month: string) => ['fieldwork', 'coverage', orgId, month] as const,
  linkages: (orgId: string, query: object) => ['fieldwork', 'linkages', orgId, query] as const,
  gaps: (orgId: string, page: number, pageSize: number) => ['fieldwork', 'gaps', orgId, page, pageSize] as const,
  load: (orgId: string) => ['fieldwork', 'load', orgId] as const,
  policies: (orgId: string) => ['fieldwork', 'policies', orgId] as const,
  changes: (orgId: string, state: string) => ['fieldwork', 'changes', orgId, state] as const,
  visits: (householdId: string) => ['fieldwork', 'visits', householdId] as const,
};

export const useCoverage = (orgId: string | undefined, month: string) =>
  useQuery({
    queryKey: fieldworkKeys.coverage(orgId ?? '', month),
    queryFn: () =>
      unwrap(api.GET('/api/v1/orgs/{id}/coverage', { params: { path: { id: orgId ?? '' }, query: { month } } })),
    enabled: orgId !== undefined,
    placeholderData: keepPreviousData,
  });

export interface LinkageQuery {
  kind?: LinkageKind;
  userId?: string;
  page: number;
  pageSize: number;
}

export const useLinkages = (orgId: string | undefined, query: LinkageQuery) =>
  useQuery({
    queryKey: fieldworkKeys.linkages(orgId ?? '', query),
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{id}/linkages', { params: { path: { id: orgId ?? '' }, query } })),
    enabled: orgId !== undefined,
    placeholderData: keepPreviousData,
  });

export const useGaps = (orgId: string | undefined, page: number, pageSize: number) =>
  useQuery({
    queryKey: fieldworkKeys.gaps(orgId ?? '', page, pageSize),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/orgs/{id}/linkage-gaps', { params: { path: { id: orgId ?? '' }, query: { page, pageSize } } }),
      ),
    enabled: orgId !== undefined,
    placeholderData: keepPreviousData,
  });

export const useLoad = (orgId: string | undefined) =>
  useQuery({
    queryKey: fieldworkKeys.load(orgId ?? ''),
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/orgs/{id}/linkage-load', { params: { path: { id: orgId ?? '' } } }))).items,
    enabled: orgId !== undefined,
  });

export const usePolicies = (orgId: string | undefined) =>
  useQuery({
    queryKey: fieldworkKeys.policies(orgId ?? ''),
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/orgs/{id}/visit-policies', { params: { path: { id: orgId ?? '' } } }))).items,
    enabled: orgId !== undefined,
  });

export const useHouseholdChanges = (orgId: string | undefined, state: 'proposed' | 'stale') =>
  useQuery({
    queryKey: fieldworkKeys.changes(orgId ?? '', state),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/orgs/{id}/household-changes', {
          params: { path: { id: orgId ?? '' }, query: { state, pageSize: 200 } },
        }),
      ),
    enabled: orgId !== undefined,
  });

export const useHouseholdVisits = (householdId: string) =>
  useQuery({
    queryKey: fieldworkKeys.visits(householdId),
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/households/{id}/visits', { params: { path: { id: householdId } } }))).items,
  });

/** A field-work write; afterwards every field-work figure and list is read again. */
export function useFieldworkMutation<V, R>(send: (vars: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: fieldworkKeys.all }),
  });
}

export const createLinkages = (orgId: string, body: LinkageCreateBody) =>
  unwrap(api.POST('/api/v1/orgs/{id}/linkages', { params: { path: { id: orgId } }, body }));

export const deleteLinkage = (id: string) => unwrap(api.DELETE('/api/v1/linkages/{id}', { params: { path: { id } } }));

export const savePolicies = (orgId: string, items: { careTag: string | null; intervalDays: number }[]) =>
  unwrap(api.PUT('/api/v1/orgs/{id}/visit-policies', { params: { path: { id: orgId } }, body: { items } }));

export const applyChange = (id: string) =>
  unwrap(api.POST('/api/v1/household-changes/{id}/apply', { params: { path: { id } } }));

export const rejectChange = (id: string, reason: string) =>
  unwrap(
    api.POST('/api/v1/household-changes/{id}/reject', {
      params: { path: { id } },
      body: reason.trim() === '' ? {} : { reason: reason.trim() },
    }),
  );
