import { type Kysely, sql } from 'kysely';
import { pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 19, item 3: a report template belongs to the unit that made it (`owner_org_id`,
 * `owner_org_path`); other units may copy it, not change it. Templates made before this migration
 * belong to their maker's home unit, or to the root of the tree when the maker is unknown.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('report_templates')
    .addColumn('owner_org_id', 'text', (c) => c.references('org_units.id'))
    .execute();
  await db.schema.alterTable('report_templates').addColumn('owner_org_path', pathType(db)).execute();
  await sql`
    update report_templates set
      owner_org_id = (select u.home_org_id from users u where u.id = report_templates.created_by),
      owner_org_path = (select u.home_org_path from users u where u.id = report_templates.created_by)
  `.execute(db);
  await sql`
    update report_templates set
      owner_org_id = (select o.id from org_units o where o.parent_id is null order by o.path limit 1),
      owner_org_path = (select o.path from org_units o where o.parent_id is null order by o.path limit 1)
    where owner_org_id is null
  `.execute(db);
  await db.schema.createIndex('report_templates_owner').on('report_templates').column('owner_org_path').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('report_templates_owner').execute();
  await db.schema.alterTable('report_templates').dropColumn('owner_org_path').execute();
  await db.schema.alterTable('report_templates').dropColumn('owner_org_id').execute();
}
