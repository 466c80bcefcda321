import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import { keyedByPlace } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import { type Actor, inScopeWithin } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { notFound } from '../../platform/errors.ts';
import { listCurrentDutyItems } from '../duties/service.ts';
import { getOrgInScope } from '../orgs/service.ts';
import type { OrgLevel } from '../orgs/tables.ts';
import { dayRange } from '../../platform/calendar.ts';
import { meanHours } from '../../platform/ratio.ts';
import { type CaseSource, RATE_PARTS, type RatePart, ratePartsOfCase, threeRates } from '../insights/facts.ts';
import { caseKeysFor } from './access.ts';
import type { Rates, RatesQuery } from './schema.ts';
import { OPEN_STATUSES } from './states.ts';

type CaseFilter = (eb: ExpressionBuilder<DB, 'cases'>) => Expression<SqlBool>;

/** The columns `ratePartsOfCase` reads: cases alike in these add to the same parts of the three rates. */
const PART_COLUMNS = ['status', 'is_accepted_on_time', 'is_solved', 'rating'] as const;

/** Per group of alike cases: how many, and the sums behind the means and the overdue counts. */
const SUM_COLUMNS = [
  sql<number>`count(*)`.as('cases'),
  sql<number>`coalesce(sum(accept_seconds), 0)`.as('accept_sum'),
  sql<number>`count(accept_seconds)`.as('accept_n'),
  sql<number>`coalesce(sum(resolve_seconds), 0)`.as('resolve_sum'),
  sql<number>`count(resolve_seconds)`.as('resolve_n'),
  sql<number>`coalesce(sum(case when due_state = 'overdue' and status in (${sql.join(OPEN_STATUSES)}) then 1 else 0 end), 0)`.as(
    'overdue_now',
  ),
  sql<number>`coalesce(sum(was_overdue), 0)`.as('ever_overdue'),
];

const SUM_FIELDS = ['accept_sum', 'accept_n', 'resolve_sum', 'resolve_n', 'overdue_now', 'ever_overdue'] as const;
type RawRates = Record<RatePart | (typeof SUM_FIELDS)[number], number>;
type GroupRow = Pick<CaseSource, (typeof PART_COLUMNS)[number]> &
  Record<(typeof SUM_FIELDS)[number] | 'cases', unknown>;

const noRates = (): RawRates => Object.fromEntries([...RATE_PARTS, ...SUM_FIELDS].map((f) => [f, 0])) as RawRates;

/**
 * Sums and counts add up across groups and units (means do not): each group of `cases` alike adds the
 * parts facts.ts `rateParts` gives each of them — the same definition the counters add per case.
 */
function sumByKey<R extends GroupRow>(rows: R[], keyOf: (row: R) => string): Map<string, RawRates> {
  const sums = new Map<string, RawRates>();
  for (const row of rows) {
    const key = keyOf(row);
    const raw = sums.get(key) ?? noRates();
    sums.set(key, raw);
    const n = Number(row.cases);
    const parts = ratePartsOfCase(row);
    for (const part of RATE_PARTS) raw[part] += parts[part] * n;
    for (const f of SUM_FIELDS) raw[f] += Number(row[f] ?? 0);
  }
  return sums;
}

function addRaw(rows: RawRates[]): RawRates {
  const sum = noRates();
  for (const r of rows) for (const f of Object.keys(sum) as (keyof RawRates)[]) sum[f] += r[f];
  return sum;
}

function toRates(raw: RawRates): Rates {
  const rates = threeRates(raw);
  return {
    received: raw.received,
    acceptedOnTime: raw.acceptedOnTime,
    responseRate: rates.responseRate,
    closed: raw.closed,
    solved: raw.solved,
    resolutionRate: rates.resolutionRate,
    rated: raw.rated,
    satisfied: raw.satisfied,
    satisfactionRate: rates.satisfactionRate,
    meanAcceptHours: meanHours(raw.accept_sum, raw.accept_n),
    meanResolveHours: meanHours(raw.resolve_sum, raw.resolve_n),
    overdueNow: raw.overdue_now,
    everOverdue: raw.ever_overdue,
  };
}

/** The cases received in the period under `where` (merged duplicates are the same request, not counted). */
function casesReceived(db: Kysely<DB>, where: CaseFilter, period: { start: string; end: string }, dutyCode?: string) {
  let q = db
    .selectFrom('cases')
    .where(where)
    .where('created_at', '>=', period.start)
    .where('created_at', '<', period.end)
    .where('status', '!=', 'merged');
  if (dutyCode !== undefined) q = q.where('duty_code', '=', dutyCode);
  return q;
}

/**
 * The three rates (三率) **by handling unit** (按承办单位) over the cases received in a period, all read
 * from facts the timeline wrote onto each case. The parts are insights/facts.ts `rateParts`, the
 * counters' own, which group the same cases by the place they happened (按发生地, the dashboard's and
 * reports' rates); the rates are made from the parts by the same `threeRates`
 * (insights/rates-agree.test.ts compares the two where they hold the same cases):
 * - response rate = accepted within the deadline ÷ received (merged duplicates are not counted as received);
 * - resolution rate = closed as solved ÷ closed (rejected cases are not closed cases);
 * - satisfaction rate = ratings of 4 or 5 ÷ rated.
 * One pass groups by handling unit and the PART_COLUMNS; every subtree's figures are then sums of those groups.
 */
async function aggregateRawByHandler(
  db: Kysely<DB>,
  where: CaseFilter,
  period: { start: string; end: string },
  dutyCode: string | undefined,
): Promise<{ handlerPath: string; raw: RawRates }[]> {
  const rows = await casesReceived(db, where, period, dutyCode)
    .select(['handler_path', ...PART_COLUMNS, ...SUM_COLUMNS])
    .groupBy(['handler_path', ...PART_COLUMNS])
    .execute();
  return [...sumByKey(rows, (r) => r.handler_path)].map(([handlerPath, raw]) => ({ handlerPath, raw }));
}

/** The same figures per duty item, in one pass. */
async function aggregateRatesByItem(
  db: Kysely<DB>,
  where: CaseFilter,
  period: { start: string; end: string },
  dutyCode: string | undefined,
): Promise<{ code: string; rates: Rates }[]> {
  const rows = await casesReceived(db, where, period, dutyCode)
    .where('duty_code', 'is not', null)
    .select(['duty_code', ...PART_COLUMNS, ...SUM_COLUMNS])
    .groupBy(['duty_code', ...PART_COLUMNS])
    .execute();
  return [...sumByKey(rows, (r) => r.duty_code!)].map(([code, raw]) => ({ code, rates: toRates(raw) }));
}

const DRILL_LEVELS: OrgLevel[] = ['county', 'street', 'community', 'department', 'city', 'province'];

/**
 * The three rates of the cases handled within a unit's subtree over a period, with the same
 * figures for each unit one level down (drill-down) and for each duty item.
 */
export async function computeRates(deps: AppDeps, actor: Actor, query: RatesQuery) {
  const unit = await getOrgInScope(deps.db, actor, { id: query.orgId });
  const period = dayRange(query.from, query.to);
  if (period.start >= period.end) throw notFound({ zh: '统计区间', en: 'Period' });
  // handled under the unit: with its county's key where one holds (one partition on PostgreSQL partitioned by county)
  const keys = await caseKeysFor(deps.db, actor, [unit.path]);
  const within = (path: string) =>
    inScopeWithin<DB, 'cases'>(actor, 'case.read', 'cases.handler_path', path, keys?.handler);
  const byHandler = await aggregateRawByHandler(deps.db, within(unit.path), period, query.dutyCode);
  const total = toRates(addRaw(byHandler.map((h) => h.raw)));
  const children = await deps.db
    .selectFrom('org_units')
    .select(['id', 'name', 'level', 'path'])
    .where('parent_id', '=', unit.id)
    .where('level', 'in', DRILL_LEVELS)
    .where('retired_at', 'is', null)
    .orderBy('level')
    .orderBy('code')
    .orderBy('name')
    .execute();
  const names = new Map((await listCurrentDutyItems(deps.db)).map((i) => [i.code, i.name]));
  const childRates = [];
  for (const child of children) {
    const rates = toRates(addRaw(byHandler.filter((h) => h.handlerPath.startsWith(child.path)).map((h) => h.raw)));
    if (rates.received > 0 || child.level !== 'department')
      childRates.push({ id: child.id, name: child.name, level: child.level, rates });
  }
  const byItem = (await aggregateRatesByItem(deps.db, within(unit.path), period, query.dutyCode)).map((r) => ({
    ...r,
    name: names.get(r.code) ?? r.code,
  }));
  byItem.sort((a, b) => b.rates.received - a.rates.received);
  return {
    org: { id: unit.id, name: unit.name, level: unit.level },
    from: query.from,
    to: query.to,
    total,
    children: childRates,
    byItem,
  };
}

/**
 * The three rates (same parts, same `threeRates`) of the cases that happened under one place — a
 * compound — on a set of duty items over a period: a property company's complaints and how they were
 * answered (funds/property.ts).
 */
export async function ratesOfPlace(
  db: Kysely<DB>,
  placePath: string,
  dutyCodes: readonly string[],
  period: { start: string; end: string },
): Promise<Rates> {
  if (dutyCodes.length === 0) return toRates(noRates());
  const key = (await keyedByPlace(db, 'cases'))?.keyOf(placePath);
  const cases = key === undefined ? db.selectFrom('cases') : db.selectFrom('cases').where('county_key', '=', key);
  const rows = await cases
    .where('org_path', '>=', placePath)
    .where('org_path', '<', `${placePath.slice(0, -1)}0`)
    .where('duty_code', 'in', dutyCodes)
    .where('created_at', '>=', period.start)
    .where('created_at', '<', period.end)
    .where('status', '!=', 'merged')
    .select([...PART_COLUMNS, ...SUM_COLUMNS])
    .groupBy([...PART_COLUMNS])
    .execute();
  return toRates(addRaw([...sumByKey(rows, () => '').values()]));
}
