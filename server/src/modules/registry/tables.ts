export interface CareTagTable {
  id: string;
  code: string;
  name: string;
  is_builtin: number;
  /** derived tags (高龄) are computed from other facts, never assigned */
  is_derived: number;
  created_at: string;
  /** the unit that made a custom tag: usable only at its places; null for built-in (global) tags */
  org_id: string | null;
  org_path: string | null;
}

export interface BuildingTable {
  id: string;
  org_id: string;
  org_path: string;
  name: string;
  created_at: string;
}

export interface HouseholdTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  /** the grid (or, before grids exist, the community) the household belongs to */
  org_id: string;
  org_path: string;
  building_id: string | null;
  address: string;
  unit_no: string | null;
  room_no: string | null;
  lng: number | null;
  lat: number | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** where and as what the insight counters last counted this row (`<org_path> <facts>`, insights/rollups.ts) */
  insight_mark?: string | null;
}

export type Gender = 'male' | 'female';
export type ResidenceType = 'registered' | 'permanent' | 'floating';
export type ResidentStatus = 'living' | 'moved_out' | 'deceased';

export interface ResidentTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  household_id: string;
  /** copy of the household's org_path, so scoped resident queries need no join */
  org_path: string;
  name: string;
  /** pinyin initials of the name, lower case: 张三 → zs */
  name_initials: string;
  id_number_enc: string | null;
  id_number_bidx: string | null;
  no_id_reason: string | null;
  gender: Gender;
  birth_date: string;
  phone_enc: string | null;
  phone_bidx: string | null;
  ethnicity: string;
  relation: string;
  residence_type: ResidenceType;
  status: ResidentStatus;
  status_date: string | null;
  /** set when she was de-identified on request (PIPL art. 47): name and numbers gone, birth year kept */
  deidentified_at?: string | null;
  notes: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** the ledger import that created the resident (its job says who and when); null when entered by hand */
  import_job_id: string | null;
  /** where and as what the insight counters last counted this row (`<org_path> <facts>`, insights/rollups.ts) */
  insight_mark?: string | null;
}

export interface ResidentTagTable {
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  resident_id: string;
  tag_id: string;
  org_path: string;
}

export interface ResidentChangeTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md): of `org_path`, where the resident was */
  county_key: number;
  resident_id: string;
  org_path: string;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  kind: 'create' | 'update' | 'move' | 'status' | 'tags';
  field: string | null;
  /** personal numbers are never written here, only that they changed */
  old_value: string | null;
  new_value: string | null;
}

export interface ImportJobTable {
  id: string;
  kind: string;
  org_id: string;
  org_path: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  file_name: string;
  options: string;
  rows_total: number;
  rows_done: number;
  rows_imported: number;
  rows_updated: number;
  rows_skipped: number;
  rows_rejected: number;
  /** JSON: [{row, column, reason_zh, reason_en}] — never cell values */
  problems: string | null;
  error: string | null;
  created_by: string | null;
  /** who ran the import, as the history shows it ('cli' for the command line) */
  actor_name: string | null;
  created_at: string;
  finished_at: string | null;
}

/** 迁入申请: a community asks the community where a resident is registered to move her to one of its households. */
export interface ResidentMoveRequestTable {
  id: string;
  resident_id: string;
  /** where she was when asked: the incoming list of her community reads by it */
  from_org_path: string;
  to_household_id: string;
  to_org_path: string;
  status: 'pending' | 'accepted' | 'declined';
  reason: string | null;
  created_by: string | null;
  created_by_name: string | null;
  created_at: string;
  decided_by_name: string | null;
  decided_at: string | null;
  decision_note: string | null;
}

export interface RegistryTables {
  care_tags: CareTagTable;
  buildings: BuildingTable;
  households: HouseholdTable;
  residents: ResidentTable;
  resident_tags: ResidentTagTable;
  resident_changes: ResidentChangeTable;
  import_jobs: ImportJobTable;
  resident_move_requests: ResidentMoveRequestTable;
}
