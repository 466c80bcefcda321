import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { newId } from '../../platform/ids.ts';
import { PiiCipher, type PiiKeys, nextPiiKeyFile, parsePiiKey, piiKeyFile } from '../../platform/pii/crypto.ts';
import { KEY_CHECK_LABEL } from '../../platform/pii/key-check.ts';
import { OpsError } from '../errors.ts';
import { PII_COLUMNS, type PiiTableColumns } from './columns.ts';
import { KEY_RING_POLL_MS, type KeySources, availableKeys, checkOf, syncKeyRing, unfinishedRotation } from './ring.ts';

/**
 * `tianzige keys rotate`: re-encrypts every personal number and rebuilds every blind index under a new key
 * while the servers keep serving.
 *
 * 1. Announce: the new key is made (or taken from TIANZIGE_PII_KEY_NEXT) and written to
 *    `keys/pii.next.key`; a `pii_key_rotations` row records both keys' check values. Servers see it
 *    within KEY_RING_POLL_MS and from then on write with the new key, read with either, and look up both
 *    keys' blind indexes (ring.ts). The command waits three polls before converting anything, and for any
 *    ledger import still running (an import started under the old key finishes first; a new one is
 *    refused until the rotation is done).
 * 2. Convert, table by table in primary-key order, in batches: each batch re-encrypts and re-indexes its
 *    rows and moves the cursor in one transaction, so a killed command resumes where the last batch
 *    committed. A value changed by a server meanwhile is left as the server wrote it (already new): every
 *    update is conditional on the old ciphertext.
 * 3. Verify: a full pass must find nothing left under the old key (a pass that converts anything is
 *    repeated).
 * 4. Retire: the stored check values become the new key's and the rotation is done, in one transaction;
 *    then `pii.key` moves to `keys/retired/` and `pii.next.key` becomes `pii.key`.
 */

export interface RotateOptions {
  batchSize?: number;
  /** how long to let servers see the announcement before converting (default three polls) */
  settleMs?: number;
  onProgress?: (line: string) => void;
  /** tests: stop (as a crash would) after this many committed batches */
  stopAfterBatches?: number;
}

export interface RotateResult {
  rotationId: string;
  converted: number;
  /** where the old key went, when it was a file in the data dir */
  retiredKeyFile: string | null;
  /** the key came from the environment: what the operator must change before the next restart */
  environmentNote: string | null;
}

export class RotationStopped extends Error {}

export async function rotatePiiKey(
  deps: AppDeps,
  sources: KeySources,
  options: RotateOptions = {},
): Promise<RotateResult> {
  const batchSize = options.batchSize ?? 500;
  const say = options.onProgress ?? (() => {});
  const db = deps.db;

  const finished = finishFileSwap(sources, await storedCheck(db));
  if (finished !== null) {
    say('the last rotation was done; its key files are now in place / 上次轮换已完成，密钥文件已就位');
    return { rotationId: '', converted: 0, retiredKeyFile: finished, environmentNote: null };
  }

  let rotation = await unfinishedRotation(db);
  if (rotation === undefined) rotation = await announce(deps, sources);
  else
    say(
      `resuming rotation ${rotation.id} (${rotation.state}, ${rotation.rows_converted} rows so far) / 继续未完成的轮换`,
    );

  const outcome = await syncKeyRing(db, deps.pii, sources, []);
  if (!outcome.ok) {
    throw new OpsError(
      '找不到本次轮换所需的密钥（keys/pii.next.key 或 TIANZIGE_PII_KEY_NEXT）',
      `a key this rotation needs is missing (keys/pii.next.key or TIANZIGE_PII_KEY_NEXT), check ${outcome.missingCheck.slice(0, 8)}…`,
    );
  }
  const next = new PiiCipher(deps.pii.keysForWorker()); // the ring's writing key is the new one now

  const settleUntil = Date.parse(rotation.announced_at) + (options.settleMs ?? 3 * KEY_RING_POLL_MS);
  if (Date.now() < settleUntil) {
    say('waiting for the servers to take the new key / 等待各服务器启用新密钥…');
    await sleep(settleUntil - Date.now());
  }
  await waitForImports(db, say);
  if (rotation.state === 'announced') {
    await db.updateTable('pii_key_rotations').set({ state: 'converting' }).where('id', '=', rotation.id).execute();
  }

  let batches = 0;
  let converted = rotation.rows_converted;
  const cursor = parseCursor(rotation.cursor);
  for (let pass = 0; ; pass += 1) {
    if (pass > 3) {
      throw new OpsError(
        '仍有数据以旧密钥写入：是否有服务器没有新密钥？',
        'rows keep being written under the old key: does a server lack the new key?',
      );
    }
    let changedThisPass = 0;
    const startAt = pass === 0 ? PII_COLUMNS.findIndex((t) => t.table === cursor?.table) : 0;
    for (let t = Math.max(0, startAt); t < PII_COLUMNS.length; t += 1) {
      const table = PII_COLUMNS[t]!;
      let after = pass === 0 && cursor?.table === table.table ? cursor.after : '';
      for (;;) {
        const batch = await convertBatch(db, deps.pii, next, table, after, batchSize, rotation.id);
        if (batch.last === null) break;
        after = batch.last;
        converted += batch.changed;
        changedThisPass += batch.changed;
        batches += 1;
        if (options.stopAfterBatches !== undefined && batches >= options.stopAfterBatches) {
          throw new RotationStopped(`stopped after ${batches} batches`);
        }
      }
      say(`${table.table}: done, ${converted} values converted so far / 已完成`);
    }
    if (pass > 0 && changedThisPass === 0) break;
    if (pass === 0) say('verifying: nothing may be left under the old key / 校验中…');
  }

  const retired = await retire(db, deps, next, rotation.id, sources);
  say(`rotation done: ${converted} values under the new key; the old key is retired / 轮换完成，旧密钥已停用`);
  return {
    rotationId: rotation.id,
    converted,
    retiredKeyFile: retired,
    environmentNote:
      sources.piiKey === undefined
        ? null
        : 'set TIANZIGE_PII_KEY to the new key (TIANZIGE_PII_KEY_NEXT) and drop TIANZIGE_PII_KEY_NEXT at the next restart / ' +
          '下次重启时把 TIANZIGE_PII_KEY 换成新密钥（TIANZIGE_PII_KEY_NEXT 的值），并删除 TIANZIGE_PII_KEY_NEXT',
  };
}

/** Where the rotation stands, for `tianzige keys status`. */
export async function rotationStatus(db: Kysely<DB>): Promise<string> {
  const rotation = await unfinishedRotation(db);
  if (rotation !== undefined) {
    return `rotation ${rotation.id}: ${rotation.state}, ${rotation.rows_converted} values converted, cursor ${rotation.cursor ?? '-'} / 轮换进行中`;
  }
  const last = await db
    .selectFrom('pii_key_rotations')
    .select(['id', 'finished_at', 'rows_converted'])
    .orderBy('finished_at', 'desc')
    .executeTakeFirst();
  return last === undefined
    ? 'no rotation yet: the key in use is the first one / 尚未轮换过密钥'
    : `last rotation ${last.id} done at ${last.finished_at ?? '?'} (${last.rows_converted} values) / 上次轮换已完成`;
}

async function storedCheck(db: Kysely<DB>): Promise<string | null> {
  const row = await db
    .selectFrom('pii_key_checks')
    .select('blind_index_check')
    .where('id', '=', 'pii')
    .executeTakeFirst();
  return row?.blind_index_check ?? null;
}

async function announce(deps: AppDeps, sources: KeySources) {
  const db = deps.db;
  const stored = await storedCheck(db);
  if (stored === null)
    throw new OpsError('数据库尚未初始化', 'the database has no key check yet: start the server once');
  const keys = availableKeys(sources);
  if (!keys.has(stored)) {
    throw new OpsError('当前密钥与数据库不一致', 'the configured key is not the one the database was written with');
  }
  if (await hasRunningImport(db)) {
    throw new OpsError(
      '有台账导入正在进行，请待其结束后再轮换',
      'a ledger import is running: rotate when it has finished',
    );
  }
  const next = newKey(sources, stored);
  const nextCipher = new PiiCipher(next);
  const row = {
    id: newId(),
    old_check: stored,
    new_check: checkOf(next),
    new_encryption_check: nextCipher.encrypt(KEY_CHECK_LABEL),
    state: 'announced',
    unfinished: 1,
    cursor: null,
    rows_converted: 0,
    announced_at: new Date().toISOString(),
    finished_at: null,
  };
  try {
    await db.insertInto('pii_key_rotations').values(row).execute();
  } catch (err) {
    // two `keys rotate` at once: the unique `unfinished` column lets one row be unfinished
    if ((await unfinishedRotation(db)) !== undefined) {
      throw new OpsError('另一轮换已在进行', 'another rotation was started at the same time');
    }
    throw err;
  }
  return row;
}

/** The new key: TIANZIGE_PII_KEY_NEXT, or `keys/pii.next.key` (kept from an attempt that stopped before announcing), or a fresh one written there. */
function newKey(sources: KeySources, oldCheck: string): PiiKeys {
  if (sources.piiKeyNext !== undefined) {
    const keys = parsePiiKey(sources.piiKeyNext);
    if (checkOf(keys) === oldCheck) throw new OpsError('新密钥与旧密钥相同', 'TIANZIGE_PII_KEY_NEXT is the key in use');
    return keys;
  }
  const file = nextPiiKeyFile(sources.dataDir);
  if (fs.existsSync(file)) {
    const keys = parsePiiKey(fs.readFileSync(file, 'utf8'));
    if (checkOf(keys) !== oldCheck) return keys;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, crypto.randomBytes(64).toString('base64'), { mode: 0o600, flag: 'wx' });
  fs.renameSync(tmp, file);
  return parsePiiKey(fs.readFileSync(file, 'utf8'));
}

async function hasRunningImport(db: Kysely<DB>): Promise<boolean> {
  const row = await db.selectFrom('import_jobs').select('id').where('status', '=', 'running').executeTakeFirst();
  return row !== undefined;
}

async function waitForImports(db: Kysely<DB>, say: (line: string) => void): Promise<void> {
  let isTold = false;
  while (await hasRunningImport(db)) {
    if (!isTold) say('waiting for a running ledger import to finish / 等待进行中的台账导入结束…');
    isTold = true;
    await sleep(1000);
  }
}

type Row = Record<string, string | null>;

/** One batch of a table after `after`: converted and the cursor moved in one transaction. `last` null: the table is done. */
async function convertBatch(
  db: Kysely<DB>,
  ring: PiiCipher,
  next: PiiCipher,
  table: PiiTableColumns,
  after: string,
  batchSize: number,
  rotationId: string,
): Promise<{ last: string | null; changed: number }> {
  return db.transaction().execute(async (trx) => {
    const t = trx as unknown as Kysely<Record<string, Row>>;
    const wanted = [table.key, ...table.columns.map((c) => c.enc), ...(table.derived ?? []).map((d) => d.column)];
    const rows = (await t
      .selectFrom(table.table)
      .select(wanted)
      .where(table.key, '>', after)
      .orderBy(table.key)
      .limit(batchSize)
      .execute()) as Row[];
    if (rows.length === 0) return { last: null, changed: 0 };
    let changed = 0;
    for (const row of rows) {
      const id = row[table.key]!;
      for (const column of table.columns) {
        const stored = row[column.enc];
        if (stored === null || stored === undefined || next.isWrittenWithCurrentKey(stored)) continue;
        const plain = ring.decrypt(stored);
        const set: Row = { [column.enc]: next.encrypt(plain) };
        if (column.bidx !== undefined) set[column.bidx.column] = next.blindIndex(column.bidx.kind, plain);
        const result = await t
          .updateTable(table.table)
          .set(set)
          .where(table.key, '=', id)
          .where(column.enc, '=', stored)
          .executeTakeFirst();
        changed += Number(result.numUpdatedRows);
      }
      for (const derived of table.derived ?? []) {
        const current = row[derived.column];
        if (current === null || current === undefined) continue;
        const source = await t
          .selectFrom(derived.from.table)
          .select(derived.from.enc)
          .where(derived.from.key, '=', id)
          .executeTakeFirst();
        const enc = source?.[derived.from.enc];
        if (enc === null || enc === undefined) continue;
        const token = next.blindIndex(derived.kind, ring.decrypt(enc));
        if (token === current) continue;
        const result = await t
          .updateTable(table.table)
          .set({ [derived.column]: token })
          .where(table.key, '=', id)
          .where(derived.column, '=', current)
          .executeTakeFirst();
        changed += Number(result.numUpdatedRows);
      }
    }
    const last = rows[rows.length - 1]![table.key]!;
    await trx
      .updateTable('pii_key_rotations')
      .set({
        cursor: JSON.stringify({ table: table.table, after: last }),
        rows_converted: sql<number>`rows_converted + ${changed}`,
      })
      .where('id', '=', rotationId)
      .execute();
    return { last, changed };
  });
}

async function retire(
  db: Kysely<DB>,
  deps: AppDeps,
  next: PiiCipher,
  rotationId: string,
  sources: KeySources,
): Promise<string | null> {
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('pii_key_checks')
      .set({ blind_index_check: checkOf(next.keysForWorker()), encryption_check: next.encrypt(KEY_CHECK_LABEL) })
      .where('id', '=', 'pii')
      .execute();
    await trx
      .updateTable('pii_key_rotations')
      .set({ state: 'done', unfinished: null, finished_at: now, cursor: null })
      .where('id', '=', rotationId)
      .execute();
  });
  deps.pii.setRing(next.keysForWorker(), []);
  return finishFileSwap(sources, checkOf(next.keysForWorker()));
}

/**
 * After the database says a rotation is done: the data dir's `pii.next.key` (holding the stored key) becomes
 * `pii.key`, and the old `pii.key` moves to `keys/retired/` (owner-only; keep it offline with the backups
 * made before the rotation, which need it). Returns the retired file, or null when there was nothing to swap.
 */
function finishFileSwap(sources: KeySources, stored: string | null): string | null {
  if (stored === null) return null;
  const nextFile = nextPiiKeyFile(sources.dataDir);
  const keyFile = piiKeyFile(sources.dataDir);
  let nextKeys: PiiKeys;
  try {
    nextKeys = parsePiiKey(fs.readFileSync(nextFile, 'utf8'));
  } catch {
    return null;
  }
  if (checkOf(nextKeys) !== stored) return null; // a rotation announced, not done
  let retired: string | null = null;
  if (fs.existsSync(keyFile)) {
    const dir = path.join(path.dirname(keyFile), 'retired');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const old = parsePiiKey(fs.readFileSync(keyFile, 'utf8'));
    retired = path.join(
      dir,
      `pii-${checkOf(old)
        .slice(0, 8)
        .replace(/[^A-Za-z0-9]/g, '_')}.key`,
    );
    fs.renameSync(keyFile, retired);
  }
  fs.renameSync(nextFile, keyFile);
  return retired;
}

function parseCursor(text: string | null): { table: string; after: string } | null {
  if (text === null) return null;
  const value = JSON.parse(text) as { table: string; after: string };
  return value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
