/** Where money of a fund comes from, or `spending` for what leaves it. */
export type MovementSource = 'owner' | 'subsidy' | 'company' | 'spending';
/** How a levy divides what owners owe: a rate per household, per m² of floor area, or one total split evenly. */
export type LevyBasis = 'per_household' | 'per_area' | 'flat';
export type ClaimStatus = 'pending' | 'confirmed' | 'rejected';
export type FeeUnit = 'per_m2_month' | 'per_month';

/** 物业资金: one fund per compound (小区). The balance is the sum of its movements, never stored. */
export interface FundTable {
  id: string;
  compound_id: string;
  org_path: string;
  name: string;
  /** movements so far; each movement takes the next number (serializes writers on one fund) */
  movement_count: number;
  created_at: string;
  created_by_name: string;
}

/** The owner households of a fund's compound, with their floor area for per-area levies. */
export interface FundOwnerTable {
  fund_id: string;
  household_id: string;
  org_path: string;
  area_centi_m2: number;
  added_at: string;
}

/** A call for owners' contributions (e.g. under the council's funding split). */
export interface FundLevyTable {
  id: string;
  fund_id: string;
  org_path: string;
  title: string;
  basis: LevyBasis;
  rate_fen: number;
  decision_id: string | null;
  due_on: string;
  total_fen: number;
  created_at: string;
  created_by_name: string;
}

/** What one household owes under one levy, fixed when the levy is made. */
export interface FundDueTable {
  levy_id: string;
  /** its fund's county (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  fund_id: string;
  household_id: string;
  due_fen: number;
}

/** One ledger movement: append-only (the database refuses updates and deletes). */
export interface FundMovementTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  fund_id: string;
  seq: number;
  org_path: string;
  source: MovementSource;
  /** signed: income positive, spending negative */
  amount_fen: number;
  household_id: string | null;
  levy_id: string | null;
  decision_id: string | null;
  company_id: string | null;
  payer: string | null;
  purpose: string | null;
  occurred_on: string;
  /** `YYYY-MM` of occurred_on: the monthly statement's key */
  month: string;
  channel: 'staff' | 'phone';
  client_key: string | null;
  receipt_mime: string;
  receipt_sha256: string;
  recorded_by: string;
  recorded_by_name: string;
  created_at: string;
}

/** A receipt photo; a movement's receipt has the movement's id, a claim's is named by the claim. */
export interface FundReceiptTable {
  id: string;
  fund_id: string;
  mime: string;
  size: number;
  data: Buffer;
  created_at: string;
}

/** An owner's "I paid" from the phone: it enters the ledger when staff confirm it. */
export interface FundClaimTable {
  id: string;
  fund_id: string;
  org_path: string;
  household_id: string;
  user_id: string;
  levy_id: string | null;
  amount_fen: number;
  paid_on: string;
  note: string | null;
  receipt_id: string;
  status: ClaimStatus;
  movement_id: string | null;
  decided_by_name: string | null;
  decision_note: string | null;
  client_key: string;
  created_at: string;
  decided_at: string | null;
}

/** A property company (物业公司), a partner registered by a community or street. */
export interface PropertyCompanyTable {
  id: string;
  org_path: string;
  name: string;
  credit_code: string | null;
  contact_name: string | null;
  created_at: string;
}

/** A property company's contract for one compound: services, fee and term. */
export interface PropertyContractTable {
  id: string;
  company_id: string;
  compound_id: string;
  org_path: string;
  /** JSON array of service names */
  services: string;
  fee_fen: number;
  fee_unit: FeeUnit;
  starts_on: string;
  ends_on: string;
  created_at: string;
  created_by_name: string;
}

export interface FundTables {
  funds: FundTable;
  fund_owners: FundOwnerTable;
  fund_levies: FundLevyTable;
  fund_dues: FundDueTable;
  fund_movements: FundMovementTable;
  fund_receipts: FundReceiptTable;
  fund_claims: FundClaimTable;
  property_companies: PropertyCompanyTable;
  property_contracts: PropertyContractTable;
}
