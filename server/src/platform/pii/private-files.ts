import fs from 'node:fs';

/**
 * Personal data on disk is the server's own: the data directory, the key files, the database with its
 * WAL and shared-memory files, and uploaded ledgers are readable by the owner only, whatever the umask.
 */

/** Owner-only modes: rwx------ for directories, rw------- for files. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates a directory (and its missing parents) owner-only; an existing one is made owner-only if it is ours. */
export function ensurePrivateDir(dir: string): void {
  const firstCreated = fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir's mode is masked by the umask, and parents it created got the umask's default
  if (firstCreated !== undefined) {
    for (let d = dir; d.length >= firstCreated.length; d = d.slice(0, Math.max(d.lastIndexOf('/'), 1))) {
      restrictToOwner(d, PRIVATE_DIR_MODE);
      if (d === firstCreated || d === '/') break;
    }
  } else restrictToOwner(dir, PRIVATE_DIR_MODE);
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
