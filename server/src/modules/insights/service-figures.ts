import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Contribution, pathAncestors } from './facts.ts';
import { type Delta, applyDeltas } from './rollups.ts';

/**
 * The figures of the resident-facing services — rooms, canteen, points and volunteering, 双报到, alliance
 * projects, councils, funds, notices — counted like everything else: into `insight_counters` at the
 * row's unit and every unit above it, in the writer's transaction, and recomputed by `rebuildRollups`.
 *
 * One mechanism for every service. A service declares a `ServiceSource` in its own `figures.ts`: a name
 * and `load`, which reads rows (by id, or all rows sitting at some unit paths, for the rebuild) and says
 * what each counts as now — its contributions (fact, dims with the month 'YYYY-MM' first, n). Each write
 * site calls `syncServiceFigures(trx, SOURCE, [id])` after its write, in the same transaction: the row is
 * compared with its mark (insight_service_marks: what it was last counted as, where) and the difference
 * moves into the counters. So an append-only ledger row adds once however often it is synced, a booking
 * cancelled after check-in takes back exactly what its check-in added, and a rebuild from the raw tables
 * finds the same counters (the rebuild and the write sites use the same `load`). Every source is listed
 * in service-sources.ts, which the rebuild walks.
 */
export interface ServiceRow {
  id: string;
  /** the unit the row counts at (its centre's, canteen's, community's … org path); service rows do not move */
  org_path: string;
  contributions: Contribution[];
}

export type ServiceRowFilter = { ids: readonly string[] } | { paths: readonly string[] };

export interface ServiceSource {
  /** unique, e.g. 'venue.booking' */
  name: string;
  /** rows with these ids, or every row at exactly these unit paths, with their contributions now */
  load(db: Kysely<DB>, filter: ServiceRowFilter): Promise<ServiceRow[]>;
}

const CHUNK = 500;

/** A row's contributions as one text: its mark (sorted, so equal contributions give equal marks). */
export function markOfContributions(contributions: readonly Contribution[]): string {
  return contributions
    .filter((c) => c.n !== 0)
    .map((c) => `${c.fact}\x1f${c.dims}\x1f${c.n}`)
    .sort()
    .join('\x1e');
}

function contributionsOfMark(mark: string): Contribution[] {
  if (mark === '') return [];
  return mark.split('\x1e').map((e) => {
    const [fact, dims, n] = e.split('\x1f') as [string, string, string];
    return { fact, dims, n: Number(n) };
  });
}

function deltasOf(orgPath: string, contributions: readonly Contribution[], sign: 1 | -1): Delta[] {
  const out: Delta[] = [];
  for (const path of pathAncestors(orgPath))
    for (const c of contributions)
      if (c.n !== 0) out.push({ orgPath: path, fact: c.fact, dims: c.dims, n: sign * c.n });
  return out;
}

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/**
 * Brings the counters up to date with the named rows of one service source, inside the writer's
 * transaction: call it after the write. Rows that no longer exist are taken out. Idempotent.
 */
export async function syncServiceFigures(
  trx: Kysely<DB>,
  source: ServiceSource,
  ids: readonly (string | null | undefined)[],
): Promise<void> {
  const unique = [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''))];
  for (const part of chunks(unique, CHUNK)) {
    const rows = await source.load(trx, { ids: part });
    const marks = new Map(
      (
        await trx
          .selectFrom('insight_service_marks')
          .select(['id', 'org_path', 'mark'])
          .where('source', '=', source.name)
          .where('id', 'in', part)
          .execute()
      ).map((m) => [m.id, m]),
    );
    const deltas: Delta[] = [];
    const gone: string[] = [];
    const changed: { id: string; org_path: string; mark: string }[] = [];
    for (const row of rows) {
      const mark = markOfContributions(row.contributions);
      const old = marks.get(row.id);
      marks.delete(row.id);
      if (old === undefined ? mark === '' : old.org_path === row.org_path && old.mark === mark) continue;
      if (old !== undefined) deltas.push(...deltasOf(old.org_path, contributionsOfMark(old.mark), -1));
      deltas.push(...deltasOf(row.org_path, contributionsOfMark(mark), 1));
      if (mark === '') gone.push(row.id);
      else changed.push({ id: row.id, org_path: row.org_path, mark });
    }
    // marks of rows that no longer exist: what they added comes out
    for (const old of marks.values()) {
      deltas.push(...deltasOf(old.org_path, contributionsOfMark(old.mark), -1));
      gone.push(old.id);
    }
    await applyDeltas(trx, deltas);
    const rewrite = [...gone, ...changed.map((c) => c.id)];
    if (rewrite.length > 0)
      await trx
        .deleteFrom('insight_service_marks')
        .where('source', '=', source.name)
        .where('id', 'in', rewrite)
        .execute();
    for (const some of chunks(changed, 100))
      await trx
        .insertInto('insight_service_marks')
        .values(some.map((c) => ({ source: source.name, ...c })))
        .execute();
  }
}
