import { type Kysely, sql } from 'kysely';
import { isPostgres, makeAppendOnly, pathType } from './dialect.ts';

// Frozen: never import application types here.

export async function up(db: Kysely<unknown>): Promise<void> {
  // A department (职能部门) is an org unit of level 'department' below a county or city; its kind
  // (education, civil_affairs, …) is what duty items name.
  await db.schema.alterTable('org_units').addColumn('department_kind', 'text').execute();
  await db.schema
    .createIndex('org_units_department')
    .on('org_units')
    .columns(['department_kind', 'parent_id'])
    .execute();

  // Each edit of a duty item is a new revision row; a case points at the revision it was routed under.
  await db.schema
    .createTable('duty_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('is_current', 'integer', (c) => c.notNull())
    .addColumn('list_version', 'integer', (c) => c.notNull())
    .addColumn('category_top', 'text', (c) => c.notNull())
    .addColumn('category_sub', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('department_kind', 'text')
    .addColumn('accept_hours', 'double precision', (c) => c.notNull())
    .addColumn('resolve_hours', 'double precision', (c) => c.notNull())
    .addColumn('urgent_accept_hours', 'double precision', (c) => c.notNull())
    .addColumn('urgent_resolve_hours', 'double precision', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('keywords', 'text', (c) => c.notNull())
    .addColumn('is_public', 'integer', (c) => c.notNull())
    .addColumn('is_retired', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('duty_items_code_revision')
    .unique()
    .on('duty_items')
    .columns(['code', 'revision'])
    .execute();
  await db.schema.createIndex('duty_items_current').on('duty_items').columns(['is_current', 'code']).execute();

  await sql`insert into counters (name, value) values ('case_number', 0)`.execute(db);

  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('duty_item_id', 'text', (c) => c.references('duty_items.id'))
    .addColumn('duty_code', 'text')
    .addColumn('is_fallback', 'integer', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('lng', 'double precision')
    .addColumn('lat', 'double precision')
    .addColumn('household_id', 'text')
    // where it happened (grid or community) and who handles it
    .addColumn('org_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('handler_org_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('handler_path', pathType(db), (c) => c.notNull())
    .addColumn('handler_user_id', 'text')
    .addColumn('escalated_org_id', 'text')
    .addColumn('escalated_path', pathType(db))
    .addColumn('escalation_count', 'integer', (c) => c.notNull())
    .addColumn('is_supervised', 'integer', (c) => c.notNull())
    .addColumn('reporter_user_id', 'text')
    .addColumn('contact_name', 'text')
    .addColumn('contact_phone_enc', 'text')
    .addColumn('contact_phone_bidx', 'text')
    .addColumn('is_anonymous', 'integer', (c) => c.notNull())
    .addColumn('external_ref', 'text', (c) => c.unique())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('accept_due_at', 'text', (c) => c.notNull())
    .addColumn('resolve_due_at', 'text', (c) => c.notNull())
    .addColumn('paused_at', 'text')
    .addColumn('pause_reason', 'text')
    .addColumn('due_state', 'text', (c) => c.notNull())
    .addColumn('next_check_at', 'text')
    .addColumn('accepted_at', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('closed_at', 'text')
    // facts derived from the timeline when it is written, so the three rates are one indexed aggregate
    .addColumn('is_accepted_on_time', 'integer')
    .addColumn('accept_seconds', 'bigint')
    .addColumn('resolve_seconds', 'bigint')
    .addColumn('was_overdue', 'integer', (c) => c.notNull())
    .addColumn('is_solved', 'integer')
    .addColumn('rating', 'integer')
    .addColumn('rating_comment', 'text')
    .addColumn('merged_into_id', 'text')
    .addColumn('reopen_count', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  const rateColumns = [
    'status',
    'is_accepted_on_time',
    'accept_seconds',
    'resolve_seconds',
    'is_solved',
    'rating',
    'was_overdue',
    'due_state',
    'duty_code',
  ];
  await db.schema
    .createIndex('cases_handler_created')
    .on('cases')
    .columns(['handler_path', 'created_at', ...rateColumns])
    .execute();
  await db.schema
    .createIndex('cases_handler_org')
    .on('cases')
    .columns(['handler_org_id', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('cases_org_created').on('cases').columns(['org_path', 'created_at']).execute();
  await db.schema.createIndex('cases_escalated').on('cases').columns(['escalated_path', 'created_at']).execute();
  await db.schema.createIndex('cases_next_check').on('cases').columns(['next_check_at']).execute();
  await db.schema.createIndex('cases_reporter').on('cases').columns(['reporter_user_id', 'created_at']).execute();
  await db.schema.createIndex('cases_item_created').on('cases').columns(['duty_code', 'created_at']).execute();

  await db.schema
    .createTable('case_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('is_public', 'integer', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('org_id', 'text')
    .addColumn('text', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('case_events_case').on('case_events').columns(['case_id', 'at']).execute();
  await makeAppendOnly(db, 'case_events');

  await db.schema
    .createTable('case_photos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('event_id', 'text')
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('data', isPostgres(db) ? sql`bytea` : sql`blob`, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_photos_case').on('case_photos').columns(['case_id']).execute();

  // Who is told about a case besides its handler: the community of a department case, every reporter of a merge.
  await db.schema
    .createTable('case_reporters')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('source_case_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_reporters_pk', ['case_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text')
    .addColumn('org_id', 'text')
    .addColumn('org_path', pathType(db))
    .addColumn('case_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title_zh', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .execute();
  await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('notifications_org').on('notifications').columns(['org_path', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['notifications', 'case_reporters', 'case_photos', 'case_events', 'cases', 'duty_items']) {
    await db.schema.dropTable(t).execute();
  }
}
