export type ActivityKind = 'activity' | 'need';
export type ActivityStatus = 'published' | 'cancelled' | 'closed';
export type SignupStatus = 'signed' | 'cancelled' | 'checked_in' | 'checked_out' | 'confirmed';
export type CheckVia = 'qr' | 'staff';

/** A volunteer activity (many slots) or need (usually one: 认领), published by a community. */
export interface VolunteerActivityTable {
  id: string;
  org_id: string;
  /** the community (or a unit under it) that publishes it */
  org_path: string;
  kind: ActivityKind;
  title: string;
  description: string | null;
  place: string | null;
  starts_at: string;
  ends_at: string;
  slots: number;
  /** slots taken now; moved only by a conditional update (`taken < slots`) in the sign-up's transaction */
  taken: number;
  /** the points rule its confirmed hours earn by */
  rule_code: string;
  /** the secret the QR code at the place carries: check-in and check-out by scanning it */
  checkin_code: string;
  /** an alliance need (需求清单) this answers, when it came from one */
  need_ref: string | null;
  status: ActivityStatus;
  created_by: string;
  created_by_name: string;
  created_at: string;
}

/** One volunteer's place on an activity: sign-up → check-in → check-out → hours confirmed by staff. */
export interface VolunteerSignupTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  activity_id: string;
  org_path: string;
  user_id: string;
  resident_id: string;
  volunteer_name: string;
  status: SignupStatus;
  created_at: string;
  cancelled_at: string | null;
  checked_in_at: string | null;
  checked_in_via: CheckVia | null;
  checked_out_at: string | null;
  checked_out_via: CheckVia | null;
  /** minutes served (from check-in to check-out, or as staff confirm them); at most 24 h */
  minutes: number | null;
  /** the Shanghai day the hours count on (a person serves at most 24 h a day) */
  day: string | null;
  confirmed_at: string | null;
  confirmed_by_name: string | null;
  /** points the confirmed hours earned (null before, 0 when the rule gave none) */
  points: number | null;
}

export interface VolunteeringTables {
  volunteer_activities: VolunteerActivityTable;
  volunteer_signups: VolunteerSignupTable;
}
