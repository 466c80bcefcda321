import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { getBurden } from '../tasks/burden.ts';
import {
  Burden,
  BurdenQuery,
  CasePanel,
  CasePanelQuery,
  Children,
  OrgParams,
  Population,
  ServicePanel,
  ServicePanelQuery,
  Summary,
  Trends,
  TrendsQuery,
  VisitPanel,
} from './schema.ts';
import { getCasePanel, getChildren, getPopulation, getSummary, getTrends, getVisitPanel } from './service.ts';
import { getServicePanel } from './services.ts';

const tags = ['insights'];
const scope = { params: { orgId: 'org' } } as const;
const base = { tags, auth: 'insight.read', scope, params: OrgParams } as const;

/** 大数据驾驶舱: one route per panel, each read from the live counters of one unit (or its children). */
export function insightRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      ...base,
      method: 'GET',
      url: '/api/v1/insights/:orgId/summary',
      summary: '驾驶舱概览与面包屑 / Headline figures and breadcrumb',
      response: Summary,
      handler: ({ actor, params }) => getSummary(deps, actor, params.orgId),
    }),
    defineRoute({
      ...base,
      method: 'GET',
      url: '/api/v1/insights/:orgId/children',
      summary: '下一级单位的数据（下钻）/ Figures for each unit one level down',
      response: Children,
      handler: ({ actor, params }) => getChildren(deps, actor, params.orgId),
    }),
    defineRoute({
      ...base,
      method: 'GET',
      url: '/api/v1/insights/:orgId/population',
      summary: '人口结构 / Population by age band, gender, residence type and care tag',
      response: Population,
      handler: ({ actor, params }) => getPopulation(deps, actor, params.orgId),
    }),
    defineRoute({
      ...base,
      method: 'GET',
      url: '/api/v1/insights/:orgId/cases',
      summary: '诉求分析 / Cases by state, item and handling level, with the three rates',
      query: CasePanelQuery,
      response: CasePanel,
      handler: ({ actor, params, query }) => getCasePanel(deps, actor, params.orgId, query),
    }),
    defineRoute({
      ...base,
      method: 'GET',
      url: '/api/v1/insights/:orgId/visits',
      summary: '走访覆盖 / Visit coverage',
      response: VisitPanel,
      handler: ({ actor, params }) => getVisitPanel(deps, actor, params.orgId),
    }),
    defineRoute({
      ...base,
      method: 'GET',
      url: '/api/v1/insights/:orgId/trends',
      summary: '月度趋势 / Trends by month',
      query: TrendsQuery,
      response: Trends,
      handler: ({ actor, params, query }) => getTrends(deps, actor, params.orgId, query.months),
    }),
    defineRoute({
      ...base,
      method: 'GET',
      url: '/api/v1/insights/:orgId/services',
      summary:
        '公共服务 / Services: rooms, canteen, volunteering and points, councils, funds, notices — a month, with drill-down',
      query: ServicePanelQuery,
      response: ServicePanel,
      handler: ({ actor, params, query }) => getServicePanel(deps, actor, params.orgId, query.month),
    }),
    defineRoute({
      ...base,
      method: 'GET',
      url: '/api/v1/insights/:orgId/burden',
      summary: '减负台账 / Burden ledger: tasks received, refused, admitted; cells generated vs typed',
      query: BurdenQuery,
      response: Burden,
      handler: ({ actor, params, query }) => getBurden(deps, actor, params.orgId, query),
    }),
  ];
}
