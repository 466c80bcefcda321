import type { Kysely } from 'kysely';

// Frozen: never import application types here.

/**
 * Issue 13, rooms: staff lift a resident's booking pause early. The no-shows stay what they were (she did
 * not come, and the figures say so); a lift only makes those before it no longer count towards the pause.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('venue_pause_lifts')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('org_path', 'varchar(255)', (c) => c.notNull())
    .addColumn('lifted_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('note', 'varchar(500)', (c) => c.notNull())
    .addColumn('lifted_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('venue_pause_lifts_user')
    .on('venue_pause_lifts')
    .columns(['user_id', 'lifted_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('venue_pause_lifts').execute();
}
