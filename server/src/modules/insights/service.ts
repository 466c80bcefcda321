import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { DB } from '../../db/types.ts';
import type { Permission } from '../../platform/access/roles.ts';
import { type Actor, canAt, inScope } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import { CASE_STATE_LABELS } from '../cases/states.ts';
import { listCurrentDutyItems } from '../duties/service.ts';
import { listCareTags } from '../registry/care-tags.ts';
import { RESIDENCE_TYPES, RESIDENCE_TYPE_NAMES } from '../registry/vocabulary.ts';
import type { OrgLevel, OrgUnitTable } from '../orgs/tables.ts';
import { addMonths, currentMonth, monthsBetween } from '../../platform/calendar.ts';
import { meanHours } from '../../platform/ratio.ts';
import { visitWindow } from '../fieldwork/standing.ts';
import {
  type UnitCounters,
  VISIT_FIGURE_FACTS,
  openCaseFigures,
  readDrillUnit,
  readLineage,
  readUnitCounters,
  sumOf,
  visitFigures,
} from './counters.ts';
import {
  CASE_ITEM_DIMS,
  CASE_LEVEL_DIMS,
  CASE_STATE_DIMS,
  RATE_PART_FACTS,
  type RatePart,
  RES_DIMS,
  TAG_DIMS,
  threeRates,
} from './facts.ts';

const ORG = { zh: '组织', en: 'Org unit' };

export interface UnitRef {
  id: string;
  name: string;
  level: OrgLevel;
  code: string | null;
}

const toUnit = (u: Pick<OrgUnitTable, 'id' | 'name' | 'level' | 'code'>): UnitRef => ({
  id: u.id,
  name: u.name,
  level: u.level,
  code: u.code,
});

/** A unit where the actor holds `permission` (at it or above), or 404 like one that does not exist. */
export async function getUnitWith(db: Kysely<DB>, actor: Actor, id: string, permission: Permission) {
  const row = await db
    .selectFrom('org_units')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'org_units'>(actor, permission, 'org_units.path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(ORG);
  return row;
}

/** One unit's counters of the named facts, or 404 when it is not in the actor's scope for insights. */
async function countersOf(deps: AppDeps, actor: Actor, orgId: string, facts: readonly string[]) {
  const read = await readUnitCounters(deps.database, actor, orgId, facts);
  if (read === undefined) throw notFound(ORG);
  return read.counters;
}

/**
 * A unit in the actor's scope for insights and the units one level down that figures drill into, each
 * child with its counters of the named facts (one statement); 404 when the unit is not in her scope.
 */
export async function getDrillUnit(database: Database, actor: Actor, orgId: string, facts: readonly string[] = []) {
  const drill = await readDrillUnit(database, actor, orgId, facts);
  if (drill === undefined) throw notFound(ORG);
  return drill;
}

const SUMMARY_FACTS = ['living', 'res', 'hh', 'tagged', 'alone', 'case.state'];
/** Drill-down reads one total per fact where it can: a county's per-year rows would be thousands. */
const CHILD_FACTS = ['living', 'hh', 'tagged', 'alone', 'case.state'];
/** What the three rates count, by month received. */
const RATE_FACTS = Object.values(RATE_PART_FACTS);

/** The parts of the three rates from a unit's counters, over the months `inMonths` passes (all by default). */
export function ratePartsOf(c: UnitCounters, inMonths?: (dims: string) => boolean): Record<RatePart, number> {
  const parts = {} as Record<RatePart, number>;
  for (const part of Object.keys(RATE_PART_FACTS) as RatePart[])
    parts[part] = sumOf(c, RATE_PART_FACTS[part], inMonths);
  return parts;
}

function summaryFigures(c: UnitCounters, year: number | null) {
  const cases = openCaseFigures(c);
  return {
    residents: sumOf(c, 'living'),
    households: sumOf(c, 'hh'),
    careTagged: sumOf(c, 'tagged'),
    elderlyAlone: sumOf(c, 'alone'),
    over80: year === null ? 0 : sumOf(c, 'res', (d) => year - Number(RES_DIMS.decode(d).birthYear) >= 80),
    openCases: cases.open,
    overdueCases: cases.overdue,
  };
}

/** The headline figures of a unit, with the breadcrumb back up to the top of the caller's view. */
export async function getSummary(deps: AppDeps, actor: Actor, orgId: string) {
  const now = deps.clock.now();
  // the unit's lineage does not depend on scope: it is read beside the scoped read and shown only if that finds the unit
  const [read, lineage] = await Promise.all([
    readUnitCounters(deps.database, actor, orgId, SUMMARY_FACTS, true),
    readLineage(deps.database, orgId),
  ]);
  if (read === undefined) throw notFound(ORG);
  const breadcrumb = lineage
    .filter((a) => canAt(actor, 'insight.read', a.path) && a.level !== 'nation')
    .sort((a, b) => a.path.length - b.path.length)
    .map((a) => ({ id: a.id, name: a.name, level: a.level }));
  return {
    unit: toUnit(read.unit),
    breadcrumb,
    childLevel: read.childLevel,
    ...summaryFigures(read.counters, Number(currentMonth(now).slice(0, 4))),
    asOf: now.toISOString(),
  };
}

/** The same figures for each unit one level down, with the three rates (all time) and visit coverage. */
export async function getChildren(deps: AppDeps, actor: Actor, orgId: string) {
  const { children } = await getDrillUnit(deps.database, actor, orgId, [
    ...CHILD_FACTS,
    ...RATE_FACTS,
    ...VISIT_FIGURE_FACTS,
  ]);
  const window = visitWindow(deps.clock.now());
  return {
    level: children[0]?.level ?? null,
    items: children.map((child) => {
      const c = child.counters;
      const parts = ratePartsOf(c);
      const visits = visitFigures(c, window);
      const figures = summaryFigures(c, null);
      return {
        unit: toUnit(child),
        residents: figures.residents,
        households: figures.households,
        careTagged: figures.careTagged,
        elderlyAlone: figures.elderlyAlone,
        openCases: figures.openCases,
        overdueCases: figures.overdueCases,
        casesReceived: parts.received,
        ...threeRates(parts),
        visitCoverage: visits.coverage,
      };
    }),
  };
}

export const AGE_BANDS = [
  { band: '0-6', min: 0, max: 6 },
  { band: '7-17', min: 7, max: 17 },
  { band: '18-34', min: 18, max: 34 },
  { band: '35-59', min: 35, max: 59 },
  { band: '60-79', min: 60, max: 79 },
  { band: '80+', min: 80, max: 999 },
] as const;

const RESIDENCE_EN = { registered: 'Registered', permanent: 'Permanent', floating: 'Floating' } as const;
const TAG_EN: Record<string, string> = {
  living_alone: 'Elderly living alone',
  empty_nest: 'Empty-nest elderly',
  over_80: 'Aged 80+',
  disabled: 'Disabled',
  dibao: 'Minimum living allowance',
  destitute: 'Destitute',
  left_behind_child: 'Left-behind child',
  child_in_difficulty: 'Child in difficulty',
  veteran: 'Veteran',
  unemployed: 'Unemployed',
};

/** Living residents by age band and gender, residence type and care tag. Age = this year − birth year. */
export async function getPopulation(deps: AppDeps, actor: Actor, orgId: string) {
  const year = Number(currentMonth(deps.clock.now()).slice(0, 4));
  const [c, tags] = await Promise.all([countersOf(deps, actor, orgId, ['res', 'tag']), listCareTags(deps.db)]);
  const bands = AGE_BANDS.map((b) => ({ band: b.band, male: 0, female: 0 }));
  const byType = new Map<string, number>();
  let male = 0;
  let female = 0;
  for (const [dims, n] of c.get('res') ?? []) {
    const { gender, birthYear, residenceType: type } = RES_DIMS.decode(dims);
    const age = year - Number(birthYear);
    const band = bands[AGE_BANDS.findIndex((b) => age >= b.min && age <= b.max)] ?? bands[0]!;
    if (gender === 'male') {
      band.male += n;
      male += n;
    } else {
      band.female += n;
      female += n;
    }
    byType.set(type, (byType.get(type) ?? 0) + n);
  }
  const byTag = new Map<string, number>();
  for (const [dims, n] of c.get('tag') ?? []) {
    const { tag } = TAG_DIMS.decode(dims);
    byTag.set(tag, (byTag.get(tag) ?? 0) + n);
  }
  byTag.set('over_80', bands[5]!.male + bands[5]!.female);
  return {
    total: male + female,
    byAgeBand: bands,
    byGender: { male, female },
    byResidenceType: RESIDENCE_TYPES.map((type) => ({
      type,
      label_zh: RESIDENCE_TYPE_NAMES[type],
      label_en: RESIDENCE_EN[type],
      count: byType.get(type) ?? 0,
    })),
    // another unit's custom tag is not named here unless people in this unit carry it
    byCareTag: tags
      .filter((t) => t.org_path === null || byTag.has(t.code))
      .map((t) => ({
        tag: t.code,
        label_zh: t.name,
        label_en: TAG_EN[t.code] ?? t.name,
        count: byTag.get(t.code) ?? 0,
      })),
  };
}

/** The case states as every screen names them (cases/states.ts). */
export const STATE_NAMES: Readonly<Record<string, { zh: string; en: string }>> = CASE_STATE_LABELS;

const LEVEL_NAMES: Record<string, { zh: string; en: string }> = {
  community: { zh: '社区', en: 'Community' },
  street: { zh: '街道', en: 'Street' },
  county: { zh: '区县', en: 'County' },
  city: { zh: '市', en: 'City' },
  province: { zh: '省', en: 'Province' },
  department: { zh: '职能部门', en: 'Department' },
  grid: { zh: '网格', en: 'Grid' },
};

/** Resolves an optional from/to month pair; default the last 12 months including this one. */
export function monthRange(now: Date, from: string | undefined, to: string | undefined) {
  const end = to ?? currentMonth(now);
  const start = from ?? addMonths(end, -11);
  if (start > end) throw invalidField('from', 'bad_range', { zh: '起始月份晚于结束月份', en: 'from is after to' });
  return { from: start, to: end };
}

const CASE_FACTS = [
  'case.state',
  'case.item',
  'case.level',
  ...RATE_FACTS,
  'case.accept_sum',
  'case.accept_n',
  'case.resolve_sum',
  'case.resolve_n',
  'case.ever_overdue',
];

/** Cases that happened in the unit and were received in the months asked: states, items, handling levels, rates. */
export async function getCasePanel(deps: AppDeps, actor: Actor, orgId: string, q: { from?: string; to?: string }) {
  const { from, to } = monthRange(deps.clock.now(), q.from, q.to);
  const [c, items] = await Promise.all([countersOf(deps, actor, orgId, CASE_FACTS), listCurrentDutyItems(deps.db)]);
  const inRange = (dims: string) => {
    const month = dims.slice(0, 7);
    return month >= from && month <= to;
  };
  const group = (fact: string, pick: (dims: string) => string) => {
    const m = new Map<string, number>();
    for (const [dims, n] of c.get(fact) ?? []) if (inRange(dims)) m.set(pick(dims), (m.get(pick(dims)) ?? 0) + n);
    return m;
  };
  const byState = group('case.state', (d) => CASE_STATE_DIMS.decode(d).status);
  const byItem = group('case.item', (d) => CASE_ITEM_DIMS.decode(d).dutyCode);
  const byLevel = group('case.level', (d) => CASE_LEVEL_DIMS.decode(d).handlerLevel);
  const sum = (fact: string) => sumOf(c, fact, inRange);
  const names = new Map(items.map((i) => [i.code, i.name]));
  const parts = ratePartsOf(c, inRange);
  return {
    from,
    to,
    byState: Object.keys(STATE_NAMES).map((state) => ({
      state,
      label_zh: STATE_NAMES[state]!.zh,
      label_en: STATE_NAMES[state]!.en,
      count: byState.get(state) ?? 0,
    })),
    byItem: [...byItem]
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 15)
      .map(([code, count]) => ({ code, name: code === '' ? '未匹配事项' : (names.get(code) ?? code), count })),
    byLevel: [...byLevel]
      .filter(([, n]) => n > 0)
      .map(([level, count]) => ({
        level,
        label_zh: LEVEL_NAMES[level]?.zh ?? level,
        label_en: LEVEL_NAMES[level]?.en ?? level,
        count,
      })),
    rates: {
      received: parts.received,
      acceptedOnTime: parts.acceptedOnTime,
      closed: parts.closed,
      solved: parts.solved,
      rated: parts.rated,
      satisfied: parts.satisfied,
      ...threeRates(parts),
    },
    meanHoursToAccept: meanHours(sum('case.accept_sum'), sum('case.accept_n')),
    meanHoursToResolve: meanHours(sum('case.resolve_sum'), sum('case.resolve_n')),
    overdueNow: openCaseFigures(c).overdue,
    everOverdue: sum('case.ever_overdue'),
  };
}

/** Visit coverage of the unit's households, as of today. */
export async function getVisitPanel(deps: AppDeps, actor: Actor, orgId: string) {
  const c = await countersOf(deps, actor, orgId, VISIT_FIGURE_FACTS);
  const v = visitFigures(c, visitWindow(deps.clock.now()));
  return {
    available: true,
    households: v.households,
    tracked: v.tracked,
    overdue: v.overdue,
    dueSoon: v.dueSoon,
    visitedThisMonth: v.visitedThisMonth,
    neverVisited: v.neverVisited,
    coverage: v.coverage,
  };
}

/** Month by month: cases received and resolved, residents registered, households visited. */
export async function getTrends(deps: AppDeps, actor: Actor, orgId: string, months: number) {
  const to = currentMonth(deps.clock.now());
  const c = await countersOf(deps, actor, orgId, ['case.received', 'case.resolved', 'added', 'visit.last']);
  return {
    months: monthsBetween(addMonths(to, -(months - 1)), to).map((month) => ({
      month,
      casesReceived: sumOf(c, 'case.received', (d) => d === month),
      casesResolved: sumOf(c, 'case.resolved', (d) => d.startsWith(month)),
      residentsAdded: sumOf(c, 'added', (d) => d === month),
      householdsVisited: sumOf(c, 'visit.last', (d) => d === month),
    })),
  };
}
