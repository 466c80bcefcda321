import { type Kysely, sql } from 'kysely';
import { isPostgres, pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * The figures of the resident-facing services (rooms, canteen, points and volunteering, 双报到, alliance
 * projects, councils, funds, notices) count into `insight_counters` like the registry and cases. Their
 * rows live in the services' own tables, so the mark saying what each row was last counted as lives
 * here, one row per (source, row id): re-counting a row moves exactly the difference, and syncing it
 * twice changes nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const withoutRowid = isPostgres(db) ? sql`` : sql`without rowid`;
  await db.schema
    .createTable('insight_service_marks')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('mark', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('insight_service_marks_pk', ['source', 'id'])
    .modifyEnd(withoutRowid)
    .execute();
  await db.schema.createIndex('insight_service_marks_path').on('insight_service_marks').columns(['org_path']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('insight_service_marks').execute();
}
