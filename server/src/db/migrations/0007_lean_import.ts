import { type Kysely, sql } from 'kysely';
import { isPostgres, pathType } from './dialect.ts';

// Frozen: never import application types here.

/**
 * What a million-row ledger import writes besides the residents themselves, made lean:
 * - a resident created by an import points at its job, whose row says who ran it and when, instead of
 *   carrying a history row of its own (history shows the creation from the job);
 * - an insight mark (where and as what the counters last counted a row) moves from its own table —
 *   a second row, with its own index, for every resident, household and case — into a column of the
 *   row it marks;
 * - households are searched by address only with "contains" (no index can serve it) and listed by
 *   (org_path, address), so the index on address alone served nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('residents').addColumn('import_job_id', 'text').execute();
  await db.schema.alterTable('import_jobs').addColumn('actor_name', 'text').execute();
  const sources = [
    ['resident', 'residents', 'id'],
    ['household', 'households', 'id'],
    ['case', 'cases', 'id'],
    ['visit', 'household_visit_status', 'household_id'],
  ] as const;
  for (const [kind, table, id] of sources) {
    await db.schema.alterTable(table).addColumn('insight_mark', 'text').execute();
    await sql`update ${sql.table(table)} set insight_mark = (
      select m.org_path || ' ' || m.facts from insight_marks m where m.kind = ${kind} and m.id = ${sql.ref(`${table}.${id}`)}
    )`.execute(db);
  }
  await db.schema.dropTable('insight_marks').execute();
  await db.schema.dropIndex('households_address').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('households_address').on('households').columns(['address']).execute();
  await db.schema
    .createTable('insight_marks')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('org_path', pathType(db), (c) => c.notNull())
    .addColumn('facts', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('insight_marks_pk', ['kind', 'id'])
    .modifyEnd(isPostgres(db) ? sql`` : sql`without rowid`)
    .execute();
  await db.schema.createIndex('insight_marks_path').on('insight_marks').columns(['kind', 'org_path']).execute();
  for (const [kind, table, id] of [
    ['resident', 'residents', 'id'],
    ['household', 'households', 'id'],
    ['case', 'cases', 'id'],
    ['visit', 'household_visit_status', 'household_id'],
  ] as const) {
    const space = isPostgres(db) ? sql`strpos(insight_mark, ' ')` : sql`instr(insight_mark, ' ')`;
    await sql`insert into insight_marks (kind, id, org_path, facts)
      select ${kind}, ${sql.ref(id)}, substr(insight_mark, 1, ${space} - 1), substr(insight_mark, ${space} + 1)
      from ${sql.table(table)} where insight_mark is not null`.execute(db);
    await db.schema.alterTable(table).dropColumn('insight_mark').execute();
  }
  await db.schema.alterTable('import_jobs').dropColumn('actor_name').execute();
  await db.schema.alterTable('residents').dropColumn('import_job_id').execute();
}
