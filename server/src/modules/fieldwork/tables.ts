export const LINKAGE_KINDS = ['fanxiang_zouqin', 'zhucun_lianxin', 'ruwang_zhixin', 'lianhu_jiaoxin'] as const;
export type LinkageKind = (typeof LINKAGE_KINDS)[number];

export const VISIT_KINDS = ['routine', 'follow_up', 'urgent'] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];

export const FINDING_TOPICS = [
  'health',
  'daily_living',
  'housing_safety',
  'income',
  'children_schooling',
  'disputes',
  'policy',
] as const;
export type FindingTopic = (typeof FINDING_TOPICS)[number];

export const FACT_FIELDS = ['phone', 'living_alone', 'status', 'notes', 'care_tag_add', 'care_tag_remove'] as const;
export type FactField = (typeof FACT_FIELDS)[number];

export const CHANGE_STATES = ['applied', 'proposed', 'stale', 'rejected'] as const;
export type ChangeState = (typeof CHANGE_STATES)[number];

export interface LinkageTable {
  id: string;
  household_id: string;
  user_id: string;
  kind: LinkageKind;
  created_by: string | null;
  created_at: string;
}

export interface VisitPolicyTable {
  /** the community */
  org_id: string;
  org_path: string;
  /** a care tag code; '' for everyone else */
  care_tag: string;
  interval_days: number;
  updated_by: string | null;
  updated_at: string;
}

/** Append-only (the database refuses UPDATE and DELETE). */
export interface VisitTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  household_id: string;
  /** the household's org_path when visited */
  org_path: string;
  visited_at: string;
  kind: VisitKind;
  lng: number | null;
  lat: number | null;
  /** JSON: [{topic, note}] */
  findings: string;
  note: string | null;
  /** JSON of the case asked for ({dutyItemCode, description, priority}), or null */
  open_case: string | null;
  recorded_by: string;
  created_at: string;
}

export interface VisitVisitorTable {
  visit_id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md): its visit's */
  county_key: number;
  user_id: string;
  /** 0 for the one who recorded it, then the companions in order */
  position: number;
  visited_at: string;
}

export interface VisitPhotoTable {
  id: string;
  uploaded_by: string;
  /** null until a visit names the photo */
  visit_id: string | null;
  mime: string;
  size: number;
  sha256: string;
  data: Buffer;
  created_at: string;
  /** 0 until a visit names the photo, then the visit's county: it moves with it (migration 0047) */
  county_key: number;
}

export interface VisitCaseTable {
  visit_id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md): its visit's */
  county_key: number;
  case_id: string;
  created_at: string;
}

export interface HouseholdChangeTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts, docs/scale.md): its `org_path`'s */
  county_key: number;
  household_id: string;
  resident_id: string | null;
  org_path: string;
  visit_id: string | null;
  field: FactField;
  /** JSON of the value; null for a phone, which is kept only in value_enc */
  value: string | null;
  value_enc: string | null;
  base_version: number;
  state: ChangeState;
  proposed_by: string;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
}

/** One row per visited household, written in the visit's transaction; read by coverage and insights. */
export interface HouseholdVisitStatusTable {
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  household_id: string;
  org_path: string;
  last_visit_at: string | null;
  next_due_at: string | null;
  interval_days: number;
  /** where and as what the insight counters last counted this row (`<org_path> <facts>`, insights/rollups.ts) */
  insight_mark?: string | null;
}

export interface SyncReceiptTable {
  client_id: string;
  /** the county this row is stored with (db/county-key.ts, docs/scale.md): the visit's, case's or change's it answers for; 0 for a photo */
  county_key: number;
  kind: 'visit' | 'case' | 'household_change' | 'photo';
  object_id: string;
  user_id: string;
  created_at: string;
}

/** 预约走访: when a grid worker will come to a household (appointments.ts) */
export interface VisitAppointmentTable {
  id: string;
  household_id: string;
  org_path: string;
  worker_user_id: string;
  worker_name: string;
  at: string;
  note: string | null;
  status: 'planned' | 'cancelled';
  created_at: string;
  cancelled_at: string | null;
}

/** A visit someone asked for at a household (visit-requests.ts): a notice unread, a diner not seen … */
export interface VisitRequestTable {
  id: string;
  household_id: string;
  org_path: string;
  /** what raised it (`notice`, `canteen_diner`, …) and that thing's id: one request per household and source */
  source_kind: string;
  source_id: string;
  reason_code: string;
  reason_zh: string;
  reason_en: string;
  /** the account that asked; null when a job raised it */
  requested_by: string | null;
  requested_at: string;
  /** the Shanghai day it should be done by (YYYY-MM-DD) */
  due_on: string;
  status: 'open' | 'closed' | 'withdrawn';
  closed_at: string | null;
  /** the visit that answered it */
  closed_visit_id: string | null;
}

export interface FieldworkTables {
  visit_requests: VisitRequestTable;
  visit_appointments: VisitAppointmentTable;
  linkages: LinkageTable;
  visit_policies: VisitPolicyTable;
  visits: VisitTable;
  visit_visitors: VisitVisitorTable;
  visit_photos: VisitPhotoTable;
  visit_cases: VisitCaseTable;
  household_changes: HouseholdChangeTable;
  household_visit_status: HouseholdVisitStatusTable;
  sync_receipts: SyncReceiptTable;
}
