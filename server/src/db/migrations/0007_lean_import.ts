import type { Kysely } from 'kysely';

// Frozen: never import application types here.

/**
 * What a million-row ledger import writes besides the residents themselves, made lean:
 * - a resident created by an import points at its job, whose row says who ran it and when, instead of
 *   carrying a history row of its own (history shows the creation from the job);
 * - insight marks are found by (kind, id) only: the (kind, org_path) index served just the rare rebuild
 *   of one subtree, which now scans the marks of each kind instead;
 * - households are searched by address only with "contains" (no index can serve it) and listed by
 *   (org_path, address), so the index on address alone served nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('residents').addColumn('import_job_id', 'text').execute();
  await db.schema.alterTable('import_jobs').addColumn('actor_name', 'text').execute();
  await db.schema.dropIndex('insight_marks_path').execute();
  await db.schema.dropIndex('households_address').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('households_address').on('households').columns(['address']).execute();
  await db.schema.createIndex('insight_marks_path').on('insight_marks').columns(['kind', 'org_path']).execute();
  await db.schema.alterTable('import_jobs').dropColumn('actor_name').execute();
  await db.schema.alterTable('residents').dropColumn('import_job_id').execute();
}
