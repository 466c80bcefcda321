import type { Kysely } from 'kysely';

// Frozen: never import application types here.

/**
 * Issue 17, item 2: rotating the personal-data key. One row per rotation: the old and new keys' check
 * values (never the keys), where the re-encrypting pass has got to (so a killed `keys rotate` resumes),
 * and its state: announced (servers switch to writing with the new key) → converting → done (the old key
 * retired). At most one rotation is unfinished at a time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pii_key_rotations')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('old_check', 'varchar(64)', (c) => c.notNull())
    .addColumn('new_check', 'varchar(64)', (c) => c.notNull())
    // the new key's encryption of the check label: the new key proves itself before it writes anything
    .addColumn('new_encryption_check', 'text', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    // 1 until done, then null: its unique index lets one rotation be unfinished at a time (nulls never collide)
    .addColumn('unfinished', 'integer', (c) => c.unique())
    // JSON: { "table": "...", "after": "<last primary key done>" }; null before the first batch
    .addColumn('cursor', 'text')
    .addColumn('rows_converted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('announced_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('finished_at', 'varchar(32)')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pii_key_rotations').execute();
}
