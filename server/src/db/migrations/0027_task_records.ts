import type { Kysely } from 'kysely';
import { makeAppendOnly, pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 16: every kind of task carried to its end, merged requests, approval up the hierarchy.
 * - tasks: a meeting's time, length, place or video link, who must attend, whether video or written input
 *   is allowed; a document's "reply asked"; an inspection's checklist.
 * - task_targets: the community's record (done_at + record JSON), the minutes of a meeting attended, and a
 *   report's approval by its street (state, the approved report kept until another is approved).
 * - task_requesters: the senders merged into a task (one report, several requesters).
 * - task_approval_steps: every submit / approve / return, append-only.
 * - task_rollups: a street's roll-up of its communities' approved reports, approved by the district.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const taskColumns: [string, 'text' | 'integer', boolean][] = [
    ['meeting_starts_at', 'text', false],
    ['meeting_minutes', 'integer', false],
    ['meeting_place', 'text', false],
    ['meeting_video_url', 'text', false],
    ['attendees', 'text', false],
    ['allow_video', 'integer', true],
    ['allow_written', 'integer', true],
    ['reply_required', 'integer', true],
    ['checklist', 'text', false],
  ];
  for (const [name, type, zeroDefault] of taskColumns) {
    await db.schema
      .alterTable('tasks')
      .addColumn(name, type, (c) => (zeroDefault ? c.notNull().defaultTo(0) : c))
      .execute();
  }
  const targetColumns: [string, 'text' | 'integer'][] = [
    ['done_at', 'text'],
    ['record', 'text'],
    ['attendance', 'text'],
    ['minutes_attended', 'integer'],
    ['approval_state', 'text'],
    ['approved_report_id', 'text'],
    ['approval_comment', 'text'],
    ['approval_by_name', 'text'],
    ['approval_at', 'text'],
  ];
  for (const [name, type] of targetColumns) {
    await db.schema.alterTable('task_targets').addColumn(name, type).execute();
  }

  await db.schema
    .createTable('task_requesters')
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text')
    .addColumn('requested_by_name', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('task_requesters_pk', ['task_id', 'org_id'])
    .execute();
  await db.schema
    .createIndex('task_requesters_org')
    .on('task_requesters')
    .columns(['org_path', 'created_at'])
    .execute();

  await db.schema
    .createTable('task_approval_steps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('report_id', 'text')
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('task_approval_steps_target')
    .on('task_approval_steps')
    .columns(['task_id', 'org_id', 'at'])
    .execute();
  await makeAppendOnly(db, 'task_approval_steps');

  await db.schema
    .createTable('task_rollups')
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('report_ids', 'text')
    .addColumn('table_json', 'text')
    .addColumn('comment', 'text')
    .addColumn('by_name', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('task_rollups_pk', ['task_id', 'org_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['task_rollups', 'task_approval_steps', 'task_requesters']) await db.schema.dropTable(t).execute();
}
