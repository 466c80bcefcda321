import { type Kysely, sql } from 'kysely';
import { isPostgres, makeAppendOnly } from './dialect.ts';

// Frozen: never import application types here.

/**
 * Issue 17, item 3: retention. Audit rows are kept at least 180 days and leave the database only into an
 * archive file (`tianzige audit archive`): `audit_archives` records each file (the rows it holds, up to
 * which time, its sha256), and the database itself refuses to delete an audit row unless an archive
 * covers it and it is older than 180 days. Residents de-identified on request (PIPL art. 47) and cases
 * whose photos were removed after the retention period are marked.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_archives')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    // every audit row with at < through_at is in the file
    .addColumn('through_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('file_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await makeAppendOnly(db, 'audit_archives');

  if (isPostgres(db)) {
    await sql
      .raw(
        `create or replace function audit_log_append_only() returns trigger language plpgsql as $$
         begin
           if tg_op = 'DELETE'
              and old.at < to_char((now() at time zone 'utc') - interval '180 days', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
              and exists (select 1 from audit_archives a where old.at < a.through_at) then
             return old;
           end if;
           raise exception 'audit_log is append-only';
         end $$;`,
      )
      .execute(db);
  } else {
    await sql.raw('drop trigger audit_log_no_delete').execute(db);
    await sql
      .raw(
        `create trigger audit_log_no_delete before delete on audit_log
         when not (old.at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-180 days')
                   and exists (select 1 from audit_archives a where old.at < a.through_at))
         begin select raise(abort, 'audit_log is append-only'); end;`,
      )
      .execute(db);
  }

  await db.schema.alterTable('residents').addColumn('deidentified_at', 'varchar(32)').execute();
  await db.schema.alterTable('cases').addColumn('photos_removed_at', 'varchar(32)').execute();
}

export async function down(): Promise<void> {
  // retention decisions are not undone
}
