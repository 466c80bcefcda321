import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type SQLite from 'better-sqlite3';
import type pg from 'pg';
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

/** An index of a table that a bulk load may set aside. */
export interface TableIndex {
  name: string;
  table: string;
  isUnique: boolean;
  /** the indexed columns, in order (an expression counts as none) */
  columns: string[];
}

/** Where the indexes live: the SQLite handle, or the PostgreSQL connection that runs the transaction. */
export type IndexHost = { sqlite: SQLite.Database } | { client: pg.ClientBase };

/**
 * Drops the indexes of `tables` that `isSetAside` picks (those made by CREATE INDEX; a primary key's or
 * a constraint's never) inside the caller's open transaction, and returns the function that makes them
 * again by re-running the definitions the database itself holds (`sqlite_master`, `pg_get_indexdef`), so
 * they can never drift from the migrations. A bulk load into a table larger than the page cache spends
 * most of its time rewriting the index pages its random keys land on; CREATE INDEX over the loaded table
 * sorts instead, about linearly. DDL is transactional on both engines: a rollback or a kill brings the
 * indexes back. On SQLite readers keep the snapshot they started with; on PostgreSQL DROP INDEX locks
 * the table against every reader until the commit.
 */
export async function setAsideIndexes(
  host: IndexHost,
  tables: readonly string[],
  isSetAside: (index: TableIndex) => boolean,
): Promise<{ names: string[]; restore: () => Promise<void> }> {
  const found = 'sqlite' in host ? sqliteIndexes(host.sqlite, tables) : await postgresIndexes(host.client, tables);
  const picked = found.filter(isSetAside);
  const run = async (statement: string) => {
    if ('sqlite' in host) host.sqlite.exec(statement);
    else await host.client.query(statement);
  };
  for (const { name } of picked) await run(`drop index ${quoted(name)}`);
  return {
    names: picked.map((i) => i.name),
    restore: async () => {
      for (const { sql } of picked) await run(sql);
    },
  };
}

/** Where the indexes of the caller's transaction live, for `setAsideIndexes`. */
export async function indexHostOf(db: Kysely<DB>, sqlite: SQLite.Database | undefined): Promise<IndexHost> {
  return sqlite !== undefined && dialectOf(db) === 'sqlite' ? { sqlite } : { client: await pgClientOf(db) };
}

function sqliteIndexes(sqlite: SQLite.Database, tables: readonly string[]): (TableIndex & { sql: string })[] {
  const definition = sqlite.prepare("select sql from sqlite_master where type = 'index' and name = ?").pluck();
  return tables.flatMap((table) =>
    (sqlite.pragma(`index_list(${quoted(table)})`) as { name: string; unique: number; origin: string }[])
      .filter((index) => index.origin === 'c')
      .map((index) => ({
        name: index.name,
        table,
        isUnique: index.unique === 1,
        columns: (sqlite.pragma(`index_info(${quoted(index.name)})`) as { name: string | null }[])
          .map((c) => c.name)
          .filter((c): c is string => c !== null),
        sql: definition.get(index.name) as string,
      })),
  );
}

async function postgresIndexes(client: pg.ClientBase, tables: readonly string[]) {
  const { rows } = await client.query<{
    name: string;
    table: string;
    is_unique: boolean;
    columns: string[];
    sql: string;
  }>(
    `select i.relname as name, t.relname as table, x.indisunique as is_unique, pg_get_indexdef(x.indexrelid) as sql,
            array(select a.attname::text from unnest(x.indkey::int2[]) with ordinality k(attnum, n)
                   join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum order by k.n) as columns
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
      where t.relname = any($1) and t.relnamespace = current_schema()::regnamespace
        and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
      order by t.relname, i.relname`,
    [tables],
  );
  // a partitioned table's index is listed "on only" the parent: made again, it must cover the partitions
  return rows.map((r) => ({
    name: r.name,
    table: r.table,
    isUnique: r.is_unique,
    columns: r.columns,
    sql: r.sql.replace(' ON ONLY ', ' ON '),
  }));
}

const quoted = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
