import { type Kysely, sql } from 'kysely';
import { isPostgres, pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 15, items 1–5: 议事 councils. A council sits at a community, compound or village group with its
 * members and rules; residents (or staff) propose topics that households support (one household counts
 * once: the primary key); a topic with enough supporters goes on a meeting's agenda; members sign in and
 * vote (one vote per household or per member: the unique vote key); the result becomes a decision with a
 * funding split and follow-up milestones. Every table carries `org_path` for the scope helper.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('councils')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('vote_basis', 'varchar(16)', (c) => c.notNull())
    .addColumn('quorum', 'varchar(16)', (c) => c.notNull())
    .addColumn('majority', 'varchar(16)', (c) => c.notNull())
    .addColumn('support_threshold', 'integer', (c) => c.notNull())
    .addColumn('support_days', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('councils_path').on('councils').column('org_path').execute();

  await db.schema
    .createTable('council_members')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('council_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('kind', 'varchar(24)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('organization', 'varchar(100)')
    .addColumn('household_id', 'varchar(36)')
    .addColumn('user_id', 'varchar(36)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('left_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('council_members_council').on('council_members').column('council_id').execute();

  await db.schema
    .createTable('council_topics')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('council_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('body', 'varchar(2000)', (c) => c.notNull())
    .addColumn('proposer_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('proposer_user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('proposer_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('proposer_household_id', 'varchar(36)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('threshold', 'integer', (c) => c.notNull())
    .addColumn('support_until', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('closed_at', 'varchar(32)')
    .addColumn('close_reason', 'varchar(500)')
    .execute();
  await db.schema
    .createIndex('council_topics_council')
    .on('council_topics')
    .columns(['council_id', 'status'])
    .execute();

  await db.schema
    .createTable('council_topic_supports')
    .addColumn('topic_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('household_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('via', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('council_topic_supports_pk', ['topic_id', 'household_id'])
    .execute();

  await db.schema
    .createTable('council_meetings')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('council_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('place', 'varchar(100)', (c) => c.notNull())
    .addColumn('starts_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('minutes', 'varchar(10000)')
    .addColumn('held_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('council_meetings_path')
    .on('council_meetings')
    .columns(['org_path', 'held_at'])
    .execute();

  // a topic is on one meeting's agenda (the unique topic), with the ballot the meeting uses for it
  await db.schema
    .createTable('council_agenda_items')
    .addColumn('meeting_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('topic_id', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('ballot', 'varchar(16)', (c) => c.notNull())
    .addColumn('yes_total', 'integer')
    .addColumn('no_total', 'integer')
    .addColumn('abstain_total', 'integer')
    .addPrimaryKeyConstraint('council_agenda_items_pk', ['meeting_id', 'topic_id'])
    .execute();

  await db.schema
    .createTable('council_attendance')
    .addColumn('meeting_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('member_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('proxy_name', 'varchar(100)')
    .addColumn('recorded_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('council_attendance_pk', ['meeting_id', 'member_id'])
    .execute();

  // an open ballot, member by member; `vote_key` is the household under one-household-one-vote, else the member
  await db.schema
    .createTable('council_votes')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('meeting_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('topic_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('member_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('vote_key', 'varchar(36)', (c) => c.notNull())
    .addColumn('choice', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('council_votes_once', ['topic_id', 'vote_key'])
    .execute();

  await db.schema
    .createTable('council_photos')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('meeting_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('mime', 'varchar(64)', (c) => c.notNull())
    .addColumn('data', isPostgres(db) ? sql`bytea` : sql`blob`, (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('council_photos_meeting').on('council_photos').column('meeting_id').execute();

  // one decision per topic; the funding split in fen (all three or none)
  await db.schema
    .createTable('council_decisions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('council_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('meeting_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('topic_id', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('resolution', 'varchar(2000)', (c) => c.notNull())
    .addColumn('result', 'varchar(16)', (c) => c.notNull())
    .addColumn('eligible', 'integer', (c) => c.notNull())
    .addColumn('present', 'integer', (c) => c.notNull())
    .addColumn('yes', 'integer', (c) => c.notNull())
    .addColumn('no', 'integer', (c) => c.notNull())
    .addColumn('abstain', 'integer', (c) => c.notNull())
    .addColumn('owners_fen', 'integer')
    .addColumn('subsidy_fen', 'integer')
    .addColumn('company_fen', 'integer')
    .addColumn('is_public', 'integer', (c) => c.notNull())
    .addColumn('decided_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('decided_by_name', 'varchar(100)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('council_decisions_path')
    .on('council_decisions')
    .columns(['org_path', 'decided_at'])
    .execute();

  await db.schema
    .createTable('council_milestones')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('decision_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('owner_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('due_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('case_id', 'varchar(36)')
    .addColumn('task_id', 'varchar(36)')
    .addColumn('done_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('council_milestones_decision').on('council_milestones').column('decision_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'council_milestones',
    'council_decisions',
    'council_photos',
    'council_votes',
    'council_attendance',
    'council_agenda_items',
    'council_meetings',
    'council_topic_supports',
    'council_topics',
    'council_members',
    'councils',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
