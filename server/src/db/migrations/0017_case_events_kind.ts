import type { Kysely } from 'kysely';

// Frozen: never import application types here.

/**
 * Issue 20, item 3: the duty-item suggester learns from re-classified cases and checks, on each
 * suggestion, whether staff re-classified another since (count and latest `reassigned` event).
 * An index on (kind, at) makes that check and the re-read a range scan instead of a timeline scan.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('case_events_kind').on('case_events').columns(['kind', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('case_events_kind').execute();
}
