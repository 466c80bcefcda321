import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { OpsError } from '../errors.ts';

/**
 * PostgreSQL's own dump and restore programs. Found in TIANZIGE_PG_BIN_DIR when set, else on PATH, else
 * in Debian's /usr/lib/postgresql/<version>/bin (newest first): pg_dump must be at least the server's version.
 */
export function findPgTool(name: 'pg_dump' | 'pg_restore', env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.TIANZIGE_PG_BIN_DIR;
  if (configured !== undefined && configured !== '') {
    const file = path.join(configured, name);
    if (isExecutable(file)) return file;
    throw new OpsError(
      `TIANZIGE_PG_BIN_DIR=${configured} 中没有可执行的 ${name}`,
      `TIANZIGE_PG_BIN_DIR=${configured} holds no executable ${name}`,
    );
  }
  const candidates = (env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  candidates.push(...debianPostgresBinDirs());
  for (const dir of candidates) {
    const file = path.join(dir, name);
    if (isExecutable(file)) return file;
  }
  throw new OpsError(
    `找不到 ${name}：请安装 PostgreSQL 客户端（Debian: apt-get install postgresql-client），或设置 TIANZIGE_PG_BIN_DIR`,
    `${name} not found on PATH nor in /usr/lib/postgresql/*/bin: install the PostgreSQL client ` +
      `(Debian: apt-get install postgresql-client, the server's major version or newer) or set TIANZIGE_PG_BIN_DIR`,
  );
}

function debianPostgresBinDirs(): string[] {
  try {
    return fs
      .readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => path.join('/usr/lib/postgresql', v, 'bin'));
  } catch {
    return [];
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The URL without its password, which goes to the child in PGPASSWORD instead (not on its command line, where `ps` shows it). */
export function pgConnection(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), env: password === '' ? {} : { PGPASSWORD: password } };
}

/** Runs a PostgreSQL program; its stderr becomes the error when it fails. */
export function runPgTool(file: string, args: string[], extraEnv: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 8000) stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new OpsError(
            `${path.basename(file)} 失败（退出码 ${code}）`,
            `${path.basename(file)} failed (exit ${code}): ${stderr.trim()}`,
          ),
        );
    });
  });
}
