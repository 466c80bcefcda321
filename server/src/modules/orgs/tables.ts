export type OrgLevel =
  'nation' | 'province' | 'city' | 'county' | 'street' | 'community' | 'grid' | 'compound' | 'group' | 'department';

export interface OrgUnitTable {
  id: string;
  /** small integer key; its base36 form is this unit's segment of `path` */
  key: number;
  parent_id: string | null;
  /** materialized path of keys, e.g. `/1/2s/9x/`; subtree = range [path, path-with-last-'/'-as-'0') */
  path: string;
  depth: number;
  level: OrgLevel;
  name: string;
  full_name: string;
  /** national division code (12 digits) or the community code + 3 digits below communities */
  code: string | null;
  /** GeoJSON Polygon or MultiPolygon geometry, as text */
  geometry: string | null;
  /** for level 'department': which department (education, civil_affairs, …), as duty items name it */
  department_kind: string | null;
  retired_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface OrgCodeHistoryTable {
  id: string;
  org_id: string;
  code: string;
  name: string;
  valid_from: string;
  valid_to: string | null;
  source: string;
}

export interface OrgTables {
  org_units: OrgUnitTable;
  org_code_history: OrgCodeHistoryTable;
}
