import { type Kysely, type Expression, type SqlBool, type ExpressionBuilder, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import type SQLite from 'better-sqlite3';
import { bulkInsert, indexHostOf, setAsideIndexes } from '../../db/bulk.ts';
import { subtreeEnd } from '../../platform/access/scope.ts';
import type { OrgUnitTable } from './tables.ts';

export type OrgRow = OrgUnitTable & { has_children: number };
type ScopeFilter = (eb: ExpressionBuilder<DB, 'org_units'>) => Expression<SqlBool>;

/** Path segment for a key: base36, so paths stay short. */
export const pathSegment = (key: number): string => `${key.toString(36)}/`;

function selectOrgs(db: Kysely<DB>) {
  return db
    .selectFrom('org_units')
    .selectAll('org_units')
    .select((eb) =>
      eb
        .case()
        .when(eb.exists(eb.selectFrom('org_units as c').select('c.id').whereRef('c.parent_id', '=', 'org_units.id')))
        .then(1)
        .else(0)
        .end()
        .as('has_children'),
    );
}

export async function findOrg(db: Kysely<DB>, scope: ScopeFilter, by: { id: string } | { code: string }) {
  let q = selectOrgs(db).where(scope).where('org_units.retired_at', 'is', null);
  q = 'id' in by ? q.where('org_units.id', '=', by.id) : q.where('org_units.code', '=', by.code);
  return q.executeTakeFirst();
}

export async function listOrgsByPath(db: Kysely<DB>, paths: string[]) {
  if (paths.length === 0) return [];
  return selectOrgs(db).where('org_units.path', 'in', paths).orderBy('org_units.depth').execute();
}

export async function listChildren(db: Kysely<DB>, scope: ScopeFilter, parentId: string) {
  return selectOrgs(db)
    .where('org_units.parent_id', '=', parentId)
    .where('org_units.retired_at', 'is', null)
    .where(scope)
    .orderBy('org_units.code')
    .orderBy('org_units.name')
    .execute();
}

export async function searchOrgs(
  db: Kysely<DB>,
  scope: ScopeFilter,
  options: { q: string; level: string | undefined; limit: number },
) {
  let q = selectOrgs(db).where(scope).where('org_units.retired_at', 'is', null);
  if (/^\d{2,15}$/.test(options.q)) {
    q = q.where('org_units.code', '>=', options.q).where('org_units.code', '<', `${options.q}~`);
  } else {
    const pattern = `%${options.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where('org_units.name', 'like', sql<string>`${pattern} escape '\\'`);
  }
  if (options.level !== undefined) q = q.where('org_units.level', '=', options.level as OrgUnitTable['level']);
  return q.orderBy('org_units.depth').orderBy('org_units.code').limit(options.limit).execute();
}

/** Units per level in the subtree of `path` (the unit itself excluded). */
export async function countSubtreeByLevel(db: Kysely<DB>, path: string) {
  return db
    .selectFrom('org_units')
    .select(['level', (eb) => eb.fn.countAll<number>().as('n')])
    .where('path', '>', path)
    .where('path', '<', subtreeEnd(path))
    .where('retired_at', 'is', null)
    .groupBy('level')
    .execute();
}

export async function listGeometriesInSubtree(db: Kysely<DB>, scope: ScopeFilter, path: string) {
  return db
    .selectFrom('org_units')
    .select(['id', 'name', 'level', 'code', 'geometry', 'depth'])
    .where('path', '>=', path)
    .where('path', '<', subtreeEnd(path))
    .where('geometry', 'is not', null)
    .where('retired_at', 'is', null)
    .where(scope)
    .orderBy('depth')
    .limit(5000)
    .execute();
}

/** Reserves `count` consecutive keys; returns the first. */
export async function allocateOrgKeys(db: Kysely<DB>, count: number): Promise<number> {
  const row = await db
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', count) }))
    .where('name', '=', 'org_key')
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value) - count + 1;
}

/** Codes in use below a community: its code followed by three digits. */
export async function listCodesWithPrefix(db: Kysely<DB>, prefix: string) {
  const rows = await db
    .selectFrom('org_units')
    .select('code')
    .where('code', '>=', prefix)
    .where('code', '<', `${prefix}a`)
    .execute();
  return rows.map((r) => r.code).filter((c): c is string => c !== null && c.length === prefix.length + 3);
}

const ORG_TYPES = {
  id: 'text',
  key: 'bigint',
  parent_id: 'text',
  path: 'text',
  depth: 'integer',
  level: 'text',
  name: 'text',
  full_name: 'text',
  code: 'text',
  geometry: 'text',
  retired_at: 'text',
  created_at: 'text',
  updated_at: 'text',
} as const;

/** Inserts many units inside the caller's transaction (the national import). */
export async function insertOrgUnitsBulk(db: Kysely<DB>, sqlite: SQLite.Database | undefined, rows: OrgUnitTable[]) {
  await bulkInsert(db, sqlite, 'org_units', ORG_TYPES, rows);
}

/** The secondary indexes of org_units a bulk load sets aside (db/bulk.ts), inside its transaction. */
const BULK_INDEXES = new Set(['org_units_level_path', 'org_units_parent', 'org_units_code']);

/** Drops the indexes of org_units a bulk load grows slowly; the returned function makes them again. */
export async function setAsideOrgIndexes(db: Kysely<DB>, sqlite: SQLite.Database | undefined) {
  return setAsideIndexes(await indexHostOf(db, sqlite), ['org_units'], (index) => BULK_INDEXES.has(index.name));
}
