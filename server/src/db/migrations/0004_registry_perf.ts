import type { Kysely } from 'kysely';

// Frozen: never import application types here.

/**
 * One resident index in the order every list, search and export pages in: (org_path, name, id).
 * `id` makes the order total, so a page is read straight off the index with no sort, on both engines;
 * `status` and `name_initials` ride along so that the usual filters (status, name contains, pinyin
 * initials) are decided from the index without reading the rows. It replaces (org_path, status, name),
 * whose order put status between the scope range and the name, and (org_path, name_initials).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('residents_org_name')
    .on('residents')
    .columns(['org_path', 'name', 'id', 'status', 'name_initials'])
    .execute();
  await db.schema.dropIndex('residents_org_path').execute();
  await db.schema.dropIndex('residents_org_initials').execute();
}

export async function down(): Promise<void> {
  throw new Error('0004_registry_perf cannot be reverted');
}
