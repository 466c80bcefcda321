import { type Kysely, sql } from 'kysely';
import {
  type KeyedTable,
  keyOfPath,
  mapPaths,
  partitionPostgres,
  rebuildSqlite,
  refuseUnlistedChecks,
  rekeyPostgres,
} from './county-key-rekey.ts';
import { isPostgres } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 17, item 7, the last two large tables without the county key (after 0040, 0043, 0045, 0046):
 *
 * - `visit_photos`: a photo the phone uploads has no place until the visit that names it is synced. It is
 *   stored in county 0 (like its sync receipt) and moves to its visit's county when the visit names it
 *   (fieldwork/visits.ts), so a visit and its photos sit in one county; here each named photo takes its
 *   visit's key, an unnamed one 0.
 * - `points_accounts`: one per participating resident, household or community, keyed by its community
 *   (`community_path`), as its journals and movements are (0045).
 *
 * The primary key becomes (county_key, id); on the plain layout `id` keeps a unique index. An account's
 * owner stays unique on the plain layout — (owner_kind, owner_id, role) — and the account is also unique per
 * county with its owner, the index the writer's upsert names on every layout (ON CONFLICT (county_key,
 * owner_kind, owner_id, role)); partitioned, only the latter holds, which is enough because an account's
 * county is a function of its owner's community when it is made, and the writer looks the owner up first.
 * With TIANZIGE_PG_PARTITIONED=1 both tables are `partition by list (county_key)`; 0045's catalog trigger
 * makes a new county's partitions.
 */

const TABLES: readonly KeyedTable[] = [
  { name: 'visit_photos', key: ['id'] },
  { name: 'points_accounts', key: ['id'] },
];

function keyOf(table: string): ReturnType<typeof sql> {
  if (table === 'visit_photos') {
    return sql`coalesce((select v.county_key from visits v where v.id = t.visit_id), 0)`;
  }
  return sql`coalesce(${keyOfPath('community_path')}, 0)`;
}

const OWNER_PER_COUNTY =
  'create unique index points_accounts_owner_county on points_accounts (county_key, owner_kind, owner_id, role)';

export async function up(db: Kysely<unknown>): Promise<void> {
  await mapPaths(db, [['points_accounts', 'community_path']]);
  if (!isPostgres(db)) {
    await refuseUnlistedChecks(db, '0047_county_key_photos_accounts', TABLES);
    await rebuildSqlite(db, '0047_county_key_photos_accounts', TABLES, keyOf);
    await sql.raw(OWNER_PER_COUNTY).execute(db);
  } else if (process.env.TIANZIGE_PG_PARTITIONED === '1') {
    // the owner's unique index becomes (county_key, owner_kind, owner_id, role) in the rebuild
    await partitionPostgres(db, TABLES, keyOf);
  } else {
    await rekeyPostgres(db, TABLES, keyOf);
    await sql.raw(OWNER_PER_COUNTY).execute(db);
  }
  await sql`drop table county_key_map`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0047_county_key_photos_accounts cannot be undone');
}
