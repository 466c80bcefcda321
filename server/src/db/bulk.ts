import type SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { dialectOf } from './database.ts';
import type { DB } from './types.ts';

/**
 * Inserts many rows of one table inside the caller's transaction without building a query per row:
 * a prepared statement on the better-sqlite3 handle (the same single connection the transaction runs
 * on), or one `insert … select * from unnest(…)` per 10,000 rows on PostgreSQL. For bulk loads only;
 * everything else goes through Kysely's query builder.
 */
export async function bulkInsert<T extends keyof DB>(
  db: Kysely<DB>,
  sqlite: SQLite.Database | undefined,
  table: T,
  types: Record<string, 'text' | 'bigint' | 'integer' | 'double precision'>,
  rows: readonly DB[T][],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(types);
  if (sqlite !== undefined && dialectOf(db) === 'sqlite') {
    const statement = sqlite.prepare(
      `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    );
    for (const row of rows) statement.run(columns.map((c) => (row as unknown as Record<string, unknown>)[c] ?? null));
    return;
  }
  const columnList = sql.join(columns.map((c) => sql.ref(c)));
  for (let i = 0; i < rows.length; i += 10_000) {
    const part = rows.slice(i, i + 10_000) as unknown as Record<string, unknown>[];
    const arrays = columns.map((c) => sql`${part.map((r) => r[c] ?? null)}::${sql.raw(types[c]!)}[]`);
    await sql`insert into ${sql.table(table)} (${columnList}) select * from unnest(${sql.join(arrays)})`.execute(db);
  }
}
