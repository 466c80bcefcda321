import type { VisitWindow } from '../fieldwork/standing.ts';
import { type UnitCounters, openCaseFigures, sumOf, visitFigures } from '../insights/counters.ts';
import { CASE_ITEM_DIMS, RES_DIMS, TAG_DIMS } from '../insights/facts.ts';
import {
  SERVICE_FACTS,
  canteenFigures,
  councilFigures,
  elderlyOf,
  fundFigures,
  noticeFigures,
  volunteeringFigures,
} from '../insights/services.ts';
import { venueTallies } from '../venues/figures.ts';
import type { MetricFilter } from './schema.ts';

/** The services' metric groups (issues 13–15): each reads the services' counters (insights/services.ts). */
export type MetricSourceOfService = 'venues' | 'canteen' | 'volunteering' | 'councils' | 'funds' | 'notices';

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
  source: 'registry' | 'cases' | 'visits' | MetricSourceOfService;
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

/** [id, label zh, label en, group, unit, counted by month (takes the period filter), is a ratio] */
const SERVICE_METRICS: [string, string, string, MetricSourceOfService, string, boolean, boolean][] = [
  ['venues.hoursUsed', '阵地使用时长', 'Room hours used', 'venues', '小时', true, false],
  ['venues.residentShare', '居民使用占比', "Residents' share of room use", 'venues', '%', true, true],
  ['venues.peopleServed', '阵地服务人次', 'People served in the rooms', 'venues', '人次', true, false],
  ['venues.activitiesHeld', '举办活动数', 'Activities held', 'venues', '场', true, false],
  ['venues.noShows', '预约未到场次数', 'Booking no-shows', 'venues', '次', true, false],
  ['canteen.mealsServed', '助餐服务份数', 'Meals served', 'canteen', '份', true, false],
  ['canteen.delivered', '送餐上门份数', 'Meals delivered', 'canteen', '份', true, false],
  ['canteen.diners', '助餐老人数', 'Canteen diners', 'canteen', '人', false, false],
  ['canteen.dinerShare', '助餐老人占老年人比例', 'Diners as a share of the elderly (60+)', 'canteen', '%', false, true],
  ['canteen.costFen', '助餐成本', 'Cost of the meals served', 'canteen', '分', true, false],
  ['canteen.subsidyFen', '助餐补贴支出', 'Meal subsidy spent', 'canteen', '分', true, false],
  ['volunteering.volunteers', '志愿者人数', 'Volunteers', 'volunteering', '人', true, false],
  ['volunteering.hours', '志愿服务时长', 'Volunteer hours', 'volunteering', '小时', true, false],
  ['points.earned', '积分发放', 'Points earned', 'volunteering', '分', true, false],
  ['points.spent', '积分兑换消耗', 'Points spent', 'volunteering', '分', true, false],
  ['store.redemptions', '积分超市兑换次数', 'Store redemptions', 'volunteering', '次', true, false],
  ['dual.members', '双报到党员人数', '双报到 members', 'volunteering', '人', false, false],
  ['dual.hours', '双报到服务时长', '双报到 hours served', 'volunteering', '小时', true, false],
  ['alliance.projectsDone', '党建联盟完成项目数', 'Alliance projects done', 'volunteering', '个', true, false],
  ['councils.topics', '议事议题数', 'Council topics', 'councils', '个', true, false],
  ['councils.meetingsHeld', '议事会召开次数', 'Council meetings held', 'councils', '次', true, false],
  ['councils.decisions', '议事决定数', 'Council decisions', 'councils', '项', true, false],
  ['councils.progress', '决定事项完成率', "Decisions' follow-up done", 'councils', '%', true, true],
  ['funds.ownersFen', '业主自筹收入', 'Owners’ contributions', 'funds', '分', true, false],
  ['funds.subsidyFen', '政府补贴收入', 'Government subsidies', 'funds', '分', true, false],
  ['funds.companyFen', '物业调配收入', 'Property company’s share', 'funds', '分', true, false],
  ['funds.spendingFen', '物业资金支出', 'Fund spending', 'funds', '分', true, false],
  ['funds.arrearsFen', '业主欠缴金额', 'Owners’ arrears', 'funds', '分', false, false],
  ['notices.sent', '发布政策通知数', 'Notices sent', 'notices', '条', true, false],
  ['notices.reached', '通知送达户数', 'Households a notice reached', 'notices', '户', true, false],
  ['notices.readShare', '通知阅读率', 'Notices read (share of households)', 'notices', '%', true, true],
];

/** The counter facts each group of service metrics reads. */
const GROUP_FACTS: Record<MetricSourceOfService, (fact: string) => boolean> = {
  venues: (f) => f.startsWith('venue.'),
  canteen: (f) => f.startsWith('canteen.') || f === 'res',
  volunteering: (f) => /^(points|store|vol|dual|alliance)\./.test(f),
  councils: (f) => f.startsWith('council.'),
  funds: (f) => f.startsWith('fund.'),
  notices: (f) => f.startsWith('notice.'),
};

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
  ...SERVICE_METRICS.map(([id, zh, en, source, unit, isMonthly, isRatio]) =>
    metric(id, zh, en, source, unit, isMonthly ? ['period'] : [], SERVICE_FACTS.filter(GROUP_FACTS[source]), isRatio),
  ),
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
      return evaluateServiceMetric(id, c, { inPeriod, today: ctx.visits.today, year: Number(ctx.period.slice(0, 4)) });
  }
}

/** A service metric (SERVICE_METRICS) from the services' figures of a unit's counters (insights/services.ts). */
function evaluateServiceMetric(
  id: string,
  c: UnitCounters,
  w: { inPeriod: (dims: string) => boolean; today: string; year: number },
): Value {
  const count = (num: number): Value => ({ num, den: null });
  switch (id) {
    case 'venues.hoursUsed':
    case 'venues.residentShare':
    case 'venues.peopleServed':
    case 'venues.activitiesHeld':
    case 'venues.noShows': {
      const t = venueTallies(c, w.inPeriod, w.today).total;
      if (id === 'venues.residentShare') return { num: t.residentMinutes, den: t.minutes };
      if (id === 'venues.hoursUsed') return count(Math.round(t.minutes / 6) / 10);
      return count(id === 'venues.peopleServed' ? t.people : id === 'venues.activitiesHeld' ? t.held : t.noShows);
    }
    case 'canteen.mealsServed':
      return count(canteenFigures(c, w).mealsServed);
    case 'canteen.delivered':
      return count(canteenFigures(c, w).delivered);
    case 'canteen.diners':
      return count(canteenFigures(c, w).diners);
    case 'canteen.dinerShare':
      return { num: canteenFigures(c, w).diners, den: elderlyOf(c, w.year) };
    case 'canteen.costFen':
      return count(canteenFigures(c, w).costFen);
    case 'canteen.subsidyFen':
      return count(canteenFigures(c, w).subsidyFen);
    case 'volunteering.volunteers':
      return count(volunteeringFigures(c, w).volunteers);
    case 'volunteering.hours':
      return count(volunteeringFigures(c, w).volunteerHours);
    case 'points.earned':
      return count(volunteeringFigures(c, w).pointsEarned);
    case 'points.spent':
      return count(volunteeringFigures(c, w).pointsSpent);
    case 'store.redemptions':
      return count(volunteeringFigures(c, w).redemptions);
    case 'dual.members':
      return count(volunteeringFigures(c, w).dualMembers);
    case 'dual.hours':
      return count(volunteeringFigures(c, w).dualHours);
    case 'alliance.projectsDone':
      return count(volunteeringFigures(c, w).projectsDone);
    case 'councils.topics':
      return count(councilFigures(c, w).topics);
    case 'councils.meetingsHeld':
      return count(councilFigures(c, w).meetingsHeld);
    case 'councils.decisions':
      return count(councilFigures(c, w).decisions);
    case 'councils.progress': {
      const f = councilFigures(c, w);
      return { num: f.milestonesDone, den: f.milestones };
    }
    case 'funds.ownersFen':
      return count(fundFigures(c, w).ownersFen);
    case 'funds.subsidyFen':
      return count(fundFigures(c, w).subsidyFen);
    case 'funds.companyFen':
      return count(fundFigures(c, w).companyFen);
    case 'funds.spendingFen':
      return count(fundFigures(c, w).spendingFen);
    case 'funds.arrearsFen':
      return count(fundFigures(c, w).arrearsFen);
    case 'notices.sent':
      return count(noticeFigures(c, w).sent);
    case 'notices.reached':
      return count(noticeFigures(c, w).reached);
    case 'notices.readShare': {
      const f = noticeFigures(c, w);
      return { num: f.read, den: f.reached };
    }
    default:
      return count(0);
  }
}
