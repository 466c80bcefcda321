import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fmtMs, report } from './util.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

/**
 * The phone side of field work: a grid of 500 households opening from the device's IndexedDB with the
 * network off, in Debian's Chromium against the real server (web/src/e2e/field-cache-bench.ts), beside
 * the bare IndexedDB read of the same record. Builds the web app first when it is missing.
 */
export async function benchDeviceCache() {
  if (!fs.existsSync('/usr/bin/chromium')) {
    console.log('SKIP  device cache: /usr/bin/chromium is missing (apt-get install -y chromium)');
    return;
  }
  if (!fs.existsSync(path.join(REPO, 'web', 'dist', 'index.html')))
    await run('npm', ['run', 'build', '-w', 'web'], REPO);
  const output = await run(
    process.execPath,
    ['--import', 'tsx', path.join(REPO, 'web/src/e2e/field-cache-bench.ts')],
    path.join(REPO, 'server'),
  );
  const line = output.split('\n').find((l) => l.startsWith('FIGURE '));
  if (line === undefined) throw new Error(`the device-cache bench printed no figure:\n${output.slice(-2000)}`);
  const f = JSON.parse(line.slice('FIGURE '.length)) as { app: number; bare: number; households: number };
  report({
    scenario: `a grid of ${f.households} households opening from the phone's cache with the network off (Chromium, median of 5)`,
    engine: 'sqlite',
    figure: 'navigation start → list rendered',
    platform: fmtMs(f.app),
    baseline: `${fmtMs(f.bare)} (the bare IndexedDB read of the same record)`,
    target: '≤ 1 s',
    isMet: f.app <= 1000,
    platformValue: f.app,
    baselineValue: f.bare,
  });
}

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}:\n${out.slice(-2000)}`)),
    );
  });
}
