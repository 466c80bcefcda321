/**
 * The states of a case and the one name each has, in Chinese and English. Every screen names a state
 * from here: the console and the phone import this file (web/src/shared/case-states.ts), the server's
 * notifications, insight panels, reports and Open311 status notes use it too, and `states.test.ts`
 * fails when another table of state names appears. This file imports nothing, so both sides can use it.
 */
export const CASE_STATUSES = [
  'submitted',
  'accepted',
  'in_progress',
  'resolved',
  'closed',
  'rejected',
  'merged',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The states in which a case is open: its deadline clock runs, it may be offered, followed or merged into. */
export const OPEN_STATUSES: readonly CaseStatus[] = ['submitted', 'accepted', 'in_progress'];

export interface StateLabel {
  zh: string;
  en: string;
}

export const CASE_STATE_LABELS: Readonly<Record<CaseStatus, StateLabel>> = {
  submitted: { zh: '待签收', en: 'Awaiting acceptance' },
  accepted: { zh: '已签收', en: 'Accepted' },
  in_progress: { zh: '办理中', en: 'In progress' },
  resolved: { zh: '已办结', en: 'Resolved' },
  closed: { zh: '已关闭', en: 'Closed' },
  rejected: { zh: '已驳回', en: 'Rejected' },
  merged: { zh: '已合并', en: 'Merged' },
};

/** The steps of a timeline that put a case into a state, named by the state they lead to. */
export const STEP_INTO_STATE: Readonly<Partial<Record<string, CaseStatus>>> = {
  accepted: 'accepted',
  resolved: 'resolved',
  closed: 'closed',
  rejected: 'rejected',
  merged: 'merged',
};
