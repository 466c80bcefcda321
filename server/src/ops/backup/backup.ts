import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../../config.ts';
import { OpsError } from '../errors.ts';
import { readConfiguredKey } from '../key-file.ts';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, type BackupManifest, describeFile, writeArchive } from './archive.ts';
import { findPgTool, pgConnection, runPgTool } from './pg-tools.ts';

/** The rows of the database at the backup's moment, for a caller (the round-trip test) that reads them in the same snapshot. */
export interface SnapshotReader {
  all(sqlText: string): Promise<Record<string, unknown>[]>;
}

export interface BackupOptions {
  out: string;
  /** called inside the snapshot the backup copies: what it reads is exactly what the backup holds */
  onSnapshot?: (reader: SnapshotReader) => Promise<void>;
  now?: () => Date;
}

export interface BackupResult {
  manifest: BackupManifest;
  bytes: number;
  /** whether the configured key is the one the database was written with (false: it will not restore with this key) */
  isConfiguredKeyTheDatabases: boolean | null;
}

export const DATABASE_ENTRY = { sqlite: 'database/tianzige.db', postgres: 'database/tianzige.pgdump' } as const;

/**
 * Writes a one-file backup of the configured database while the server keeps serving: SQLite through the
 * online backup API inside one read transaction (WAL: writers go on; the copy is that transaction's
 * snapshot), PostgreSQL through `pg_dump --format=custom` on a snapshot this process exported, in which it
 * also reads the migrations and the key's check value. Case and visit photos live in the database.
 */
export async function createBackup(config: Config, options: BackupOptions): Promise<BackupResult> {
  const out = path.resolve(options.out);
  if (fs.existsSync(out)) throw new OpsError(`${out} 已存在，不覆盖`, `${out} exists; not overwriting it`);
  const staging = path.join(path.dirname(out), `.${path.basename(out)}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  fs.mkdirSync(staging, { mode: 0o700 });
  try {
    const engine = config.database.kind;
    const dumpFile = path.join(staging, path.basename(DATABASE_ENTRY[engine]));
    const facts =
      config.database.kind === 'sqlite'
        ? await snapshotSqlite(config.database.file, dumpFile, options.onSnapshot)
        : await snapshotPostgres(config.database.url, dumpFile, options.onSnapshot);
    const file = await describeFile(DATABASE_ENTRY[engine], dumpFile);
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      engine,
      createdAt: (options.now?.() ?? new Date()).toISOString(),
      migrations: facts.migrations,
      piiKeyCheck: facts.piiKeyCheck,
      files: [file],
    };
    await writeArchive(out, manifest, new Map([[file.name, dumpFile]]));
    const key = readConfiguredKey(config);
    const isConfiguredKeyTheDatabases =
      facts.piiKeyCheck === null || !('checkValue' in key) ? null : key.checkValue === facts.piiKeyCheck;
    return { manifest, bytes: fs.statSync(out).size, isConfiguredKeyTheDatabases };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

interface SnapshotFacts {
  migrations: string[];
  piiKeyCheck: string | null;
}

const MIGRATIONS_SQL = 'select name from schema_migrations order by name';
const KEY_CHECK_SQL = "select blind_index_check from pii_key_checks where id = 'pii'";

async function snapshotSqlite(
  file: string,
  dumpFile: string,
  onSnapshot: BackupOptions['onSnapshot'],
): Promise<SnapshotFacts> {
  if (!fs.existsSync(file))
    throw new OpsError(
      `找不到数据库文件 ${file}`,
      `no database file at ${file} (TIANZIGE_DATA_DIR / TIANZIGE_DATABASE_URL)`,
    );
  const handle = new SQLite(file, { fileMustExist: true });
  try {
    handle.pragma('busy_timeout = 5000');
    // a read transaction pins one snapshot of the WAL; the backup copies it, however the server writes meanwhile
    handle.prepare('begin').run();
    const facts = readFacts((sqlText) => handle.prepare(sqlText).all() as Record<string, unknown>[]);
    await onSnapshot?.({
      all: (sqlText) => Promise.resolve(handle.prepare(sqlText).all() as Record<string, unknown>[]),
    });
    // all remaining pages in one step: no other connection's write can restart it half-way
    await handle.backup(dumpFile, { progress: () => 1_000_000_000 });
    handle.prepare('commit').run();
    const copy = new SQLite(dumpFile, { fileMustExist: true });
    try {
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok')
        throw new OpsError(`备份副本校验失败：${String(check)}`, `the copy fails quick_check: ${String(check)}`);
      copy.pragma('journal_mode = DELETE'); // one self-contained file, no -wal beside it
    } finally {
      copy.close();
    }
    return facts;
  } finally {
    handle.close();
  }
}

function readFacts(all: (sqlText: string) => Record<string, unknown>[]): SnapshotFacts {
  const migrations = all(MIGRATIONS_SQL).map((r) => String(r.name));
  const [check] = all(KEY_CHECK_SQL);
  return { migrations, piiKeyCheck: check === undefined ? null : String(check.blind_index_check) };
}

async function snapshotPostgres(
  url: string,
  dumpFile: string,
  onSnapshot: BackupOptions['onSnapshot'],
): Promise<SnapshotFacts> {
  const pgDump = findPgTool('pg_dump');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const snapshot = (await client.query<{ id: string }>('select pg_export_snapshot() as id')).rows[0]!.id;
    const migrations = (await client.query<{ name: string }>(MIGRATIONS_SQL)).rows.map((r) => r.name);
    const check = (await client.query<{ blind_index_check: string }>(KEY_CHECK_SQL)).rows[0];
    await onSnapshot?.({ all: async (sqlText) => (await client.query(sqlText)).rows as Record<string, unknown>[] });
    const connection = pgConnection(url);
    // the dump reads the snapshot this transaction exported, which stays open until the dump ends
    await runPgTool(
      pgDump,
      ['--format=custom', `--snapshot=${snapshot}`, `--file=${dumpFile}`, `--dbname=${connection.url}`],
      connection.env,
    );
    await client.query('commit');
    return { migrations, piiKeyCheck: check?.blind_index_check ?? null };
  } finally {
    await client.end();
  }
}
