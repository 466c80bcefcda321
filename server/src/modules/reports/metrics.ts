import type { VisitWindow } from '../fieldwork/standing.ts';
import { type UnitCounters, openCaseFigures, sumOf, visitFigures } from '../insights/counters.ts';
import { CASE_ITEM_DIMS, RES_DIMS, TAG_DIMS } from '../insights/facts.ts';
import type { MetricFilter } from './schema.ts';

/**
 * The metric catalogue (一表通): every figure a report can ask for, defined once. When two departments
 * ask for "elderly living alone", both templates name the same metric, so both get the same number.
 * Later modules (canteen, points, rooms) add their metrics here, read from their own counters.
 */
export type FilterKey = keyof MetricFilter;

export interface MetricDef {
  id: string;
  label_zh: string;
  label_en: string;
  source: 'registry' | 'cases' | 'visits';
  unit_zh: string;
  filters: FilterKey[];
  isRatio: boolean;
  /** the counter facts it reads */
  facts: string[];
}

/** A value before totals: a count, or a ratio kept as its parts so that totals are ratios of sums. */
export interface Value {
  num: number;
  den: number | null;
}

export interface EvalContext {
  /** the report period 'YYYY-MM' */
  period: string;
  /** today, this month and the due-soon days in Asia/Shanghai, for visit figures (as the dashboard reads them) */
  visits: VisitWindow;
}

const RESIDENT_FILTERS: FilterKey[] = ['ageMin', 'ageMax', 'gender', 'residenceType', 'careTag'];

const metric = (
  id: string,
  label_zh: string,
  label_en: string,
  source: MetricDef['source'],
  unit_zh: string,
  filters: FilterKey[],
  facts: string[],
  isRatio = false,
): MetricDef => ({ id, label_zh, label_en, source, unit_zh, filters, isRatio, facts });

export const METRICS: MetricDef[] = [
  metric('residents.count', '居民人数', 'Residents', 'registry', '人', RESIDENT_FILTERS, ['res', 'tag']),
  metric('residents.careTagged', '关爱对象人数', 'Residents with a care tag', 'registry', '人', [], ['tagged']),
  metric('households.count', '户数', 'Households', 'registry', '户', [], ['hh']),
  metric(
    'cases.received',
    '受理诉求数',
    'Cases received',
    'cases',
    '件',
    ['dutyItemCode', 'period'],
    ['case.received', 'case.item'],
  ),
  metric('cases.open', '在办诉求数', 'Open cases', 'cases', '件', [], ['case.state']),
  metric('cases.overdue', '超期在办诉求数', 'Open overdue cases', 'cases', '件', [], ['case.state']),
  metric(
    'cases.resolved',
    '办结诉求数',
    'Cases resolved',
    'cases',
    '件',
    ['dutyItemCode', 'period'],
    ['case.resolved'],
  ),
  metric('cases.closed', '关闭诉求数', 'Cases closed', 'cases', '件', ['period'], ['case.closed']),
  metric('cases.solved', '解决诉求数', 'Cases solved', 'cases', '件', ['period'], ['case.solved']),
  metric('cases.rated', '评价诉求数', 'Cases rated', 'cases', '件', ['period'], ['case.rated']),
  metric('cases.satisfied', '满意诉求数', 'Cases rated satisfied', 'cases', '件', ['period'], ['case.satisfied']),
  metric(
    'cases.responseRate',
    '响应率（按发生地）',
    'Response rate (by place)',
    'cases',
    '%',
    ['period'],
    ['case.ontime', 'case.received'],
    true,
  ),
  metric(
    'cases.resolutionRate',
    '解决率（按发生地）',
    'Resolution rate (by place)',
    'cases',
    '%',
    ['period'],
    ['case.solved', 'case.closed'],
    true,
  ),
  metric(
    'cases.satisfactionRate',
    '满意率（按发生地）',
    'Satisfaction rate (by place)',
    'cases',
    '%',
    ['period'],
    ['case.satisfied', 'case.rated'],
    true,
  ),
  metric('visits.tracked', '纳入走访户数', 'Households under visit policy', 'visits', '户', [], ['visit.tracked']),
  metric('visits.overdue', '走访超期户数', 'Households overdue for a visit', 'visits', '户', [], ['visit.due']),
  metric('visits.dueSoon', '7日内到期户数', 'Households due within 7 days', 'visits', '户', [], ['visit.due']),
  metric('visits.neverVisited', '从未走访户数', 'Households never visited', 'visits', '户', [], ['visit.due', 'hh']),
  metric('visits.coverage', '走访覆盖率', 'Visit coverage', 'visits', '%', [], ['visit.due', 'hh'], true),
];

export const METRIC_BY_ID = new Map(METRICS.map((m) => [m.id, m]));

/** The months a cases metric counts: the report month, the year up to it, or every month. */
function periodTest(filter: MetricFilter, period: string): (dims: string) => boolean {
  const which = filter.period ?? 'report';
  if (which === 'all') return () => true;
  const from = which === 'report' ? period : `${period.slice(0, 4)}-01`;
  return (dims: string) => {
    const month = dims.slice(0, 7);
    return month >= from && month <= period;
  };
}

interface ResidentGroup {
  tag: string;
  gender: string;
  birthYear: number;
  type: string;
  n: number;
}

const parsedGroups = new WeakMap<readonly [string, number][], ResidentGroup[]>();

/**
 * A unit's `res` (gender|birth year|type) or `tag` (tag|gender|birth year|type) counters split into
 * fields once: a report asks the same unit for many resident columns, each a pass over hundreds of them.
 */
function residentGroups(c: UnitCounters, fact: 'res' | 'tag'): ResidentGroup[] {
  const list = c.get(fact) ?? [];
  let groups = parsedGroups.get(list);
  if (groups === undefined) {
    groups = list.map(([dims, n]) => {
      const d = fact === 'tag' ? TAG_DIMS.decode(dims) : { tag: '', ...RES_DIMS.decode(dims) };
      return { tag: d.tag, gender: d.gender, birthYear: Number(d.birthYear), type: d.residenceType, n };
    });
    parsedGroups.set(list, groups);
  }
  return groups;
}

/** Residents matching the filter; age = the report year − birth year, as everywhere in insights. */
function countResidents(c: UnitCounters, filter: MetricFilter, period: string): number {
  const year = Number(period.slice(0, 4));
  let ageMin = filter.ageMin ?? 0;
  const ageMax = filter.ageMax ?? 999;
  let tag = filter.careTag;
  if (tag === 'over_80') {
    ageMin = Math.max(ageMin, 80);
    tag = undefined;
  }
  let total = 0;
  for (const g of residentGroups(c, tag === undefined ? 'res' : 'tag')) {
    const age = year - g.birthYear;
    if (
      (tag === undefined || g.tag === tag) &&
      age >= ageMin &&
      age <= ageMax &&
      (filter.gender === undefined || g.gender === filter.gender) &&
      (filter.residenceType === undefined || g.type === filter.residenceType)
    )
      total += g.n;
  }
  return total;
}

/** One metric for one unit, from the unit's counters. */
export function evaluateMetric(id: string, filter: MetricFilter, c: UnitCounters, ctx: EvalContext): Value {
  const inPeriod = periodTest(filter, ctx.period);
  const count = (num: number): Value => ({ num, den: null });
  const part = (fact: string) => sumOf(c, fact, inPeriod);
  switch (id) {
    case 'residents.count':
      return count(countResidents(c, filter, ctx.period));
    case 'residents.careTagged':
      return count(sumOf(c, 'tagged'));
    case 'households.count':
      return count(sumOf(c, 'hh'));
    case 'cases.received':
      return filter.dutyItemCode === undefined
        ? count(part('case.received'))
        : count(sumOf(c, 'case.item', (d) => inPeriod(d) && CASE_ITEM_DIMS.decode(d).dutyCode === filter.dutyItemCode));
    case 'cases.open':
      return count(openCaseFigures(c).open);
    case 'cases.overdue':
      return count(openCaseFigures(c).overdue);
    case 'cases.resolved':
      return count(
        sumOf(
          c,
          'case.resolved',
          (d) =>
            inPeriod(d) &&
            (filter.dutyItemCode === undefined || CASE_ITEM_DIMS.decode(d).dutyCode === filter.dutyItemCode),
        ),
      );
    case 'cases.closed':
      return count(part('case.closed'));
    case 'cases.solved':
      return count(part('case.solved'));
    case 'cases.rated':
      return count(part('case.rated'));
    case 'cases.satisfied':
      return count(part('case.satisfied'));
    case 'cases.responseRate':
      return { num: part('case.ontime'), den: part('case.received') };
    case 'cases.resolutionRate':
      return { num: part('case.solved'), den: part('case.closed') };
    case 'cases.satisfactionRate':
      return { num: part('case.satisfied'), den: part('case.rated') };
    case 'visits.tracked':
      return count(sumOf(c, 'visit.tracked'));
    case 'visits.overdue':
      return count(visitFigures(c, ctx.visits).overdue);
    case 'visits.dueSoon':
      return count(visitFigures(c, ctx.visits).dueSoon);
    case 'visits.neverVisited':
      return count(visitFigures(c, ctx.visits).neverVisited);
    case 'visits.coverage': {
      const v = visitFigures(c, ctx.visits);
      return { num: v.covered, den: v.households };
    }
    default:
      return count(0);
  }
}
