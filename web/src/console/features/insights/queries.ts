import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { insightsApi } from './api';

/** Panels refresh this often while open: a new resident shows within seconds, not after a nightly batch. */
export const REFRESH_MS = 10_000;

export const insightKeys = {
  all: ['insights'] as const,
  panel: (orgId: string, panel: string, extra: unknown = null) => ['insights', orgId, panel, extra] as const,
};

const live = { refetchInterval: REFRESH_MS, staleTime: 0, placeholderData: keepPreviousData };

export const useInsightSummary = (orgId: string | undefined) =>
  useQuery({
    queryKey: insightKeys.panel(orgId ?? '', 'summary'),
    queryFn: () => insightsApi.summary(orgId!),
    enabled: orgId !== undefined,
    ...live,
  });

/** The drill-down of a unit; not asked for where its summary says nothing lies below (a grid). */
export const useInsightChildren = (orgId: string | undefined, hasChildren: boolean) =>
  useQuery({
    queryKey: insightKeys.panel(orgId ?? '', 'children'),
    queryFn: () => insightsApi.children(orgId!),
    enabled: orgId !== undefined && hasChildren,
    ...live,
  });

export const useInsightPopulation = (orgId: string | undefined) =>
  useQuery({
    queryKey: insightKeys.panel(orgId ?? '', 'population'),
    queryFn: () => insightsApi.population(orgId!),
    enabled: orgId !== undefined,
    ...live,
  });

export const useInsightCases = (orgId: string | undefined, period: { from?: string; to?: string }) =>
  useQuery({
    queryKey: insightKeys.panel(orgId ?? '', 'cases', period),
    queryFn: () => insightsApi.cases(orgId!, period),
    enabled: orgId !== undefined,
    ...live,
  });

export const useInsightVisits = (orgId: string | undefined) =>
  useQuery({
    queryKey: insightKeys.panel(orgId ?? '', 'visits'),
    queryFn: () => insightsApi.visits(orgId!),
    enabled: orgId !== undefined,
    ...live,
  });

export const useInsightTrends = (orgId: string | undefined) =>
  useQuery({
    queryKey: insightKeys.panel(orgId ?? '', 'trends'),
    queryFn: async () => (await insightsApi.trends(orgId!)).months,
    enabled: orgId !== undefined,
    ...live,
  });

export const useBurden = (orgId: string | undefined, range: { from: string; to: string }) =>
  useQuery({
    queryKey: insightKeys.panel(orgId ?? '', 'burden', range),
    queryFn: () => insightsApi.burden(orgId!, range),
    enabled: orgId !== undefined,
    placeholderData: keepPreviousData,
  });

/** 公共服务: the services' figures of a unit for a month, with the units below. */
export const useInsightServices = (orgId: string | undefined, month: string) =>
  useQuery({
    queryKey: insightKeys.panel(orgId ?? '', 'services', month),
    queryFn: () => insightsApi.services(orgId!, month),
    enabled: orgId !== undefined,
    ...live,
  });
