import type { BlindIndexKind } from '../../platform/pii/crypto.ts';

/**
 * Every column that holds something encrypted or blind-indexed with the personal-data key, by table: what
 * `tianzige keys rotate` re-encrypts and re-indexes. `columns.test.ts` fails when a table has an `…_enc`
 * or `…_bidx` column this list does not name, so a new module cannot be left under the old key.
 */
export interface PiiColumn {
  /** the ciphertext column */
  enc: string;
  /** its blind index, recomputed from the plaintext, when there is one */
  bidx?: { column: string; kind: BlindIndexKind };
}

export interface PiiTableColumns {
  table: string;
  /** the primary key, walked in order (UUIDv7 ids: the order they were made) */
  key: string;
  columns: PiiColumn[];
  /**
   * Blind indexes whose plaintext lies in another table's ciphertext: (column, kind, the other table,
   * the column joining them, its ciphertext column).
   */
  derived?: { column: string; kind: BlindIndexKind; from: { table: string; key: string; enc: string } }[];
}

export const PII_COLUMNS: PiiTableColumns[] = [
  {
    table: 'residents',
    key: 'id',
    columns: [
      { enc: 'id_number_enc', bidx: { column: 'id_number_bidx', kind: 'id_number' } },
      { enc: 'phone_enc', bidx: { column: 'phone_bidx', kind: 'phone' } },
    ],
  },
  { table: 'users', key: 'id', columns: [{ enc: 'phone_enc', bidx: { column: 'phone_bidx', kind: 'phone' } }] },
  {
    table: 'resident_accounts',
    key: 'user_id',
    columns: [{ enc: 'wechat_openid_enc', bidx: { column: 'wechat_openid_bidx', kind: 'wechat_openid' } }],
    // her sign-in phone is the account's user's phone
    derived: [{ column: 'phone_bidx', kind: 'phone', from: { table: 'users', key: 'id', enc: 'phone_enc' } }],
  },
  {
    table: 'cases',
    key: 'id',
    columns: [{ enc: 'contact_phone_enc', bidx: { column: 'contact_phone_bidx', kind: 'phone' } }],
  },
  { table: 'household_changes', key: 'id', columns: [{ enc: 'value_enc' }] },
  { table: 'outbox_messages', key: 'id', columns: [{ enc: 'address_enc' }] },
  { table: 'webhook_subscribers', key: 'id', columns: [{ enc: 'secret_enc' }] },
];

/**
 * Blind-indexed columns that are not rotated, with the reason: short-lived rows whose plaintext was never
 * kept. After a rotation their windows (the sign-in code limits: an hour, a day) count afresh.
 */
export const UNROTATED_BIDX: Record<string, string> = {
  'sms_codes.phone_bidx': 'a sign-in code lives 5 minutes; its limits count codes of the last hour and day',
  'sms_codes.code_hash': 'the code itself is never stored',
  'sms_code_failures.phone_bidx': 'wrong codes count for the lock window only',
};
