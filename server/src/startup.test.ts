import { execFile, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Boots the real server process with a broken environment: an operator must get one readable line
 * saying what is wrong, a non-zero exit, and no stack trace.
 */

const SERVER_DIR = path.resolve(import.meta.dirname, '..');
// generous: six test processes may share two cores, and tsx compiles the server before it can fail
const TIMEOUT_MS = 60_000;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-startup-'));
const aFile = path.join(scratch, 'not-a-directory');
fs.writeFileSync(aFile, 'a regular file');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node --import tsx src/main.ts` in server/ with only the given TIANZIGE_* settings; kills it after TIMEOUT_MS. */
function startServer(env: Record<string, string>): Promise<Exit> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('TIANZIGE_') && !['PORT', 'HOST', 'LOG_LEVEL'].includes(k),
    ),
  );
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    // should a broken environment ever boot, it listens on a high port of its own and is killed
    env: {
      ...base,
      PORT: String(20_000 + Math.floor(Math.random() * 40_000)),
      HOST: '127.0.0.1',
      TIANZIGE_DATA_DIR: path.join(scratch, 'data'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const CASES: { name: string; env: Record<string, string>; mentions: RegExp }[] = [
  {
    name: 'a PostgreSQL server that does not answer',
    env: { TIANZIGE_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing' },
    mentions: /PostgreSQL/,
  },
  {
    name: 'a data directory below a regular file',
    env: { TIANZIGE_DATA_DIR: path.join(aFile, 'data') },
    mentions: /TIANZIGE_DATA_DIR/,
  },
  {
    name: 'a database URL of an unsupported kind',
    env: { TIANZIGE_DATABASE_URL: 'mysql://x' },
    mentions: /TIANZIGE_DATABASE_URL/,
  },
];

describe('starting the server with a broken environment', () => {
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it.concurrent.each(CASES)(
    'exits non-zero with one line on stderr and no stack trace, given $name',
    async ({ env, mentions }) => {
      const exit = await startServer(env);
      const report = `exit ${exit.code} (${exit.signal}) after ${exit.ms} ms\nstderr:\n${exit.stderr}\nstdout:\n${exit.stdout}`;
      expect(exit.signal, report).toBeNull();
      expect(exit.code, report).not.toBe(0);
      const lines = exit.stderr.split('\n').filter((line) => line.trim() !== '');
      expect(lines, report).toHaveLength(1);
      expect(lines[0], report).toMatch(/^tianzige: /);
      expect(lines[0], report).toMatch(mentions);
      expect(exit.stderr + exit.stdout, report).not.toContain('    at ');
      expect(exit.stdout, report).not.toMatch(/serving http/);
    },
    TIMEOUT_MS + 5_000,
  );
});

const CLI = path.resolve(SERVER_DIR, 'bin/tianzige.js');

/** Starts the server and, once it serves, runs `whileServing` and stops it with SIGTERM; resolves with its exit. */
function serveThen(env: Record<string, string>, whileServing: () => void): Promise<Exit & { hasServed: boolean }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TIANZIGE_'))),
      PORT: String(20_000 + Math.floor(Math.random() * 40_000)),
      HOST: '127.0.0.1',
      TIANZIGE_DEMO: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let hasServed = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!hasServed && stdout.includes('is serving http')) {
      hasServed = true;
      try {
        whileServing();
      } finally {
        child.kill('SIGTERM');
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, hasServed });
    });
  });
}

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

describe('the data directory and the personal-data key', () => {
  const dataDir = path.join(scratch, 'kept', 'data');

  it('creates the data directory, database, WAL, keys and uploads owner-only; refuses another key with one line; starts again with its own', async () => {
    const modes: Record<string, string> = {};
    const first = await serveThen({ TIANZIGE_DATA_DIR: dataDir }, () => {
      for (const name of ['', 'tianzige.db', 'tianzige.db-wal', 'tianzige.db-shm', 'keys', 'keys/pii.key', 'uploads'])
        modes[name || '.'] = modeOf(path.join(dataDir, name));
    });
    expect(first.hasServed, first.stderr + first.stdout).toBe(true);
    expect(modes).toEqual({
      '.': '700',
      'tianzige.db': '600',
      'tianzige.db-wal': '600',
      'tianzige.db-shm': '600',
      keys: '700',
      'keys/pii.key': '600',
      uploads: '700',
    });

    // another key on the same data: the server and the CLI refuse, each with one line
    const otherKey = crypto.randomBytes(64).toString('base64');
    const refused = await startServer({ TIANZIGE_DATA_DIR: dataDir, TIANZIGE_PII_KEY: otherKey, TIANZIGE_DEMO: '0' });
    const report = `exit ${refused.code}\nstderr:\n${refused.stderr}\nstdout:\n${refused.stdout}`;
    expect(refused.code, report).not.toBe(0);
    const lines = refused.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines, report).toHaveLength(1);
    expect(lines[0], report).toMatch(/^tianzige: .*TIANZIGE_PII_KEY/);
    expect(refused.stderr + refused.stdout, report).not.toContain('    at ');
    expect(refused.stdout, report).not.toMatch(/serving http/);

    const cli = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'users', 'add', '--username', 'wrong_key', '--name', 'x', '--role', 'street', '--org', '620105006'],
        {
          env: { ...process.env, TIANZIGE_DATA_DIR: dataDir, TIANZIGE_DATABASE_URL: '', TIANZIGE_PII_KEY: otherKey },
          timeout: 60_000,
        },
        (error, _stdout, stderr) =>
          resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? 1), stderr }),
      );
    });
    expect(cli.code, cli.stderr).not.toBe(0);
    expect(cli.stderr.trim().split('\n'), cli.stderr).toHaveLength(1);
    expect(cli.stderr, cli.stderr).toMatch(/^error: .*TIANZIGE_PII_KEY/);

    // its own key again (the key file): it starts
    const again = await serveThen({ TIANZIGE_DATA_DIR: dataDir }, () => undefined);
    expect(again.hasServed, again.stderr + again.stdout).toBe(true);
    expect(again.code, again.stderr).toBe(0);
  }, 300_000);
});
