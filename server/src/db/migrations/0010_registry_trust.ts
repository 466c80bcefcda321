import type { Kysely } from 'kysely';
import { pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 19, items 4 and 5:
 * - a custom care tag belongs to the unit that made it (`org_id`, `org_path`); built-in tags, and the
 *   custom tags made before this migration (whose maker's unit is not recorded), keep null: global;
 * - 迁入申请: a community that finds a resident registered elsewhere asks that community to move her;
 *   the request points at the resident, never carries her number, and is decided by her community.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('care_tags')
    .addColumn('org_id', 'text', (c) => c.references('org_units.id'))
    .execute();
  await db.schema.alterTable('care_tags').addColumn('org_path', pathType(db)).execute();
  await db.schema.createIndex('care_tags_org_path').on('care_tags').column('org_path').execute();

  await db.schema
    .createTable('resident_move_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resident_id', 'text', (c) => c.notNull().references('residents.id'))
    .addColumn('from_org_path', pathType(db), (c) => c.notNull())
    .addColumn('to_household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('to_org_path', pathType(db), (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_by_name', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_by_name', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decision_note', 'text')
    .execute();
  await db.schema
    .createIndex('resident_move_requests_from')
    .on('resident_move_requests')
    .columns(['from_org_path', 'created_at'])
    .execute();
  await db.schema
    .createIndex('resident_move_requests_to')
    .on('resident_move_requests')
    .columns(['to_org_path', 'created_at'])
    .execute();
  await db.schema
    .createIndex('resident_move_requests_resident')
    .on('resident_move_requests')
    .columns(['resident_id', 'status'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('resident_move_requests').execute();
  await db.schema.dropIndex('care_tags_org_path').execute();
  await db.schema.alterTable('care_tags').dropColumn('org_path').execute();
  await db.schema.alterTable('care_tags').dropColumn('org_id').execute();
}
