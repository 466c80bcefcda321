import { type Kysely, sql } from 'kysely';
import { isPostgres, makeAppendOnly, pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 15, items 6–8: 物业资金 — a fund per compound (小区) kept as a ledger of movements in fen
 * (owners' contributions, government subsidies, the property company's share, spending under a council
 * decision), each with its receipt; levies that say what each owner household owes (arrears are
 * derived); an owner's "I paid" from the phone that staff confirm; property companies and their
 * contracts per compound.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const blob = isPostgres(db) ? sql`bytea` : sql`blob`;
  const path = pathType(db);
  await db.schema
    .createTable('funds')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('compound_id', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    // the number of movements so far: each movement takes the next, which serializes writers on one fund
    .addColumn('movement_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by_name', 'varchar(100)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('funds_path').on('funds').columns(['org_path']).execute();

  await db.schema
    .createTable('fund_owners')
    .addColumn('fund_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('household_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', path, (c) => c.notNull())
    // floor area in hundredths of a square metre (an integer, as money is)
    .addColumn('area_centi_m2', 'integer', (c) => c.notNull())
    .addColumn('added_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('fund_owners_pk', ['fund_id', 'household_id'])
    .execute();
  await db.schema.createIndex('fund_owners_household').on('fund_owners').columns(['household_id']).execute();

  await db.schema
    .createTable('fund_levies')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('fund_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('basis', 'varchar(16)', (c) => c.notNull())
    .addColumn('rate_fen', 'integer', (c) => c.notNull())
    .addColumn('decision_id', 'varchar(36)')
    .addColumn('due_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('total_fen', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by_name', 'varchar(100)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('fund_levies_fund').on('fund_levies').columns(['fund_id', 'created_at']).execute();

  await db.schema
    .createTable('fund_dues')
    .addColumn('levy_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('fund_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('household_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('due_fen', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('fund_dues_pk', ['levy_id', 'household_id'])
    .execute();
  await db.schema.createIndex('fund_dues_household').on('fund_dues').columns(['fund_id', 'household_id']).execute();

  await db.schema
    .createTable('fund_movements')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('fund_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    // signed: income positive, spending negative; the balance is their sum
    .addColumn('amount_fen', 'integer', (c) => c.notNull())
    .addColumn('household_id', 'varchar(36)')
    .addColumn('levy_id', 'varchar(36)')
    .addColumn('decision_id', 'varchar(36)')
    .addColumn('company_id', 'varchar(36)')
    .addColumn('payer', 'varchar(100)')
    .addColumn('purpose', 'varchar(200)')
    .addColumn('occurred_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('month', 'varchar(7)', (c) => c.notNull())
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('client_key', 'varchar(64)')
    .addColumn('receipt_mime', 'varchar(32)', (c) => c.notNull())
    .addColumn('receipt_sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('recorded_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('recorded_by_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  // the ledger is append-only: a correction is a new movement, never an edit
  await makeAppendOnly(db, 'fund_movements');
  await db.schema.createIndex('fund_movements_seq').on('fund_movements').columns(['fund_id', 'seq']).unique().execute();
  await db.schema
    .createIndex('fund_movements_client_key')
    .on('fund_movements')
    .columns(['fund_id', 'client_key'])
    .unique()
    .where(sql.ref('client_key'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('fund_movements_month')
    .on('fund_movements')
    .columns(['fund_id', 'month', 'seq'])
    .execute();
  await db.schema
    .createIndex('fund_movements_household')
    .on('fund_movements')
    .columns(['fund_id', 'household_id'])
    .execute();

  await db.schema
    .createTable('fund_receipts')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('fund_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('mime', 'varchar(32)', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('data', blob, (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  // an owner's "I paid" from the phone: a ledger movement only once staff confirm it
  await db.schema
    .createTable('fund_claims')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('fund_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('household_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('levy_id', 'varchar(36)')
    .addColumn('amount_fen', 'integer', (c) => c.notNull())
    .addColumn('paid_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('note', 'varchar(200)')
    .addColumn('receipt_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('movement_id', 'varchar(36)')
    .addColumn('decided_by_name', 'varchar(100)')
    .addColumn('decision_note', 'varchar(200)')
    .addColumn('client_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('decided_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('fund_claims_client_key')
    .on('fund_claims')
    .columns(['user_id', 'client_key'])
    .unique()
    .execute();
  await db.schema.createIndex('fund_claims_fund').on('fund_claims').columns(['fund_id', 'status']).execute();

  await db.schema
    .createTable('property_companies')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('credit_code', 'varchar(18)')
    .addColumn('contact_name', 'varchar(50)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('property_companies_name')
    .on('property_companies')
    .columns(['org_path', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('property_contracts')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('company_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('compound_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('services', 'text', (c) => c.notNull())
    .addColumn('fee_fen', 'integer', (c) => c.notNull())
    .addColumn('fee_unit', 'varchar(16)', (c) => c.notNull())
    .addColumn('starts_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('ends_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by_name', 'varchar(100)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('property_contracts_compound')
    .on('property_contracts')
    .columns(['org_path', 'starts_on'])
    .execute();
  await db.schema.createIndex('property_contracts_company').on('property_contracts').columns(['company_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'property_contracts',
    'property_companies',
    'fund_claims',
    'fund_receipts',
    'fund_movements',
    'fund_dues',
    'fund_levies',
    'fund_owners',
    'funds',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
