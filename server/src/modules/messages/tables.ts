/** The outbox: a row per message and channel, with its delivery state. */
export interface OutboxMessageTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md): of the recipient's home unit, 0 without one */
  county_key: number;
  recipient_user_id: string | null;
  recipient_org_path: string | null;
  kind: string;
  channel: string;
  is_urgent: number;
  payload: string;
  address_enc: string | null;
  status: string;
  attempts: number;
  next_attempt_at: string;
  quiet_start_min: number | null;
  quiet_end_min: number | null;
  claim_token: string | null;
  claimed_at: string | null;
  last_error: string | null;
  provider_message_id: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  read_at: string | null;
}

/** Which channels a person wants for one kind of message. */
export interface MessagePreferenceTable {
  user_id: string;
  kind: string;
  channels: string;
  updated_at: string;
}

/** A person's quiet hours (minutes of the Asia/Shanghai day; both null: none). */
export interface MessageSettingsTable {
  user_id: string;
  quiet_start_min: number | null;
  quiet_end_min: number | null;
  updated_at: string;
}

/** Keys of messages sent at most once (a task's reminder, a person's digest of a day), claimed with the message. */
export interface OutboxOnceTable {
  key: string;
  created_at: string;
}

export interface MessageTables {
  outbox_messages: OutboxMessageTable;
  message_preferences: MessagePreferenceTable;
  message_settings: MessageSettingsTable;
  outbox_once: OutboxOnceTable;
}
