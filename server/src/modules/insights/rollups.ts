import type SQLite from 'better-sqlite3';
import { CompiledQuery, type Kysely } from 'kysely';
import type { InsightCounterTable } from './tables.ts';
import { bulkInsert } from '../../db/bulk.ts';
import { countyKeyOf } from '../../db/county-key.ts';
import { dialectOf, preparedStatement } from '../../db/database.ts';
import type { DB } from '../../db/types.ts';
import { subtreeEnd } from '../../platform/access/scope.ts';
import {
  CONTRIBUTIONS,
  type Contribution,
  SOURCE_KINDS,
  type SourceKind,
  caseFacts,
  householdFacts,
  pathAncestors,
  residentFacts,
  visitFacts,
} from './facts.ts';
import { markOfContributions, syncServiceFigures } from './service-figures.ts';
import { serviceSources } from './service-sources.ts';

/**
 * The live counters behind every insight panel and generated report.
 *
 * Every source row (resident, household, case, visit status) carries a *mark* in its own
 * `insight_mark` column: where and with which facts it was last counted (`<org_path> <facts>`).
 * `syncRollups` re-reads the rows named, compares each with its mark, and moves the difference — minus
 * the old contributions at every unit above the old place, plus the new ones above the new place — into
 * the counters through `applyDeltas`, in the caller's transaction. So a write counts the moment it
 * commits, a correction or a move between grids moves exactly what was counted, and syncing a row twice
 * changes nothing: incremental updates cannot double count. A new row is written with its mark and
 * counted from what the writer holds (`countNewRows`). Source rows are not deleted (residents move out,
 * cases close); a data correction that deletes one takes it out first (`uncountRows`), since its mark
 * goes with it. `rebuildRollups` recomputes counters and marks from the raw tables.
 */

export interface Delta {
  orgPath: string;
  fact: string;
  dims: string;
  n: number;
}

const SEP = '\u0000';
const CHUNK = 500;

/** Adds deltas to the counters (one upsert per 500 rows, in key order so concurrent writers never deadlock). */
export async function applyDeltas(trx: Kysely<DB>, deltas: Iterable<Delta>): Promise<void> {
  const summed = new Map<string, number>();
  for (const d of deltas) {
    if (d.n === 0) continue;
    const key = `${d.orgPath}${SEP}${d.fact}${SEP}${d.dims}`;
    summed.set(key, (summed.get(key) ?? 0) + d.n);
  }
  const rows = [...summed]
    .filter(([, n]) => n !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, n]) => {
      const [org_path, fact, dims] = key.split(SEP) as [string, string, string];
      return { org_path, fact, dims, n };
    });
  const isPostgres = dialectOf(trx) === 'postgres';
  if (isPostgres) {
    // one statement of arrays per 10,000 (keys are unique, summed above): one round trip and one statement
    // text whatever the number of rows — an intake batch's counters went in four statements of 16, 4, 1 …
    for (let i = 0; i < rows.length; i += 10_000) {
      const part = rows.slice(i, i + 10_000);
      await trx.executeQuery(
        CompiledQuery.raw(
          'insert into insight_counters (org_path, fact, dims, n, county_key) ' +
            'select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::integer[]) ' +
            'on conflict (org_path, fact, dims) do update set n = insight_counters.n + excluded.n',
          [
            part.map((r) => r.org_path),
            part.map((r) => r.fact),
            part.map((r) => r.dims),
            part.map((r) => r.n),
            part.map((r) => countyKeyOf(r.org_path)),
          ],
        ),
      );
    }
    return;
  }
  // SQLite: built as text with bound values (on the write path of every resident and case, Kysely's building
  // of a multi-row upsert cost more than running it), in a handful of sizes so statements are reused
  for (const part of statementSized(rows)) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const r of part) {
      params.push(r.org_path, r.fact, r.dims, r.n, countyKeyOf(r.org_path));
      tuples.push('(?, ?, ?, ?, ?)');
    }
    await trx.executeQuery(
      CompiledQuery.raw(
        `insert into insight_counters (org_path, fact, dims, n, county_key) values ${tuples.join(', ')} ` +
          'on conflict (org_path, fact, dims) do update set n = insight_counters.n + excluded.n',
        params,
      ),
    );
  }
}

/** Row counts a counter upsert is built for: a handful of statement texts, so prepared statements are reused. */
const STATEMENT_SIZES = [256, 64, 16, 4, 1];

/** Splits rows into chunks of the sizes in STATEMENT_SIZES (e.g. 37 rows → 16 + 16 + 4 + 1). */
function statementSized<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  for (const size of STATEMENT_SIZES) {
    while (rows.length - i >= size) {
      out.push(rows.slice(i, i + size));
      i += size;
    }
  }
  return out;
}

export interface SourceRow {
  id: string;
  org_path: string;
  facts: string;
}

/** A source row as read for syncing: its current facts and the mark it was last counted with. */
interface MarkedRow extends SourceRow {
  /** the row's county key as stored: its mark is written to that county only */
  county_key: number;
  mark: string | null;
}

/** A row read from its table, with the facts it counts as now. */
const marked = (
  r: { id: string; org_path: string; county_key: number; insight_mark?: string | null | undefined },
  facts: string,
): MarkedRow => ({ id: r.id, org_path: r.org_path, county_key: r.county_key, facts, mark: r.insight_mark ?? null });

/** The mark a row is written with: where and as what it is counted. */
export const markOf = (row: { org_path: string; facts: string }): string => `${row.org_path} ${row.facts}`;

function parseMark(mark: string): { org_path: string; facts: string } {
  const at = mark.indexOf(' ');
  return { org_path: mark.slice(0, at), facts: mark.slice(at + 1) };
}

/** Where each kind's rows and marks live. */
const SOURCE_TABLES = {
  resident: { table: 'residents', id: 'id' },
  household: { table: 'households', id: 'id' },
  case: { table: 'cases', id: 'id' },
  visit: { table: 'household_visit_status', id: 'household_id' },
} as const satisfies Record<SourceKind, { table: keyof DB; id: string }>;

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

type RowFilter = { ids: readonly string[] } | { paths: readonly string[] };

/** The current facts and marks of the rows of one kind, by id or by the exact org_path they sit at. */
async function loadSources(db: Kysely<DB>, kind: SourceKind, filter: RowFilter): Promise<MarkedRow[]> {
  const byIds = 'ids' in filter;
  const keys = byIds ? filter.ids : filter.paths;
  if (keys.length === 0) return [];
  switch (kind) {
    case 'resident': {
      const rows = await db
        .selectFrom('residents')
        .select([
          'id',
          'org_path',
          'county_key',
          'status',
          'gender',
          'birth_date',
          'residence_type',
          'created_at',
          'insight_mark',
        ])
        .where(byIds ? 'id' : 'org_path', 'in', keys)
        .execute();
      const tags = new Map<string, string[]>();
      for (const part of chunks(rows, CHUNK)) {
        const tagRows = await db
          .selectFrom('resident_tags as rt')
          .innerJoin('care_tags as ct', 'ct.id', 'rt.tag_id')
          .select(['rt.resident_id', 'ct.code'])
          .where(
            'rt.resident_id',
            'in',
            part.map((r) => r.id),
          )
          .execute();
        for (const t of tagRows) {
          const list = tags.get(t.resident_id);
          if (list === undefined) tags.set(t.resident_id, [t.code]);
          else list.push(t.code);
        }
      }
      return rows.map((r) => marked(r, residentFacts({ ...r, tags: tags.get(r.id) ?? [] })));
    }
    case 'household': {
      const rows = await db
        .selectFrom('households')
        .select(['id', 'org_path', 'county_key', 'insight_mark'])
        .where(byIds ? 'id' : 'org_path', 'in', keys)
        .execute();
      return rows.map((r) => marked(r, householdFacts()));
    }
    case 'case': {
      const rows = await db
        .selectFrom('cases as c')
        .innerJoin('org_units as o', 'o.id', 'c.handler_org_id')
        .select([
          'c.id',
          'c.org_path',
          'c.county_key',
          'c.status',
          'c.due_state',
          'c.created_at',
          'c.duty_code',
          'o.level as handler_level',
          'c.resolved_at',
          'c.is_accepted_on_time',
          'c.accept_seconds',
          'c.resolve_seconds',
          'c.is_solved',
          'c.rating',
          'c.was_overdue',
          'c.insight_mark',
        ])
        .where(byIds ? 'c.id' : 'c.org_path', 'in', keys)
        .execute();
      return rows.map((r) => marked(r, caseFacts(r)));
    }
    case 'visit': {
      const rows = await db
        .selectFrom('household_visit_status')
        .select(['household_id as id', 'org_path', 'county_key', 'last_visit_at', 'next_due_at', 'insight_mark'])
        .where(byIds ? 'household_id' : 'org_path', 'in', keys)
        .execute();
      return rows.map((r) => marked(r, visitFacts(r)));
    }
  }
}

function contributionDeltas(kind: SourceKind, row: { org_path: string; facts: string }, sign: 1 | -1): Delta[] {
  const out: Delta[] = [];
  const contributions = CONTRIBUTIONS[kind](row.facts);
  for (const orgPath of pathAncestors(row.org_path)) {
    for (const c of contributions) out.push({ orgPath, fact: c.fact, dims: c.dims, n: sign * c.n });
  }
  return out;
}

/** Writes the marks of rows just counted, on the rows themselves (a rebuild passes SQLite's handle: many rows). */
async function writeMarks(
  trx: Kysely<DB>,
  kind: SourceKind,
  rows: readonly MarkedRow[],
  sqlite?: SQLite.Database,
): Promise<void> {
  if (rows.length === 0) return;
  const { table, id } = SOURCE_TABLES[kind];
  if (dialectOf(trx) === 'postgres') {
    // by county, each statement naming its county key: on the partitioned layout (and on Citus) it then
    // touches that county's partition alone, where an id by itself is looked for in every one
    const byCounty = new Map<number, MarkedRow[]>();
    for (const r of rows) {
      const group = byCounty.get(r.county_key);
      if (group === undefined) byCounty.set(r.county_key, [r]);
      else group.push(r);
    }
    for (const [countyKey, group] of byCounty) {
      for (const part of chunks(group, 10_000)) {
        await trx.executeQuery(
          CompiledQuery.raw(
            `update ${table} t set insight_mark = v.mark from unnest($1::text[], $2::text[]) as v(id, mark) ` +
              `where t.county_key = $3 and t.${id} = v.id`,
            [part.map((r) => r.id), part.map(markOf), countyKey],
          ),
        );
      }
    }
    return;
  }
  const text = `update ${table} set insight_mark = ? where ${id} = ?`;
  if (sqlite !== undefined) {
    const statement = preparedStatement(sqlite, text);
    for (const r of rows) statement.run(markOf(r), r.id);
    return;
  }
  const statement = CompiledQuery.raw(text, []);
  for (const r of rows) await trx.executeQuery({ ...statement, parameters: [markOf(r), r.id] });
}

/**
 * Brings the counters up to date with the named rows of one kind, inside the writer's transaction.
 * Call it after the write; rows that no longer exist are taken out. Idempotent.
 */
export async function syncRollups(trx: Kysely<DB>, kind: SourceKind, ids: readonly string[]): Promise<void> {
  const unique = [...new Set(ids)];
  for (const part of chunks(unique, CHUNK)) {
    const current = await loadSources(trx, kind, { ids: part });
    const deltas: Delta[] = [];
    const changed: MarkedRow[] = [];
    for (const row of current) {
      const mark = row.mark === null ? undefined : parseMark(row.mark);
      if (mark !== undefined && mark.org_path === row.org_path && mark.facts === row.facts) continue;
      if (mark !== undefined) deltas.push(...contributionDeltas(kind, mark, -1));
      deltas.push(...contributionDeltas(kind, row, 1));
      changed.push(row);
    }
    await applyDeltas(trx, deltas);
    await writeMarks(trx, kind, changed);
  }
}

/**
 * Takes rows out of the counters before they are deleted: what their marks say is subtracted and the
 * marks cleared (a row kept after all is counted again by its next sync). Call it in the deleting
 * transaction, before the delete.
 */
export async function uncountRows(trx: Kysely<DB>, kind: SourceKind, ids: readonly string[]): Promise<void> {
  for (const part of chunks([...new Set(ids)], CHUNK)) {
    const deltas: Delta[] = [];
    for (const row of await loadSources(trx, kind, { ids: part })) {
      if (row.mark !== null) deltas.push(...contributionDeltas(kind, parseMark(row.mark), -1));
    }
    await applyDeltas(trx, deltas);
    await clearMarks(trx, kind, part);
  }
}

/** Clears the marks of rows (at most CHUNK): their next sync counts them afresh. */
async function clearMarks(trx: Kysely<DB>, kind: SourceKind, ids: readonly string[]): Promise<void> {
  const { table, id } = SOURCE_TABLES[kind];
  await trx.executeQuery(
    CompiledQuery.raw(
      `update ${table} set insight_mark = null where ${id} in (${ids.map((_, i) => placeholder(trx, i + 1)).join(', ')})`,
      [...ids],
    ),
  );
}

/**
 * Contributions of rows just inserted, summed at each row's own unit and moved up the tree once: a
 * bulk load counts a million rows into a few thousand counter upserts at the end of its transaction.
 * Rows with equal facts share one computation of their contributions.
 */
export class NewRowTally {
  /** org_path → (fact SEP dims → n) */
  private readonly sums = new Map<string, Map<string, number>>();
  private readonly contributions = new Map<string, Contribution[]>();

  /** Tallies `times` new rows of one kind with the same place and facts. */
  add(kind: SourceKind, row: { org_path: string; facts: string }, times = 1): void {
    const memo = `${kind}${SEP}${row.facts}`;
    let contributions = this.contributions.get(memo);
    if (contributions === undefined) {
      contributions = CONTRIBUTIONS[kind](row.facts);
      if (this.contributions.size < 100_000) this.contributions.set(memo, contributions);
    }
    let counts = this.sums.get(row.org_path);
    if (counts === undefined) this.sums.set(row.org_path, (counts = new Map<string, number>()));
    for (const c of contributions) {
      const key = `${c.fact}${SEP}${c.dims}`;
      counts.set(key, (counts.get(key) ?? 0) + c.n * times);
    }
  }

  /** Adds everything tallied to the counters of each unit and every unit above it, then starts over. */
  async apply(trx: Kysely<DB>): Promise<void> {
    const deltas: Delta[] = [];
    for (const [path, counts] of this.sums) {
      const ancestors = pathAncestors(path);
      for (const [key, n] of counts) {
        const [fact, dims] = key.split(SEP) as [string, string];
        for (const orgPath of ancestors) deltas.push({ orgPath, fact, dims, n });
      }
    }
    this.sums.clear();
    await applyDeltas(trx, deltas);
  }
}

/**
 * Counts rows just inserted with their marks (`markOf`): their contributions are added as they are, no
 * read-back of what the caller already holds. Rows that existed before must go through `syncRollups`.
 */
export async function countNewRows(trx: Kysely<DB>, kind: SourceKind, rows: readonly SourceRow[]): Promise<void> {
  if (rows.length === 0) return;
  const tally = new NewRowTally();
  for (const row of rows) tally.add(kind, row);
  await tally.apply(trx);
}

export const syncResidentRollups = (trx: Kysely<DB>, ids: readonly string[]) => syncRollups(trx, 'resident', ids);
export const syncCaseRollups = (trx: Kysely<DB>, ids: readonly string[]) => syncRollups(trx, 'case', ids);
export const syncVisitRollups = (trx: Kysely<DB>, householdIds: readonly string[]) =>
  syncRollups(trx, 'visit', householdIds);

/** A household, its members and its visit status: what moves when a household moves between grids. */
export async function syncHouseholdRollups(trx: Kysely<DB>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await syncRollups(trx, 'household', ids);
  const members: string[] = [];
  for (const part of chunks([...ids], CHUNK)) {
    const rows = await trx.selectFrom('residents').select('id').where('household_id', 'in', part).execute();
    members.push(...rows.map((r) => r.id));
  }
  await syncRollups(trx, 'resident', members);
  await syncRollups(trx, 'visit', ids);
}

/**
 * Sums contributions up the tree as rows arrive in path order: a stack of the units open on the
 * current path; when the path leaves a unit, its totals are final (emitted) and added to its parent.
 */
class SubtreeSummer {
  private readonly stack: { path: string; counts: Map<string, number> }[] = [];
  constructor(
    private readonly rootLength: number,
    private readonly emit: (path: string, counts: Map<string, number>) => Promise<void>,
  ) {}

  async add(path: string, contributions: { fact: string; dims: string; n: number }[]) {
    await this.closeUntil(path);
    for (const ancestor of pathAncestors(path)) {
      if (ancestor.length < this.rootLength) continue;
      const top = this.stack[this.stack.length - 1];
      if (top === undefined || ancestor.length > top.path.length)
        this.stack.push({ path: ancestor, counts: new Map() });
    }
    const counts = this.stack[this.stack.length - 1]!.counts;
    for (const c of contributions) {
      const key = `${c.fact}${SEP}${c.dims}`;
      counts.set(key, (counts.get(key) ?? 0) + c.n);
    }
  }

  private async closeUntil(path: string | null) {
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (top === undefined || (path !== null && path.startsWith(top.path))) return;
      this.stack.pop();
      await this.emit(top.path, top.counts);
      const parent = this.stack[this.stack.length - 1];
      if (parent !== undefined) for (const [k, n] of top.counts) parent.counts.set(k, (parent.counts.get(k) ?? 0) + n);
    }
  }

  finish = () => this.closeUntil(null);
}

/** The n-th bound value in raw SQL, as each engine writes it. */
const placeholder = (db: Kysely<DB>, n: number) => (dialectOf(db) === 'postgres' ? `$${n}` : '?');
const COUNTER_TYPES = { org_path: 'text', county_key: 'integer', fact: 'text', dims: 'text', n: 'bigint' } as const;
const MARK_TYPES = { source: 'text', id: 'text', org_path: 'text', mark: 'text' } as const;

export interface RebuildResult {
  units: number;
  rows: Record<SourceKind, number>;
  /** rows of each service source (service-sources.ts) */
  services: Record<string, number>;
  counters: number;
}

/**
 * Recomputes counters and marks from the raw tables: everywhere (`rootPath` null) or for one unit's
 * subtree, whose units above then move by the difference at its root. Units are read in path order,
 * a few hundred at a time, so memory stays bounded at any size. One transaction.
 */
export async function rebuildRollups(
  db: Kysely<DB>,
  sqlite: SQLite.Database | undefined,
  rootPath: string | null,
): Promise<RebuildResult> {
  return db.transaction().execute((trx) => rebuildRollupsIn(trx, sqlite, rootPath));
}

/** `rebuildRollups` inside the caller's transaction (a bulk import recounts the subtree it wrote). */
export async function rebuildRollupsIn(
  trx: Kysely<DB>,
  sqlite: SQLite.Database | undefined,
  rootPath: string | null,
): Promise<RebuildResult> {
  {
    const range = rootPath === null ? null : { from: rootPath, to: subtreeEnd(rootPath) };
    let unitQuery = trx.selectFrom('org_units').select('path');
    if (range !== null) unitQuery = unitQuery.where('path', '>=', range.from).where('path', '<', range.to);
    const units = (await unitQuery.execute()).map((u) => u.path).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const result: RebuildResult = {
      units: units.length,
      rows: { resident: 0, household: 0, case: 0, visit: 0 },
      services: {},
      counters: 0,
    };
    const oldRoot =
      rootPath === null
        ? []
        : await trx.selectFrom('insight_counters').selectAll().where('org_path', '=', rootPath).execute();
    if (range === null) {
      await trx.deleteFrom('insight_counters').execute();
    } else {
      await trx
        .deleteFrom('insight_counters')
        .where('org_path', '>=', range.from)
        .where('org_path', '<', range.to)
        .execute();
    }
    const newRoot = new Map<string, number>();
    /** A summer of contributions up the tree whose finished units go into the counters (and newRoot). */
    const summing = () => {
      const counters: InsightCounterTable[] = [];
      const flush = async () => {
        result.counters += counters.length;
        await bulkInsert(trx, sqlite, 'insight_counters', COUNTER_TYPES, counters.splice(0));
      };
      const summer = new SubtreeSummer(rootPath?.length ?? 0, async (path, counts) => {
        for (const [key, n] of counts) {
          if (n === 0) continue;
          const [fact, dims] = key.split(SEP) as [string, string];
          if (path === rootPath) newRoot.set(key, (newRoot.get(key) ?? 0) + n);
          counters.push({ org_path: path, county_key: countyKeyOf(path), fact, dims, n });
        }
        if (counters.length >= 20_000) await flush();
      });
      return { summer, flush };
    };
    for (const kind of SOURCE_KINDS) {
      // rows marked inside the subtree that have since left it: re-synced (counted where they are) at the end
      const leftBehind: string[] = [];
      if (range !== null) {
        const { table, id } = SOURCE_TABLES[kind];
        const rows = await trx.executeQuery<{ id: string }>(
          CompiledQuery.raw(
            `select ${id} as id from ${table} where insight_mark >= ${placeholder(trx, 1)} and insight_mark < ${placeholder(trx, 2)} ` +
              `and (org_path < ${placeholder(trx, 3)} or org_path >= ${placeholder(trx, 4)})`,
            [range.from, range.to, range.from, range.to],
          ),
        );
        for (const r of rows.rows) leftBehind.push(r.id);
      }
      const { summer, flush: flushCounters } = summing();
      for (const part of chunks(units, 200)) {
        const rows = await loadSources(trx, kind, { paths: part });
        result.rows[kind] += rows.length;
        rows.sort((a, b) => (a.org_path < b.org_path ? -1 : a.org_path > b.org_path ? 1 : 0));
        if (range !== null) {
          // rows that arrived from outside the subtree still count where their marks say: take that out
          const stale: Delta[] = [];
          for (const r of rows) {
            if (r.mark === null) continue;
            const mark = parseMark(r.mark);
            if (mark.org_path < range.from || mark.org_path >= range.to)
              stale.push(...contributionDeltas(kind, mark, -1));
          }
          await applyDeltas(trx, stale);
        }
        await writeMarks(trx, kind, rows, sqlite);
        for (const r of rows) await summer.add(r.org_path, CONTRIBUTIONS[kind](r.facts));
      }
      await summer.finish();
      await flushCounters();
      if (leftBehind.length > 0) {
        for (const part of chunks(leftBehind, CHUNK)) await clearMarks(trx, kind, part);
        await syncRollups(trx, kind, leftBehind);
      }
    }
    for (const source of serviceSources()) {
      // the services' rows (service-figures.ts): counted from their own tables, marks rewritten in the range
      const marked =
        range === null
          ? []
          : (
              await trx
                .selectFrom('insight_service_marks')
                .select('id')
                .where('source', '=', source.name)
                .where('org_path', '>=', range.from)
                .where('org_path', '<', range.to)
                .execute()
            ).map((m) => m.id);
      let marks = trx.deleteFrom('insight_service_marks').where('source', '=', source.name);
      if (range !== null) marks = marks.where('org_path', '>=', range.from).where('org_path', '<', range.to);
      await marks.execute();
      const { summer, flush } = summing();
      const seen = new Set<string>();
      let count = 0;
      for (const part of chunks(units, 200)) {
        const rows = await source.load(trx, { paths: part });
        count += rows.length;
        rows.sort((a, b) => (a.org_path < b.org_path ? -1 : a.org_path > b.org_path ? 1 : 0));
        const fresh: { source: string; id: string; org_path: string; mark: string }[] = [];
        for (const r of rows) {
          seen.add(r.id);
          const mark = markOfContributions(r.contributions);
          if (mark !== '') fresh.push({ source: source.name, id: r.id, org_path: r.org_path, mark });
          await summer.add(r.org_path, r.contributions);
        }
        await bulkInsert(trx, sqlite, 'insight_service_marks', MARK_TYPES, fresh);
      }
      await summer.finish();
      await flush();
      result.services[source.name] = count;
      // rows marked in the range that have since left it (or are gone): counted again where they are now
      const leftBehind = marked.filter((id) => !seen.has(id));
      if (leftBehind.length > 0) await syncServiceFigures(trx, source, leftBehind);
    }
    if (rootPath !== null) {
      // the units above the subtree move by what changed at its root
      const deltas: Delta[] = [];
      const above = pathAncestors(rootPath).filter((p) => p !== rootPath);
      for (const row of oldRoot) {
        for (const orgPath of above) deltas.push({ orgPath, fact: row.fact, dims: row.dims, n: -Number(row.n) });
      }
      for (const [key, n] of newRoot) {
        const [fact, dims] = key.split(SEP) as [string, string];
        for (const orgPath of above) deltas.push({ orgPath, fact, dims, n });
      }
      await applyDeltas(trx, deltas);
    }
    return result;
  }
}
