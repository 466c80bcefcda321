import { type Kysely, sql } from 'kysely';
import { isPostgres, pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 15, items 9–10: 说文解策 notices, and the generic "visit requested for a household" that field
 * work shows in the grid worker's today list (fieldwork/visit-requests.ts; other modules raise them too).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A visit someone asked for at a household: open until a visit there is recorded (closed_visit_id),
  // or until its source withdraws it. One per household and source (the unique index makes raising idempotent).
  await db.schema
    .createTable('visit_requests')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('household_id', 'varchar(36)', (c) => c.notNull().references('households.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('source_kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('reason_code', 'varchar(48)', (c) => c.notNull())
    .addColumn('reason_zh', 'varchar(200)', (c) => c.notNull())
    .addColumn('reason_en', 'varchar(200)', (c) => c.notNull())
    .addColumn('requested_by', 'varchar(36)')
    .addColumn('requested_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('due_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('closed_at', 'varchar(32)')
    .addColumn('closed_visit_id', 'varchar(36)')
    .execute();
  await db.schema
    .createIndex('visit_requests_source_household')
    .on('visit_requests')
    .columns(['source_kind', 'source_id', 'household_id'])
    .unique()
    .execute();
  await db.schema.createIndex('visit_requests_open').on('visit_requests').columns(['status', 'org_path']).execute();
  await db.schema.createIndex('visit_requests_household').on('visit_requests').columns(['household_id']).execute();

  // A notice (通知 / 政策解读): sent once to the households its audience selected at that moment.
  await db.schema
    .createTable('notices')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('explainer', 'text')
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('follow_up_days', 'integer')
    .addColumn('households', 'integer', (c) => c.notNull())
    .addColumn('accounts', 'integer', (c) => c.notNull())
    .addColumn('sent_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('sent_by_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('sent_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('followed_up_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('notices_path').on('notices').columns(['org_path', 'sent_at']).execute();

  await db.schema
    .createTable('notice_attachments')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('notice_id', 'varchar(36)', (c) => c.notNull().references('notices.id'))
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('mime', 'varchar(100)', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('data', isPostgres(db) ? sql`bytea` : sql`blob`, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notice_attachments_notice').on('notice_attachments').columns(['notice_id']).execute();

  // Per household: who it went to, and when someone there first read it.
  await db.schema
    .createTable('notice_households')
    .addColumn('notice_id', 'varchar(36)', (c) => c.notNull().references('notices.id'))
    .addColumn('household_id', 'varchar(36)', (c) => c.notNull().references('households.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('accounts', 'integer', (c) => c.notNull())
    .addColumn('read_at', 'varchar(32)')
    .addPrimaryKeyConstraint('notice_households_pk', ['notice_id', 'household_id'])
    .execute();
  await db.schema
    .createIndex('notice_households_household')
    .on('notice_households')
    .columns(['household_id'])
    .execute();

  // Per resident account: the read receipt itself.
  await db.schema
    .createTable('notice_reads')
    .addColumn('notice_id', 'varchar(36)', (c) => c.notNull().references('notices.id'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('household_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('read_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('notice_reads_pk', ['notice_id', 'user_id'])
    .execute();

  // A resident's question on a notice, and staff's answer: public (the notice's FAQ) or to her alone.
  await db.schema
    .createTable('notice_questions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('notice_id', 'varchar(36)', (c) => c.notNull().references('notices.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('household_id', 'varchar(36)')
    .addColumn('asked_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('asked_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('answer', 'text')
    .addColumn('is_public', 'integer', (c) => c.notNull())
    .addColumn('answered_by', 'varchar(36)')
    .addColumn('answered_by_name', 'varchar(100)')
    .addColumn('answered_at', 'varchar(32)')
    .addColumn('case_id', 'varchar(36)')
    .execute();
  await db.schema
    .createIndex('notice_questions_notice')
    .on('notice_questions')
    .columns(['notice_id', 'asked_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'notice_questions',
    'notice_reads',
    'notice_households',
    'notice_attachments',
    'notices',
    'visit_requests',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
