import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../../config.ts';
import { knownMigrationNames, migrateToLatest } from '../../db/migrate.ts';
import { openDeps } from '../../open-deps.ts';
import { verifyPiiKey } from '../../platform/pii/key-check.ts';
import { ensurePrivateDir } from '../../platform/pii/private-files.ts';
import { OpsError } from '../errors.ts';
import { readConfiguredKey } from '../key-file.ts';
import { type BackupManifest, readArchive } from './archive.ts';
import { DATABASE_ENTRY } from './backup.ts';
import { findPgTool, pgConnection, runPgTool } from './pg-tools.ts';

export interface RestoreResult {
  manifest: BackupManifest;
  /** migrations the restored database lacked and were applied after it (a backup made by older code) */
  migrated: string[];
}

/**
 * Restores a backup into the configured place, which must be empty: a data dir holding nothing but its
 * key, or a PostgreSQL database without tables. Before writing anything it checks the manifest — the
 * engine, migrations this code knows, and that the configured key is the one the data was written with
 * (the key is never in a backup: it is kept apart on purpose, and a restore needs it put back first).
 * Every file's checksum is compared as it is read; the database is put in place only when all agree.
 * Then the database is opened as the server opens it: pending migrations run and the key is checked.
 */
export async function restoreBackup(config: Config, file: string): Promise<RestoreResult> {
  const engine = config.database.kind;
  let pgDumpStaging: string | undefined;
  let sqliteStaging: string | undefined;
  const check = async (manifest: BackupManifest) => {
    checkManifest(manifest, config);
    if (config.database.kind === 'sqlite') checkSqliteTargetEmpty(config.dataDir, config.database.file);
    else {
      await checkPostgresTargetEmpty(config.database.url);
      findPgTool('pg_restore'); // missing: say so before reading gigabytes
    }
  };
  const target = (name: string) => {
    if (name !== DATABASE_ENTRY[engine])
      throw new OpsError(`备份中有未知文件 ${name}`, `unknown file ${name} in the backup`);
    if (config.database.kind === 'sqlite') {
      ensurePrivateDir(path.dirname(config.database.file), { isOnlyIfCreated: true });
      sqliteStaging = `${config.database.file}.restoring`;
      return sqliteStaging;
    }
    pgDumpStaging = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-restore-'));
    return path.join(pgDumpStaging, 'tianzige.pgdump');
  };
  try {
    const manifest = await readArchive(path.resolve(file), check, target);
    if (config.database.kind === 'sqlite') {
      checkRestoredSqlite(sqliteStaging!, manifest);
      fs.renameSync(sqliteStaging!, config.database.file);
      sqliteStaging = undefined;
    } else {
      const connection = pgConnection(config.database.url);
      // one transaction: a restore that fails half-way leaves the database as empty as it found it
      await runPgTool(
        findPgTool('pg_restore'),
        [
          '--single-transaction',
          '--exit-on-error',
          '--no-owner',
          '--no-privileges',
          `--dbname=${connection.url}`,
          path.join(pgDumpStaging!, 'tianzige.pgdump'),
        ],
        connection.env,
      );
    }
    const migrated = await openAsTheServerDoes(config);
    return { manifest, migrated };
  } finally {
    if (sqliteStaging !== undefined) fs.rmSync(sqliteStaging, { force: true });
    if (pgDumpStaging !== undefined) fs.rmSync(pgDumpStaging, { recursive: true, force: true });
  }
}

function checkManifest(manifest: BackupManifest, config: Config): void {
  if (manifest.engine !== config.database.kind)
    throw new OpsError(
      `这是 ${manifest.engine} 备份，而配置的数据库是 ${config.database.kind}`,
      `this is a ${manifest.engine} backup; the configured database is ${config.database.kind} (TIANZIGE_DATABASE_URL)`,
    );
  const known = new Set(knownMigrationNames());
  const unknown = manifest.migrations.filter((m) => !known.has(m));
  if (unknown.length > 0)
    throw new OpsError(
      `备份来自更新版本的田字格（迁移 ${unknown.join(', ')}），请先升级程序再恢复`,
      `the backup was made by a newer Tianzige (migrations ${unknown.join(', ')}): upgrade before restoring`,
    );
  const key = readConfiguredKey(config);
  if (key.source === 'missing')
    throw new OpsError(
      `没有个人信息密钥：请先把原密钥放到 ${key.file}（或设置 TIANZIGE_PII_KEY）；密钥不在备份里`,
      `no personal-data key: put the original key at ${key.file} (mode 600) or set TIANZIGE_PII_KEY first; ` +
        'backups never hold the key',
    );
  if (key.source === 'unreadable')
    throw new OpsError(`无法读取密钥 ${key.file}：${key.reason}`, `cannot read the key ${key.file}: ${key.reason}`);
  if (manifest.piiKeyCheck !== null && key.checkValue !== manifest.piiKeyCheck)
    throw new OpsError(
      '配置的个人信息密钥不是写入该备份数据时所用的密钥，拒绝恢复（否则身份证号和电话无法解密）',
      'the configured personal-data key is not the one this backup was written with; refusing ' +
        '(its ID numbers and phones could not be read): put the original key in place',
    );
}

/** The data dir may hold its key (put back before a restore) and empty directories, nothing else. */
function checkSqliteTargetEmpty(dataDir: string, databaseFile: string): void {
  const refuse = (what: string) =>
    new OpsError(
      `恢复只写入空的数据目录，而这里已有 ${what}；请指定新的 TIANZIGE_DATA_DIR`,
      `restore writes only into an empty data dir, and ${what} exists: point TIANZIGE_DATA_DIR at a new directory`,
    );
  for (const f of [databaseFile, `${databaseFile}-wal`]) if (fs.existsSync(f)) throw refuse(f);
  const leftovers = (dir: string, top: boolean): string[] => {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      if (top && e.name === 'keys') return [];
      if (top && e.name === path.basename(databaseFile) + '.restoring') return []; // a restore cut short
      return e.isDirectory() ? leftovers(full, false) : [full];
    });
  };
  const [first] = leftovers(dataDir, true);
  if (first !== undefined) throw refuse(first);
}

async function checkPostgresTargetEmpty(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema')",
    );
    if ((rows[0]?.n ?? 0) > 0)
      throw new OpsError(
        `恢复只写入空数据库，而该数据库已有 ${rows[0]!.n} 张表；请新建数据库`,
        `restore writes only into an empty database, and this one has ${rows[0]!.n} tables: create a new database (createdb) and point TIANZIGE_DATABASE_URL at it`,
      );
  } finally {
    await client.end();
  }
}

/** The file read back is the one described: SQLite opens it and finds the manifest's key check in it. */
function checkRestoredSqlite(file: string, manifest: BackupManifest): void {
  const handle = new SQLite(file, { fileMustExist: true, readonly: true });
  try {
    const row = handle.prepare("select blind_index_check from pii_key_checks where id = 'pii'").get() as
      { blind_index_check: string } | undefined;
    if ((row?.blind_index_check ?? null) !== manifest.piiKeyCheck)
      throw new OpsError('备份中的数据库与清单不符', "the backup's database does not match its manifest");
  } finally {
    handle.close();
  }
}

async function openAsTheServerDoes(config: Config): Promise<string[]> {
  const deps = await openDeps(config, { migrate: false });
  try {
    const applied = await migrateToLatest(deps.db);
    await verifyPiiKey(deps.db, deps.pii, deps.clock);
    return applied;
  } finally {
    await deps.close();
  }
}
