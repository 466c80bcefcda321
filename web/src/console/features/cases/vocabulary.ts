import type { CaseChannel, CaseEvent, CaseQueue, CaseStatus, DueState } from '../../../api/types';
import { CASE_STATE_LABELS, CASE_STATUSES, OPEN_STATUSES } from '../../../shared/case-states';
import type { MessageKey } from '../../app/messages';

export const QUEUES: readonly CaseQueue[] = ['mine', 'unit', 'due_soon', 'overdue', 'escalated', 'all'];

export const QUEUE_LABEL: Record<CaseQueue, MessageKey> = {
  mine: 'cases.queue.mine',
  unit: 'cases.queue.unit',
  due_soon: 'cases.queue.due_soon',
  overdue: 'cases.queue.overdue',
  escalated: 'cases.queue.escalated',
  all: 'cases.queue.all',
};

export const STATUSES: readonly CaseStatus[] = CASE_STATUSES;

/** Each state's one name, shared with the phone and the server (shared/case-states.ts). */
export const STATUS_LABEL: Readonly<Record<CaseStatus, { zh: string; en: string }>> = CASE_STATE_LABELS;

export const STATUS_COLOR: Record<CaseStatus, string> = {
  submitted: 'orange',
  accepted: 'cyan',
  in_progress: 'blue',
  resolved: 'green',
  closed: 'default',
  rejected: 'volcano',
  merged: 'purple',
};

/** Statuses in which the deadline clock still runs (shared/case-states.ts). */
export const isOpen = (status: CaseStatus) => OPEN_STATUSES.includes(status);

export const DUE_LABEL: Record<DueState, MessageKey> = {
  ok: 'cases.due.ok',
  due_soon: 'cases.due.due_soon',
  overdue: 'cases.due.overdue',
};

export const DUE_COLOR: Record<DueState, string> = { ok: 'success', due_soon: 'warning', overdue: 'error' };

export const CHANNEL_LABEL: Record<CaseChannel, MessageKey> = {
  resident_app: 'cases.channel.resident_app',
  phone: 'cases.channel.phone',
  walk_in: 'cases.channel.walk_in',
  grid_worker: 'cases.channel.grid_worker',
  hotline: 'cases.channel.hotline',
  open311: 'cases.channel.open311',
  visit: 'cases.channel.visit',
};

/** The channels staff enter on someone's behalf. */
export const STAFF_CHANNELS = ['phone', 'walk_in', 'grid_worker'] as const;

type EventKind = CaseEvent['kind'];

export const EVENT_LABEL: Record<EventKind, MessageKey> = {
  submitted: 'cases.event.submitted',
  routed: 'cases.event.routed',
  accepted: 'cases.event.accepted',
  started: 'cases.event.started',
  resolved: 'cases.event.resolved',
  closed: 'cases.event.closed',
  rejected: 'cases.event.rejected',
  merged: 'cases.event.merged',
  reopened: 'cases.event.reopened',
  reassigned: 'cases.event.reassigned',
  returned: 'cases.event.returned',
  escalated: 'cases.event.escalated',
  supervised: 'cases.event.supervised',
  paused: 'cases.event.paused',
  resumed: 'cases.event.resumed',
  due_soon: 'cases.event.due_soon',
  overdue: 'cases.event.overdue',
  note: 'cases.event.note',
  reply: 'cases.event.reply',
  rated: 'cases.event.rated',
};

export const EVENT_COLOR: Partial<Record<EventKind, string>> = {
  resolved: 'green',
  closed: 'green',
  rated: 'green',
  rejected: 'red',
  overdue: 'red',
  escalated: 'red',
  supervised: 'red',
  due_soon: 'orange',
  paused: 'gray',
  note: 'gray',
};

/** The actions of the case detail, as the server names them in `actions`. */
export type CaseAction =
  | 'accept'
  | 'start'
  | 'resolve'
  | 'reject'
  | 'return'
  | 'reassign'
  | 'pause'
  | 'resume'
  | 'supervise'
  | 'merge'
  | 'reopen'
  | 'note'
  | 'reply';

export const ACTION_LABEL: Record<CaseAction, MessageKey> = {
  accept: 'cases.action.accept',
  start: 'cases.action.start',
  resolve: 'cases.action.resolve',
  reject: 'cases.action.reject',
  return: 'cases.action.return',
  reassign: 'cases.action.reassign',
  pause: 'cases.action.pause',
  resume: 'cases.action.resume',
  supervise: 'cases.action.supervise',
  merge: 'cases.action.merge',
  reopen: 'cases.action.reopen',
  note: 'cases.action.note',
  reply: 'cases.action.reply',
};
