import type { Kysely } from 'kysely';
import { ConfigError } from '../../config.ts';
import type { DB } from '../../db/types.ts';
import type { Clock } from '../clock.ts';
import type { PiiCipher } from './crypto.ts';

/**
 * The personal-data key is checked before anything reads or writes personal numbers. Another key on
 * existing data cannot decrypt it (residents answer 500) and computes other blind indexes (a duplicate
 * ID number gets in, and joins a household it does not belong to). So the first start stores what the
 * key makes of a fixed label — its blind-index HMAC and its encryption — and every later start (the
 * server, and every CLI command that opens the database) refuses with one line when its key does not
 * reproduce them. Key rotation (`tianzige keys rotate`, ops/keys/) replaces the stored values when it is done;
 * while it runs either key of the ring passes.
 */

const CHECK_ID = 'pii';
export const KEY_CHECK_LABEL = 'tianzige pii key check v1';
const LABEL = KEY_CHECK_LABEL;

export const keyMismatch = () =>
  new ConfigError(
    'the personal-data key does not match the one this database was written with / 个人信息密钥与数据库写入时使用的密钥不一致: ' +
      'set TIANZIGE_PII_KEY (or data/keys/pii.key) back to the original key; refusing to start',
  );

/**
 * What the key makes of the fixed label: stored in the database, recorded in every backup's manifest and
 * compared by restore and doctor. It tells whether two keys are the same without revealing either.
 */
export function piiKeyCheckValue(pii: PiiCipher): string {
  return pii.blindIndex('id_number', LABEL);
}

/** Checks the key against the stored check values, storing them on the first start. Throws ConfigError on a mismatch. */
export async function verifyPiiKey(db: Kysely<DB>, pii: PiiCipher, clock: Clock): Promise<void> {
  const expected = piiKeyCheckValue(pii);
  let stored = await db.selectFrom('pii_key_checks').selectAll().where('id', '=', CHECK_ID).executeTakeFirst();
  if (stored === undefined) {
    // data written before the check existed must still be readable with this key
    if (!(await decryptsExistingData(db, pii))) throw keyMismatch();
    await db
      .insertInto('pii_key_checks')
      .values({
        id: CHECK_ID,
        blind_index_check: expected,
        encryption_check: pii.encrypt(LABEL),
        created_at: clock.now().toISOString(),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    // two servers starting at once: the first row written is the one both are checked against
    stored = await db.selectFrom('pii_key_checks').selectAll().where('id', '=', CHECK_ID).executeTakeFirstOrThrow();
  }
  // any key of the ring (ops/keys/ring.ts): during a key rotation the stored values are still the old key's
  const isRingKey = pii.blindIndexes('id_number', LABEL).includes(stored.blind_index_check);
  if (!isRingKey || !decryptsTo(pii, stored.encryption_check, LABEL)) throw keyMismatch();
}

function decryptsTo(pii: PiiCipher, stored: string, plain: string): boolean {
  try {
    return pii.decrypt(stored) === plain;
  } catch {
    return false; // another key fails GCM's authentication
  }
}

/** Whether the key decrypts one stored number of each kind that has any (true on an empty database). */
async function decryptsExistingData(db: Kysely<DB>, pii: PiiCipher): Promise<boolean> {
  const samples = await Promise.all([
    db.selectFrom('residents').select('id_number_enc as enc').where('id_number_enc', 'is not', null).limit(1).execute(),
    db.selectFrom('residents').select('phone_enc as enc').where('phone_enc', 'is not', null).limit(1).execute(),
    db.selectFrom('users').select('phone_enc as enc').where('phone_enc', 'is not', null).limit(1).execute(),
  ]);
  for (const [row] of samples) {
    if (row?.enc === undefined || row.enc === null) continue;
    try {
      pii.decrypt(row.enc);
    } catch {
      return false;
    }
  }
  return true;
}
