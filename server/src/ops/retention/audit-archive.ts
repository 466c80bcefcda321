import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { AppDeps } from '../../platform/deps.ts';
import { newId } from '../../platform/ids.ts';
import { CLI_WHO } from '../cli-who.ts';
import { recordAudit } from '../../platform/audit/service.ts';
import { OpsError } from '../errors.ts';

/**
 * `tianzige audit archive --out DIR`: audit rows older than the retention period (at least 180 days, as
 * the Cybersecurity Law's log keeping asks) leave the table into a gzip'd NDJSON file — one row a line,
 * every column — and only after the file is written, read back and counted. The file's record
 * (`audit_archives`: rows, up to which time, sha256) and the deletion commit together; the database
 * refuses to delete an audit row that no archive covers or that is younger than 180 days (migration 0029),
 * so nothing leaves silently, whatever runs the delete.
 */

export const MIN_AUDIT_DAYS = 180;
const PAGE = 5000;

export interface ArchiveResult {
  file: string;
  rows: number;
  throughAt: string;
  sha256: string;
}

export async function archiveAudit(
  deps: AppDeps,
  options: { outDir: string; olderThanDays?: number },
): Promise<ArchiveResult | null> {
  const days = options.olderThanDays ?? MIN_AUDIT_DAYS;
  if (!Number.isInteger(days) || days < MIN_AUDIT_DAYS) {
    throw new OpsError(
      `审计日志至少保留 ${MIN_AUDIT_DAYS} 天`,
      `audit rows are kept at least ${MIN_AUDIT_DAYS} days (--older-than-days ${MIN_AUDIT_DAYS} or more)`,
    );
  }
  const throughAt = new Date(deps.clock.now().getTime() - days * 86_400_000).toISOString();
  const count = await deps.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('at', '<', throughAt)
    .executeTakeFirstOrThrow();
  const rows = Number(count.n);
  if (rows === 0) return null;

  fs.mkdirSync(options.outDir, { recursive: true, mode: 0o700 });
  const file = path.join(options.outDir, `audit-through-${throughAt.slice(0, 10)}-${newId().slice(-8)}.ndjson.gz`);
  const partial = `${file}.partial`;
  const db = deps.db;
  async function* lines() {
    let after = { at: '', id: '' };
    for (;;) {
      const page = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('at', '<', throughAt)
        .where((eb) => eb.or([eb('at', '>', after.at), eb.and([eb('at', '=', after.at), eb('id', '>', after.id)])]))
        .orderBy('at')
        .orderBy('id')
        .limit(PAGE)
        .execute();
      if (page.length === 0) return;
      yield page.map((row) => `${JSON.stringify(row)}\n`).join('');
      const last = page[page.length - 1]!;
      after = { at: last.at, id: last.id };
    }
  }
  await pipeline(Readable.from(lines()), zlib.createGzip(), fs.createWriteStream(partial, { mode: 0o600 }));
  const fd = fs.openSync(partial, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);

  // read back: the file must hold every row before anything is deleted
  const written = await countLines(partial);
  if (written !== rows) {
    fs.rmSync(partial, { force: true });
    throw new OpsError(
      '归档文件行数不符，未删除任何审计记录',
      `the archive holds ${written} rows, not ${rows}: nothing deleted`,
    );
  }
  const sha256 = crypto.createHash('sha256').update(fs.readFileSync(partial)).digest('hex');
  fs.renameSync(partial, file);

  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('audit_archives')
      .values({
        id: newId(),
        through_at: throughAt,
        file_name: path.basename(file),
        sha256,
        rows,
        created_at: deps.clock.now().toISOString(),
      })
      .execute();
    const deleted = await trx.deleteFrom('audit_log').where('at', '<', throughAt).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== rows) {
      throw new OpsError('删除行数与归档不符，已回滚', 'the rows deleted differ from the rows archived: rolled back');
    }
    await recordAudit(trx, deps.clock, CLI_WHO, {
      action: 'audit.archived',
      targetType: 'audit_archive',
      targetId: path.basename(file),
      detail: { rows, throughAt, sha256 },
    });
  });
  return { file, rows, throughAt, sha256 };
}

async function countLines(file: string): Promise<number> {
  let n = 0;
  const input = fs.createReadStream(file).pipe(zlib.createGunzip());
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    if (line !== '') n += 1;
  }
  return n;
}
