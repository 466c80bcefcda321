import { type Kysely, sql } from 'kysely';
import { pathType } from './dialect.ts';

// Frozen: never import application types here.
const DEFAULT_CARE_TAGS: [string, string, number][] = [
  ['living_alone', '独居老人', 0],
  ['empty_nest', '空巢老人', 0],
  ['over_80', '高龄', 1],
  ['disabled', '残疾人', 0],
  ['dibao', '低保户', 0],
  ['destitute', '特困人员', 0],
  ['left_behind_child', '留守儿童', 0],
  ['child_in_difficulty', '困境儿童', 0],
  ['veteran', '退役军人', 0],
  ['party_member', '党员', 0],
  ['unemployed', '失业人员', 0],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('care_tags')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('is_builtin', 'integer', (c) => c.notNull())
    .addColumn('is_derived', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  for (const [i, [code, name, isDerived]] of DEFAULT_CARE_TAGS.entries()) {
    const id = `00000000-0000-7000-8000-${String(i + 1).padStart(12, '0')}`;
    await sql`insert into care_tags (id, code, name, is_builtin, is_derived, created_at)
      values (${id}, ${code}, ${name}, 1, ${isDerived}, '2026-11-28T00:00:00.000Z')`.execute(db);
  }

  await db.schema
    .createTable('buildings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('buildings_org_name').unique().on('buildings').columns(['org_id', 'name']).execute();

  await db.schema
    .createTable('households')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('building_id', 'text', (c) => c.references('buildings.id'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('unit_no', 'text')
    .addColumn('room_no', 'text')
    .addColumn('lng', 'double precision')
    .addColumn('lat', 'double precision')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('households_org_path').on('households').columns(['org_path', 'address']).execute();
  await db.schema.createIndex('households_address').on('households').columns(['address']).execute();

  await db.schema
    .createTable('residents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.notNull().references('households.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_initials', 'text', (c) => c.notNull())
    .addColumn('id_number_enc', 'text')
    .addColumn('id_number_bidx', 'text')
    .addColumn('no_id_reason', 'text')
    .addColumn('gender', 'text', (c) => c.notNull())
    .addColumn('birth_date', 'text', (c) => c.notNull())
    .addColumn('phone_enc', 'text')
    .addColumn('phone_bidx', 'text')
    .addColumn('ethnicity', 'text', (c) => c.notNull())
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('residence_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_date', 'text')
    .addColumn('notes', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('residents_id_number').unique().on('residents').column('id_number_bidx').execute();
  await db.schema.createIndex('residents_phone').on('residents').column('phone_bidx').execute();
  await db.schema.createIndex('residents_household').on('residents').column('household_id').execute();
  // (org_path, status, name): scope range + the usual status filter + name order, answered from the index.
  await db.schema.createIndex('residents_org_path').on('residents').columns(['org_path', 'status', 'name']).execute();
  await db.schema
    .createIndex('residents_org_initials')
    .on('residents')
    .columns(['org_path', 'name_initials'])
    .execute();
  await db.schema.createIndex('residents_org_birth').on('residents').columns(['org_path', 'birth_date']).execute();

  await db.schema
    .createTable('resident_tags')
    .addColumn('resident_id', 'text', (c) => c.notNull().references('residents.id'))
    .addColumn('tag_id', 'text', (c) => c.notNull().references('care_tags.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('resident_tags_pk', ['resident_id', 'tag_id'])
    .execute();
  await db.schema.createIndex('resident_tags_tag_path').on('resident_tags').columns(['tag_id', 'org_path']).execute();

  await db.schema
    .createTable('resident_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('resident_id', 'text', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('field', 'text')
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .execute();
  await db.schema
    .createIndex('resident_changes_resident')
    .on('resident_changes')
    .columns(['resident_id', 'at'])
    .execute();

  await db.schema
    .createTable('import_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('rows_total', 'integer', (c) => c.notNull())
    .addColumn('rows_done', 'integer', (c) => c.notNull())
    .addColumn('rows_imported', 'integer', (c) => c.notNull())
    .addColumn('rows_updated', 'integer', (c) => c.notNull())
    .addColumn('rows_skipped', 'integer', (c) => c.notNull())
    .addColumn('rows_rejected', 'integer', (c) => c.notNull())
    .addColumn('problems', 'text')
    .addColumn('error', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('import_jobs_org_path').on('import_jobs').columns(['org_path', 'created_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('0002_registry cannot be reverted');
}
