export const TASK_KINDS = ['report', 'meeting', 'inspection', 'signboard', 'document', 'other'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** A task a department sends down to communities (准入: each target is admitted or refused). */
export interface TaskTable {
  id: string;
  title: string;
  kind: TaskKind;
  /** the duty item the sender relies on; null when none was named */
  duty_code: string | null;
  duty_item_id: string | null;
  /** report tasks: the template the answer is generated from, and the period */
  template_id: string | null;
  period: string | null;
  description: string | null;
  from_org_id: string;
  from_org_path: string;
  created_by: string | null;
  created_by_name: string | null;
  due_at: string | null;
  created_at: string;
}

export type AdmissionRule = 'no_duty_item' | 'unknown_duty_item' | 'not_community_duty';

export interface TaskTargetTable {
  task_id: string;
  org_id: string;
  org_path: string;
  status: 'admitted' | 'refused';
  rule: AdmissionRule | null;
  reason_zh: string | null;
  reason_en: string | null;
  report_id: string | null;
  filled_cells: number | null;
  typed_cells: number | null;
  answered_at: string | null;
  review_decision: 'uphold' | 'admit' | null;
  review_reason: string | null;
  reviewed_by_name: string | null;
  reviewed_at: string | null;
  created_at: string;
}

export interface TaskTables {
  tasks: TaskTable;
  task_targets: TaskTargetTable;
}
