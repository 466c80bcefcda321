import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import type { OrgLevel } from '../../../api/types';

/** Query keys of the org domain; invalidating `orgKeys.all` refreshes tree, details, stats and map. */
export const orgKeys = {
  all: ['orgs'] as const,
  roots: () => ['orgs', 'roots'] as const,
  unit: (id: string) => ['orgs', 'unit', id] as const,
  children: (id: string) => ['orgs', 'children', id] as const,
  ancestors: (id: string) => ['orgs', 'ancestors', id] as const,
  stats: (id: string) => ['orgs', 'stats', id] as const,
  map: (id: string) => ['orgs', 'map', id] as const,
  search: (q: string, level?: OrgLevel) => ['orgs', 'search', q, level ?? null] as const,
};

export const rootsQuery = () =>
  queryOptions({
    queryKey: orgKeys.roots(),
    queryFn: async () => (await unwrap(api.GET('/api/v1/orgs/roots'))).items,
  });

export const childrenQuery = (id: string) =>
  queryOptions({
    queryKey: orgKeys.children(id),
    queryFn: async () => (await unwrap(api.GET('/api/v1/orgs/{id}/children', { params: { path: { id } } }))).items,
  });

export const ancestorsQuery = (id: string) =>
  queryOptions({
    queryKey: orgKeys.ancestors(id),
    queryFn: async () => (await unwrap(api.GET('/api/v1/orgs/{id}/ancestors', { params: { path: { id } } }))).items,
  });

export const useOrgUnit = (id: string | undefined) =>
  useQuery({
    queryKey: orgKeys.unit(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== undefined,
  });

export const useOrgAncestors = (id: string | undefined) =>
  useQuery({ ...ancestorsQuery(id ?? ''), enabled: id !== undefined });

export const useOrgStats = (id: string | undefined) =>
  useQuery({
    queryKey: orgKeys.stats(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{id}/stats', { params: { path: { id: id ?? '' } } })),
    enabled: id !== undefined,
  });

export const useOrgMap = (id: string | undefined) =>
  useQuery({
    queryKey: orgKeys.map(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/orgs/{id}/map', { params: { path: { id: id ?? '' } } })),
    enabled: id !== undefined,
  });

export const useMeta = () =>
  useQuery({
    queryKey: ['meta'],
    queryFn: () => unwrap(api.GET('/api/v1/meta')),
    staleTime: Infinity,
  });

/** Units in the user's scope whose name or division code matches `q`. */
export async function searchOrgs(q: string, level?: OrgLevel) {
  const query = { q, limit: 20, ...(level === undefined ? {} : { level }) };
  return (await unwrap(api.GET('/api/v1/orgs/search', { params: { query } }))).items;
}
