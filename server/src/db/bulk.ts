import type SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { dialectOf, preparedStatement } from './database.ts';
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
    const statement = preparedStatement(
      sqlite,
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

/**
 * Gives the SQLite connection a page cache of `mib` MiB until the returned function is called (no-op
 * on PostgreSQL, whose buffers are the server's business). A bulk load lands keys all over the big
 * indexes — blind indexes are random by design — and with SQLite's default 2 MB cache nearly every
 * insert reads index pages back in: a million-row import ran several times slower.
 */
export function widenSqliteCache(sqlite: SQLite.Database | undefined, mib: number): () => void {
  if (sqlite === undefined) return () => undefined;
  const previous = sqlite.pragma('cache_size', { simple: true }) as number;
  sqlite.pragma(`cache_size = ${-Math.round(mib * 1024)}`);
  return () => {
    sqlite.pragma(`cache_size = ${previous}`);
  };
}
