import type { CaseTable, DueState } from './tables.ts';

export const HOUR_MS = 3_600_000;
/** A resolved case nobody rated is closed this long after resolution; the resident may reopen as long after closing. */
export const RATING_WINDOW_MS = 7 * 24 * HOUR_MS;
/** The last quarter of a stage's time counts as due soon. */
const DUE_SOON_SHARE = 0.25;

export { OPEN_STATUSES } from './states.ts';

const ms = (iso: string) => new Date(iso).getTime();
const toIso = (t: number) => new Date(t).toISOString();

type DeadlineFields = Pick<
  CaseTable,
  'status' | 'created_at' | 'accepted_at' | 'accept_due_at' | 'resolve_due_at' | 'resolved_at' | 'paused_at'
>;

/** The deadline of the stage the case is in: accepting, then resolving. Null when no clock runs. */
export function stageDeadline(c: DeadlineFields): { start: number; due: number } | null {
  if (c.paused_at !== null) return null;
  if (c.status === 'submitted') return { start: ms(c.created_at), due: ms(c.accept_due_at) };
  if (c.status === 'accepted' || c.status === 'in_progress')
    return { start: ms(c.accepted_at ?? c.created_at), due: ms(c.resolve_due_at) };
  return null;
}

/** Whether the current stage is on time, due soon, or overdue, and when that next changes. */
export function evaluateDue(c: DeadlineFields, now: number): { dueState: DueState; nextCheckAt: string | null } {
  if (c.status === 'resolved' && c.resolved_at !== null) {
    return { dueState: 'ok', nextCheckAt: toIso(ms(c.resolved_at) + RATING_WINDOW_MS) };
  }
  const stage = stageDeadline(c);
  if (stage === null) return { dueState: 'ok', nextCheckAt: null };
  const soonAt = stage.due - Math.max(0, stage.due - stage.start) * DUE_SOON_SHARE;
  if (now >= stage.due) return { dueState: 'overdue', nextCheckAt: null };
  if (now >= soonAt) return { dueState: 'due_soon', nextCheckAt: toIso(stage.due) };
  return { dueState: 'ok', nextCheckAt: toIso(soonAt) };
}

export const addHours = (iso: string, hours: number) => toIso(ms(iso) + hours * HOUR_MS);
export const secondsBetween = (from: string, to: string) => Math.round((ms(to) - ms(from)) / 1000);
