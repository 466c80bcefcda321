import type { Kysely } from 'kysely';
import { pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 15, item 9: a notice may go to staff by their role (every 网格员 of the units in its audience).
 * Staff are reached by account, not by household: one row per account told, with her own read receipt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notice_accounts')
    .addColumn('notice_id', 'varchar(36)', (c) => c.notNull().references('notices.id'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('role', 'varchar(32)', (c) => c.notNull())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('read_at', 'varchar(32)')
    .addPrimaryKeyConstraint('notice_accounts_pk', ['notice_id', 'user_id'])
    .execute();
  await db.schema.createIndex('notice_accounts_user').on('notice_accounts').columns(['user_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notice_accounts').execute();
}
