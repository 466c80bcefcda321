import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
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
    for (const r of rows) {
      const unit = out.get(r.org_path)!;
      const list = unit.get(r.fact);
      const entry: [string, number] = [r.dims, Number(r.n)];
      if (list === undefined) unit.set(r.fact, [entry]);
      else list.push(entry);
    }
  }
  return out;
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
