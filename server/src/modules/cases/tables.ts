import type { CaseStatus } from './states.ts';

export { CASE_STATUSES, type CaseStatus } from './states.ts';

export const CASE_CHANNELS = [
  'resident_app',
  'phone',
  'walk_in',
  'grid_worker',
  'hotline',
  'open311',
  'visit',
] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];

export type DueState = 'ok' | 'due_soon' | 'overdue';

export interface CaseTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  /** human-readable number, e.g. SQ20261128000042 */
  number: string;
  channel: CaseChannel;
  /** the duty item revision the case was routed under; null when no item matched (兜底) */
  duty_item_id: string | null;
  duty_code: string | null;
  is_fallback: number;
  priority: 'normal' | 'urgent';
  status: CaseStatus;
  description: string;
  address: string | null;
  lng: number | null;
  lat: number | null;
  household_id: string | null;
  /** where it happened: a grid, or a community when no grid contains the place */
  org_id: string;
  org_path: string;
  handler_org_id: string;
  handler_path: string;
  handler_user_id: string | null;
  /** the unit above the handler asked for help (向上借力) after the case went overdue */
  escalated_org_id: string | null;
  escalated_path: string | null;
  escalation_count: number;
  is_supervised: number;
  reporter_user_id: string | null;
  contact_name: string | null;
  contact_phone_enc: string | null;
  contact_phone_bidx: string | null;
  is_anonymous: number;
  /** the hotline's ticket number or an Open311 client's token: intake is idempotent on it */
  external_ref: string | null;
  created_by: string | null;
  created_at: string;
  accept_due_at: string;
  resolve_due_at: string;
  paused_at: string | null;
  pause_reason: string | null;
  due_state: DueState;
  /** when the deadline sweep must look at this case next */
  next_check_at: string | null;
  accepted_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  /** the retention period removed its photos (ops/retention/photos.ts) */
  photos_removed_at?: string | null;
  is_accepted_on_time: number | null;
  accept_seconds: number | null;
  resolve_seconds: number | null;
  was_overdue: number;
  is_solved: number | null;
  rating: number | null;
  rating_comment: string | null;
  merged_into_id: string | null;
  reopen_count: number;
  version: number;
  updated_at: string;
  /** where and as what the insight counters last counted this row (`<org_path> <facts>`, insights/rollups.ts) */
  insight_mark?: string | null;
}

export const CASE_EVENT_KINDS = [
  'submitted',
  'routed',
  'accepted',
  'started',
  'resolved',
  'closed',
  'rejected',
  'merged',
  'reopened',
  'reassigned',
  'returned',
  'escalated',
  'supervised',
  'paused',
  'resumed',
  'due_soon',
  'overdue',
  'note',
  'reply',
  'rated',
] as const;
export type CaseEventKind = (typeof CASE_EVENT_KINDS)[number];

/** The timeline: append-only (the database refuses UPDATE and DELETE). */
export interface CaseEventTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  case_id: string;
  at: string;
  kind: CaseEventKind;
  /** public events are shown to the resident; notes are internal */
  is_public: number;
  actor_id: string | null;
  actor_name: string | null;
  org_id: string | null;
  text: string | null;
  detail: string | null;
}

export interface CasePhotoTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md): its case's */
  county_key: number;
  case_id: string;
  event_id: string | null;
  mime: string;
  size: number;
  sha256: string;
  data: Buffer;
  created_at: string;
}

export interface CaseReporterTable {
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md): its case's */
  county_key: number;
  case_id: string;
  user_id: string;
  source_case_id: string;
}

export interface CaseTables {
  cases: CaseTable;
  case_events: CaseEventTable;
  case_photos: CasePhotoTable;
  case_reporters: CaseReporterTable;
}
