import { type Kysely, sql } from 'kysely';
import { pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 14, items 1–3: party organisations (党委/党总支/党支部/党小组) on the org tree and their members;
 * 双报到 (a party member registers with the community where she lives, picks service posts, claims cases the
 * community opens to volunteers, logs hours that staff confirm); 党建联盟 / 大党委 with member units, part-time
 * members and the three lists (needs, resources, projects with milestones).
 *
 * "Exactly one" rules live here as unique indexes: one active membership per resident, one live 双报到 per
 * person and community, one claim per opened case.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const path = pathType(db);
  const id = (t: ReturnType<typeof db.schema.createTable>) => t.addColumn('id', 'varchar(36)', (c) => c.primaryKey());

  await id(db.schema.createTable('party_orgs'))
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('parent_id', 'varchar(36)')
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('party_orgs_path').on('party_orgs').columns(['org_path', 'kind']).execute();
  await db.schema.createIndex('party_orgs_unit_name').on('party_orgs').columns(['org_id', 'name']).unique().execute();

  await id(db.schema.createTable('party_members'))
    .addColumn('party_org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('resident_id', 'varchar(36)')
    .addColumn('alliance_unit_id', 'varchar(36)')
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('duty', 'varchar(16)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('joined_on', 'varchar(10)')
    .addColumn('created_by', 'varchar(36)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('ended_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('party_members_org').on('party_members').columns(['party_org_id', 'status']).execute();
  await db.schema.createIndex('party_members_path').on('party_members').columns(['org_path']).execute();
  await db.schema
    .createIndex('party_members_one_active')
    .on('party_members')
    .column('resident_id')
    .unique()
    .where(sql.ref('status'), '=', 'active')
    .execute();

  await id(db.schema.createTable('service_posts'))
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('description', 'varchar(500)')
    .addColumn('is_active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_posts_path').on('service_posts').columns(['org_path', 'name']).execute();

  await id(db.schema.createTable('dual_registrations'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('resident_id', 'varchar(36)')
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('work_unit', 'varchar(100)', (c) => c.notNull())
    .addColumn('alliance_unit_id', 'varchar(36)')
    .addColumn('party_org_name', 'varchar(100)')
    .addColumn('skills', 'varchar(300)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('requested_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('decided_by', 'varchar(36)')
    .addColumn('decided_at', 'varchar(32)')
    .addColumn('decision_note', 'varchar(200)')
    .execute();
  await db.schema
    .createIndex('dual_registrations_path')
    .on('dual_registrations')
    .columns(['org_path', 'status'])
    .execute();
  // one live registration (asked or confirmed) per person and community: a second one is refused by the database
  await db.schema
    .createIndex('dual_registrations_one_live')
    .on('dual_registrations')
    .columns(['user_id', 'org_id'])
    .unique()
    .where(sql.ref('status'), 'in', ['pending', 'confirmed'])
    .execute();

  await db.schema
    .createTable('dual_registration_posts')
    .addColumn('registration_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('post_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('dual_registration_posts_pk', ['registration_id', 'post_id'])
    .execute();

  await id(db.schema.createTable('volunteer_case_openings'))
    .addColumn('case_id', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('help_wanted', 'varchar(500)', (c) => c.notNull())
    .addColumn('opened_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('opened_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('claimed_by', 'varchar(36)')
    .addColumn('registration_id', 'varchar(36)')
    .addColumn('claimed_at', 'varchar(32)')
    .addColumn('closed_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('volunteer_case_openings_path')
    .on('volunteer_case_openings')
    .columns(['org_path', 'opened_at'])
    .execute();

  await id(db.schema.createTable('service_hours'))
    .addColumn('registration_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('source_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('served_on', 'varchar(10)', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull().check(sql`minutes > 0 and minutes <= 1440`))
    .addColumn('note', 'varchar(300)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('decided_by', 'varchar(36)')
    .addColumn('decided_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('service_hours_registration')
    .on('service_hours')
    .columns(['registration_id', 'served_on'])
    .execute();
  await db.schema.createIndex('service_hours_path').on('service_hours').columns(['org_path', 'served_on']).execute();

  await id(db.schema.createTable('alliances'))
    .addColumn('org_id', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alliances_path').on('alliances').columns(['org_path']).execute();

  await id(db.schema.createTable('alliance_units'))
    .addColumn('alliance_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('contact_name', 'varchar(50)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('joined_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('left_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('alliance_units_name')
    .on('alliance_units')
    .columns(['alliance_id', 'name'])
    .unique()
    .execute();
  await db.schema.createIndex('alliance_units_path').on('alliance_units').columns(['org_path']).execute();

  await id(db.schema.createTable('alliance_council_members'))
    .addColumn('alliance_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('unit_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('post', 'varchar(50)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('ended_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('alliance_council_members_alliance')
    .on('alliance_council_members')
    .columns(['alliance_id'])
    .execute();

  for (const table of ['alliance_needs', 'alliance_resources'] as const) {
    let t = id(db.schema.createTable(table))
      .addColumn('alliance_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('org_path', path, (c) => c.notNull());
    if (table === 'alliance_resources') t = t.addColumn('unit_id', 'varchar(36)', (c) => c.notNull());
    await t
      .addColumn('title', 'varchar(100)', (c) => c.notNull())
      .addColumn('description', 'varchar(1000)')
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_by', 'varchar(36)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex(`${table}_alliance`).on(table).columns(['alliance_id', 'status']).execute();
  }

  await id(db.schema.createTable('alliance_projects'))
    .addColumn('alliance_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('org_path', path, (c) => c.notNull())
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('description', 'varchar(1000)')
    .addColumn('owner_unit_id', 'varchar(36)')
    .addColumn('owner_name', 'varchar(100)', (c) => c.notNull())
    .addColumn('need_id', 'varchar(36)')
    .addColumn('resource_id', 'varchar(36)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('done_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('alliance_projects_alliance')
    .on('alliance_projects')
    .columns(['alliance_id', 'status'])
    .execute();
  await db.schema.createIndex('alliance_projects_path').on('alliance_projects').columns(['org_path']).execute();

  await id(db.schema.createTable('alliance_milestones'))
    .addColumn('project_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'varchar(100)', (c) => c.notNull())
    .addColumn('due_on', 'varchar(10)')
    .addColumn('done_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('alliance_milestones_project')
    .on('alliance_milestones')
    .columns(['project_id', 'position'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'alliance_milestones',
    'alliance_projects',
    'alliance_resources',
    'alliance_needs',
    'alliance_council_members',
    'alliance_units',
    'alliances',
    'service_hours',
    'volunteer_case_openings',
    'dual_registration_posts',
    'dual_registrations',
    'service_posts',
    'party_members',
    'party_orgs',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
