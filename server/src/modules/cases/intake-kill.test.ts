import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database.ts';
import { rebuildRollups } from '../insights/rollups.ts';
import { snapshotCounters } from '../insights/fixture.ts';

const SERVER = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(SERVER, 'bin/tianzige.js');
const YINGMENTAN = '620105006010';

/**
 * Group commit answers a batch of intakes only after its COMMIT. A server killed with SIGKILL in the
 * middle of a burst — batches queued, one open, answers on their way — has kept every case it said it
 * took, and its counters still equal a recount from the tables.
 */
describe('case intake killed with SIGKILL in the middle of a burst', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;
  const env = () => ({
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TIANZIGE_'))),
    TIANZIGE_DATA_DIR: dataDir,
    TIANZIGE_DEMO: '0',
  });
  const cli = (args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, [BIN, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (c: Buffer) => (out += c.toString()));
      p.stderr.on('data', (c: Buffer) => (out += c.toString()));
      p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`tianzige ${args.join(' ')}: ${out}`))));
    });

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-intake-kill-'));
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every case it acknowledged, and its counters equal a rebuild', async () => {
    await cli(['divisions', 'import', '--under', '620105006']);
    await cli([
      'users',
      'add',
      '--username',
      'hotline',
      '--name',
      '热线对接',
      '--role',
      'community_staff',
      '--org',
      YINGMENTAN,
    ]);
    // an API key's account must have changed its initial password; this one is a machine client
    const setup = new SQLite(path.join(dataDir, 'tianzige.db'));
    setup.prepare("update users set must_change_password = 0 where username = 'hotline'").run();
    setup.close();
    const apiKey = (await cli(['apikeys', 'create', '--username', 'hotline'])).trim().split('\n').pop()!;

    const port = 20_000 + Math.floor(Math.random() * 40_000);
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: SERVER,
      env: { ...env(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child!.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      let said = '';
      const listen = (c: Buffer) => {
        said += c.toString();
        if (said.includes('is serving')) resolve();
      };
      child!.stdout!.on('data', listen);
      child!.stderr!.on('data', listen);
      child!.on('exit', () => reject(new Error(`the server ended before serving:\n${said}`)));
    });

    // 20 clients post as fast as they are answered; the server is killed once 300 cases were acknowledged
    const acknowledged: string[] = [];
    let sent = 0;
    let isKilled = false;
    const post = async (i: number) => {
      const body = new URLSearchParams({
        api_key: apiKey,
        service_code: 'LL-002',
        address_id: YINGMENTAN,
        description: `楼上夜间噪音扰民（第 ${i} 次来电）`,
      });
      const res = await fetch(`http://127.0.0.1:${port}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': `burst-${i}` },
        body,
      });
      const text = await res.text();
      if (res.status !== 201 && res.status !== 200) throw new Error(`intake answered ${res.status}: ${text}`);
      return (JSON.parse(text) as { service_request_id: string }[])[0]!.service_request_id;
    };
    const client = async () => {
      while (!isKilled) {
        const i = sent++;
        try {
          acknowledged.push(await post(i));
        } catch (error) {
          if (!isKilled) throw error;
          return; // the connection died with the server: this one was never acknowledged
        }
        if (acknowledged.length >= 300 && !isKilled) {
          isKilled = true;
          child!.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, client));
    await exited;
    // some were in flight when it died: the kill fell in the middle of the burst, not after it
    expect(sent - acknowledged.length).toBeGreaterThan(0);

    const database = await openDatabase({ kind: 'sqlite', file: path.join(dataDir, 'tianzige.db') });
    try {
      const numbers = new Set((await database.db.selectFrom('cases').select('number').execute()).map((r) => r.number));
      expect(acknowledged.filter((n) => !numbers.has(n))).toEqual([]);
      // every case written has its whole intake: its two steps and its audit record
      const events = await database.db.selectFrom('case_events').select('case_id').execute();
      expect(events.length).toBe(numbers.size * 2);
      const audits = await database.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'case.create')
        .execute();
      expect(audits.length).toBe(numbers.size);
      const live = await snapshotCounters(database.db);
      await rebuildRollups(database.db, database.sqlite, null);
      expect(await snapshotCounters(database.db)).toEqual(live);
    } finally {
      await database.close();
    }
  }, 180_000);
});
