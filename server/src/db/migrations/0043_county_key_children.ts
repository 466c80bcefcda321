import { type Kysely, sql } from 'kysely';
import { type KeyedTable, keyOfPath, mapPaths, rebuildSqlite, rekeyPostgres } from './county-key-rekey.ts';
import { isPostgres } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 17, item 7, continued from 0040: the large tables around the keyed ones carry the county key
 * in their primary key too (docs/scale.md). A row with a path of its own takes that path's key (a
 * resident's tags and history, a household's visit status, an insight counter, an audit record by the
 * unit acted on, a message by its recipient's home unit); a case's photos and reporters take their
 * case's, a visit's visitors and linked cases their visit's. An audit record with no unit and a message to a number with no account yet take 0.
 *
 * The primary key becomes (county_key, <old primary key>), and the old key keeps a unique index: the
 * upserts on `insight_counters (org_path, fact, dims)` and `household_visit_status (household_id)`
 * name it as their conflict target. These tables stay plain even in the partitioned layout
 * (TIANZIGE_PG_PARTITIONED=1): partitioning them is left to docs/scale.md.
 *
 * Runs after 0040 (a case's and a visit's `county_key` are read from `cases` and `visits`).
 */

const TABLES: readonly KeyedTable[] = [
  { name: 'audit_log', key: ['id'] },
  { name: 'resident_changes', key: ['id'] },
  { name: 'resident_tags', key: ['resident_id', 'tag_id'] },
  { name: 'household_visit_status', key: ['household_id'] },
  { name: 'case_photos', key: ['id'] },
  { name: 'case_reporters', key: ['case_id', 'user_id'] },
  { name: 'visit_visitors', key: ['visit_id', 'user_id'] },
  { name: 'visit_cases', key: ['visit_id', 'case_id'] },
  // 0 by default too: the frozen 0018 moves old notifications in without a key when its down/up is run again
  { name: 'outbox_messages', key: ['id'], keyDefault: 0 },
  { name: 'insight_counters', key: ['org_path', 'fact', 'dims'] },
];

const PATHS = {
  audit_log: 'org_path',
  resident_changes: 'org_path',
  resident_tags: 'org_path',
  household_visit_status: 'org_path',
  outbox_messages: 'recipient_org_path',
  insight_counters: 'org_path',
} as const satisfies Record<string, string>;

/** `county_key` of a row of `table` (aliased `t`) in an insert … select or update. */
function keyOf(table: string): ReturnType<typeof sql> {
  if (table === 'case_photos' || table === 'case_reporters') {
    return sql`(select c.county_key from cases c where c.id = t.case_id)`;
  }
  if (table === 'visit_visitors' || table === 'visit_cases') {
    return sql`(select v.county_key from visits v where v.id = t.visit_id)`;
  }
  const column = PATHS[table as keyof typeof PATHS];
  return sql`coalesce(${keyOfPath(column)}, 0)`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await mapPaths(db, Object.entries(PATHS));
  if (isPostgres(db)) await rekeyPostgres(db, TABLES, keyOf);
  else await rebuildSqlite(db, '0043_county_key_children', TABLES, keyOf);
  await sql`drop table county_key_map`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0043_county_key_children cannot be undone');
}
