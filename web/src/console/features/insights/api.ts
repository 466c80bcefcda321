import { api, unwrap } from '../../../api/client';
import type {
  BurdenLedger,
  InsightCases,
  InsightChildren,
  InsightPopulation,
  InsightServices,
  InsightSummary,
  InsightTrends,
  InsightVisits,
} from '../../../api/types';

/**
 * The live-insights answers (大数据驾驶舱), as docs/insights.md describes them. Every panel is its own
 * endpoint, so one slow figure never holds up the others.
 */
export type {
  BurdenLedger,
  InsightCases,
  InsightChildren,
  InsightPopulation,
  InsightServices,
  InsightSummary,
  InsightVisits,
};
export type UnitRef = InsightSummary['unit'];
export type ChildFigures = InsightChildren['items'][number];
export type TrendMonth = InsightTrends['months'][number];
export type BurdenTotals = BurdenLedger['totals'];
export interface Labelled {
  label_zh: string;
  label_en: string;
}

const org = (orgId: string) => ({ path: { orgId } });

export const insightsApi = {
  summary: (orgId: string) => unwrap(api.GET('/api/v1/insights/{orgId}/summary', { params: org(orgId) })),
  children: (orgId: string) => unwrap(api.GET('/api/v1/insights/{orgId}/children', { params: org(orgId) })),
  population: (orgId: string) => unwrap(api.GET('/api/v1/insights/{orgId}/population', { params: org(orgId) })),
  cases: (orgId: string, period: { from?: string; to?: string }) =>
    unwrap(api.GET('/api/v1/insights/{orgId}/cases', { params: { ...org(orgId), query: period } })),
  visits: (orgId: string) => unwrap(api.GET('/api/v1/insights/{orgId}/visits', { params: org(orgId) })),
  trends: (orgId: string, months = 12) =>
    unwrap(api.GET('/api/v1/insights/{orgId}/trends', { params: { ...org(orgId), query: { months } } })),
  services: (orgId: string, month: string) =>
    unwrap(api.GET('/api/v1/insights/{orgId}/services', { params: { ...org(orgId), query: { month } } })),
  burden: (orgId: string, range: { from: string; to: string }) =>
    unwrap(api.GET('/api/v1/insights/{orgId}/burden', { params: { ...org(orgId), query: range } })),
};
