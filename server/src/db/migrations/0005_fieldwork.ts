import { type Kysely, sql } from 'kysely';
import { isPostgres, makeAppendOnly, pathType } from './dialect.ts';

// Frozen: never import application types here.

export async function up(db: Kysely<unknown>): Promise<void> {
  // 联户: a person linked to a household with one of the four 一亲三心 kinds. Scoped through the household.
  await db.schema
    .createTable('linkages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('linkages_household_user_kind')
    .unique()
    .on('linkages')
    .columns(['household_id', 'user_id', 'kind'])
    .execute();
  await db.schema.createIndex('linkages_user').on('linkages').columns(['user_id', 'kind']).execute();

  // A community's overrides of the default intervals; care_tag '' is "everyone else".
  await db.schema
    .createTable('visit_policies')
    .addColumn('org_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('care_tag', 'text', (c) => c.notNull())
    .addColumn('interval_days', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('visit_policies_pk', ['org_id', 'care_tag'])
    .execute();

  await db.schema
    .createTable('visits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('visited_at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('lng', 'double precision')
    .addColumn('lat', 'double precision')
    .addColumn('findings', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    // the case asked for, kept so that a replay can finish opening it
    .addColumn('open_case', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('visits_household').on('visits').columns(['household_id', 'visited_at']).execute();
  await db.schema.createIndex('visits_org_visited').on('visits').columns(['org_path', 'visited_at']).execute();
  await makeAppendOnly(db, 'visits');

  await db.schema
    .createTable('visit_visitors')
    .addColumn('visit_id', 'text', (c) => c.notNull().references('visits.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('visited_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('visit_visitors_pk', ['visit_id', 'user_id'])
    .execute();
  await db.schema.createIndex('visit_visitors_user').on('visit_visitors').columns(['user_id', 'visited_at']).execute();
  await makeAppendOnly(db, 'visit_visitors');

  await db.schema
    .createTable('visit_photos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('visit_id', 'text', (c) => c.references('visits.id'))
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('data', isPostgres(db) ? sql`bytea` : sql`blob`, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('visit_photos_visit').on('visit_photos').columns(['visit_id']).execute();

  await db.schema
    .createTable('visit_cases')
    .addColumn('visit_id', 'text', (c) => c.notNull().references('visits.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('visit_cases_pk', ['visit_id', 'case_id'])
    .execute();
  await db.schema.createIndex('visit_cases_case').on('visit_cases').columns(['case_id']).execute();
  await makeAppendOnly(db, 'visit_cases');

  // Facts learned at the door: applied at once, or proposed/stale for staff to apply or reject.
  await db.schema
    .createTable('household_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('resident_id', 'text')
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('visit_id', 'text')
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    // a phone number is kept only encrypted
    .addColumn('value_enc', 'text')
    .addColumn('base_version', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('proposed_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('reason', 'text')
    .execute();
  await db.schema
    .createIndex('household_changes_org_state')
    .on('household_changes')
    .columns(['org_path', 'state', 'created_at'])
    .execute();
  await db.schema.createIndex('household_changes_visit').on('household_changes').columns(['visit_id']).execute();

  // Kept in the visit's transaction, so coverage and the "today" list read one row per household.
  await db.schema
    .createTable('household_visit_status')
    .addColumn('household_id', 'text', (c) => c.primaryKey().references('households.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('last_visit_at', 'text')
    .addColumn('next_due_at', 'text')
    .addColumn('interval_days', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('household_visit_status_org_due')
    .on('household_visit_status')
    .columns(['org_path', 'next_due_at'])
    .execute();

  // The phone's queue is idempotent by the ids it makes.
  await db.schema
    .createTable('sync_receipts')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'sync_receipts',
    'household_visit_status',
    'household_changes',
    'visit_cases',
    'visit_photos',
    'visit_visitors',
    'visits',
    'visit_policies',
    'linkages',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
