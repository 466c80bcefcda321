/** One row ('pii'): what the personal-data key must reproduce for a start to go on. */
export interface PiiKeyCheckTable {
  id: string;
  /** the blind-index key's HMAC of a fixed label */
  blind_index_check: string;
  /** a fixed label encrypted with the encryption key */
  encryption_check: string;
  created_at: string;
}

/** A rotation of the personal-data key (`tianzige keys rotate`, rotation.ts). */
export interface PiiKeyRotationTable {
  id: string;
  old_check: string;
  new_check: string;
  new_encryption_check: string;
  /** announced | converting | done */
  state: string;
  /** 1 until done, null after (unique: one unfinished rotation) */
  unfinished: number | null;
  /** JSON { table, after } of the last batch converted; null before the first */
  cursor: string | null;
  rows_converted: number;
  announced_at: string;
  finished_at: string | null;
}

export interface PiiTables {
  pii_key_checks: PiiKeyCheckTable;
  pii_key_rotations: PiiKeyRotationTable;
}
