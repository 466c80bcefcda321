import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Boots the real server process with a broken environment: an operator must get one readable line
 * saying what is wrong, a non-zero exit, and no stack trace.
 */

const SERVER_DIR = path.resolve(import.meta.dirname, '..');
const TIMEOUT_MS = 20_000;
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
