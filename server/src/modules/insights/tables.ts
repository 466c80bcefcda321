/** One additive counter: `n` of `fact` with dimensions `dims` within the unit at `org_path` (its whole subtree). */
export interface InsightCounterTable {
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  org_path: string;
  /** e.g. 'res' (living residents), 'case.state', 'visit.due' — see rollups.ts */
  fact: string;
  /** the dimension values joined by '|', e.g. 'female|1941|registered'; '' when none */
  dims: string;
  n: number;
}

/** What a service's row (source.id) was last counted as, where: see service-figures.ts. */
export interface InsightServiceMarkTable {
  source: string;
  id: string;
  org_path: string;
  mark: string;
}

export interface InsightTables {
  insight_counters: InsightCounterTable;
  insight_service_marks: InsightServiceMarkTable;
}
