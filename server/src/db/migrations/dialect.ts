import { type Kysely, PostgresAdapter, sql, type RawBuilder } from 'kysely';

// Frozen helpers for migrations: they must not change meaning once a migration uses them.

export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Text compared byte-wise on both engines, so materialized-path ranges use the index. */
export function pathType(db: Kysely<unknown>): RawBuilder<unknown> {
  return isPostgres(db) ? sql`text collate "C"` : sql`text`;
}

/** Makes a table append-only: the database itself refuses UPDATE and DELETE. */
export async function makeAppendOnly(db: Kysely<unknown>, table: string): Promise<void> {
  if (isPostgres(db)) {
    await sql
      .raw(
        `create or replace function ${table}_append_only() returns trigger language plpgsql as $$
         begin raise exception '${table} is append-only'; end $$;
         create trigger ${table}_no_update before update or delete on ${table}
         for each row execute function ${table}_append_only();`,
      )
      .execute(db);
  } else {
    await sql
      .raw(
        `create trigger ${table}_no_update before update on ${table}
         begin select raise(abort, '${table} is append-only'); end;`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${table}_no_delete before delete on ${table}
         begin select raise(abort, '${table} is append-only'); end;`,
      )
      .execute(db);
  }
}
