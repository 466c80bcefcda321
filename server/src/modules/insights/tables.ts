/** One additive counter: `n` of `fact` with dimensions `dims` within the unit at `org_path` (its whole subtree). */
export interface InsightCounterTable {
  org_path: string;
  /** e.g. 'res' (living residents), 'case.state', 'visit.due' — see rollups.ts */
  fact: string;
  /** the dimension values joined by '|', e.g. 'female|1941|registered'; '' when none */
  dims: string;
  n: number;
}

export interface InsightTables {
  insight_counters: InsightCounterTable;
}
