import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { openDeps } from '../open-deps.ts';
import { DIALECTS, openFreshDatabase } from '../test/harness.ts';
import { type DoctorCheck, runDoctor } from './doctor.ts';

const outcomeOf = (checks: DoctorCheck[], name: string) => checks.find((c) => c.name === name)?.outcome;
/** `✘ name: detail` as the command prints it, for one check */
const lineOf = (checks: DoctorCheck[], name: string) => {
  const c = checks.find((x) => x.name === name);
  return c === undefined ? undefined : `${c.outcome} ${c.detail}`;
};

describe.each(DIALECTS)('tianzige doctor on %s', (dialect) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-doctor-'));
  const keyFile = path.join(dataDir, 'keys', 'pii.key');
  let env: NodeJS.ProcessEnv;
  let drop = () => Promise.resolve();

  beforeAll(async () => {
    env = { TIANZIGE_DATA_DIR: dataDir };
    if (dialect === 'postgres') {
      const fresh = await openFreshDatabase('postgres', dataDir);
      await fresh.database.close();
      drop = fresh.drop;
      env.TIANZIGE_DATABASE_URL = fresh.url!;
    }
    // the first start: schema, a key file (mode 600), its check value stored
    const deps = await openDeps(loadConfig(env, dataDir));
    await deps.close();
  });
  afterAll(async () => {
    await drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes every check on a started install', async () => {
    const checks = await runDoctor(env, dataDir);
    expect(checks.map((c) => c.name)).toEqual([
      'configuration',
      'runtime',
      'key file',
      'database',
      'migrations',
      'key matches data',
      'clock',
      'disk',
    ]);
    // disk may only warn (a full test machine), never fail
    expect(checks.filter((c) => c.outcome === 'fail')).toEqual([]);
    expect(checks.filter((c) => c.name !== 'disk').every((c) => c.outcome === 'ok')).toBe(true);
  });

  it('fails a clock far from the database’s', async () => {
    const checks = await runDoctor(env, dataDir, () => Date.now() + 60_000);
    // about a minute behind: the database's clock is read a moment after the one passed in, either side of 60 s
    const line = lineOf(checks, 'clock') ?? '';
    expect(line).toMatch(/^fail -\d+\.\d+ s/);
    expect(Math.abs(Number(/^fail -(\d+\.\d+) s/.exec(line)![1]) - 60)).toBeLessThan(1);
  });

  it('fails another key, a key readable by others, and a missing key — and creates none', async () => {
    const original = fs.readFileSync(keyFile);
    try {
      fs.writeFileSync(keyFile, crypto.randomBytes(64).toString('base64'), { mode: 0o600 });
      let checks = await runDoctor(env, dataDir);
      expect(outcomeOf(checks, 'key file')).toBe('ok');
      expect(lineOf(checks, 'key matches data')).toMatch(/^fail .*not the one this database was written with/);

      fs.writeFileSync(keyFile, original);
      fs.chmodSync(keyFile, 0o644);
      checks = await runDoctor(env, dataDir);
      expect(lineOf(checks, 'key file')).toMatch(/^fail .*mode 644/);
      expect(outcomeOf(checks, 'key matches data')).toBe('ok');

      fs.rmSync(keyFile);
      checks = await runDoctor(env, dataDir);
      expect(lineOf(checks, 'key file')).toMatch(/^fail .*missing/);
      expect(outcomeOf(checks, 'key matches data')).toBe('fail');
      expect(fs.existsSync(keyFile)).toBe(false);
    } finally {
      fs.writeFileSync(keyFile, original, { mode: 0o600 });
      fs.chmodSync(keyFile, 0o600);
    }
  });

  it('fails a configuration that does not parse, and stops there', async () => {
    const checks = await runDoctor({ ...env, TIANZIGE_PII_KEY: 'too-short' }, dataDir);
    expect(checks.map((c) => c.name)).toEqual(['configuration']);
    expect(lineOf(checks, 'configuration')).toMatch(/^fail .*TIANZIGE_PII_KEY/);
  });

  it('prints one line per check and exits 1 on a failure (the command line)', async () => {
    if (dialect !== 'sqlite') return; // the command's printing is engine-free
    const bin = path.resolve(import.meta.dirname, '../../bin/tianzige.js');
    const run = (extra: NodeJS.ProcessEnv) =>
      promisify(execFile)(process.execPath, [bin, 'doctor'], {
        env: { ...process.env, ...env, ...extra, INIT_CWD: dataDir },
      }).then(
        (r) => ({ code: 0, stdout: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
    const good = await run({});
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(
      /^✔ configuration: SQLite .*\n✔ runtime: Node.js .*\n✔ key file: .*\(600\)\n✔ database: answers\n/,
    );
    const bad = await run({ TIANZIGE_PII_KEY: crypto.randomBytes(64).toString('base64') });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^✘ key matches data: the configured key is not the one/m);
  });
});
