import type { Kysely } from 'kysely';

// Frozen: never import application types here.

/**
 * The check values of the key personal numbers are encrypted and blind-indexed with, written on the
 * first start: a later start with another key is refused before it can fail to read the data or let a
 * duplicate ID number in under a blind index that no longer matches.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pii_key_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('blind_index_check', 'text', (c) => c.notNull())
    .addColumn('encryption_check', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pii_key_checks').execute();
}
