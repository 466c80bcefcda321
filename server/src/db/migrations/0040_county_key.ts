import { type Kysely, sql } from 'kysely';
import {
  addKeyColumn,
  countyKeyOf,
  keyOfPath,
  mapPaths,
  q,
  rebuildSqlite,
  rekeyPostgres,
  rows,
  segmentsOf,
} from './county-key-rekey.ts';
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

const KEYED = TABLES.map((name) => ({ name, key: ['id'] }));

/** `county_key` of a row of `table` (aliased `t`) in an insert … select or update. */
function keyOf(table: string): ReturnType<typeof sql> {
  return table === 'case_events'
    ? sql`(select c.county_key from cases c where c.id = t.case_id)`
    : keyOfPath('org_path');
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await mapPaths(
    db,
    PATH_TABLES.map((t) => [t, 'org_path'] as const),
  );
  if (!isPostgres(db)) await rebuildSqlite(db, '0040_county_key', KEYED, keyOf);
  else if (process.env.TIANZIGE_PG_PARTITIONED === '1') await partitionPostgres(db);
  else await rekeyPostgres(db, KEYED, keyOf);
  await sql`drop table county_key_map`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0040_county_key cannot be undone');
}

// ——— PostgreSQL, partitioned by county (TIANZIGE_PG_PARTITIONED=1) ———

async function partitionPostgres(db: Kysely<unknown>): Promise<void> {
  // a partition per county (and per pseudo-county above) there is now; later ones come with their unit
  const units = await rows<{ path: string }>(db, 'select path from org_units');
  const keys = units.filter((u) => segmentsOf(u.path) <= 4).map((u) => countyKeyOf(u.path));
  for (const table of TABLES) {
    await addKeyColumn(db, table, keyOf);
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
