import { type Kysely, sql } from 'kysely';
import { isPostgres, pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Live insights (大数据驾驶舱), report templates (一表通), task admission (准入).
 *
 * `insight_counters` holds additive counters per org unit: every row of the registry, cases and visits
 * adds its contribution to the unit it belongs to and to every unit above it. `insight_marks` records,
 * per source row, the facts it was last counted with, so that re-counting a row subtracts exactly what
 * it added before: incremental updates cannot double count, and a deleted row is taken back out.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const withoutRowid = isPostgres(db) ? sql`` : sql`without rowid`;
  await db.schema
    .createTable('insight_counters')
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('fact', 'text', (c) => c.notNull())
    .addColumn('dims', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('insight_counters_pk', ['org_path', 'fact', 'dims'])
    .modifyEnd(withoutRowid)
    .execute();

  await db.schema
    .createTable('insight_marks')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('facts', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('insight_marks_pk', ['kind', 'id'])
    .modifyEnd(withoutRowid)
    .execute();
  await db.schema.createIndex('insight_marks_path').on('insight_marks').columns(['kind', 'org_path']).execute();

  await db.schema
    .createTable('report_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('row_kind', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('report_template_versions')
    .addColumn('template_id', 'text', (c) => c.notNull().references('report_templates.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_by_name', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_template_versions_pk', ['template_id', 'version'])
    .execute();

  await db.schema
    .createTable('reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('template_id', 'text', (c) => c.notNull().references('report_templates.id'))
    .addColumn('template_version', 'integer', (c) => c.notNull())
    .addColumn('template_name', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('column_count', 'integer', (c) => c.notNull())
    .addColumn('filled_cells', 'integer', (c) => c.notNull())
    .addColumn('typed_cells', 'integer', (c) => c.notNull())
    .addColumn('is_unmasked', 'integer', (c) => c.notNull())
    // the .xlsx; when unmasked, AES-GCM ciphertext of its base64 (personal numbers never rest in clear)
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('preview', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reports_org_created').on('reports').columns(['org_path', 'created_at']).execute();

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('duty_code', 'text')
    .addColumn('duty_item_id', 'text')
    .addColumn('template_id', 'text')
    .addColumn('period', 'text')
    .addColumn('description', 'text')
    .addColumn('from_org_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('from_org_path', pathType(db), (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_by_name', 'text')
    .addColumn('due_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tasks_from_created').on('tasks').columns(['from_org_path', 'created_at']).execute();

  await db.schema
    .createTable('task_targets')
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rule', 'text')
    .addColumn('reason_zh', 'text')
    .addColumn('reason_en', 'text')
    .addColumn('report_id', 'text')
    .addColumn('filled_cells', 'integer')
    .addColumn('typed_cells', 'integer')
    .addColumn('answered_at', 'text')
    .addColumn('review_decision', 'text')
    .addColumn('review_reason', 'text')
    .addColumn('reviewed_by_name', 'text')
    .addColumn('reviewed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('task_targets_pk', ['task_id', 'org_id'])
    .execute();
  await db.schema.createIndex('task_targets_org').on('task_targets').columns(['org_path', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'task_targets',
    'tasks',
    'reports',
    'report_template_versions',
    'report_templates',
    'insight_marks',
    'insight_counters',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
