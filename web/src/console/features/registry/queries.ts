import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import type { ResidentSearchBody } from '../../../api/types';

export interface HouseholdListParams {
  orgId: string | undefined;
  q: string;
  page: number;
  pageSize: number;
}

/** Query keys of the registry; invalidating `registryKeys.all` refreshes every list and detail. */
export const registryKeys = {
  all: ['registry'] as const,
  careTags: (orgId?: string) => ['registry', 'care-tags', orgId ?? 'mine'] as const,
  moveRequests: (direction: 'incoming' | 'outgoing') => ['registry', 'move-requests', direction] as const,
  households: (params: HouseholdListParams) => ['registry', 'households', params] as const,
  household: (id: string) => ['registry', 'household', id] as const,
  resident: (id: string) => ['registry', 'resident', id] as const,
  residentHistory: (id: string) => ['registry', 'resident-history', id] as const,
  search: (body: ResidentSearchBody) => ['registry', 'search', body] as const,
  imports: () => ['registry', 'imports'] as const,
  importJob: (id: string) => ['registry', 'import', id] as const,
};

/** The care tags usable at a unit (built-in ones and the unit's own), or wherever the caller works. */
export const useCareTags = (orgId?: string) =>
  useQuery({
    queryKey: registryKeys.careTags(orgId),
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/care-tags', { params: { query: orgId === undefined ? {} : { orgId } } }))).items,
    staleTime: 5 * 60_000,
  });

export const useMoveRequests = (direction: 'incoming' | 'outgoing') =>
  useQuery({
    queryKey: registryKeys.moveRequests(direction),
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/resident-move-requests', { params: { query: { direction } } }))).items,
  });

export const useHouseholds = (params: HouseholdListParams) =>
  useQuery({
    queryKey: registryKeys.households(params),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/households', {
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

export const useHousehold = (id: string | undefined) =>
  useQuery({
    queryKey: registryKeys.household(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/households/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== undefined,
  });

export const useResidentHistory = (id: string | undefined) =>
  useQuery({
    queryKey: registryKeys.residentHistory(id ?? ''),
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/residents/{id}/history', { params: { path: { id: id ?? '' } } }))).items,
    enabled: id !== undefined,
  });

/** Residents matching `body`; ID and phone numbers travel in the POST body, never in a URL. */
export const useResidentSearch = (body: ResidentSearchBody, isEnabled = true) =>
  useQuery({
    queryKey: registryKeys.search(body),
    queryFn: () => unwrap(api.POST('/api/v1/residents/search', { body })),
    placeholderData: keepPreviousData,
    enabled: isEnabled,
  });

export const useImportJobs = () =>
  useQuery({
    queryKey: registryKeys.imports(),
    queryFn: async () => (await unwrap(api.GET('/api/v1/residents/imports'))).items,
  });
