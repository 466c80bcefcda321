import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Database } from '../../db/database.ts';
import { rawRows } from '../../db/raw.ts';
import { type Actor, scopeRanges } from '../../platform/access/scope.ts';
import { shanghaiDay, shanghaiMonth } from './facts.ts';

/** The counters of one unit, by fact, as [dims, n] pairs. */
export type UnitCounters = Map<string, [string, number][]>;

/** Reads the named facts' counters for each unit path (primary-key lookups, 500 units per statement). */
export async function readCounters(
  db: Kysely<DB>,
  paths: readonly string[],
  facts: readonly string[],
): Promise<Map<string, UnitCounters>> {
  const out = new Map<string, UnitCounters>(paths.map((p) => [p, new Map()]));
  for (let i = 0; i < paths.length; i += 500) {
    const rows = await db
      .selectFrom('insight_counters')
      .select(['org_path', 'fact', 'dims', 'n'])
      .where('org_path', 'in', paths.slice(i, i + 500))
      .where('fact', 'in', facts)
      .execute();
    for (const r of rows) addCounter(out.get(r.org_path)!, r.fact, r.dims, r.n);
  }
  return out;
}

function addCounter(unit: UnitCounters, fact: string, dims: string, n: number | string) {
  const list = unit.get(fact);
  const entry: [string, number] = [dims, Number(n)];
  if (list === undefined) unit.set(fact, [entry]);
  else list.push(entry);
}

/**
 * One unit and its counters of the named facts, in one statement through the scope helper: a dashboard
 * panel of a grid is a single indexed read. Undefined when the unit does not exist or lies outside the
 * actor's scope for reading insights (the caller answers 404 either way).
 */
export async function readUnitCounters(
  database: Database,
  actor: Actor,
  orgId: string,
  facts: readonly string[],
): Promise<{ path: string; counters: UnitCounters } | undefined> {
  const ranges = scopeRanges(actor, 'insight.read');
  if (ranges.length === 0) return undefined;
  const rows = await rawRows<{ path: string; fact: string | null; dims: string | null; n: number | string | null }>(
    database,
    `select u.path, c.fact, c.dims, c.n from org_units u
     left join insight_counters c on c.org_path = u.path and c.fact in (${facts.map(() => '?').join(', ')})
     where u.id = ? and (${ranges.map(() => '(u.path >= ? and u.path < ?)').join(' or ')})`,
    [...facts, orgId, ...ranges.flat()],
  );
  if (rows.length === 0) return undefined;
  const counters: UnitCounters = new Map();
  // a unit without counters of these facts comes back as one row of nulls
  for (const r of rows) if (r.fact !== null) addCounter(counters, r.fact, r.dims!, r.n!);
  return { path: rows[0]!.path, counters };
}

/** Σ n of a fact, over the entries whose dims pass `where`. */
export function sumOf(c: UnitCounters, fact: string, where?: (dims: string) => boolean): number {
  let total = 0;
  for (const [dims, n] of c.get(fact) ?? []) if (where === undefined || where(dims)) total += n;
  return total;
}

export const OPEN_STATES = new Set(['submitted', 'accepted', 'in_progress']);

/** Months 'YYYY-MM' between two months inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
    if (out.length > 1200) break;
  }
  return out;
}

export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export const currentMonth = (now: Date) => shanghaiMonth(now.toISOString());
export const currentDay = (now: Date) => shanghaiDay(now.toISOString());

/**
 * Figures about visits as of `today`: overdue = next visit due before today; due soon = within 7 days;
 * coverage = households visited at least once and not overdue ÷ households.
 */
export function visitFigures(c: UnitCounters, today: string, month: string) {
  const soon = shanghaiDay(new Date(Date.parse(`${today}T00:00:00+08:00`) + 7 * 86_400_000).toISOString());
  const households = sumOf(c, 'hh');
  const day = (dims: string) => dims.slice(0, dims.indexOf('|'));
  const isOverdue = (dims: string) => day(dims) !== 'none' && day(dims) < today;
  const overdue = sumOf(c, 'visit.due', isOverdue);
  const dueSoon = sumOf(c, 'visit.due', (d) => day(d) !== 'none' && day(d) >= today && day(d) <= soon);
  const covered = sumOf(c, 'visit.due', (d) => d.endsWith('|1') && !isOverdue(d));
  return {
    households,
    tracked: sumOf(c, 'visit.tracked'),
    overdue,
    dueSoon,
    visitedThisMonth: sumOf(c, 'visit.last', (d) => d === month),
    neverVisited: sumOf(c, 'visit.last', (d) => d === 'never'),
    covered,
    coverage: households === 0 ? null : ratio(covered, households),
  };
}

export const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);
