import type { DepartmentKind, DutyKind } from './default-items.ts';

/** One revision of a duty item (权责清单事项); editing writes a new revision and keeps the old one. */
export interface DutyItemTable {
  id: string;
  code: string;
  revision: number;
  is_current: number;
  /** the list's version when this revision was written */
  list_version: number;
  category_top: string;
  category_sub: string;
  name: string;
  kind: DutyKind;
  department_kind: DepartmentKind | null;
  accept_hours: number;
  resolve_hours: number;
  urgent_accept_hours: number;
  urgent_resolve_hours: number;
  legal_basis: string;
  description: string;
  /** JSON array of search words */
  keywords: string;
  is_public: number;
  is_retired: number;
  created_by: string | null;
  created_at: string;
}

export interface DutyTables {
  duty_items: DutyItemTable;
}
