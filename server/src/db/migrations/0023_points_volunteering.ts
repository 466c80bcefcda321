import { type Kysely, sql } from 'kysely';
import { makeAppendOnly, pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 14, items 5–8: volunteer activities and needs (slots, sign-up, check-in/out, confirmed hours),
 * points as a double-entry ledger (rules, policies, accounts, journals, movements — append-only, a
 * running balance on each member movement, serialized per account by a unique (account, seq)), the
 * 积分超市 store (items, redemptions idempotent by a client key) and appeals against deductions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // ---- volunteering ----
  await db.schema
    .createTable('volunteer_activities')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('description', 'varchar(2000)')
    .addColumn('place', 'varchar(200)')
    .addColumn('starts_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('ends_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('slots', 'integer', (c) => c.notNull())
    .addColumn('taken', 'integer', (c) => c.notNull())
    .addColumn('rule_code', 'varchar(40)', (c) => c.notNull())
    .addColumn('checkin_code', 'varchar(64)', (c) => c.notNull())
    .addColumn('need_ref', 'varchar(36)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_by_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addCheckConstraint('volunteer_activities_slots', sql`slots > 0 and taken >= 0 and taken <= slots`)
    .execute();
  await db.schema
    .createIndex('volunteer_activities_org')
    .on('volunteer_activities')
    .columns(['org_path', 'starts_at'])
    .execute();

  await db.schema
    .createTable('volunteer_signups')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('activity_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('resident_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('volunteer_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('cancelled_at', 'varchar(32)')
    .addColumn('checked_in_at', 'varchar(32)')
    .addColumn('checked_in_via', 'varchar(8)')
    .addColumn('checked_out_at', 'varchar(32)')
    .addColumn('checked_out_via', 'varchar(8)')
    .addColumn('minutes', 'integer')
    .addColumn('day', 'varchar(10)')
    .addColumn('confirmed_at', 'varchar(32)')
    .addColumn('confirmed_by_name', 'varchar(100)')
    .addColumn('points', 'integer')
    .addCheckConstraint('volunteer_signups_minutes', sql`minutes is null or (minutes >= 0 and minutes <= 1440)`)
    .execute();
  await db.schema
    .createIndex('volunteer_signups_one_each')
    .on('volunteer_signups')
    .columns(['activity_id', 'user_id'])
    .unique()
    .execute();
  await db.schema.createIndex('volunteer_signups_user').on('volunteer_signups').columns(['user_id', 'day']).execute();
  await db.schema
    .createIndex('volunteer_signups_org')
    .on('volunteer_signups')
    .columns(['org_path', 'confirmed_at'])
    .execute();

  // ---- points ----
  await db.schema
    .createTable('points_rules')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('code', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('source_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('unit', 'varchar(8)', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addCheckConstraint('points_rules_points', sql`points > 0 and points <= 100000`)
    .execute();
  await db.schema.createIndex('points_rules_code').on('points_rules').columns(['org_path', 'code']).unique().execute();

  await db.schema
    .createTable('points_policies')
    .addColumn('org_path', pathType(db), (c) => c.primaryKey())
    .addColumn('pool', 'varchar(16)', (c) => c.notNull())
    .addColumn('expiry_months', 'integer')
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_by_name', 'varchar(100)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('points_accounts')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('community_path', pathType(db), (c) => c.notNull())
    .addColumn('owner_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('owner_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('ranked', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('points_accounts_owner')
    .on('points_accounts')
    .columns(['owner_kind', 'owner_id', 'role'])
    .unique()
    .execute();
  await db.schema.createIndex('points_accounts_org').on('points_accounts').columns(['org_path', 'role']).execute();

  await db.schema
    .createTable('points_journals')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('community_path', pathType(db), (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('rule_id', 'varchar(36)')
    .addColumn('reason', 'varchar(200)', (c) => c.notNull())
    .addColumn('source_kind', 'varchar(24)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(120)', (c) => c.notNull())
    .addColumn('reverses_id', 'varchar(36)')
    .addColumn('actor_id', 'varchar(36)')
    .addColumn('actor_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addCheckConstraint('points_journals_source', sql`source_kind <> '' and source_id <> ''`)
    .execute();
  await db.schema
    .createIndex('points_journals_once')
    .on('points_journals')
    .columns(['kind', 'source_kind', 'source_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('points_journals_community')
    .on('points_journals')
    .columns(['community_path', 'created_at'])
    .execute();
  await makeAppendOnly(db, 'points_journals');

  await db.schema
    .createTable('points_movements')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('journal_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('account_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('account_role', 'varchar(16)', (c) => c.notNull())
    .addColumn('community_path', pathType(db), (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer')
    .addColumn('balance_after', 'integer')
    .addColumn('month', 'varchar(7)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addCheckConstraint('points_movements_nonzero', sql`amount <> 0`)
    .addCheckConstraint(
      'points_movements_member_balance',
      sql`account_role <> 'member' or (seq is not null and seq > 0 and balance_after is not null and balance_after >= 0)`,
    )
    .execute();
  await db.schema
    .createIndex('points_movements_seq')
    .on('points_movements')
    .columns(['account_id', 'seq'])
    .unique()
    .execute();
  await db.schema
    .createIndex('points_movements_statement')
    .on('points_movements')
    .columns(['account_id', 'month'])
    .execute();
  await db.schema
    .createIndex('points_movements_month')
    .on('points_movements')
    .columns(['community_path', 'month', 'kind'])
    .execute();
  await db.schema.createIndex('points_movements_journal').on('points_movements').columns(['journal_id']).execute();
  await makeAppendOnly(db, 'points_movements');

  // a staff-confirmed fact that earns or costs points (a good deed, a garbage-sorting check, a 负面清单 item):
  // the source record of its journal
  await db.schema
    .createTable('points_events')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('community_path', pathType(db), (c) => c.notNull())
    .addColumn('resident_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('rule_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('note', 'varchar(500)')
    .addColumn('recorded_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('recorded_by_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('points_events_community')
    .on('points_events')
    .columns(['community_path', 'created_at'])
    .execute();

  await db.schema
    .createTable('points_appeals')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('journal_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('community_path', pathType(db), (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('reason', 'varchar(500)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('decided_at', 'varchar(32)')
    .addColumn('decided_by_name', 'varchar(100)')
    .addColumn('decision_note', 'varchar(500)')
    .execute();
  await db.schema.createIndex('points_appeals_once').on('points_appeals').columns(['journal_id']).unique().execute();
  await db.schema
    .createIndex('points_appeals_org')
    .on('points_appeals')
    .columns(['community_path', 'status', 'created_at'])
    .execute();

  // ---- 积分超市 ----
  await db.schema
    .createTable('store_items')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('description', 'varchar(1000)')
    .addColumn('price', 'integer', (c) => c.notNull())
    .addColumn('stock', 'integer', (c) => c.notNull())
    .addColumn('stocked_total', 'integer', (c) => c.notNull())
    .addColumn('donor_unit_id', 'varchar(36)')
    .addColumn('donor_name', 'varchar(100)')
    .addColumn('resource_id', 'varchar(36)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addCheckConstraint('store_items_price', sql`price > 0`)
    .addCheckConstraint('store_items_stock', sql`stock >= 0 and stock <= stocked_total`)
    .execute();
  await db.schema.createIndex('store_items_org').on('store_items').columns(['org_path', 'status']).execute();

  await db.schema
    .createTable('store_redemptions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('item_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('account_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('resident_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('resident_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('client_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('journal_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('picked_up_at', 'varchar(32)')
    .addColumn('picked_up_by_name', 'varchar(100)')
    .addColumn('reversed_at', 'varchar(32)')
    .addColumn('reversed_by_name', 'varchar(100)')
    .addColumn('reverse_reason', 'varchar(200)')
    .addCheckConstraint('store_redemptions_quantity', sql`quantity > 0 and points > 0`)
    .execute();
  await db.schema
    .createIndex('store_redemptions_key')
    .on('store_redemptions')
    .columns(['user_id', 'client_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('store_redemptions_org')
    .on('store_redemptions')
    .columns(['org_path', 'status', 'created_at'])
    .execute();
  await db.schema.createIndex('store_redemptions_item').on('store_redemptions').columns(['item_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'store_redemptions',
    'store_items',
    'points_appeals',
    'points_events',
    'points_movements',
    'points_journals',
    'points_accounts',
    'points_policies',
    'points_rules',
    'volunteer_signups',
    'volunteer_activities',
  ])
    await db.schema.dropTable(table).execute();
}
