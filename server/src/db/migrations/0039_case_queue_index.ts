import type { Kysely } from 'kysely';

// Frozen: never import application types here.

/**
 * Issue 18, item 3: a unit's queue (handled by the unit, newest first, within the reader's scope) and its
 * capped count are read from this index alone — the scope's path, the state and the order are all in it —
 * so neither grows with the cases the unit holds. It replaces `cases_handler_org`, its prefix.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('cases_handler_queue')
    .on('cases')
    .columns(['handler_org_id', 'created_at', 'id', 'handler_path', 'status'])
    .execute();
  await db.schema.dropIndex('cases_handler_org').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('cases_handler_org')
    .on('cases')
    .columns(['handler_org_id', 'created_at', 'id'])
    .execute();
  await db.schema.dropIndex('cases_handler_queue').execute();
}
