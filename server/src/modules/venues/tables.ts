/** 阵地与活动: the rooms of a 党群服务中心, their bookings, and activities (migration 0020). */

export const SPACE_KINDS = ['calligraphy', 'reading', 'dance', 'music', 'council', 'multipurpose', 'other'] as const;
export type SpaceKind = (typeof SPACE_KINDS)[number];

export const BOOKER_KINDS = ['resident', 'team', 'partner', 'staff'] as const;
export type BookerKind = (typeof BOOKER_KINDS)[number];

export const BOOKING_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export const AUDIENCES = ['all', 'elderly', 'youth', 'children', 'women', 'families'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const SIGNUP_STATUSES = ['confirmed', 'waiting', 'cancelled'] as const;
export type SignupStatus = (typeof SIGNUP_STATUSES)[number];

export interface VenueCentreTable {
  id: string;
  org_id: string;
  org_path: string;
  name: string;
  address: string | null;
  created_at: string;
}

export interface VenueSpaceTable {
  id: string;
  centre_id: string;
  org_path: string;
  name: string;
  kind: SpaceKind;
  area_m2: number;
  capacity: number;
  equipment: string | null;
  opens_min: number;
  closes_min: number;
  closed_weekdays: string;
  bookers: string;
  needs_approval: number;
  is_active: number;
  qr_token: string;
  created_at: string;
}

export interface VenueSeriesTable {
  id: string;
  space_id: string;
  org_path: string;
  booker_user_id: string;
  weekday: number;
  first_day: string;
  until_day: string;
  created_at: string;
}

export interface VenueBookingTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  space_id: string;
  centre_id: string;
  org_path: string;
  series_id: string | null;
  activity_id: string | null;
  booker_user_id: string;
  booker_name: string;
  booker_kind: BookerKind;
  purpose: string;
  attendees: number;
  starts_at: string;
  ends_at: string;
  status: BookingStatus;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  checked_in_at: string | null;
  checked_in_via: 'staff' | 'qr' | null;
  cancelled_at: string | null;
  created_at: string;
}

export interface VenueSlotTable {
  space_id: string;
  /** its booking's county (db/county-key.ts): every booking of a space has the space's, so (space, slot start) stays the race guard per county too */
  county_key: number;
  slot_start: string;
  booking_id: string;
}

export interface VenueActivityTable {
  id: string;
  centre_id: string;
  org_path: string;
  space_id: string | null;
  place: string | null;
  title: string;
  description: string | null;
  audience: Audience;
  host: string;
  starts_at: string;
  ends_at: string;
  capacity: number;
  status: 'published' | 'cancelled';
  created_by: string;
  created_at: string;
}

export interface VenueSignupTable {
  id: string;
  /** its activity's county (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  activity_id: string;
  user_id: string;
  name: string;
  seat: number | null;
  status: SignupStatus;
  queued_at: string;
  checked_in_at: string | null;
  cancelled_at: string | null;
}

/** A pause lifted early by staff: no-shows before `lifted_at` no longer count towards her pause. */
export interface VenuePauseLiftTable {
  id: string;
  user_id: string;
  org_path: string;
  lifted_by: string;
  note: string;
  lifted_at: string;
}

export interface VenueSpacePhotoTable {
  id: string;
  space_id: string;
  org_path: string;
  mime: string;
  size: number;
  data: Buffer;
  position: number;
  created_at: string;
}

export interface VenueTables {
  venue_centres: VenueCentreTable;
  venue_spaces: VenueSpaceTable;
  venue_space_photos: VenueSpacePhotoTable;
  venue_pause_lifts: VenuePauseLiftTable;
  venue_series: VenueSeriesTable;
  venue_bookings: VenueBookingTable;
  venue_slots: VenueSlotTable;
  venue_activities: VenueActivityTable;
  venue_signups: VenueSignupTable;
}
