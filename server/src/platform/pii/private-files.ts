import fs from 'node:fs';
import path from 'node:path';

/**
 * Personal data on disk is the server's own: the data directory, the key files, the database with its
 * WAL and shared-memory files, and uploaded ledgers are readable by the owner only, whatever the umask.
 */

/** Owner-only modes: rwx------ for directories, rw------- for files. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates a directory (and its missing parents) owner-only. An existing one is made owner-only too if it
 * is ours — unless `isOnlyIfCreated` (a directory the operator chose for the database file, say).
 */
export function ensurePrivateDir(dir: string, options: { isOnlyIfCreated?: boolean } = {}): void {
  const resolved = path.resolve(dir);
  const firstCreated = fs.mkdirSync(resolved, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (firstCreated === undefined) {
    if (options.isOnlyIfCreated !== true) restrictToOwner(resolved, PRIVATE_DIR_MODE);
    return;
  }
  // mkdir's mode is masked by the umask, and so were the parents it created
  for (let d = resolved; ; d = path.dirname(d)) {
    restrictToOwner(d, PRIVATE_DIR_MODE);
    if (d === firstCreated || d === path.dirname(d)) break;
  }
}

/** Sets an owner-only mode on a file or directory this process owns; leaves others' (and missing ones) alone. */
export function restrictToOwner(file: string, mode = PRIVATE_FILE_MODE): void {
  try {
    const stat = fs.statSync(file);
    if (process.getuid !== undefined && stat.uid !== process.getuid()) return;
    if ((stat.mode & 0o777) !== mode) fs.chmodSync(file, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Makes everything this process creates from now on owner-only (the server and the CLI call it first). */
export function createFilesOwnerOnly(): void {
  process.umask(0o077);
}
