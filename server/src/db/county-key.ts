import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { CountyKeyed } from '../platform/access/scope.ts';
import type { DB } from './types.ts';

/**
 * The county key of a materialized path: the shard and partition a row of a large table lives in
 * (docs/scale.md). Paths are `/<nation>/<province>/<city>/<county>/…`, each segment a unit's key in
 * base 36, so the key is the fourth segment's. A path that stops above a county (a city's or
 * province's own row) gets the negated key of its deepest unit: a pseudo-county per city (and per
 * province). Pure and cheap: writers call it on the path they already hold.
 */
export function countyKeyOf(path: string): number {
  const segments = path.split('/').filter((s) => s !== '');
  const county = segments[3];
  if (county !== undefined) return parseInt(county, 36);
  const deepest = segments[segments.length - 1];
  return deepest === undefined ? 0 : -parseInt(deepest, 36);
}

/** How many units deep a path lies: `/1/` is 1 (the nation), a county's path 4. */
export const pathDepth = (path: string): number => path.split('/').filter((s) => s !== '').length;

/**
 * The county key every row under a subtree root carries, for a table whose key follows the row's own path:
 * the root's key once the root lies at county depth or below (all its paths share their fourth segment);
 * undefined above it, where a city's or province's subtree spans its counties.
 */
export function countyKeyOfSubtree(root: string): number | undefined {
  return pathDepth(root) >= 4 ? countyKeyOf(root) : undefined;
}

const partitioned = new WeakMap<Kysely<DB>, Promise<boolean>>();

/**
 * True when the large tables are partitioned by county (PostgreSQL's declarative partitioning, the layout
 * docs/scale.md describes): reads then name the county key so that PostgreSQL opens one county's partition.
 * On SQLite and on PostgreSQL's plain tables the key is not named: there it prunes nothing, and beside a path
 * range it can lead the planner to the primary key's index instead of the path's (the district's rates went
 * from 127 ms to 1.1 s at 1M cases). Asked once per database (the layout is fixed when it is migrated).
 */
export function isPartitionedByCounty(db: Kysely<DB>): Promise<boolean> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return Promise.resolve(false);
  let known = partitioned.get(db);
  if (known === undefined) {
    known = sql<{ kind: string }>`select relkind as kind from pg_class where oid = to_regclass('cases')`
      .execute(db)
      .then((r) => {
        // asked before the schema exists (no `cases` yet): ask again next time
        if (r.rows.length === 0) partitioned.delete(db);
        return r.rows[0]?.kind === 'p';
      });
    known.catch(() => partitioned.delete(db));
    partitioned.set(db, known);
  }
  return known;
}

/**
 * The scope helper's county key for a table whose key follows its own `org_path` (residents, households,
 * cases by place, visits): every row under a root at county depth carries the root's key, so the key is
 * exact there — on the layout partitioned by county only (`isPartitionedByCounty`), undefined elsewhere.
 */
export async function keyedByPlace(db: Kysely<DB>, table: string): Promise<CountyKeyed | undefined> {
  return (await isPartitionedByCounty(db)) ? { column: `${table}.county_key`, keyOf: countyKeyOfSubtree } : undefined;
}

/** A visit's county key, read inside the statement that links a case to it (co-located with the visit). */
export function countyKeyOfVisit(db: Kysely<DB>, visitId: string) {
  return db.selectFrom('visits').select('visits.county_key').where('visits.id', '=', visitId).limit(1);
}

/** A case's county key, read inside the statement that writes one of its events (co-located with the case). */
export function countyKeyOfCase(db: Kysely<DB>, caseId: string) {
  return db.selectFrom('cases').select('cases.county_key').where('cases.id', '=', caseId).limit(1);
}
