import type { Kysely } from 'kysely';

// Frozen: never import application types here.

/**
 * Issue 15, item 1: the minute job that lapses council topics whose time for support ran out reads the
 * open topics due by now across every council; this index makes that a range scan.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('council_topics_open_due')
    .on('council_topics')
    .columns(['status', 'support_until'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('council_topics_open_due').execute();
}
