import { type Kysely, type RawBuilder, sql } from 'kysely';

// Frozen helpers for the migrations that put the county key into a table's primary key (0040, 0043):
// they must not change meaning once a migration uses them. Never import application types here.

/** Frozen copy of db/county-key.ts countyKeyOf as of migration 0040. */
export function countyKeyOf(path: string): number {
  const segments = path.split('/').filter((s) => s !== '');
  const county = segments[3];
  if (county !== undefined) return parseInt(county, 36);
  const deepest = segments[segments.length - 1];
  return deepest === undefined ? 0 : -parseInt(deepest, 36);
}

export const segmentsOf = (path: string) => path.split('/').filter((s) => s !== '').length;

/**
 * A table to rekey: its name, the columns of its primary key before (`id` for most), and the key's
 * default when older code that knows no key still writes the table (none: every writer sets it).
 */
export interface KeyedTable {
  name: string;
  key: readonly string[];
  keyDefault?: number;
  /**
   * Its CHECK constraints, written out (SQLite's pragmas do not list them, so a rebuilt table would lose
   * them): table constraints, kept verbatim in the rebuilt table. From 0046 on.
   */
  checks?: readonly string[];
}

/**
 * The county key of every path in use in the given `table.column`s, in a scratch table
 * `county_key_map (path, county_key)`; the caller drops it.
 */
export async function mapPaths(db: Kysely<unknown>, sources: readonly (readonly [string, string])[]): Promise<void> {
  await sql`create table county_key_map (path text primary key, county_key integer not null)`.execute(db);
  const paths = new Set<string>();
  for (const [table, column] of sources) {
    const { rows } = await sql<{
      path: string | null;
    }>`select distinct ${sql.ref(column)} as path from ${sql.table(table)}`.execute(db);
    for (const r of rows) if (r.path !== null) paths.add(r.path);
  }
  const all = [...paths];
  for (let i = 0; i < all.length; i += 200) {
    const chunk = all.slice(i, i + 200);
    await sql`insert into county_key_map (path, county_key) values ${sql.join(
      chunk.map((p) => sql`(${p}, ${countyKeyOf(p)})`),
    )}`.execute(db);
  }
}

/** `county_key` of a row (aliased `t`) read from its path column through `county_key_map`. */
export const keyOfPath = (column: string): RawBuilder<unknown> =>
  sql`(select m.county_key from county_key_map m where m.path = ${sql.ref(`t.${column}`)})`;

/** The county key expression of a row of a table (aliased `t`) in an insert … select or update. */
export type KeyOf = (table: string) => RawBuilder<unknown>;

export const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function rows<T>(db: Kysely<unknown>, text: string): Promise<T[]> {
  return (await sql.raw<T>(text).execute(db)).rows;
}

/** Stops a migration whose SQLite rebuild would drop, unseen, a CHECK its table list does not name. */
export async function refuseUnlistedChecks(
  db: Kysely<unknown>,
  migration: string,
  tables: readonly KeyedTable[],
): Promise<void> {
  for (const table of tables) {
    const [own] = await rows<{ sql: string }>(
      db,
      `select sql from sqlite_master where type = 'table' and name = '${table.name}'`,
    );
    const found = (own!.sql.match(/\bcheck\s*\(/gi) ?? []).length;
    if (found !== (table.checks ?? []).length) throw new Error(`${migration}: ${table.name} has ${found} checks`);
  }
}

/** The unique index that keeps the old primary key unique (foreign keys and upserts rely on it). */
const oldKeyIndex = (table: KeyedTable) =>
  `create unique index ${q(`${table.name}_${table.key.join('_')}`)} on ${q(table.name)} (${table.key.map(q).join(', ')})`;

const newKey = (table: KeyedTable) => `primary key (county_key, ${table.key.map(q).join(', ')})`;

// ——— SQLite: a primary key cannot change in place, so each table is rebuilt (data kept) ———

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
}
interface ForeignKeyInfo {
  id: number;
  table: string;
  from: string;
  to: string;
  on_delete: string;
  on_update: string;
}

export async function rebuildSqlite(
  db: Kysely<unknown>,
  migration: string,
  tables: readonly KeyedTable[],
  keyOf: KeyOf,
): Promise<void> {
  // Foreign keys are checked once at the end: dropping a referenced table would otherwise fail.
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      for (const table of tables) await rebuildSqliteTable(trx, table, keyOf);
      const broken = await rows<{ table: string }>(trx, 'pragma foreign_key_check');
      if (broken.length > 0) throw new Error(`${migration}: foreign keys broken in ${broken[0]!.table}`);
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

async function rebuildSqliteTable(db: Kysely<unknown>, table: KeyedTable, keyOf: KeyOf): Promise<void> {
  const name = table.name;
  const columns = await rows<ColumnInfo>(db, `pragma table_info(${q(name)})`);
  const foreignKeys = await rows<ForeignKeyInfo>(db, `pragma foreign_key_list(${q(name)})`);
  const uniques: string[][] = [];
  for (const index of await rows<{ name: string; origin: string }>(db, `pragma index_list(${q(name)})`)) {
    if (index.origin !== 'u') continue;
    const cols = await rows<{ name: string }>(db, `pragma index_info(${q(index.name)})`);
    uniques.push(cols.map((c) => c.name));
  }
  const schema = await rows<{ type: string; sql: string }>(
    db,
    `select type, sql from sqlite_master where tbl_name = '${name}' and type in ('index', 'trigger') and sql is not null`,
  );
  const [own] = await rows<{ sql: string }>(
    db,
    `select sql from sqlite_master where type = 'table' and name = '${name}'`,
  );
  const isWithoutRowid = /\)\s*without\s+rowid\s*$/i.test(own!.sql);

  const definitions = [
    ...columns.map(
      (c) =>
        `${q(c.name)} ${c.type}${c.notnull || table.key.includes(c.name) ? ' not null' : ''}${c.dflt_value !== null ? ` default ${c.dflt_value}` : ''}`,
    ),
    `county_key integer not null${table.keyDefault !== undefined ? ` default ${table.keyDefault}` : ''}`,
    newKey(table),
    ...(table.checks ?? []),
    ...uniques.map((cols) => `unique (${cols.map(q).join(', ')})`),
    ...foreignKeys
      .filter((fk, i, all) => all.findIndex((o) => o.id === fk.id) === i)
      .map(
        (fk) =>
          `foreign key (${q(fk.from)}) references ${q(fk.table)} (${q(fk.to)})` +
          (fk.on_delete !== 'NO ACTION' ? ` on delete ${fk.on_delete}` : '') +
          (fk.on_update !== 'NO ACTION' ? ` on update ${fk.on_update}` : ''),
      ),
  ];
  const names = columns.map((c) => q(c.name)).join(', ');
  const rebuilt = `${name}__county`;
  await sql
    .raw(`create table ${q(rebuilt)} (${definitions.join(', ')})${isWithoutRowid ? ' without rowid' : ''}`)
    .execute(db);
  await sql`insert into ${sql.table(rebuilt)} (${sql.raw(names)}, county_key)
            select ${sql.raw(columns.map((c) => `t.${q(c.name)}`).join(', '))}, ${keyOf(name)}
            from ${sql.table(name)} t`.execute(db);
  await sql.raw(`drop table ${q(name)}`).execute(db);
  await sql.raw(`alter table ${q(rebuilt)} rename to ${q(name)}`).execute(db);
  for (const s of schema) await sql.raw(s.sql).execute(db);
  await sql.raw(oldKeyIndex(table)).execute(db);
}

// ——— PostgreSQL, one table per table: add the key, swap the primary key ———

export async function addKeyColumn(db: Kysely<unknown>, table: string, keyOf: KeyOf): Promise<void> {
  await sql`alter table ${sql.table(table)} add column county_key integer`.execute(db);
  // append-only tables (visits, case_events, audit_log) refuse updates: this one backfill is let through
  await sql`alter table ${sql.table(table)} disable trigger user`.execute(db);
  await sql`update ${sql.table(table)} t set county_key = ${keyOf(table)}`.execute(db);
  await sql`alter table ${sql.table(table)} enable trigger user`.execute(db);
  await sql`alter table ${sql.table(table)} alter column county_key set not null`.execute(db);
}

export async function rekeyPostgres(db: Kysely<unknown>, tables: readonly KeyedTable[], keyOf: KeyOf): Promise<void> {
  for (const table of tables) {
    const name = table.name;
    await addKeyColumn(db, name, keyOf);
    if (table.keyDefault !== undefined) {
      await sql.raw(`alter table ${q(name)} alter column county_key set default ${table.keyDefault}`).execute(db);
    }
    const incoming = await rows<{ name: string; owner: string; definition: string }>(
      db,
      `select conname as name, conrelid::regclass::text as owner, pg_get_constraintdef(oid) as definition
       from pg_constraint where contype = 'f' and confrelid = '${name}'::regclass`,
    );
    for (const fk of incoming) await sql.raw(`alter table ${q(fk.owner)} drop constraint ${q(fk.name)}`).execute(db);
    const [pk] = await rows<{ name: string }>(
      db,
      `select conname as name from pg_constraint where contype = 'p' and conrelid = '${name}'::regclass`,
    );
    await sql.raw(`alter table ${q(name)} drop constraint ${q(pk!.name)}`).execute(db);
    await sql.raw(`alter table ${q(name)} add constraint ${q(`${name}_pkey`)} ${newKey(table)}`).execute(db);
    await sql.raw(oldKeyIndex(table)).execute(db);
    for (const fk of incoming) {
      await sql.raw(`alter table ${q(fk.owner)} add constraint ${q(fk.name)} ${fk.definition}`).execute(db);
    }
  }
}

// ——— PostgreSQL, partitioned by county (TIANZIGE_PG_PARTITIONED=1), for the tables after 0040 ———

/**
 * The county keys that have a partition from the start: every county and pseudo-county there is now,
 * and 0 (rows with no unit: a sync receipt of a photo not yet named by a visit).
 */
async function partitionKeys(db: Kysely<unknown>): Promise<number[]> {
  const units = await rows<{ path: string }>(db, 'select path from org_units');
  return [...new Set([0, ...units.filter((u) => segmentsOf(u.path) <= 4).map((u) => countyKeyOf(u.path))])];
}

/**
 * Rebuilds each table `partition by list (county_key)` with `primary key (county_key, <old key>)`, as
 * 0040 does for its five: a default partition and one per county and pseudo-county. A partitioned table
 * holds no unique index without its partition key, so the old key and every other unique index become
 * unique per county (a plain index on the old key keeps look-ups by it); foreign keys into the table are
 * dropped, those out of it kept unless they point at a partitioned table. Check constraints, defaults
 * and triggers (append-only) come along. New counties get their partitions through
 * `useCatalogPartitionTrigger`.
 */
export async function partitionPostgres(
  db: Kysely<unknown>,
  tables: readonly KeyedTable[],
  keyOf: KeyOf,
): Promise<void> {
  const keys = await partitionKeys(db);
  for (const table of tables) {
    const name = table.name;
    await addKeyColumn(db, name, keyOf);
    if (table.keyDefault !== undefined) {
      await sql.raw(`alter table ${q(name)} alter column county_key set default ${table.keyDefault}`).execute(db);
    }
    const indexes = await rows<{ definition: string }>(
      db,
      `select indexdef as definition from pg_indexes
       where schemaname = current_schema() and tablename = '${name}'
         and indexname not in (select conname from pg_constraint where contype = 'p' and conrelid = '${name}'::regclass)`,
    );
    const triggers = await rows<{ definition: string }>(
      db,
      `select pg_get_triggerdef(oid) as definition from pg_trigger where tgrelid = '${name}'::regclass and not tgisinternal`,
    );
    const outgoing = await rows<{ name: string; definition: string; partitioned: boolean }>(
      db,
      `select f.conname as name, pg_get_constraintdef(f.oid) as definition, c.relkind = 'p' as partitioned
       from pg_constraint f join pg_class c on c.oid = f.confrelid
       where f.contype = 'f' and f.conrelid = '${name}'::regclass`,
    );
    const plain = `${name}__plain`;
    await sql.raw(`alter table ${q(name)} rename to ${q(plain)}`).execute(db);
    const oldIndexes = await rows<{ name: string }>(
      db,
      `select indexname as name from pg_indexes where schemaname = current_schema() and tablename = '${plain}'`,
    );
    for (const index of oldIndexes) {
      await sql.raw(`alter index ${q(index.name)} rename to ${q(`${index.name}__plain`)}`).execute(db);
    }
    await sql
      .raw(
        `create table ${q(name)} (like ${q(plain)} including defaults including constraints)
         partition by list (county_key)`,
      )
      .execute(db);
    await sql.raw(`alter table ${q(name)} add constraint ${q(`${name}_pkey`)} ${newKey(table)}`).execute(db);
    await sql.raw(`create table ${q(`${name}_default`)} partition of ${q(name)} default`).execute(db);
    for (const k of keys) {
      const part = `${name}_c${String(k).replace('-', 'm')}`;
      await sql.raw(`create table ${q(part)} partition of ${q(name)} for values in (${k})`).execute(db);
    }
    await sql.raw(`insert into ${q(name)} select * from ${q(plain)}`).execute(db);
    await sql.raw(`drop table ${q(plain)} cascade`).execute(db);
    for (const index of indexes) {
      const definition = index.definition.startsWith('CREATE UNIQUE INDEX')
        ? index.definition.replace(/USING (\w+) \(/, 'USING $1 (county_key, ')
        : index.definition;
      await sql.raw(definition).execute(db);
    }
    await sql
      .raw(`create index ${q(`${name}_${table.key.join('_')}`)} on ${q(name)} (${table.key.map(q).join(', ')})`)
      .execute(db);
    for (const trigger of triggers) await sql.raw(trigger.definition).execute(db);
    for (const fk of outgoing) {
      if (fk.partitioned) continue;
      await sql.raw(`alter table ${q(name)} add constraint ${q(fk.name)} ${fk.definition}`).execute(db);
    }
  }
}

/**
 * Replaces 0040's trigger function (which names its five tables) by one that reads the catalog: a unit
 * whose path has at most four segments gets a partition in every table of the schema partitioned by
 * list on `county_key`, whichever migration made it.
 */
export async function useCatalogPartitionTrigger(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `create or replace function county_partitions_create() returns trigger language plpgsql as $$
       declare
         segments integer := cardinality(string_to_array(trim(both '/' from new.path), '/'));
         k integer := case when segments = 4 then new.key else -new.key end;
         t text;
       begin
         if segments > 4 then return new; end if;
         for t in
           select c.relname from pg_partitioned_table p
           join pg_class c on c.oid = p.partrelid
           join pg_attribute a on a.attrelid = p.partrelid and a.attnum = p.partattrs[0]
           where c.relnamespace = current_schema()::regnamespace and p.partstrat = 'l' and a.attname = 'county_key'
         loop
           execute format('create table if not exists %I partition of %I for values in (%s)',
                          t || '_c' || replace(k::text, '-', 'm'), t, k);
         end loop;
         return new;
       end $$`,
    )
    .execute(db);
}
