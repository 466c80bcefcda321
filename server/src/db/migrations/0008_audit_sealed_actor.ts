import type { Kysely } from 'kysely';

// Frozen: never import application types here.

/**
 * Issue 19, item 1: an anonymous reporter's identity is shown to nobody but staff holding the reveal
 * permission — the audit log included. A record whose actor is sealed (`actor_sealed = 1`: an anonymous
 * resident filing, rating or reopening her case) names its actor only to readers who hold `pii.reveal`
 * where it happened; to others it is the step without the person.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('audit_log')
    .addColumn('actor_sealed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').dropColumn('actor_sealed').execute();
}
