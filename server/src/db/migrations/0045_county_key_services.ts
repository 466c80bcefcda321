import { type Kysely, sql } from 'kysely';
import {
  type KeyedTable,
  keyOfPath,
  mapPaths,
  refuseUnlistedChecks,
  partitionPostgres,
  rebuildSqlite,
  rekeyPostgres,
  useCatalogPartitionTrigger,
} from './county-key-rekey.ts';
import { isPostgres } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 17, item 7, continued from 0040 and 0043: the tables of notices, points, webhooks and field
 * sync that grow with every resident, visit or case step carry the county key first in their primary
 * key (docs/scale.md). Each is keyed where its natural owner lives:
 *
 * - a notice's household receipt by the household's place when it was sent (its `org_path`), a staff
 *   receipt by the unit of the role that reached her, a resident's read by her household's receipt row;
 * - a points journal and its movements by their community (`community_path`: one journal, one shard),
 *   a store redemption by its community too (the journal it posts);
 * - a webhook delivery by its case's key (written in the case step's transaction, co-located with the
 *   case), else its subscriber's unit;
 * - a household change by the household's place; a sync receipt by the county of what it answers for
 *   (the visit, the case, the change), and 0 for a photo (no place until a visit names it).
 *
 * The primary key becomes (county_key, <old key>); on the plain layout the old key keeps a unique index.
 * With TIANZIGE_PG_PARTITIONED=1 at migration time these tables are built `partition by list
 * (county_key)` like 0040's, their unique indexes unique per county, and the trigger that makes a new
 * county's partitions reads the catalog from now on (every table partitioned by county_key).
 *
 * Runs after 0040 (cases, visits, households carry their key).
 */

/** In dependency order: a read takes its household receipt's key, a receipt its change's. */
const TABLES: readonly KeyedTable[] = [
  { name: 'notice_households', key: ['notice_id', 'household_id'] },
  { name: 'notice_reads', key: ['notice_id', 'user_id'] },
  { name: 'notice_accounts', key: ['notice_id', 'user_id'] },
  // their checks, as 0023 wrote them: a rebuilt SQLite table keeps only what it is given
  {
    name: 'points_journals',
    key: ['id'],
    checks: [`constraint points_journals_source check (source_kind <> '' and source_id <> '')`],
  },
  {
    name: 'points_movements',
    key: ['id'],
    checks: [
      'constraint points_movements_nonzero check (amount <> 0)',
      `constraint points_movements_member_balance check (account_role <> 'member' or (seq is not null and seq > 0 and balance_after is not null and balance_after >= 0))`,
    ],
  },
  {
    name: 'store_redemptions',
    key: ['id'],
    checks: ['constraint store_redemptions_quantity check (quantity > 0 and points > 0)'],
  },
  { name: 'webhook_deliveries', key: ['id'] },
  { name: 'household_changes', key: ['id'] },
  { name: 'sync_receipts', key: ['client_id'] },
];

const PATHS = [
  ['notice_households', 'org_path'],
  ['notice_accounts', 'org_path'],
  ['points_journals', 'community_path'],
  ['points_movements', 'community_path'],
  ['store_redemptions', 'org_path'],
  ['household_changes', 'org_path'],
  ['webhook_subscribers', 'org_path'],
] as const;

/** `county_key` of a row of `table` (aliased `t`) in an insert … select or update. */
function keyOf(table: string): ReturnType<typeof sql> {
  switch (table) {
    case 'notice_reads':
      return sql`coalesce(
        (select nh.county_key from notice_households nh where nh.notice_id = t.notice_id and nh.household_id = t.household_id),
        (select h.county_key from households h where h.id = t.household_id),
        0)`;
    case 'points_journals':
    case 'points_movements':
      return sql`coalesce(${keyOfPath('community_path')}, 0)`;
    case 'webhook_deliveries':
      return sql`coalesce(
        (select c.county_key from cases c where c.id = t.case_id),
        (select m.county_key from webhook_subscribers s join county_key_map m on m.path = s.org_path where s.id = t.subscriber_id),
        0)`;
    case 'sync_receipts':
      return sql`coalesce(case t.kind
        when 'visit' then (select v.county_key from visits v where v.id = t.object_id)
        when 'case' then (select c.county_key from cases c where c.id = t.object_id)
        when 'household_change' then (select hc.county_key from household_changes hc where hc.id = t.object_id)
        end, 0)`;
    default:
      return sql`coalesce(${keyOfPath('org_path')}, 0)`;
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await mapPaths(db, PATHS);
  if (!isPostgres(db)) {
    await refuseUnlistedChecks(db, '0045_county_key_services', TABLES);
    await rebuildSqlite(db, '0045_county_key_services', TABLES, keyOf);
  } else if (process.env.TIANZIGE_PG_PARTITIONED === '1') {
    await partitionPostgres(db, TABLES, keyOf);
    await useCatalogPartitionTrigger(db);
  } else await rekeyPostgres(db, TABLES, keyOf);
  await sql`drop table county_key_map`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0045_county_key_services cannot be undone');
}
