import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { dialectOf, pgClientOf, preparedStatement } from './database.ts';
import type { DB } from './types.ts';

/**
 * Inserts many rows of one table inside the caller's transaction without building a query per row:
 * a prepared statement on the better-sqlite3 handle (the same single connection the transaction runs
 * on), or `COPY … FROM STDIN` on the transaction's PostgreSQL connection (the server writes whole pages
 * at a time). For bulk loads only; everything else goes through Kysely's query builder.
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
  const client = await pgClientOf(db);
  const copy = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
  await pipeline(Readable.from(copyLines(rows as unknown as Record<string, unknown>[], columns)), copy);
}

/** Rows in COPY's text format, a few hundred per chunk: tab-separated, `\N` for null, specials escaped. */
function* copyLines(rows: Record<string, unknown>[], columns: string[]): Generator<string> {
  let chunk = '';
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    for (let c = 0; c < columns.length; c++) {
      const value = row[columns[c]!];
      chunk += (c === 0 ? '' : '\t') + copyText(value);
    }
    chunk += '\n';
    if (chunk.length > 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

const HAS_COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_SPECIAL = /[\\\n\r\t]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value);
  return HAS_COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL, (ch) => COPY_ESCAPES[ch]!) : text;
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

/** An index of a table, as SQLite lists it (`pragma index_list`). */
export interface SqliteIndex {
  name: string;
  table: string;
  isUnique: boolean;
}

/**
 * Drops the indexes of `tables` that `isSetAside` picks (those made by CREATE INDEX; a primary key's or
 * a constraint's cannot be) inside the caller's open SQLite transaction, and returns the function that
 * makes them again by re-running the statements the schema itself holds (`sqlite_master`), so they can
 * never drift from the migrations. A bulk load into a table larger than the page cache spends most of
 * its time rewriting index pages its random keys land on; CREATE INDEX over the loaded table sorts
 * instead, about linearly. DDL is transactional in SQLite: a rollback or a kill brings the indexes
 * back, and readers keep the snapshot they started with.
 */
export function setAsideSqliteIndexes(
  sqlite: SQLite.Database,
  tables: readonly string[],
  isSetAside: (index: SqliteIndex) => boolean,
): { names: string[]; restore: () => void } {
  const statements: { name: string; sql: string }[] = [];
  for (const table of tables) {
    const listed = sqlite.pragma(`index_list(${quoted(table)})`) as {
      name: string;
      unique: number;
      origin: string;
    }[];
    for (const index of listed) {
      if (index.origin !== 'c' || !isSetAside({ name: index.name, table, isUnique: index.unique === 1 })) continue;
      const { sql } = sqlite
        .prepare("select sql from sqlite_master where type = 'index' and name = ?")
        .get(index.name) as { sql: string };
      statements.push({ name: index.name, sql });
    }
  }
  for (const { name } of statements) sqlite.exec(`drop index ${quoted(name)}`);
  return {
    names: statements.map((s) => s.name),
    restore: () => {
      for (const { sql } of statements) sqlite.exec(sql);
    },
  };
}

const quoted = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
