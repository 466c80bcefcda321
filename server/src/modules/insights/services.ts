import { currentDay, currentMonth } from '../../platform/calendar.ts';
import type { Actor } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import { ratio } from '../../platform/ratio.ts';
import { VENUE_FACTS, venueFigure } from '../venues/figures.ts';
import { type UnitCounters, readDrillUnit, readUnitCounters, sumOf } from './counters.ts';
import { RES_DIMS } from './facts.ts';

/**
 * The figures of the resident-facing services (issues 13, 14, 15) from a unit's counters: the one
 * definition the dashboard's services panel, its drill-down and the 一表通 metrics (reports/metrics.ts)
 * all read. Counted by the services' figure sources (service-sources.ts); docs/figures.md defines each.
 */
export interface ServiceWindow {
  /** the months counted (dims start with the month or the day) */
  inPeriod: (dims: string) => boolean;
  /** today in Asia/Shanghai: no-shows and activities held depend on it */
  today: string;
  /** the year ages are counted in (the report's or this one): age = year − birth year, as everywhere */
  year: number;
}

export const SERVICE_FACTS = [
  ...VENUE_FACTS,
  'res',
  'canteen.orders',
  'canteen.served',
  'canteen.delivered',
  'canteen.cost',
  'canteen.billed',
  'canteen.diners',
  'points.moved',
  'store.redemptions',
  'store.units',
  'vol.minutes',
  'vol.people',
  'dual.minutes',
  'dual.people',
  'dual.members',
  'alliance.projects',
  'alliance.done',
  'council.topics',
  'council.held',
  'council.decisions',
  'council.milestones',
  'fund.moved',
  'fund.arrears',
  'fund.behind',
  'notice.sent',
  'notice.reached',
  'notice.read',
] as const;

const field = (dims: string, i: number) => dims.split('|')[i] ?? '';
const hours = (minutes: number) => Math.round(minutes / 6) / 10;

/** Living residents aged 60 or over (the elderly a canteen serves; the seed's 343 in 砂岗村). */
export function elderlyOf(c: UnitCounters, year: number): number {
  return sumOf(c, 'res', (d) => year - Number(RES_DIMS.decode(d).birthYear) >= 60);
}

export function canteenFigures(c: UnitCounters, w: ServiceWindow) {
  const served = sumOf(c, 'canteen.served', w.inPeriod);
  const cost = sumOf(c, 'canteen.cost', w.inPeriod);
  const diners = sumOf(c, 'canteen.diners');
  const elderly = elderlyOf(c, w.year);
  return {
    mealsOrdered: sumOf(c, 'canteen.orders', w.inPeriod),
    mealsServed: served,
    lunchServed: sumOf(c, 'canteen.served', (d) => w.inPeriod(d) && field(d, 2) === 'lunch'),
    dinnerServed: sumOf(c, 'canteen.served', (d) => w.inPeriod(d) && field(d, 2) === 'dinner'),
    delivered: sumOf(c, 'canteen.delivered', w.inPeriod),
    diners,
    regularDiners: sumOf(c, 'canteen.diners', (d) => field(d, 1) === '1'),
    elderly,
    dinerShare: ratio(diners, elderly),
    costFen: cost,
    /** cost per meal served, in whole fen */
    costPerMealFen: served === 0 ? null : Math.round(cost / served),
    subsidyFen: sumOf(c, 'canteen.billed', (d) => w.inPeriod(d) && field(d, 2) === 'subsidy'),
    paidFen: sumOf(c, 'canteen.billed', (d) => w.inPeriod(d) && field(d, 2) === 'diner'),
  };
}

/** Distinct users in `vol.people` (month|user) and `dual.people` (month|user|source) over the period. */
function volunteersOf(c: UnitCounters, w: ServiceWindow): number {
  const people = new Set<string>();
  for (const fact of ['vol.people', 'dual.people'])
    for (const [dims, n] of c.get(fact) ?? []) if (n > 0 && w.inPeriod(dims)) people.add(field(dims, 1));
  return people.size;
}

export function volunteeringFigures(c: UnitCounters, w: ServiceWindow) {
  const moved = (kind: string) => sumOf(c, 'points.moved', (d) => w.inPeriod(d) && field(d, 1) === kind);
  const volunteerMinutes =
    sumOf(c, 'vol.minutes', w.inPeriod) + sumOf(c, 'dual.minutes', (d) => w.inPeriod(d) && field(d, 1) !== 'need');
  return {
    volunteers: volunteersOf(c, w),
    volunteerHours: hours(volunteerMinutes),
    pointsEarned: moved('award') + moved('withdraw'),
    pointsDeducted: 0 - moved('deduct') + 0,
    pointsSpent: 0 - moved('redeem') - moved('reverse') + 0,
    redemptions: sumOf(c, 'store.redemptions', (d) => w.inPeriod(d) && field(d, 1) !== 'reversed'),
    itemsRedeemed: sumOf(c, 'store.units', (d) => w.inPeriod(d) && field(d, 1) !== 'reversed'),
    dualMembers: sumOf(c, 'dual.members'),
    dualConfirmed: sumOf(c, 'dual.members', w.inPeriod),
    dualHours: hours(sumOf(c, 'dual.minutes', w.inPeriod)),
    projects: sumOf(c, 'alliance.projects', (d) => field(d, 1) !== 'cancelled'),
    projectsDone: sumOf(c, 'alliance.done', w.inPeriod),
  };
}

export function councilFigures(c: UnitCounters, w: ServiceWindow) {
  const milestones = sumOf(c, 'council.milestones', w.inPeriod);
  const done = sumOf(c, 'council.milestones', (d) => w.inPeriod(d) && field(d, 1) === '1');
  return {
    topics: sumOf(c, 'council.topics', w.inPeriod),
    residentTopics: sumOf(c, 'council.topics', (d) => w.inPeriod(d) && field(d, 2) === 'resident'),
    meetingsHeld: sumOf(c, 'council.held', w.inPeriod),
    decisions: sumOf(c, 'council.decisions', w.inPeriod),
    adopted: sumOf(c, 'council.decisions', (d) => w.inPeriod(d) && field(d, 1) === 'adopted'),
    milestones,
    milestonesDone: done,
    progress: ratio(done, milestones),
  };
}

export function fundFigures(c: UnitCounters, w: ServiceWindow) {
  const moved = (source: string) => sumOf(c, 'fund.moved', (d) => w.inPeriod(d) && field(d, 1) === source);
  return {
    ownersFen: moved('owner'),
    subsidyFen: moved('subsidy'),
    companyFen: moved('company'),
    spendingFen: 0 - moved('spending') + 0,
    balanceFen: sumOf(c, 'fund.moved'),
    arrearsFen: sumOf(c, 'fund.arrears'),
    householdsBehind: sumOf(c, 'fund.behind'),
  };
}

export function noticeFigures(c: UnitCounters, w: ServiceWindow) {
  const reached = sumOf(c, 'notice.reached', w.inPeriod);
  const read = sumOf(c, 'notice.read', w.inPeriod);
  return { sent: sumOf(c, 'notice.sent', w.inPeriod), reached, read, readShare: ratio(read, reached) };
}

/** Every service figure of a unit's counters. */
export function serviceFigures(c: UnitCounters, w: ServiceWindow) {
  return {
    venues: venueFigure(c, w.inPeriod, w.today),
    canteen: canteenFigures(c, w),
    volunteering: volunteeringFigures(c, w),
    councils: councilFigures(c, w),
    funds: fundFigures(c, w),
    notices: noticeFigures(c, w),
  };
}

/** The window of one month 'YYYY-MM', as of now. */
export function monthWindow(month: string, now: Date): ServiceWindow {
  return { inPeriod: (dims) => dims.startsWith(month), today: currentDay(now), year: Number(month.slice(0, 4)) };
}

/** The services panel: a unit's service figures for a month, and each unit one level down (drill-down). */
export async function getServicePanel(deps: AppDeps, actor: Actor, orgId: string, month: string | undefined) {
  const now = deps.clock.now();
  const m = month ?? currentMonth(now);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(m))
    throw invalidField('month', 'invalid_month', { zh: '月份格式应为 YYYY-MM', en: 'The month must be YYYY-MM' });
  const [unit, drill] = await Promise.all([
    readUnitCounters(deps.database, actor, orgId, SERVICE_FACTS),
    readDrillUnit(deps.database, actor, orgId, SERVICE_FACTS),
  ]);
  if (unit === undefined || drill === undefined) throw notFound({ zh: '组织', en: 'Org unit' });
  const w = monthWindow(m, now);
  return {
    month: m,
    unit: { id: unit.unit.id, name: unit.unit.name, level: unit.unit.level, code: unit.unit.code },
    figures: serviceFigures(unit.counters, w),
    children: drill.children.map((ch) => ({
      unit: { id: ch.id, name: ch.name, level: ch.level, code: ch.code },
      figures: serviceFigures(ch.counters, w),
    })),
  };
}
