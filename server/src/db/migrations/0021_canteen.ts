import type { Kysely } from 'kysely';
import { makeAppendOnly, pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 13, items 5–11: 幸福食堂. A canteen of a community or village, its diners (registry residents),
 * menus per day and meal with a price per tier, orders (one per diner and meal, enforced here), standing
 * orders, and money as an append-only ledger of movements in fen (no balance column anywhere).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('canteens')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('address', 'varchar(200)')
    .addColumn('subsidy_account', 'varchar(100)', (c) => c.notNull())
    .addColumn('lunch_cutoff', 'varchar(5)', (c) => c.notNull())
    .addColumn('dinner_cutoff', 'varchar(5)', (c) => c.notNull())
    .addColumn('allows_walk_ins', 'integer', (c) => c.notNull())
    .addColumn('absence_days', 'integer', (c) => c.notNull())
    .addColumn('min_age', 'integer', (c) => c.notNull())
    .addColumn('eligible_tags', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('canteens_org_path').on('canteens').column('org_path').execute();

  await db.schema
    .createTable('canteen_diners')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('canteen_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('resident_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('household_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('code', 'varchar(16)', (c) => c.notNull().unique())
    .addColumn('is_regular', 'integer', (c) => c.notNull())
    .addColumn('needs_delivery', 'integer', (c) => c.notNull())
    .addColumn('route', 'varchar(50)')
    .addColumn('volunteer', 'varchar(50)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('enrolled_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('left_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('canteen_diners_resident')
    .unique()
    .on('canteen_diners')
    .columns(['canteen_id', 'resident_id'])
    .execute();
  await db.schema.createIndex('canteen_diners_by_resident').on('canteen_diners').column('resident_id').execute();

  await db.schema
    .createTable('canteen_menus')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('canteen_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('meal', 'varchar(8)', (c) => c.notNull())
    .addColumn('dishes', 'varchar(300)', (c) => c.notNull())
    .addColumn('cost_fen', 'integer', (c) => c.notNull())
    .addColumn('price_standard_fen', 'integer', (c) => c.notNull())
    .addColumn('price_senior_fen', 'integer', (c) => c.notNull())
    .addColumn('price_dibao_fen', 'integer', (c) => c.notNull())
    .addColumn('created_by_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('canteen_menus_day_meal')
    .unique()
    .on('canteen_menus')
    .columns(['canteen_id', 'day', 'meal'])
    .execute();

  await db.schema
    .createTable('canteen_orders')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('canteen_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('diner_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('menu_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('meal', 'varchar(8)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('tier', 'varchar(16)', (c) => c.notNull())
    .addColumn('cost_fen', 'integer', (c) => c.notNull())
    .addColumn('price_fen', 'integer', (c) => c.notNull())
    .addColumn('subsidy_fen', 'integer', (c) => c.notNull())
    .addColumn('client_key', 'varchar(64)')
    .addColumn('ordered_by_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('cancelled_at', 'varchar(32)')
    .addColumn('served_at', 'varchar(32)')
    .addColumn('served_by_name', 'varchar(100)')
    .addColumn('delivery', 'varchar(16)')
    .addColumn('delivery_at', 'varchar(32)')
    .execute();
  // one order per diner and meal: a second is refused by the database, whoever races it
  await db.schema
    .createIndex('canteen_orders_one_per_meal')
    .unique()
    .on('canteen_orders')
    .columns(['diner_id', 'menu_id'])
    .execute();
  await db.schema
    .createIndex('canteen_orders_client_key')
    .unique()
    .on('canteen_orders')
    .columns(['canteen_id', 'client_key'])
    .execute();
  await db.schema
    .createIndex('canteen_orders_day')
    .on('canteen_orders')
    .columns(['canteen_id', 'day', 'meal'])
    .execute();
  await db.schema.createIndex('canteen_orders_path_day').on('canteen_orders').columns(['org_path', 'day']).execute();
  await db.schema.createIndex('canteen_orders_diner_day').on('canteen_orders').columns(['diner_id', 'day']).execute();

  await db.schema
    .createTable('canteen_standing_orders')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('canteen_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('diner_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('meal', 'varchar(8)', (c) => c.notNull())
    .addColumn('weekdays', 'varchar(7)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_by_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('ended_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('canteen_standing_orders_canteen')
    .on('canteen_standing_orders')
    .columns(['canteen_id', 'meal', 'status'])
    .execute();

  await db.schema
    .createTable('canteen_ledger')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('canteen_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('diner_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('account', 'varchar(16)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('amount_fen', 'integer', (c) => c.notNull())
    .addColumn('order_id', 'varchar(36)')
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('month', 'varchar(7)', (c) => c.notNull())
    .addColumn('client_key', 'varchar(64)')
    .addColumn('note', 'varchar(200)')
    .addColumn('actor_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await makeAppendOnly(db, 'canteen_ledger');
  await db.schema
    .createIndex('canteen_ledger_client_key')
    .unique()
    .on('canteen_ledger')
    .columns(['canteen_id', 'client_key'])
    .execute();
  await db.schema.createIndex('canteen_ledger_diner').on('canteen_ledger').columns(['diner_id', 'account']).execute();
  await db.schema
    .createIndex('canteen_ledger_month')
    .on('canteen_ledger')
    .columns(['canteen_id', 'month', 'diner_id'])
    .execute();

  // a regular diner not seen for N days: one visit due raised per absence (care, item 10)
  await db.schema
    .createTable('canteen_absences')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('canteen_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('diner_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('last_seen_day', 'varchar(10)', (c) => c.notNull())
    .addColumn('visit_request_id', 'varchar(36)')
    .addColumn('raised_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('canteen_absences_once')
    .unique()
    .on('canteen_absences')
    .columns(['diner_id', 'last_seen_day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'canteen_absences',
    'canteen_ledger',
    'canteen_standing_orders',
    'canteen_orders',
    'canteen_menus',
    'canteen_diners',
    'canteens',
  ])
    await db.schema.dropTable(table).execute();
}
