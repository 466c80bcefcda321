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
  /** meetings: when, how long, where or by which link, who must attend (JSON list), what the sender allows */
  meeting_starts_at: string | null;
  meeting_minutes: number | null;
  meeting_place: string | null;
  meeting_video_url: string | null;
  attendees: string | null;
  allow_video: number;
  allow_written: number;
  /** documents: a reply is asked, not only "read" */
  reply_required: number;
  /** inspections: the checklist (JSON list of items) */
  checklist: string | null;
}

export type AdmissionRule = 'no_duty_item' | 'unknown_duty_item' | 'not_community_duty' | 'not_street_duty';

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
  /** the community's record of a meeting, document or inspection task (JSON), and when it was made */
  done_at: string | null;
  record: string | null;
  attendance: Attendance | null;
  minutes_attended: number | null;
  /** a report task: submitted to the street on answering, then returned or approved */
  approval_state: ApprovalState | null;
  /** the report the street approved; kept until another answer is approved (figures locked) */
  approved_report_id: string | null;
  approval_comment: string | null;
  approval_by_name: string | null;
  approval_at: string | null;
}

export const ATTENDANCES = ['in_person', 'video', 'written'] as const;
export type Attendance = (typeof ATTENDANCES)[number];
export const APPROVAL_STATES = ['submitted', 'returned', 'approved'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

/** A sender merged into a task already sent: one answer, several requesters. */
export interface TaskRequesterTable {
  task_id: string;
  org_id: string;
  org_path: string;
  title: string;
  requested_by: string | null;
  requested_by_name: string | null;
  created_at: string;
  /** the units she asked (JSON list of org ids): the outcomes she sees; null for merges made before it was kept */
  target_org_ids: string | null;
  /** her own report template: the figures she sees of the answers (a report task merged by the same metrics) */
  template_id: string | null;
}

/** One step of a report's approval (append-only). */
export interface TaskApprovalStepTable {
  id: string;
  task_id: string;
  org_id: string;
  org_path: string;
  /**
   * the level of the unit whose figures are judged: a community's report, or a street's — its own answer
   * to a task sent to the street (report_id set) or its roll-up of its communities' reports (report_id null)
   */
  level: 'community' | 'street';
  action: 'submit' | 'approve' | 'return';
  comment: string | null;
  report_id: string | null;
  actor_id: string | null;
  actor_name: string | null;
  at: string;
}

/** A street's roll-up of its communities' approved reports, approved (or returned) by the district. */
export interface TaskRollupTable {
  task_id: string;
  org_id: string;
  org_path: string;
  state: 'approved' | 'returned';
  /** JSON list of the community report ids the approval covered */
  report_ids: string | null;
  /** JSON { header, rows, totals } as approved */
  table_json: string | null;
  comment: string | null;
  by_name: string | null;
  at: string;
}

export interface TaskTables {
  tasks: TaskTable;
  task_targets: TaskTargetTable;
  task_requesters: TaskRequesterTable;
  task_approval_steps: TaskApprovalStepTable;
  task_rollups: TaskRollupTable;
}
