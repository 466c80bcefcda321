import { type Kysely, sql } from 'kysely';
import {
  addKeyColumn,
  countyKeyOf,
  type KeyedTable,
  keyOfPath,
  mapPaths,
  refuseUnlistedChecks,
  q,
  rebuildSqlite,
  rekeyPostgres,
  rows,
  segmentsOf,
} from './county-key-rekey.ts';
import { isPostgres } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 17, item 7, continued from 0040 and 0043: the services' tables that grow with every resident
 * taking part — canteen orders, ledger and absences, venue bookings, slots and sign-ups, fund dues and
 * movements, volunteer sign-ups and service hours — carry the county key first in their primary key
 * (docs/scale.md). Each service belongs to a community whose path gives the county: a row with a path of
 * its own (the canteen's, the centre's, the fund's, the activity's or the registration's, copied into it)
 * takes that path's key; a venue slot takes its booking's, a sign-up its activity's, a due its fund's.
 * A row whose parent is gone takes 0.
 *
 * The primary key becomes (county_key, <old primary key>), and the old key keeps a unique index. For
 * `venue_slots` that index is the race guard: (space, slot start) unique is what makes an overlapping
 * booking fail, and it stays exactly as it was.
 *
 * With TIANZIGE_PG_PARTITIONED=1 these ten tables are built `partition by list (county_key)` like 0040's:
 * a partition per county and pseudo-county, a default one, and a trigger that makes a new county's
 * partitions with its unit. A unique index there holds only with the partition key in it, so the old key
 * and the other unique indexes become unique per county: `(county_key, space_id, slot_start)` for the
 * slots. That is the same guard, because every booking of a space takes the key of the space's path, so
 * two bookings of one space always meet in one county.
 *
 * Runs after 0040 and 0043 (it reuses their helpers, and a slot reads its booking's key).
 */

/** In dependency order: a slot takes its booking's key. */
const TABLES: readonly KeyedTable[] = [
  { name: 'canteen_orders', key: ['id'] },
  { name: 'canteen_ledger', key: ['id'] },
  { name: 'canteen_absences', key: ['id'] },
  { name: 'venue_bookings', key: ['id'] },
  { name: 'venue_slots', key: ['space_id', 'slot_start'] },
  { name: 'venue_signups', key: ['id'] },
  { name: 'fund_dues', key: ['levy_id', 'household_id'] },
  { name: 'fund_movements', key: ['id'] },
  // their checks, as 0023 and 0022 wrote them: a rebuilt SQLite table keeps only what it is given
  {
    name: 'volunteer_signups',
    key: ['id'],
    checks: ['constraint volunteer_signups_minutes check (minutes is null or (minutes >= 0 and minutes <= 1440))'],
  },
  { name: 'service_hours', key: ['id'], checks: ['check (minutes > 0 and minutes <= 1440)'] },
];

/** The tables whose rows hold a path of their own, and the parents' paths the others read. */
const PATHS = [
  ['canteen_orders', 'org_path'],
  ['canteen_ledger', 'org_path'],
  ['canteen_absences', 'org_path'],
  ['venue_bookings', 'org_path'],
  ['fund_movements', 'org_path'],
  ['volunteer_signups', 'org_path'],
  ['service_hours', 'org_path'],
  ['venue_activities', 'org_path'],
  ['funds', 'org_path'],
] as const;

/** `county_key` of a row of `table` (aliased `t`) in an insert … select or update. */
function keyOf(table: string): ReturnType<typeof sql> {
  if (table === 'venue_slots') {
    return sql`coalesce((select b.county_key from venue_bookings b where b.id = t.booking_id), 0)`;
  }
  if (table === 'venue_signups') {
    return sql`coalesce((select m.county_key from venue_activities a
                         join county_key_map m on m.path = a.org_path where a.id = t.activity_id), 0)`;
  }
  if (table === 'fund_dues') {
    return sql`coalesce((select m.county_key from funds f
                         join county_key_map m on m.path = f.org_path where f.id = t.fund_id), 0)`;
  }
  return sql`coalesce(${keyOfPath('org_path')}, 0)`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await mapPaths(db, PATHS);
  if (!isPostgres(db)) {
    await refuseUnlistedChecks(db, '0046_county_key_services', TABLES);
    await rebuildSqlite(db, '0046_county_key_services', TABLES, keyOf);
  } else if (process.env.TIANZIGE_PG_PARTITIONED === '1') await partitionPostgres(db);
  else await rekeyPostgres(db, TABLES, keyOf);
  await sql`drop table county_key_map`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0046_county_key_services cannot be undone');
}

// ——— PostgreSQL, partitioned by county (TIANZIGE_PG_PARTITIONED=1), as 0040 builds its five tables ———

async function partitionPostgres(db: Kysely<unknown>): Promise<void> {
  const units = await rows<{ path: string }>(db, 'select path from org_units');
  const keys = units.filter((u) => segmentsOf(u.path) <= 4).map((u) => countyKeyOf(u.path));
  for (const table of TABLES) {
    const name = table.name;
    await addKeyColumn(db, name, keyOf);
    const incoming = await rows<{ name: string }>(
      db,
      `select conname as name from pg_constraint where contype = 'f' and confrelid = '${name}'::regclass`,
    );
    if (incoming.length > 0) throw new Error(`0046_county_key_services: ${name} is referenced by ${incoming[0]!.name}`);
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
        `create table ${q(name)} (like ${q(plain)} including defaults including constraints) partition by list (county_key)`,
      )
      .execute(db);
    await sql.raw(`alter table ${q(name)} add primary key (county_key, ${table.key.map(q).join(', ')})`).execute(db);
    await sql.raw(`create table ${q(`${name}_default`)} partition of ${q(name)} default`).execute(db);
    for (const k of keys) {
      const part = `${name}_c${String(k).replace('-', 'm')}`;
      await sql.raw(`create table ${q(part)} partition of ${q(name)} for values in (${k})`).execute(db);
    }
    await sql.raw(`insert into ${q(name)} select * from ${q(plain)}`).execute(db);
    await sql.raw(`drop table ${q(plain)}`).execute(db);
    for (const index of indexes) {
      // unique only together with the partition key: unique per county
      const definition = index.definition.startsWith('CREATE UNIQUE INDEX')
        ? index.definition.replace(/USING (\w+) \(/, 'USING $1 (county_key, ')
        : index.definition;
      await sql.raw(definition).execute(db);
    }
    // look-ups by the old key alone (by id, by levy, by space) keep an index of their own
    await sql
      .raw(`create index ${q(`${name}_${table.key.join('_')}`)} on ${q(name)} (${table.key.map(q).join(', ')})`)
      .execute(db);
    for (const trigger of triggers) await sql.raw(trigger.definition).execute(db);
  }
  // a new county's partitions of these tables come from 0045's trigger, which reads the catalog
}
