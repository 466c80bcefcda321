import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../config.ts';
import { verifyPiiKey } from '../../platform/pii/key-check.ts';
import {
  CODES,
  DIALECTS,
  type Client,
  type TestContext,
  createTestContext,
  openFreshDatabase,
  testConfig,
} from '../../test/harness.ts';
import { BACKUP_FORMAT_VERSION, type BackupManifest, readArchive, writeArchive } from './archive.ts';
import { type SnapshotReader, createBackup } from './backup.ts';
import { restoreBackup } from './restore.ts';

/** Every table's row count and a checksum of its rows (order-free: the hash of the sorted row hashes). */
type TableSums = Record<string, { rows: number; sha256: string }>;

const TABLES_SQL = {
  sqlite: "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
  postgres: "select tablename as name from pg_tables where schemaname = 'public' order by tablename",
};

async function tableSums(dialect: 'sqlite' | 'postgres', reader: SnapshotReader): Promise<TableSums> {
  const sums: TableSums = {};
  for (const { name } of await reader.all(TABLES_SQL[dialect])) {
    const rows = await reader.all(`select * from "${String(name)}"`);
    const hashes = rows.map((r) => crypto.createHash('sha256').update(JSON.stringify(r)).digest('hex')).sort();
    sums[String(name)] = { rows: rows.length, sha256: crypto.createHash('sha256').update(hashes.join()).digest('hex') };
  }
  return sums;
}

describe.each(DIALECTS)('backup and restore on %s', (dialect) => {
  let ctx: TestContext;
  let staff: Client;
  let source: Config;
  let keyBase64: string;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-backup-test-'));
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const keys = ctx.deps.pii.keysForWorker();
    keyBase64 = Buffer.concat([keys.encryption, keys.blindIndex]).toString('base64');
    await verifyPiiKey(ctx.deps.db, ctx.deps.pii, ctx.clock); // stores the check value, as the first start does
    source = {
      ...ctx.deps.config,
      piiKey: keyBase64,
      database:
        dialect === 'sqlite'
          ? { kind: 'sqlite', file: path.join(ctx.deps.config.dataDir, 'test.db') }
          : { kind: 'postgres', url: ctx.databaseUrl! },
    };
    await ctx.createUser({
      username: 'staff',
      role: 'community_staff',
      orgCode: CODES.yingMenTan,
      phone: '13912345678',
    });
    staff = await ctx.login('staff');
  });

  afterAll(async () => {
    for (const c of cleanups) await c();
    await ctx.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** An empty place to restore into, configured with the same key. */
  async function emptyTarget(name: string, key = keyBase64): Promise<Config> {
    const dataDir = path.join(work, name);
    if (dialect === 'sqlite') {
      return { ...testConfig(dataDir, { kind: 'sqlite', file: path.join(dataDir, 'tianzige.db') }), piiKey: key };
    }
    const fresh = await openFreshDatabase('postgres', work);
    await fresh.database.close();
    cleanups.push(fresh.drop);
    return { ...testConfig(dataDir, { kind: 'postgres', url: fresh.url! }), piiKey: key };
  }

  async function restoredSums({ database }: Pick<Config, 'database'>): Promise<TableSums> {
    if (database.kind === 'sqlite') {
      const handle = new SQLite(database.file, { readonly: true });
      try {
        return await tableSums('sqlite', {
          all: (q) => Promise.resolve(handle.prepare(q).all() as Record<string, unknown>[]),
        });
      } finally {
        handle.close();
      }
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return await tableSums('postgres', {
        all: async (q) => (await client.query(q)).rows as Record<string, unknown>[],
      });
    } finally {
      await client.end();
    }
  }

  const community = () => ctx.org(CODES.yingMenTan);
  let filed = 0;

  /** Files cases through the API one after another until stopped: the server's write load. */
  function startFilingCases(orgId: string) {
    let isStopped = false;
    let failure: Error | undefined;
    const loop = (async () => {
      while (!isStopped) {
        const res = await staff.post('/api/v1/cases', {
          channel: 'phone',
          description: `楼道堆放杂物第${filed + 1}次反映`,
          orgId,
        });
        if (res.statusCode !== 201) throw new Error(`case ${filed + 1}: ${res.statusCode} ${res.body}`);
        filed += 1;
      }
    })().catch((err: unknown) => {
      failure = err instanceof Error ? err : new Error(String(err));
    });
    return {
      /** until `n` cases are filed in all (a writer that fails says so instead of waiting forever) */
      waitFor: async (n: number) => {
        while (filed < n) {
          if (failure !== undefined) throw failure;
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
      stop: async () => {
        isStopped = true;
        await loop;
        if (failure !== undefined) throw failure;
      },
    };
  }

  const caseCount = async () =>
    Number(
      (
        await ctx.deps.db
          .selectFrom('cases')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  let backupFile: string;

  it('restores a backup taken while cases are being filed to exactly the rows of the backup’s moment, every table', async () => {
    const writer = startFilingCases((await community()).id);
    await writer.waitFor(5);
    let atSnapshot: TableSums | undefined;
    let filedDuringBackup = 0;
    backupFile = path.join(work, 'backup.tar');
    const { manifest } = await createBackup(source, {
      out: backupFile,
      onSnapshot: async (reader) => {
        atSnapshot = await tableSums(dialect, reader);
        // the server keeps filing cases while the snapshot is held: none of them may reach the backup
        const before = filed;
        await writer.waitFor(before + 3);
        filedDuringBackup = filed - before;
      },
    });
    await writer.stop();
    expect(filedDuringBackup).toBeGreaterThanOrEqual(3);
    expect(manifest.engine).toBe(dialect);
    expect(manifest.piiKeyCheck).not.toBeNull();
    // the copy holds every table (hashes, encrypted numbers, queued messages): its owner's alone
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);

    const target = await emptyTarget('restored');
    const { migrated } = await restoreBackup(target, backupFile);
    expect(migrated).toEqual([]);
    const restored = await restoredSums(target);
    expect(Object.keys(restored).length).toBeGreaterThan(20);
    expect(restored).toEqual(atSnapshot);
    // the cases filed while the snapshot was held are in the source and not in the restore
    expect(restored.cases!.rows).toBeGreaterThanOrEqual(5);
    expect(await caseCount()).toBeGreaterThanOrEqual(restored.cases!.rows + 3);
  });

  it('refuses to restore into a place that already holds data, and writes nothing there', async () => {
    const target = await emptyTarget('occupied');
    await restoreBackup(target, backupFile);
    const before = await restoredSums(target);
    await expect(restoreBackup(target, backupFile)).rejects.toThrow(/empty/);
    expect(await restoredSums(target)).toEqual(before);
    await expect(restoreBackup(source, backupFile)).rejects.toThrow(/empty/);
  });

  it('refuses another personal-data key, and a missing one, before writing anything', async () => {
    const otherKey = crypto.randomBytes(64).toString('base64');
    const target = await emptyTarget('other-key', otherKey);
    await expect(restoreBackup(target, backupFile)).rejects.toThrow(/not the one this backup was written with/);
    const noKey = { ...(await emptyTarget('no-key')), piiKey: undefined };
    await expect(restoreBackup(noKey, backupFile)).rejects.toThrow(/no personal-data key: put the original key/);
    for (const t of [target, noKey]) {
      if (t.database.kind === 'sqlite') expect(fs.existsSync(t.database.file)).toBe(false);
      else expect(await restoredSums(t)).toEqual({});
    }
  });

  it('refuses a backup from newer code, of the other engine, or damaged', async () => {
    const unpacked = path.join(work, 'unpacked');
    fs.mkdirSync(unpacked, { recursive: true });
    const files = new Map<string, string>();
    const manifest = await readArchive(
      backupFile,
      () => Promise.resolve(),
      (name) => {
        const file = path.join(unpacked, name.replaceAll('/', '_'));
        files.set(name, file);
        return file;
      },
    );
    const rewrite = async (name: string, change: Partial<BackupManifest>) => {
      const out = path.join(work, name);
      await writeArchive(out, { ...manifest, ...change }, files);
      return out;
    };
    const newer = await rewrite('newer.tar', { migrations: [...manifest.migrations, '0999_from_the_future'] });
    await expect(restoreBackup(await emptyTarget('newer'), newer)).rejects.toThrow(/0999_from_the_future.*upgrade/);
    const newerFormat = await rewrite('newer-format.tar', { formatVersion: BACKUP_FORMAT_VERSION + 1 });
    await expect(restoreBackup(await emptyTarget('newer-format'), newerFormat)).rejects.toThrow(
      /newer than this program/,
    );
    const other = await rewrite('other.tar', { engine: dialect === 'sqlite' ? 'postgres' : 'sqlite' });
    await expect(restoreBackup(await emptyTarget('other-engine'), other)).rejects.toThrow(
      /backup; the configured database/,
    );

    // one byte of the database changed: its checksum no longer matches and nothing is put in place
    const damaged = path.join(work, 'damaged.tar');
    const bytes = fs.readFileSync(backupFile);
    const dataStart = bytes.indexOf(Buffer.from('database/')) + 512;
    bytes[dataStart + 600] = bytes[dataStart + 600]! ^ 0xff;
    fs.writeFileSync(damaged, bytes);
    const target = await emptyTarget('damaged');
    await expect(restoreBackup(target, damaged)).rejects.toThrow(/damaged/);
    if (target.database.kind === 'sqlite') expect(fs.readdirSync(path.dirname(target.database.file))).toEqual([]);
    else expect(await restoredSums(target)).toEqual({});
  });

  it('backs up and restores through the command line, and says how to call it', async () => {
    if (dialect !== 'sqlite') return; // the commands' wiring is engine-free; both engines' round trip is above
    const bin = path.resolve(import.meta.dirname, '../../../bin/tianzige.js');
    const run = (args: string[], env: NodeJS.ProcessEnv) =>
      promisify(execFile)(process.execPath, [bin, ...args], {
        env: { ...process.env, TIANZIGE_PII_KEY: keyBase64, INIT_CWD: work, ...env },
        cwd: work,
      }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
    const usage = await run(['backup'], { TIANZIGE_DATA_DIR: ctx.deps.config.dataDir });
    expect(usage).toEqual({ code: 1, out: 'error: usage: tianzige backup --out FILE\n' });
    const source = { TIANZIGE_DATABASE_URL: `sqlite:${path.join(ctx.deps.config.dataDir, 'test.db')}` };
    const made = await run(['backup', '--out', 'cli.tar'], source);
    expect(made.code, made.out).toBe(0);
    expect(made.out).toMatch(/^backup written \/ 备份完成: cli\.tar \(sqlite, /);
    expect(made.out).toMatch(/NOT in the backup/);
    const restored = await run(['restore', 'cli.tar'], { TIANZIGE_DATA_DIR: path.join(work, 'cli-restored') });
    expect(restored.code, restored.out).toBe(0);
    const again = await run(['restore', 'cli.tar'], { TIANZIGE_DATA_DIR: path.join(work, 'cli-restored') });
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/^error: .*restore writes only into an empty data dir/);
    expect(
      await restoredSums({ database: { kind: 'sqlite', file: path.join(work, 'cli-restored', 'tianzige.db') } }),
    ).toMatchObject({ cases: { rows: await caseCount() } });
  });
});
