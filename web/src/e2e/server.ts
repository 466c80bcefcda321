import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../../..');
const SERVER_DIR = path.join(REPO, 'server');
const WEB_DIST = path.join(REPO, 'web', 'dist', 'index.html');

export interface RunningServer {
  baseUrl: string;
  adminPassword: string;
  dataDir: string;
  output: () => string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForHealth(baseUrl: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('server did not become healthy in time');
}

/**
 * Starts the real server on a free port with a fresh data directory and no preset admin password,
 * and reads the one-time admin password it prints on first start. `demo` seeds the demo grids and
 * accounts (password `Tianzige@2026`); `env` adds settings (an SMS provider pointed at a local server).
 */
export async function startServer(
  options: { demo?: boolean; env?: Record<string, string> } = {},
): Promise<RunningServer> {
  if (!fs.existsSync(WEB_DIST)) throw new Error('web/dist is missing: run `npm run build -w web` first');
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    TIANZIGE_DATA_DIR: dataDir,
    TIANZIGE_DEMO: options.demo === true ? '1' : '0',
    ...options.env,
  };
  delete env.TIANZIGE_ADMIN_PASSWORD;
  delete env.TIANZIGE_DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: SERVER_DIR, env, stdio: 'pipe' });
  let output = '';
  let adminPassword: string | undefined;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    adminPassword ??= /admin password: (\S+)/.exec(output)?.[1];
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(baseUrl, child, Date.now() + 90_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output}`);
  }
  if (adminPassword === undefined) {
    await stop();
    throw new Error(`server printed no "admin password:" line\n--- server output ---\n${output}`);
  }
  return { baseUrl, adminPassword, dataDir, output: () => output, stop };
}
