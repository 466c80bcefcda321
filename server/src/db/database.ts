import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  type AbortableOperationOptions,
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type QueryResult,
  RawNode,
  SelectQueryNode,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  sql,
} from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { Checkpointer, COMMITS_BEFORE_START, SAFETY_NET_PAGES } from './checkpointer.ts';
import { AppError } from '../platform/errors.ts';
import { ensurePrivateDir, restrictToOwner } from '../platform/pii/private-files.ts';
import type { DB } from './types.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  dialect: DialectName;
  /** raw better-sqlite3 handle when on SQLite (bulk loads and baselines) */
  sqlite: SQLite.Database | undefined;
  /**
   * SQLite's second, read-only connection to the same file (none in memory): raw reads outside a
   * transaction run there, seeing the last commit and never the writer's open batch
   */
  sqliteReader?: SQLite.Database | undefined;
  /** pg pool when on PostgreSQL (COPY and baselines) */
  pool: pg.Pool | undefined;
  close(): Promise<void>;
}

export class DatabaseOpenError extends Error {}

// Return BIGINT counts as numbers; counts here stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** How long a write waits for another process's write (the CLI beside the server) before it gives up. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Opens the database the configuration names and checks that it answers. */
export async function openDatabase(
  target: Config['database'],
  options: { busyTimeoutMs?: number; connectTimeoutMs?: number } = {},
): Promise<Database> {
  if (target.kind === 'sqlite') return openSqlite(target.file, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  return openPostgres(target.url, options.connectTimeoutMs ?? 5000);
}

/**
 * The embedded engine (better-sqlite3 13) is a Node-API 10 addon: Node.js 22.14 or later. On an older
 * runtime it would crash the process when it loads, so say so first. `npm start` and `npm test` run on the
 * project's own Node.js 24 (the `node` package in package.json), whatever Node.js launched npm.
 */
export function checkSqliteRuntime(napi: string | undefined = process.versions.napi): void {
  if (Number(napi ?? 0) >= 10) return;
  throw new DatabaseOpenError(
    `SQLite needs Node.js ≥ 22.14 (Node-API 10); this is Node.js ${process.versions.node}. ` +
      `Use \`npm start\` / \`npx tianzige\`, which run on the project's Node.js 24 / ` +
      `内置 SQLite 需要 Node.js 22.14 及以上；请用 npm start 或 npx tianzige（使用项目自带的 Node.js 24）`,
  );
}

function openSqlite(file: string, busyTimeoutMs: number): Database {
  checkSqliteRuntime();
  let handle: SQLite.Database;
  try {
    if (file !== ':memory:') ensurePrivateDir(path.dirname(file), { isOnlyIfCreated: true });
    handle = new SQLite(file);
    // before the WAL and shared-memory files exist: SQLite gives them the database file's mode
    if (file !== ':memory:') for (const f of [file, `${file}-wal`, `${file}-shm`]) restrictToOwner(f);
    handle.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    handle.pragma('journal_mode = WAL');
    handle.pragma('synchronous = NORMAL');
    handle.pragma('foreign_keys = ON');
  } catch (err) {
    if (isSqliteBusy(err)) throw databaseBusy();
    throw new DatabaseOpenError(`cannot open SQLite database ${file}: ${(err as Error).message}`);
  }
  // a second, read-only connection: plain SELECTs read the last committed state there, without waiting
  // for the writer's open transaction (a group commit's batch of intakes)
  const reader = file === ':memory:' ? undefined : new SQLite(file, { readonly: true, fileMustExist: true });
  reader?.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  const db = new Kysely<DB>({
    dialect: new ImmediateSqliteDialect(handle, reader, busyTimeoutMs, { database: withStatementCache(handle) }),
  });
  return {
    db,
    dialect: 'sqlite',
    sqlite: handle,
    sqliteReader: reader,
    pool: undefined,
    close: () => db.destroy(),
  };
}

/** SQLite's "database is locked": another connection holds the write lock past the busy timeout. */
export function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Two writes raced for the same unique thing (the same journal of an award, the same seat, the same key)
 * and the database kept one: the loser's transaction rolled back whole. PostgreSQL's 23505 (and a
 * serialization failure or deadlock, 40001 / 40P01), SQLite's unique and primary-key constraints.
 */
export function isWriteRace(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === '23505' ||
    code === '40001' ||
    code === '40P01' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** The one answer to a lost race that no module turned into its own refusal: nothing was written; look again. */
export const writeRaceLost = () =>
  new AppError('CONFLICT', {
    zh: '同一时间有另一项相同的操作已完成，本次未写入，请刷新后再试',
    en: 'The same change was just made by someone else; nothing was written — reload and try again',
  });

/** The one answer when another process keeps the database busy for longer than we wait: retry later. */
export const databaseBusy = () =>
  new AppError('BUSY', {
    zh: '数据库正忙（另一个进程正在写入，如大批量导入），请稍后重试',
    en: 'The database is busy (another process is writing, say a large import); try again shortly',
  });

/**
 * Every transaction on SQLite begins IMMEDIATE: it takes the write lock at its start, so it never
 * fails half-way when a read turns into a write after another process wrote (a deferred transaction's
 * SQLITE_BUSY, which no busy timeout waits out). While another process (the CLI, or the server
 * beside the CLI) holds the lock, the begin is retried with backoff — on the event loop, not blocking
 * it — up to the busy timeout, then answered with one clear error.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly handle: SQLite.Database,
    private readonly reader: SQLite.Database | undefined,
    private readonly busyTimeoutMs: number,
    private readonly settings: ConstructorParameters<typeof SqliteDialect>[0],
  ) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.handle, this.reader, this.busyTimeoutMs, this.settings);
  }

  // Kysely (since 0.29) queues every connection request of a single-connection dialect behind one lock, a
  // plain read's too, which would make reads wait for the writer's open transaction (or hang, when that
  // transaction waits for them); here only the writer is single, and ImmediateSqliteDriver queues for it
  override createAdapter(): DialectAdapter {
    return new SplitSqliteAdapter();
  }
}

class SplitSqliteAdapter extends SqliteAdapter {
  override get supportsMultipleConnections(): boolean {
    return true;
  }
}

/** First come, first served: the one writing connection, held from the first write to the release. */
class WriterLock {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  async take(): Promise<void> {
    while (this.held !== undefined) await this.held;
    this.held = new Promise((resolve) => (this.release = resolve));
  }

  give(): void {
    const release = this.release;
    this.held = undefined;
    this.release = undefined;
    release?.();
  }
}

/** A SELECT built by Kysely, or raw SQL that begins with SELECT or WITH (the dashboards' hand-written reads). */
const isPlainRead = (compiled: CompiledQuery): boolean =>
  SelectQueryNode.is(compiled.query) || (RawNode.is(compiled.query) && /^\s*(select|with)\b/i.test(compiled.sql));

/**
 * What Kysely holds while it runs a query or a transaction. A plain SELECT outside a transaction runs on
 * the read-only connection at once (WAL: it sees the last commit); anything else — a write, a raw
 * statement, a transaction — first takes the one writing connection, in turn (the driver's WriterLock).
 */
class SplitConnection implements DatabaseConnection {
  writer: DatabaseConnection | undefined;

  constructor(
    private readonly takeWriter: () => Promise<DatabaseConnection>,
    private readonly reader: SQLite.Database | undefined,
  ) {}

  async lock(): Promise<DatabaseConnection> {
    if (this.writer === undefined) this.writer = await this.takeWriter();
    return this.writer;
  }

  async executeQuery<R>(compiled: CompiledQuery, options?: AbortableOperationOptions): Promise<QueryResult<R>> {
    if (this.writer === undefined && this.reader !== undefined && isPlainRead(compiled)) {
      const statement = preparedStatement(this.reader, compiled.sql);
      // a raw statement reads there only when SQLite itself calls it read-only (a `with … insert` does not)
      if (statement.reader && statement.readonly) return { rows: statement.all(compiled.parameters) as R[] };
    }
    return (await this.lock()).executeQuery<R>(compiled, options);
  }

  async *streamQuery<R>(
    compiled: CompiledQuery,
    chunkSize: number,
    options?: AbortableOperationOptions,
  ): AsyncIterableIterator<QueryResult<R>> {
    yield* (await this.lock()).streamQuery<R>(compiled, chunkSize, options);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  private readonly writerLock = new WriterLock();
  private commits = 0;
  private checkpointer: Checkpointer | undefined;

  constructor(
    private readonly handle: SQLite.Database,
    private readonly reader: SQLite.Database | undefined,
    private readonly busyTimeoutMs: number,
    settings: ConstructorParameters<typeof SqliteDriver>[0],
  ) {
    super(settings);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    return new SplitConnection(async () => {
      await this.writerLock.take();
      return super.acquireConnection();
    }, this.reader);
  }

  // Kysely hands back the connection it acquired (the base class's signature omits it)
  override async releaseConnection(connection?: DatabaseConnection): Promise<void> {
    if ((connection as SplitConnection | undefined)?.writer === undefined) return;
    await super.releaseConnection();
    this.writerLock.give();
  }

  override async destroy(): Promise<void> {
    await this.checkpointer?.stop();
    this.reader?.close();
    await super.destroy();
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await super.commitTransaction(connection);
    // a busy database checkpoints its log on a thread of its own (db/checkpointer.ts)
    this.commits += 1;
    if (this.commits === COMMITS_BEFORE_START && !this.handle.memory) {
      this.checkpointer = new Checkpointer(this.handle.name);
      this.handle.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    }
  }

  override async beginTransaction(split: DatabaseConnection): Promise<void> {
    const connection = await (split as SplitConnection).lock();
    const giveUpAt = Date.now() + this.busyTimeoutMs;
    // each attempt waits inside SQLite only briefly; the waiting between attempts yields the event loop
    this.handle.pragma('busy_timeout = 20');
    try {
      for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
        try {
          await connection.executeQuery(CompiledQuery.raw('begin immediate'));
          return;
        } catch (err) {
          if (!isSqliteBusy(err)) throw err;
          if (Date.now() + pause > giveUpAt) throw databaseBusy();
          await new Promise((resolve) => setTimeout(resolve, pause));
        }
      }
    } finally {
      this.handle.pragma(`busy_timeout = ${Math.max(0, Math.floor(this.busyTimeoutMs))}`);
    }
  }
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

/** `connectTimeoutMs`: how long a query waits for a pooled connection before it fails (a server answers 503 then). */
async function openPostgres(url: string, connectTimeoutMs: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: connectTimeoutMs });
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
