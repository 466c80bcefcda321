import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, inScopeWithin } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { notFound } from '../../platform/errors.ts';
import { listCurrentDutyItems } from '../duties/service.ts';
import { getOrgInScope } from '../orgs/service.ts';
import type { OrgLevel } from '../orgs/tables.ts';
import type { Rates, RatesQuery } from './schema.ts';

/** Shanghai calendar days → UTC instants: [from 00:00, to 24:00) in Asia/Shanghai. */
function periodBounds(from: string, to: string): { start: string; end: string } {
  const start = new Date(`${from}T00:00:00+08:00`).toISOString();
  const end = new Date(new Date(`${to}T00:00:00+08:00`).getTime() + 86_400_000).toISOString();
  return { start, end };
}

const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);

/**
 * The three rates (三率) over the cases received in a period, all read from facts the timeline
 * wrote onto each case:
 * - response rate = accepted within the deadline ÷ received (merged duplicates are not counted as received);
 * - resolution rate = closed as solved ÷ closed (rejected cases are not closed cases);
 * - satisfaction rate = ratings of 4 or 5 ÷ rated.
 */
type CaseFilter = (eb: ExpressionBuilder<DB, 'cases'>) => Expression<SqlBool>;

const RATE_COLUMNS = [
  sql<number>`count(*)`.as('received'),
  sql<number>`coalesce(sum(case when is_accepted_on_time = 1 then 1 else 0 end), 0)`.as('accepted_on_time'),
  sql<number>`coalesce(sum(case when status = 'closed' then 1 else 0 end), 0)`.as('closed'),
  sql<number>`coalesce(sum(case when status = 'closed' and is_solved = 1 then 1 else 0 end), 0)`.as('solved'),
  sql<number>`coalesce(sum(case when rating is not null then 1 else 0 end), 0)`.as('rated'),
  sql<number>`coalesce(sum(case when rating >= 4 then 1 else 0 end), 0)`.as('satisfied'),
  sql<number | null>`avg(accept_seconds)`.as('mean_accept'),
  sql<number | null>`avg(resolve_seconds)`.as('mean_resolve'),
  sql<number>`coalesce(sum(case when due_state = 'overdue' and status in ('submitted', 'accepted', 'in_progress') then 1 else 0 end), 0)`.as(
    'overdue_now',
  ),
  sql<number>`coalesce(sum(was_overdue), 0)`.as('ever_overdue'),
];

function toRates(row: Record<string, unknown>): Rates {
  const n = (v: unknown) => Number(v ?? 0);
  const hours = (v: unknown) => (v === null || v === undefined ? null : Math.round((Number(v) / 3600) * 10) / 10);
  return {
    received: n(row.received),
    acceptedOnTime: n(row.accepted_on_time),
    responseRate: ratio(n(row.accepted_on_time), n(row.received)),
    closed: n(row.closed),
    solved: n(row.solved),
    resolutionRate: ratio(n(row.solved), n(row.closed)),
    rated: n(row.rated),
    satisfied: n(row.satisfied),
    satisfactionRate: ratio(n(row.satisfied), n(row.rated)),
    meanAcceptHours: hours(row.mean_accept),
    meanResolveHours: hours(row.mean_resolve),
    overdueNow: n(row.overdue_now),
    everOverdue: n(row.ever_overdue),
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
 * The three rates (三率) over the cases received in a period, all read from facts the timeline
 * wrote onto each case:
 * - response rate = accepted within the deadline ÷ received (merged duplicates are not counted as received);
 * - resolution rate = closed as solved ÷ closed (rejected cases are not closed cases);
 * - satisfaction rate = ratings of 4 or 5 ÷ rated.
 */
async function aggregateRates(
  db: Kysely<DB>,
  where: CaseFilter,
  period: { start: string; end: string },
  dutyCode: string | undefined,
): Promise<Rates> {
  const row = await casesReceived(db, where, period, dutyCode).select(RATE_COLUMNS).executeTakeFirstOrThrow();
  return toRates(row);
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
    .select(['duty_code', ...RATE_COLUMNS])
    .groupBy('duty_code')
    .execute();
  return rows.map((r) => ({ code: r.duty_code!, rates: toRates(r) }));
}

const DRILL_LEVELS: OrgLevel[] = ['county', 'street', 'community', 'department', 'city', 'province'];

/**
 * The three rates of the cases handled within a unit's subtree over a period, with the same
 * figures for each unit one level down (drill-down) and for each duty item.
 */
export async function computeRates(deps: AppDeps, actor: Actor, query: RatesQuery) {
  const unit = await getOrgInScope(deps.db, actor, { id: query.orgId });
  const period = periodBounds(query.from, query.to);
  if (period.start >= period.end) throw notFound({ zh: '统计区间', en: 'Period' });
  const within = (path: string) => inScopeWithin<DB, 'cases'>(actor, 'case.read', 'cases.handler_path', path);
  const total = await aggregateRates(deps.db, within(unit.path), period, query.dutyCode);
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
    const rates = await aggregateRates(deps.db, within(child.path), period, query.dutyCode);
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
