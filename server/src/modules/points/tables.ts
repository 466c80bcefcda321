export type RuleKind = 'earn' | 'deduct';
export type RuleSource = 'volunteer' | 'council' | 'garbage' | 'deed' | 'negative';
export type RuleUnit = 'hour' | 'event';
export type AccountRole = 'member' | 'issuance' | 'store' | 'expired';
export type JournalKind = 'award' | 'withdraw' | 'deduct' | 'redeem' | 'reverse' | 'expire' | 'refund';

/** A community's rule: what earns (or costs) how many points. The deduct rules are its published 负面清单. */
export interface PointsRuleTable {
  id: string;
  org_path: string;
  code: string;
  name: string;
  kind: RuleKind;
  source_kind: RuleSource;
  unit: RuleUnit;
  points: number;
  active: number;
  created_at: string;
  updated_at: string;
}

/** A community's points policy: pool points per household or keep them per resident; expiry. */
export interface PointsPolicyTable {
  org_path: string;
  pool: 'resident' | 'household';
  /** points earned expire this many months after the month they were earned in; null: never */
  expiry_months: number | null;
  /** rolling: a month's points expire when `expiry_months` have passed after it; year_end: at the turn of the year after that */
  expiry_at: 'rolling' | 'year_end';
  updated_at: string;
  updated_by_name: string;
}

/**
 * An account of the ledger: a member's (a resident's, or a household's where the community pools them)
 * or one of the community's own (issuance: where earned points come from; store: where spent ones go;
 * expired). Its balance is the sum of its movements; a member's latest movement carries it.
 */
export interface PointsAccountTable {
  id: string;
  /** the member's household place (a grid or compound); the community's path for its own accounts */
  org_path: string;
  community_path: string;
  owner_kind: 'resident' | 'household' | 'community';
  owner_id: string;
  role: AccountRole;
  /** 1 when she opted into her grid's ranking */
  ranked: number;
  created_at: string;
  /** its community's county (db/county-key.ts), first in its primary key (migration 0047) */
  county_key: number;
}

/** One business event of the ledger (append-only): its movements sum to zero. */
export interface PointsJournalTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts, docs/scale.md): its `community_path`'s */
  county_key: number;
  community_path: string;
  kind: JournalKind;
  rule_id: string | null;
  reason: string;
  /** the record that caused it: a volunteer sign-up, a council attendance, a redemption, … (never empty) */
  source_kind: string;
  source_id: string;
  /** a reversal's or refund's original journal */
  reverses_id: string | null;
  actor_id: string | null;
  actor_name: string;
  created_at: string;
}

/** One side of a journal on one account (append-only; amount never zero). */
export interface PointsMovementTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts, docs/scale.md): its `community_path`'s, as its journal */
  county_key: number;
  journal_id: string;
  account_id: string;
  account_role: AccountRole;
  community_path: string;
  kind: JournalKind;
  amount: number;
  /** a member account's movement number (1, 2, …; unique per account: concurrent writers serialize on it) */
  seq: number | null;
  /** the member account's balance after this movement (derived; `verifyLedger` rebuilds it) */
  balance_after: number | null;
  /** Shanghai month of created_at, 'YYYY-MM' */
  month: string;
  created_at: string;
}

/** A staff-confirmed fact that earns or costs points: the source record of its journal. */
export interface PointsEventTable {
  id: string;
  community_path: string;
  resident_id: string;
  rule_id: string;
  note: string | null;
  recorded_by: string;
  recorded_by_name: string;
  created_at: string;
}

export interface PointsAppealTable {
  id: string;
  journal_id: string;
  community_path: string;
  user_id: string;
  reason: string;
  status: 'open' | 'granted' | 'refused';
  created_at: string;
  decided_at: string | null;
  decided_by_name: string | null;
  decision_note: string | null;
}

/** An item of the 积分超市: price in points, stock moved only by conditional updates. */
export interface StoreItemTable {
  id: string;
  org_id: string;
  org_path: string;
  name: string;
  description: string | null;
  price: number;
  stock: number;
  /** every unit ever stocked (stock ≤ stocked_total; stocked_total − stock = units redeemed and not reversed) */
  stocked_total: number;
  /** the alliance unit that donated it and the resources-list entry it came from */
  donor_unit_id: string | null;
  donor_name: string | null;
  resource_id: string | null;
  status: 'active' | 'withdrawn';
  created_at: string;
}

export interface StoreRedemptionTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts, docs/scale.md): its `org_path`'s (the community), as its journal */
  county_key: number;
  item_id: string;
  org_path: string;
  account_id: string;
  user_id: string;
  resident_id: string;
  resident_name: string;
  client_key: string;
  quantity: number;
  points: number;
  journal_id: string;
  status: 'reserved' | 'picked_up' | 'reversed';
  created_at: string;
  picked_up_at: string | null;
  picked_up_by_name: string | null;
  reversed_at: string | null;
  reversed_by_name: string | null;
  reverse_reason: string | null;
}

export interface PointsTables {
  points_rules: PointsRuleTable;
  points_policies: PointsPolicyTable;
  points_accounts: PointsAccountTable;
  points_journals: PointsJournalTable;
  points_movements: PointsMovementTable;
  points_appeals: PointsAppealTable;
  points_events: PointsEventTable;
  store_items: StoreItemTable;
  store_redemptions: StoreRedemptionTable;
}
