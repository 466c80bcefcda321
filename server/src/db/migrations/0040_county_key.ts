import { type Kysely, sql } from 'kysely';
import { isPostgres } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 17, item 7: the large tables carry their county key in their primary key (docs/scale.md).
 * `county_key` is the county unit's key, read from the fourth segment of the row's path (a path above
 * county level: minus the key of its deepest unit, a pseudo-county per city); a case's events take
 * their case's. The primary key becomes (county_key, id); `id` keeps a unique index of its own, which
 * the foreign keys into these tables reference.
 *
 * With TIANZIGE_PG_PARTITIONED=1 at migration time, PostgreSQL instead builds these tables
 * `partition by list (county_key)` — the stand-in for Citus' distribution by county: one partition per
 * county and pseudo-county (made by a trigger when a unit whose path has at most four segments is
 * created) and a default one. A partitioned table cannot hold a unique index without its partition key,
 * so there `id` (and the ID number's blind index, the case number and external reference) are unique
 * per county, and the foreign keys into these tables are dropped, as on Citus until the referencing
 * tables carry the county key too.
 */

/** In dependency order: a case's events take the case's key. */
const TABLES = ['households', 'residents', 'cases', 'visits', 'case_events'] as const;
const PATH_TABLES = ['households', 'residents', 'cases', 'visits'] as const;

/** Frozen copy of db/county-key.ts countyKeyOf as of this migration. */
function countyKeyOf(path: string): number {
  const segments = path.split('/').filter((s) => s !== '');
  const county = segments[3];
  if (county !== undefined) return parseInt(county, 36);
  const deepest = segments[segments.length - 1];
  return deepest === undefined ? 0 : -parseInt(deepest, 36);
}

const segmentsOf = (path: string) => path.split('/').filter((s) => s !== '').length;

/** The county key of every path in use, in a scratch table `county_key_map (path, county_key)`. */
async function mapPaths(db: Kysely<unknown>): Promise<void> {
  await sql`create table county_key_map (path text primary key, county_key integer not null)`.execute(db);
  const paths = new Set<string>();
  for (const table of PATH_TABLES) {
    const { rows } = await sql<{ org_path: string }>`select distinct org_path from ${sql.table(table)}`.execute(db);
    for (const r of rows) paths.add(r.org_path);
  }
  const all = [...paths];
  for (let i = 0; i < all.length; i += 200) {
    const chunk = all.slice(i, i + 200);
    await sql`insert into county_key_map (path, county_key) values ${sql.join(
      chunk.map((p) => sql`(${p}, ${countyKeyOf(p)})`),
    )}`.execute(db);
  }
}

/** `county_key` of a row of `table` (aliased `t`) in an insert … select or update. */
function keyOf(table: (typeof TABLES)[number]): ReturnType<typeof sql> {
  return table === 'case_events'
    ? sql`(select c.county_key from cases c where c.id = t.case_id)`
    : sql`(select m.county_key from county_key_map m where m.path = t.org_path)`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await mapPaths(db);
  if (!isPostgres(db)) await rebuildSqlite(db);
  else if (process.env.TIANZIGE_PG_PARTITIONED === '1') await partitionPostgres(db);
  else await rekeyPostgres(db);
  await sql`drop table county_key_map`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0040_county_key cannot be undone');
}

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

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function rows<T>(db: Kysely<unknown>, text: string): Promise<T[]> {
  return (await sql.raw<T>(text).execute(db)).rows;
}

async function rebuildSqlite(db: Kysely<unknown>): Promise<void> {
  // Foreign keys are checked once at the end: dropping a referenced table would otherwise fail.
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      for (const table of TABLES) await rebuildSqliteTable(trx, table);
      const broken = await rows<{ table: string }>(trx, 'pragma foreign_key_check');
      if (broken.length > 0) throw new Error(`0040_county_key: foreign keys broken in ${broken[0]!.table}`);
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

async function rebuildSqliteTable(db: Kysely<unknown>, table: (typeof TABLES)[number]): Promise<void> {
  const columns = await rows<ColumnInfo>(db, `pragma table_info(${q(table)})`);
  const foreignKeys = await rows<ForeignKeyInfo>(db, `pragma foreign_key_list(${q(table)})`);
  const uniques: string[][] = [];
  for (const index of await rows<{ name: string; origin: string }>(db, `pragma index_list(${q(table)})`)) {
    if (index.origin !== 'u') continue;
    const cols = await rows<{ name: string }>(db, `pragma index_info(${q(index.name)})`);
    uniques.push(cols.map((c) => c.name));
  }
  const schema = await rows<{ type: string; sql: string }>(
    db,
    `select type, sql from sqlite_master where tbl_name = '${table}' and type in ('index', 'trigger') and sql is not null`,
  );

  const definitions = [
    ...columns.map(
      (c) =>
        `${q(c.name)} ${c.type}${c.notnull || c.name === 'id' ? ' not null' : ''}${c.dflt_value !== null ? ` default ${c.dflt_value}` : ''}`,
    ),
    'county_key integer not null',
    'primary key (county_key, id)',
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
  const rebuilt = `${table}__county`;
  await sql.raw(`create table ${q(rebuilt)} (${definitions.join(', ')})`).execute(db);
  await sql`insert into ${sql.table(rebuilt)} (${sql.raw(names)}, county_key)
            select ${sql.raw(columns.map((c) => `t.${q(c.name)}`).join(', '))}, ${keyOf(table)}
            from ${sql.table(table)} t`.execute(db);
  await sql.raw(`drop table ${q(table)}`).execute(db);
  await sql.raw(`alter table ${q(rebuilt)} rename to ${q(table)}`).execute(db);
  for (const s of schema) await sql.raw(s.sql).execute(db);
  await sql.raw(`create unique index ${q(`${table}_id`)} on ${q(table)} (id)`).execute(db);
}

// ——— PostgreSQL, one table per table: add the key, swap the primary key ———

async function addKeyColumn(db: Kysely<unknown>, table: (typeof TABLES)[number]): Promise<void> {
  await sql`alter table ${sql.table(table)} add column county_key integer`.execute(db);
  // visits and case_events refuse updates (append-only): this one backfill is let through
  await sql`alter table ${sql.table(table)} disable trigger user`.execute(db);
  await sql`update ${sql.table(table)} t set county_key = ${keyOf(table)}`.execute(db);
  await sql`alter table ${sql.table(table)} enable trigger user`.execute(db);
  await sql`alter table ${sql.table(table)} alter column county_key set not null`.execute(db);
}

async function rekeyPostgres(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await addKeyColumn(db, table);
    const incoming = await rows<{ name: string; owner: string; definition: string }>(
      db,
      `select conname as name, conrelid::regclass::text as owner, pg_get_constraintdef(oid) as definition
       from pg_constraint where contype = 'f' and confrelid = '${table}'::regclass`,
    );
    for (const fk of incoming) await sql.raw(`alter table ${q(fk.owner)} drop constraint ${q(fk.name)}`).execute(db);
    const [pk] = await rows<{ name: string }>(
      db,
      `select conname as name from pg_constraint where contype = 'p' and conrelid = '${table}'::regclass`,
    );
    await sql.raw(`alter table ${q(table)} drop constraint ${q(pk!.name)}`).execute(db);
    await sql
      .raw(`alter table ${q(table)} add constraint ${q(`${table}_pkey`)} primary key (county_key, id)`)
      .execute(db);
    await sql.raw(`create unique index ${q(`${table}_id`)} on ${q(table)} (id)`).execute(db);
    for (const fk of incoming) {
      await sql.raw(`alter table ${q(fk.owner)} add constraint ${q(fk.name)} ${fk.definition}`).execute(db);
    }
  }
}

// ——— PostgreSQL, partitioned by county (TIANZIGE_PG_PARTITIONED=1) ———

async function partitionPostgres(db: Kysely<unknown>): Promise<void> {
  // a partition per county (and per pseudo-county above) there is now; later ones come with their unit
  const units = await rows<{ path: string }>(db, 'select path from org_units');
  const keys = units.filter((u) => segmentsOf(u.path) <= 4).map((u) => countyKeyOf(u.path));
  for (const table of TABLES) {
    await addKeyColumn(db, table);
    const indexes = await rows<{ definition: string; name: string }>(
      db,
      `select indexname as name, indexdef as definition from pg_indexes
       where schemaname = current_schema() and tablename = '${table}'
         and indexname not in (select conname from pg_constraint where contype = 'p' and conrelid = '${table}'::regclass)`,
    );
    const triggers = await rows<{ definition: string }>(
      db,
      `select pg_get_triggerdef(oid) as definition from pg_trigger where tgrelid = '${table}'::regclass and not tgisinternal`,
    );
    const outgoing = await rows<{ name: string; definition: string; target: string }>(
      db,
      `select conname as name, pg_get_constraintdef(oid) as definition, confrelid::regclass::text as target
       from pg_constraint where contype = 'f' and conrelid = '${table}'::regclass`,
    );
    const plain = `${table}__plain`;
    await sql.raw(`alter table ${q(table)} rename to ${q(plain)}`).execute(db);
    // free the index names (the primary key's too) for the partitioned table
    const oldIndexes = await rows<{ name: string }>(
      db,
      `select indexname as name from pg_indexes where schemaname = current_schema() and tablename = '${plain}'`,
    );
    for (const index of oldIndexes) {
      await sql.raw(`alter index ${q(index.name)} rename to ${q(`${index.name}__plain`)}`).execute(db);
    }
    await sql
      .raw(
        `create table ${q(table)} (like ${q(plain)} including defaults including constraints)
         partition by list (county_key)`,
      )
      .execute(db);
    await sql.raw(`alter table ${q(table)} add primary key (county_key, id)`).execute(db);
    await sql.raw(`create table ${q(`${table}_default`)} partition of ${q(table)} default`).execute(db);
    for (const k of keys) {
      const name = `${table}_c${String(k).replace('-', 'm')}`;
      await sql.raw(`create table ${q(name)} partition of ${q(table)} for values in (${k})`).execute(db);
    }
    await sql.raw(`insert into ${q(table)} select * from ${q(plain)}`).execute(db);
    // cascade: the foreign keys into the old table go with it (see above)
    await sql.raw(`drop table ${q(plain)} cascade`).execute(db);
    for (const index of indexes) {
      // unique only together with the partition key: unique per county
      const definition = index.definition.startsWith('CREATE UNIQUE INDEX')
        ? index.definition.replace(/USING (\w+) \(/, 'USING $1 (county_key, ')
        : index.definition;
      await sql.raw(definition).execute(db);
    }
    await sql.raw(`create index ${q(`${table}_id`)} on ${q(table)} (id)`).execute(db);
    for (const trigger of triggers) await sql.raw(trigger.definition).execute(db);
    for (const fk of outgoing) {
      if ((TABLES as readonly string[]).includes(fk.target)) continue;
      await sql.raw(`alter table ${q(table)} add constraint ${q(fk.name)} ${fk.definition}`).execute(db);
    }
  }
  // one partition per county (and per pseudo-county above), made when its unit is
  await sql
    .raw(
      `create function county_partitions_create() returns trigger language plpgsql as $$
       declare
         segments integer := cardinality(string_to_array(trim(both '/' from new.path), '/'));
         k integer := case when segments = 4 then new.key else -new.key end;
         t text;
       begin
         if segments > 4 then return new; end if;
         foreach t in array array[${TABLES.map((t) => `'${t}'`).join(', ')}] loop
           execute format('create table if not exists %I partition of %I for values in (%s)',
                          t || '_c' || replace(k::text, '-', 'm'), t, k);
         end loop;
         return new;
       end $$;
       create trigger org_units_county_partitions after insert on org_units
       for each row execute function county_partitions_create();`,
    )
    .execute(db);
}
