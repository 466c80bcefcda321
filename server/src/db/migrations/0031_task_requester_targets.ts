import type { Kysely } from 'kysely';

// Frozen: never import application types here.

/**
 * Issue 16, a merged requester's view: a sender merged into a task sees the targets she asked and the
 * figures she asked for, not everything the task's first sender asked. task_requesters keeps what she
 * asked: the units (JSON list of org ids) and her own report template (null for other kinds).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('task_requesters').addColumn('target_org_ids', 'text').execute();
  await db.schema.alterTable('task_requesters').addColumn('template_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('task_requesters').dropColumn('template_id').execute();
  await db.schema.alterTable('task_requesters').dropColumn('target_org_ids').execute();
}
