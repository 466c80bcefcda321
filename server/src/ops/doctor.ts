import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { type Config, loadConfig } from '../config.ts';
import { knownMigrationNames } from '../db/migrate.ts';
import { checkSqliteRuntime } from '../db/database.ts';
import { readConfiguredKey } from './key-file.ts';

export interface DoctorCheck {
  name: string;
  outcome: 'ok' | 'warn' | 'fail';
  detail: string;
}

/** Free space below this in the data dir is a warning (the database, its WAL, uploads and backups grow there). */
export const LOW_DISK_BYTES = 1024 ** 3;
/** A clock further than this from the database's is a failure: sessions, deadlines and audit times disagree. */
export const MAX_CLOCK_SKEW_MS = 5_000;

interface Reader {
  all(sqlText: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * `tianzige doctor`: checks what a server needs before it can serve — the configuration parses, the
 * personal-data key is there (mode 600) and is the one the data was written with, the database answers
 * with every migration applied, the data dir has room, and this machine's clock agrees with the
 * database's. It reads only: it creates no key, no database file and runs no migration.
 */
export async function runDoctor(
  env: NodeJS.ProcessEnv = process.env,
  cwd?: string,
  now: () => number = Date.now,
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const add = (name: string, outcome: DoctorCheck['outcome'], detail: string) => checks.push({ name, outcome, detail });
  let config: Config;
  try {
    config = loadConfig(env, cwd);
  } catch (err) {
    add('configuration', 'fail', (err as Error).message);
    return checks;
  }
  add(
    'configuration',
    'ok',
    config.database.kind === 'sqlite'
      ? `SQLite ${config.database.file}`
      : `PostgreSQL ${redactUrl(config.database.url)}`,
  );

  try {
    if (config.database.kind === 'sqlite') checkSqliteRuntime();
    add('runtime', 'ok', `Node.js ${process.versions.node} (Node-API ${process.versions.napi})`);
  } catch (err) {
    add('runtime', 'fail', (err as Error).message);
    return checks;
  }

  const key = readConfiguredKey(config);
  const keyCheckValue = 'checkValue' in key ? key.checkValue : undefined;
  if (key.source === 'env') add('key file', 'ok', 'from TIANZIGE_PII_KEY');
  else if (key.source === 'missing')
    add('key file', 'fail', `${key.file} is missing (and TIANZIGE_PII_KEY unset) / 缺少个人信息密钥文件`);
  else if (key.source === 'unreadable') add('key file', 'fail', `${key.file}: ${key.reason}`);
  else if ((key.mode & 0o077) !== 0)
    add('key file', 'fail', `${key.file} has mode ${key.mode.toString(8)}, must be 600: chmod 600 ${key.file}`);
  else add('key file', 'ok', `${key.file} (600)`);

  let reader: Reader | undefined;
  try {
    reader = await openReader(config);
    await reader.all('select 1 as one');
    add('database', 'ok', 'answers');
  } catch (err) {
    add('database', 'fail', `does not answer: ${(err as Error).message}`);
  }
  if (reader !== undefined) {
    try {
      await checkMigrations(reader, add);
      await checkKeyAgainstData(reader, keyCheckValue, add);
      await checkClock(reader, config, now, add);
    } finally {
      await reader.close();
    }
  }
  checkDisk(config.dataDir, add);
  return checks;
}

type Add = (name: string, outcome: DoctorCheck['outcome'], detail: string) => void;

async function checkMigrations(reader: Reader, add: Add): Promise<void> {
  let applied: string[];
  try {
    applied = (await reader.all('select name from schema_migrations')).map((r) => String(r.name));
  } catch {
    add('migrations', 'fail', 'no schema yet: run `npx tianzige db migrate` (or start the server once)');
    return;
  }
  const known = knownMigrationNames();
  const pending = known.filter((m) => !applied.includes(m));
  const unknown = applied.filter((m) => !known.includes(m));
  if (unknown.length > 0)
    add('migrations', 'fail', `the database was migrated by newer code (${unknown.join(', ')}): upgrade this install`);
  else if (pending.length > 0)
    add('migrations', 'fail', `${pending.length} pending (${pending.join(', ')}): run \`npx tianzige db migrate\``);
  else add('migrations', 'ok', `current (${applied.length})`);
}

async function checkKeyAgainstData(reader: Reader, keyCheckValue: string | undefined, add: Add): Promise<void> {
  let rows: Record<string, unknown>[];
  try {
    rows = await reader.all("select blind_index_check from pii_key_checks where id = 'pii'");
  } catch {
    return; // no schema: said under migrations
  }
  const stored = rows[0]?.blind_index_check;
  if (stored === undefined) add('key matches data', 'warn', 'no check value stored yet (the first start stores it)');
  else if (keyCheckValue === undefined) add('key matches data', 'fail', 'no key to compare');
  else if (keyCheckValue !== stored)
    add(
      'key matches data',
      'fail',
      'the configured key is not the one this database was written with / 密钥与数据库不一致: put the original key back',
    );
  else add('key matches data', 'ok', 'the stored check value matches');
}

async function checkClock(reader: Reader, config: Config, now: () => number, add: Add): Promise<void> {
  const sqlText =
    config.database.kind === 'sqlite'
      ? "select strftime('%Y-%m-%dT%H:%M:%fZ', 'now') as now"
      : `select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as now`;
  const before = now();
  const [row] = await reader.all(sqlText);
  const after = now();
  const skew = Date.parse(String(row?.now)) - (before + after) / 2;
  const text = `${skew >= 0 ? '+' : ''}${(skew / 1000).toFixed(3)} s against the database's clock`;
  if (Number.isNaN(skew)) add('clock', 'fail', `the database's time is unreadable: ${String(row?.now)}`);
  else if (Math.abs(skew) > MAX_CLOCK_SKEW_MS) add('clock', 'fail', `${text}: synchronise both with NTP (chrony)`);
  else add('clock', 'ok', text);
}

function checkDisk(dataDir: string, add: Add): void {
  let stat: fs.StatsFs;
  try {
    stat = fs.statfsSync(dataDir);
  } catch {
    add('disk', 'fail', `data dir ${dataDir} does not exist`);
    return;
  }
  const free = stat.bavail * stat.bsize;
  const text = `${(free / 1024 ** 3).toFixed(1)} GiB free in ${dataDir}`;
  add('disk', free < LOW_DISK_BYTES ? 'warn' : 'ok', free < LOW_DISK_BYTES ? `only ${text} (under 1 GiB)` : text);
}

async function openReader(config: Config): Promise<Reader> {
  if (config.database.kind === 'sqlite') {
    if (!fs.existsSync(config.database.file))
      throw new Error(`no database file at ${config.database.file}: start the server once, or restore a backup`);
    // fileMustExist: the doctor never creates a database where none is
    const handle = new SQLite(config.database.file, { fileMustExist: true });
    return {
      all: (sqlText) => Promise.resolve(handle.prepare(sqlText).all() as Record<string, unknown>[]),
      close: () => Promise.resolve(void handle.close()),
    };
  }
  const client = new pg.Client({ connectionString: config.database.url, connectionTimeoutMillis: 5000 });
  await client.connect();
  return {
    all: async (sqlText) => (await client.query(sqlText)).rows as Record<string, unknown>[],
    close: () => client.end(),
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** One line per check: ✔ ok, ⚠ warning, ✘ failure. */
export function formatDoctor(checks: DoctorCheck[]): string {
  const mark = { ok: '✔', warn: '⚠', fail: '✘' } as const;
  return checks.map((c) => `${mark[c.outcome]} ${c.name}: ${c.detail}`).join('\n');
}
