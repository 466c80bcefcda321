import type { Kysely } from 'kysely';

// Frozen: never import application types here.

/**
 * Issue 20, item 2: 预约走访 — a grid worker tells a household when she will come. The household's
 * bound residents hear of it (and of a cancellation) through the outbox (`visit.appointment`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('visit_appointments')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('household_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', 'varchar(255)', (c) => c.notNull())
    .addColumn('worker_user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('worker_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('note', 'varchar(200)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('cancelled_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('visit_appointments_household')
    .on('visit_appointments')
    .columns(['household_id', 'at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('visit_appointments').execute();
}
