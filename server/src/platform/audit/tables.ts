export interface AuditLogTable {
  /** UUIDv7: sortable by time */
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md): of the unit acted on, 0 without one */
  county_key: number;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  org_id: string | null;
  org_path: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON; never holds personal numbers */
  detail: string | null;
  /** 1: the actor is a person who asked not to be named (an anonymous reporter); shown only with pii.reveal there */
  actor_sealed?: number;
}

/** An archive file of audit rows (`tianzige audit archive`): the rows before `through_at` left the table into it. */
export interface AuditArchiveTable {
  id: string;
  through_at: string;
  file_name: string;
  sha256: string;
  rows: number;
  created_at: string;
}

export interface AuditTables {
  audit_log: AuditLogTable;
  audit_archives: AuditArchiveTable;
}
