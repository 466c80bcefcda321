import crypto from 'node:crypto';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { z } from 'zod';
import { OpsError } from '../errors.ts';

/**
 * A backup is one plain tar file (`tar tvf` lists it): `manifest.json` first, then the files it names —
 * the database (a SQLite file or a `pg_dump --format=custom` dump). The manifest says what the files are
 * and what a restore needs to check before writing anything; the key itself is never in it.
 */

export const BACKUP_FORMAT = 'tianzige-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';

const BackupFile = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9._/-]*$/),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const BackupManifest = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.number().int().min(1),
  engine: z.enum(['sqlite', 'postgres']),
  createdAt: z.string(),
  /** the migrations applied to the database at the backup's moment */
  migrations: z.array(z.string()),
  /** the personal-data key's check value (platform/pii/key-check.ts), null if the database never stored one */
  piiKeyCheck: z.string().nullable(),
  files: z.array(BackupFile),
});
export type BackupManifest = z.infer<typeof BackupManifest>;
export type BackupFile = z.infer<typeof BackupFile>;

/** Size and sha256 of a file on disk. */
export async function describeFile(name: string, file: string): Promise<BackupFile> {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return { name, size: fs.statSync(file).size, sha256: hash.digest('hex') };
}

/** Writes the archive to `out` through a temporary name, so a backup cut short never looks like a whole one. */
export async function writeArchive(out: string, manifest: BackupManifest, files: Map<string, string>): Promise<void> {
  const partial = `${out}.partial`;
  const pack = tar.pack();
  const written = pipeline(pack as unknown as NodeJS.ReadableStream, fs.createWriteStream(partial, { mode: 0o600 }));
  try {
    const manifestText = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: MANIFEST_NAME, mode: 0o600, mtime: new Date() }, manifestText, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
    for (const f of manifest.files) {
      const source = files.get(f.name)!;
      await addEntry(pack, f.name, f.size, (entry) => pipeline(fs.createReadStream(source), entry));
    }
    pack.finalize();
    await written;
  } catch (err) {
    pack.destroy();
    await written.catch(() => undefined);
    fs.rmSync(partial, { force: true });
    throw err;
  }
  const fd = fs.openSync(partial, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(partial, out);
}

function addEntry(
  pack: tar.Pack,
  name: string,
  size: number,
  fill: (entry: NodeJS.WritableStream) => Promise<void>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const entry = pack.entry({ name, size, mode: 0o600, mtime: new Date() }, (err) => (err ? reject(err) : resolve()));
    // tar-stream's streams are streamx ones, which Node's pipeline takes
    fill(entry as unknown as NodeJS.WritableStream).catch(reject);
  });
}

const notABackup = (file: string, why: string) =>
  new OpsError(`${file} 不是田字格备份文件（${why}）`, `${file} is not a Tianzige backup (${why})`);

/**
 * Reads an archive: the manifest first, handed to `check` before any other entry is read (a wrong engine
 * or key writes nothing); then each file named in the manifest goes to `target(name)`, its size and sha256
 * compared as it streams. A file missing, extra, or changed is refused.
 */
export async function readArchive(
  file: string,
  check: (manifest: BackupManifest) => Promise<void>,
  target: (name: string) => string,
): Promise<BackupManifest> {
  if (!fs.existsSync(file)) throw new OpsError(`找不到备份文件 ${file}`, `backup file ${file} not found`);
  const input = fs.createReadStream(file);
  const extract = tar.extract();
  input.on('error', (err) => extract.destroy(err));
  input.pipe(extract);
  let manifest: BackupManifest | undefined;
  const seen = new Set<string>();
  try {
    for await (const entry of extract) {
      const name = entry.header.name;
      if (manifest === undefined) {
        if (name !== MANIFEST_NAME || entry.header.size > 1_000_000) throw notABackup(file, 'no manifest.json first');
        manifest = parseManifest(
          file,
          Buffer.concat(await collect(entry as unknown as AsyncIterable<Buffer>)).toString('utf8'),
        );
        await check(manifest);
        continue;
      }
      const expected = manifest.files.find((f) => f.name === name);
      if (expected === undefined || seen.has(name)) throw notABackup(file, `unexpected entry ${name}`);
      seen.add(name);
      const hash = crypto.createHash('sha256');
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      const out = target(name);
      await pipeline(entry as unknown as NodeJS.ReadableStream, tap, fs.createWriteStream(out, { mode: 0o600 }));
      if (size !== expected.size || hash.digest('hex') !== expected.sha256) {
        fs.rmSync(out, { force: true });
        throw new OpsError(
          `备份文件已损坏：${name} 的校验和与清单不符`,
          `the backup is damaged: ${name} does not match the checksum in its manifest`,
        );
      }
    }
  } finally {
    input.destroy();
  }
  if (manifest === undefined) throw notABackup(file, 'empty');
  const missing = manifest.files.filter((f) => !seen.has(f.name)).map((f) => f.name);
  if (missing.length > 0)
    throw new OpsError(
      `备份文件不完整，缺少 ${missing.join(', ')}`,
      `the backup is cut short: ${missing.join(', ')} missing`,
    );
  return manifest;
}

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function parseManifest(file: string, text: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw notABackup(file, 'manifest.json is not JSON');
  }
  const format = (json as { format?: unknown; formatVersion?: unknown } | null) ?? {};
  if (format.format !== BACKUP_FORMAT) throw notABackup(file, 'no tianzige-backup manifest');
  if (typeof format.formatVersion === 'number' && format.formatVersion > BACKUP_FORMAT_VERSION)
    throw new OpsError(
      `备份格式版本 ${format.formatVersion} 比本程序新，请用新版本恢复`,
      `backup format ${format.formatVersion} is newer than this program's (${BACKUP_FORMAT_VERSION}): restore with a newer Tianzige`,
    );
  const parsed = BackupManifest.safeParse(json);
  if (!parsed.success) throw notABackup(file, `manifest: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
