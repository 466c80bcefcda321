/** One row ('pii'): what the personal-data key must reproduce for a start to go on. */
export interface PiiKeyCheckTable {
  id: string;
  /** the blind-index key's HMAC of a fixed label */
  blind_index_check: string;
  /** a fixed label encrypted with the encryption key */
  encryption_check: string;
  created_at: string;
}

export interface PiiTables {
  pii_key_checks: PiiKeyCheckTable;
}
