import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/tianzige.js');

/** The operator's CLI, run as a real process on its own SQLite data dir. */
describe('tianzige CLI', () => {
  let dataDir: string;
  const tianzige = (...args: string[]) => tianzigeWith({}, ...args);
  const tianzigeWith = (env: Record<string, string>, ...args: string[]) =>
    run(process.execPath, [BIN, ...args], {
      env: { ...process.env, TIANZIGE_DATA_DIR: dataDir, TIANZIGE_DATABASE_URL: '', ...env },
      timeout: 120_000,
    });

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('migrates, imports a district, adds a user and makes an API key', async () => {
    expect((await tianzige('db', 'migrate')).stdout).toContain('0001_foundation');
    const imported = await tianzige('divisions', 'import', '--under', '620105');
    expect(imported.stdout).toMatch(/divisions 620105 .* \d+ new/);
    const again = await tianzige('divisions', 'import', '--under', '620105');
    expect(again.stdout).toContain(' 0 new');
    const added = await tianzige(
      'users',
      'add',
      '--username',
      'ytl_admin',
      '--name',
      '银滩路管理员',
      '--role',
      'street',
      '--org',
      '620105006',
    );
    expect(added.stdout).toContain('created ytl_admin (street at 甘肃省兰州市安宁区银滩路街道)');
    expect(added.stdout).toMatch(/initial password: \S{8,}/);
    const key = await tianzige('apikeys', 'create', '--username', 'ytl_admin');
    expect(key.stdout.trim()).toMatch(/^tzk_[A-Za-z0-9_-]{40,}$/);
  });

  it('imports grids from a GeoJSON file and reports a bad one by index without storing it', async () => {
    const good = path.join(dataDir, 'good.geojson');
    const ring = [
      [103.72, 36.1],
      [103.722, 36.1],
      [103.722, 36.102],
      [103.72, 36.102],
      [103.72, 36.1],
    ];
    fs.writeFileSync(
      good,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { name: '一网格' }, geometry: { type: 'Polygon', coordinates: [ring] } },
        ],
      }),
    );
    expect((await tianzige('grids', 'import', good, '--under', '620105006010')).stdout).toContain(
      '620105006010001 一网格',
    );
    const bad = path.join(dataDir, 'bad.geojson');
    fs.writeFileSync(
      bad,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { name: '二网格' },
            geometry: { type: 'Polygon', coordinates: [ring.slice(0, 4)] },
          },
        ],
      }),
    );
    const failed = await tianzige('grids', 'import', bad, '--under', '620105006010').catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain('features[0].geometry');
  });

  it('refuses an unknown role with a clear message', async () => {
    const failed = await tianzige(
      'users',
      'add',
      '--username',
      'x',
      '--name',
      'x',
      '--role',
      'king',
      '--org',
      '620105',
    ).catch((e: { stderr: string }) => e);
    expect((failed as { stderr: string }).stderr).toContain('unknown role king');
  });

  it('adds a user while the server writes, and says in one line when the database stays busy too long', async () => {
    await tianzige('divisions', 'import', '--under', '620105006'); // the street, when this test runs alone
    // the server's side: another connection writing in a loop, each transaction holding the lock 100 ms
    const server = new SQLite(path.join(dataDir, 'tianzige.db'));
    server.pragma('journal_mode = WAL');
    server.pragma('busy_timeout = 10000');
    server.exec('create table if not exists write_load (n integer)');
    let isWriting = true;
    let writes = 0;
    const load = (async () => {
      while (isWriting) {
        server.exec('begin immediate');
        server.prepare('insert into write_load (n) values (?)').run(writes++);
        await new Promise((resolve) => setTimeout(resolve, 100));
        server.exec('commit');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      const added = await tianzige(
        'users',
        'add',
        '--username',
        'under_load',
        '--name',
        '写入时添加',
        '--role',
        'street',
        '--org',
        '620105006',
      );
      expect(added.stdout).toContain('created under_load');
    } finally {
      isWriting = false;
      await load;
    }
    // the server wrote while the command ran (it waited for the server's locks and still succeeded)
    expect(writes).toBeGreaterThan(1);

    // a write that holds the lock for longer than the command waits: one line, exit 1, no stack trace
    server.exec('begin immediate');
    try {
      const failed = await tianzigeWith(
        { TIANZIGE_SQLITE_BUSY_TIMEOUT_MS: '1000' },
        'users',
        'add',
        '--username',
        'too_busy',
        '--name',
        'x',
        '--role',
        'street',
        '--org',
        '620105006',
      ).catch((e: { code: number; stderr: string; stdout: string }) => e);
      expect(failed).toMatchObject({ code: 1 });
      const { stderr } = failed as { stderr: string };
      expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
      expect(stderr).toMatch(/^error: 数据库正忙.*the database is busy/i);
      expect(stderr).not.toContain('    at ');
    } finally {
      server.exec('rollback');
      server.close();
    }
  }, 240_000);
});
