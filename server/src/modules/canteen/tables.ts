export type Meal = 'lunch' | 'dinner';
export type Tier = 'standard' | 'senior' | 'dibao';
export type OrderSource = 'phone' | 'staff' | 'standing' | 'walk_in';

/** 幸福食堂 of a community or village. */
export interface CanteenTable {
  id: string;
  org_id: string;
  org_path: string;
  name: string;
  address: string | null;
  /** the named account the difference between a meal's cost and a diner's price is billed to */
  subsidy_account: string;
  /** 'HH:MM' Shanghai time on the meal's day after which its orders are closed */
  lunch_cutoff: string;
  dinner_cutoff: string;
  allows_walk_ins: number;
  /** a regular diner not seen for this many days raises a visit due */
  absence_days: number;
  /** residents of at least this age may dine */
  min_age: number;
  /** comma-separated care-tag codes that make a younger resident eligible (残疾, 低保 …) */
  eligible_tags: string;
  created_at: string;
}

export interface CanteenDinerTable {
  id: string;
  canteen_id: string;
  /** the canteen's org_path: staff of the canteen's unit manage its diners */
  org_path: string;
  resident_id: string;
  household_id: string;
  /** the diner's code, shown as a QR on her phone and scanned at meal time */
  code: string;
  is_regular: number;
  needs_delivery: number;
  route: string | null;
  volunteer: string | null;
  status: 'active' | 'left';
  /** bumped by every money movement: takes the row lock that serializes a diner's orders (PostgreSQL) */
  version: number;
  enrolled_at: string;
  left_at: string | null;
}

export interface CanteenMenuTable {
  id: string;
  canteen_id: string;
  org_path: string;
  day: string;
  meal: Meal;
  dishes: string;
  cost_fen: number;
  price_standard_fen: number;
  price_senior_fen: number;
  price_dibao_fen: number;
  created_by_name: string;
  created_at: string;
  updated_at: string;
}

export interface CanteenOrderTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  canteen_id: string;
  org_path: string;
  diner_id: string;
  menu_id: string;
  day: string;
  meal: Meal;
  status: 'ordered' | 'cancelled';
  source: OrderSource;
  tier: Tier;
  cost_fen: number;
  price_fen: number;
  subsidy_fen: number;
  client_key: string | null;
  ordered_by_name: string;
  created_at: string;
  cancelled_at: string | null;
  served_at: string | null;
  served_by_name: string | null;
  delivery: 'delivered' | 'not_home' | null;
  delivery_at: string | null;
}

export interface CanteenStandingOrderTable {
  id: string;
  canteen_id: string;
  org_path: string;
  diner_id: string;
  meal: Meal;
  /** ISO weekdays '1'…'7' the order stands for: '12345' is every weekday */
  weekdays: string;
  status: 'active' | 'ended';
  created_by_name: string;
  created_at: string;
  ended_at: string | null;
}

/**
 * A money movement (append-only). account 'diner': her prepaid money (+ top-up, − meal, + refund);
 * account 'subsidy': what the subsidy account is billed for her meals (− meal, + refund).
 */
export interface CanteenLedgerTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  canteen_id: string;
  org_path: string;
  diner_id: string;
  account: 'diner' | 'subsidy';
  kind: 'topup' | 'meal' | 'refund';
  amount_fen: number;
  order_id: string | null;
  /** the meal's day for meal movements, the day paid for a top-up */
  day: string;
  month: string;
  client_key: string | null;
  note: string | null;
  actor_name: string;
  at: string;
}

export interface CanteenAbsenceTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  canteen_id: string;
  org_path: string;
  diner_id: string;
  last_seen_day: string;
  visit_request_id: string | null;
  raised_at: string;
}

export interface CanteenTables {
  canteens: CanteenTable;
  canteen_diners: CanteenDinerTable;
  canteen_menus: CanteenMenuTable;
  canteen_orders: CanteenOrderTable;
  canteen_standing_orders: CanteenStandingOrderTable;
  canteen_ledger: CanteenLedgerTable;
  canteen_absences: CanteenAbsenceTable;
}
