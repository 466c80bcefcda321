import fs from 'node:fs';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { DB } from '../../db/types.ts';
import { PiiCipher, type PiiKeys, nextPiiKeyFile, parsePiiKey, piiKeyFile } from '../../platform/pii/crypto.ts';
import { piiKeyCheckValue } from '../../platform/pii/key-check.ts';

/**
 * Which keys a process holds valid, decided from the database, so every server and CLI command agrees
 * without talking to each other:
 *
 * - no rotation under way: the key whose check value `pii_key_checks` holds, alone;
 * - a rotation announced or converting: the new key writes and indexes, the old one still reads and is
 *   looked up (`PiiCipher.blindIndexes`);
 * - after it is done: the new key alone (the old one is retired).
 *
 * The keys themselves come from where the process was configured: TIANZIGE_PII_KEY or `keys/pii.key`,
 * and TIANZIGE_PII_KEY_NEXT or `keys/pii.next.key` (which `tianzige keys rotate` writes beside the key in
 * the data dir). A server re-reads the state every few seconds (`watchKeyRing`); `keys rotate` waits
 * longer than that after announcing before it converts a row.
 */

export const KEY_RING_POLL_MS = 2000;

export type KeySources = Pick<Config, 'dataDir' | 'piiKey' | 'piiKeyNext'>;

export const checkOf = (keys: PiiKeys): string => piiKeyCheckValue(new PiiCipher(keys));

/** Every key this process can find now: the configured one and the next one, from the environment or the data dir. */
export function availableKeys(sources: KeySources, alreadyKnown: PiiKeys[] = []): Map<string, PiiKeys> {
  const found = new Map<string, PiiKeys>();
  const add = (keys: PiiKeys) => found.set(checkOf(keys), keys);
  for (const keys of alreadyKnown) add(keys);
  // a key from the environment replaces the data dir's files, as at start-up: never one from each
  if (sources.piiKey !== undefined) {
    add(parsePiiKey(sources.piiKey));
    if (sources.piiKeyNext !== undefined) add(parsePiiKey(sources.piiKeyNext));
    return found;
  }
  for (const file of [piiKeyFile(sources.dataDir), nextPiiKeyFile(sources.dataDir)]) {
    try {
      add(parsePiiKey(fs.readFileSync(file, 'utf8')));
    } catch {
      // absent (or not yet fully written): not a key of this process
    }
  }
  return found;
}

/** The rotation not yet done, if any (there is at most one). */
export async function unfinishedRotation(db: Kysely<DB>) {
  return db.selectFrom('pii_key_rotations').selectAll().where('state', '!=', 'done').executeTakeFirst();
}

export type RingOutcome = { ok: true; isRotating: boolean } | { ok: false; missingCheck: string };

/**
 * Sets the cipher's ring from the database's state and the keys found. `ok: false` when a key the state
 * needs is not available to this process (the ring is left as it was).
 */
export async function syncKeyRing(
  db: Kysely<DB>,
  pii: PiiCipher,
  sources: KeySources,
  known: PiiKeys[],
): Promise<RingOutcome> {
  const stored = await db
    .selectFrom('pii_key_checks')
    .select('blind_index_check')
    .where('id', '=', 'pii')
    .executeTakeFirst();
  if (stored === undefined) return { ok: true, isRotating: false }; // before the first start's check is stored
  const rotation = await unfinishedRotation(db);
  const keys = availableKeys(sources, known);
  if (rotation === undefined) {
    const current = keys.get(stored.blind_index_check);
    if (current === undefined) return { ok: false, missingCheck: stored.blind_index_check };
    pii.setRing(current, []);
    return { ok: true, isRotating: false };
  }
  const next = keys.get(rotation.new_check);
  const old = keys.get(rotation.old_check);
  if (next === undefined) return { ok: false, missingCheck: rotation.new_check };
  pii.setRing(next, old === undefined ? [] : [old]);
  if (old === undefined) return { ok: false, missingCheck: rotation.old_check };
  return { ok: true, isRotating: true };
}

/**
 * A server's watch over the ring: re-reads the state every KEY_RING_POLL_MS. A key it cannot find is
 * reported once per change (the server goes on with the ring it has).
 */
export function watchKeyRing(
  db: Kysely<DB>,
  pii: PiiCipher,
  sources: KeySources,
  known: PiiKeys[],
  onProblem: (message: string) => void,
): { stop(): void; tick(): Promise<RingOutcome> } {
  let lastProblem: string | null = null;
  const tick = async () => {
    const outcome = await syncKeyRing(db, pii, sources, known);
    const problem = outcome.ok ? null : outcome.missingCheck;
    if (problem !== null && problem !== lastProblem) {
      onProblem(
        `a personal-data key this rotation needs (check ${problem.slice(0, 8)}…) is not available to this server: ` +
          'give it TIANZIGE_PII_KEY_NEXT or keys/pii.next.key / 本服务器缺少密钥轮换所需的个人信息密钥',
      );
    }
    lastProblem = problem;
    return outcome;
  };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    tick()
      .catch((err: unknown) => onProblem(`key ring check failed: ${String(err)}`))
      .finally(() => {
        running = false;
      });
  }, KEY_RING_POLL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}
