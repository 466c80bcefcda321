import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import type { DB } from './types.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  dialect: DialectName;
  /** raw better-sqlite3 handle when on SQLite (bulk loads and baselines) */
  sqlite: SQLite.Database | undefined;
  /** pg pool when on PostgreSQL (COPY and baselines) */
  pool: pg.Pool | undefined;
  close(): Promise<void>;
}

export class DatabaseOpenError extends Error {}

// Return BIGINT counts as numbers; counts here stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** Opens the database the configuration names and checks that it answers. */
export async function openDatabase(target: Config['database']): Promise<Database> {
  if (target.kind === 'sqlite') return openSqlite(target.file);
  return openPostgres(target.url);
}

function openSqlite(file: string): Database {
  let handle: SQLite.Database;
  try {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    handle = new SQLite(file);
    handle.pragma('journal_mode = WAL');
    handle.pragma('synchronous = NORMAL');
    handle.pragma('foreign_keys = ON');
    handle.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new DatabaseOpenError(`cannot open SQLite database ${file}: ${(err as Error).message}`);
  }
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(handle) }) });
  return {
    db,
    dialect: 'sqlite',
    sqlite: handle,
    pool: undefined,
    close: () => db.destroy(),
  };
}

const STATEMENT_CACHE_SIZE = 500;
const statementCaches = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

/**
 * Kysely prepares every query afresh, and on better-sqlite3 preparing a statement (an insert of a
 * 50-column row, say) costs more than running it — and a statement prepared afresh for each batch of a
 * bulk load holds native memory V8 does not see until a collection happens to run. The same code builds
 * the same SQL text, so prepared statements are kept by text per connection, the least recently used
 * dropped past 500. Statements run one at a time on the one connection and are never iterated, so a
 * cached statement is never busy when reused. Kysely's queries and bulk loads (`db/bulk.ts`) share it.
 */
export function preparedStatement(handle: SQLite.Database, source: string): SQLite.Statement {
  let cache = statementCaches.get(handle);
  if (cache === undefined) statementCaches.set(handle, (cache = new Map<string, SQLite.Statement>()));
  let statement = cache.get(source);
  if (statement !== undefined) cache.delete(source);
  else {
    statement = handle.prepare(source);
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  cache.set(source, statement);
  return statement;
}

function withStatementCache(handle: SQLite.Database) {
  return {
    close: () => handle.close(),
    prepare: (source: string) => preparedStatement(handle, source),
  };
}

/** Every open PostgreSQL connection by its backend's process id: how a bulk load finds its transaction's. */
const pgClients = new Map<number, pg.PoolClient>();

/**
 * The pg connection a Kysely transaction runs on, for what only the raw driver can do (COPY). Use it only
 * while the transaction's callback awaits it, as Kysely would use the connection itself.
 */
export async function pgClientOf(trx: Kysely<DB>): Promise<pg.PoolClient> {
  // asked once per transaction: a bulk load calls this for every batch of every table
  let client = clientOfTransaction.get(trx);
  if (client === undefined) {
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
    client = pgClients.get(Number(rows[0]!.pid));
    if (client === undefined) throw new Error('no PostgreSQL connection for this transaction');
    clientOfTransaction.set(trx, client);
  }
  return client;
}

const clientOfTransaction = new WeakMap<Kysely<DB>, pg.PoolClient>();

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  pool.on('error', () => {
    /* idle client errors surface on the next query */
  });
  const pidOf = (client: pg.PoolClient) => (client as unknown as { processID: number }).processID;
  pool.on('connect', (client) => pgClients.set(pidOf(client), client));
  pool.on('remove', (client) => pgClients.delete(pidOf(client)));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw new DatabaseOpenError(`cannot connect to PostgreSQL: ${(err as Error).message}`);
  }
  return { db, dialect: 'postgres', sqlite: undefined, pool, close: () => db.destroy() };
}

/** Which engine a Kysely instance (or transaction) talks to, for the few engine-specific bulk paths. */
export function dialectOf(db: Kysely<DB>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
