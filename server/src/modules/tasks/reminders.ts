import { SHANGHAI_OFFSET_MS } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import type { TaskStage } from '../messages/kinds.ts';
import { enqueueMessage, listUnitStaff } from '../messages/outbox.ts';
import { isTargetDone } from './service.ts';

/** A task to carry out is "due soon" (a meeting "about to start") this long before its time. */
export const TASK_DUE_SOON_MS = 24 * 3_600_000;
/** Reminders look back this far: an older task's reminders were sent (or it was carried out) long ago. */
const LOOK_BACK_MS = 180 * 24 * 3_600_000;

/** A deadline as the reminder shows it: Shanghai time, `2026-12-08 17:00`. */
function shanghaiClock(iso: string): string {
  return new Date(new Date(iso).getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** The key of one reminder: a task, a unit, a stage, a person — sent once. */
export const reminderKey = (taskId: string, orgId: string, stage: TaskStage, userId: string) =>
  `task.deadline:${taskId}:${orgId}:${stage}:${userId}`;

interface OpenTarget {
  task_id: string;
  org_id: string;
  status: 'admitted' | 'refused';
  done_at: string | null;
  approval_state: 'submitted' | 'returned' | 'approved' | null;
  kind: string;
  title: string;
  due_at: string | null;
  meeting_starts_at: string | null;
  meeting_minutes: number | null;
}

/**
 * Which reminder a target not yet carried out is due now, if any, and the time it names:
 * - a meeting: "about to start" within a day of its start (arrange who attends), then "record the
 *   attendance" once its record is due (its deadline: the meeting's end unless the sender set one) —
 *   its overdue stage;
 * - any other kind with a deadline (a report to answer, a document to acknowledge or reply to, an
 *   inspection to record): "due soon" within a day of it, then "overdue" — isTargetOverdue's rule.
 */
export function reminderStage(t: OpenTarget, now: Date): { stage: TaskStage; at: string } | null {
  if (t.status !== 'admitted' || isTargetDone(t.kind, t)) return null;
  const nowIso = now.toISOString();
  const soon = new Date(now.getTime() + TASK_DUE_SOON_MS).toISOString();
  if (t.kind === 'meeting' && t.meeting_starts_at !== null) {
    // its record is due by the deadline, which is the meeting's end unless the sender set one
    const ends = new Date(new Date(t.meeting_starts_at).getTime() + (t.meeting_minutes ?? 0) * 60_000).toISOString();
    const recordBy = t.due_at ?? ends;
    if (recordBy <= nowIso) return { stage: 'record_due', at: recordBy };
    if (t.meeting_starts_at > nowIso && t.meeting_starts_at <= soon) {
      return { stage: 'meeting_soon', at: t.meeting_starts_at };
    }
    return null;
  }
  if (t.due_at !== null && t.due_at <= nowIso) return { stage: 'overdue', at: t.due_at };
  if (t.due_at !== null && t.due_at <= soon) return { stage: 'due_soon', at: t.due_at };
  return null;
}

/**
 * The tasks' reminder job, for every kind of task: each admitted target not carried out gets, through the
 * outbox, one `task.deadline` message to the staff who carry out tasks there (task.read at the unit) per
 * stage (reminderStage); when a target becomes overdue, the sender's staff (task.send at the sending unit)
 * hear of it once per task — overdue is shown to both sides. Each reminder's key is claimed with its
 * message, so a restart, a second run or a second server never sends one twice. In the bell at once; by
 * SMS and WeChat only in the daily digest. Returns how many reminders it enqueued.
 */
export async function remindTaskDeadlines(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  const soon = new Date(now.getTime() + TASK_DUE_SOON_MS).toISOString();
  const open = await deps.db
    .selectFrom('task_targets')
    .innerJoin('tasks', 'tasks.id', 'task_targets.task_id')
    .select([
      'task_targets.task_id',
      'task_targets.org_id',
      'task_targets.status',
      'task_targets.done_at',
      'task_targets.approval_state',
      'tasks.kind',
      'tasks.title',
      'tasks.due_at',
      'tasks.meeting_starts_at',
      'tasks.meeting_minutes',
      'tasks.from_org_id',
    ])
    .where('task_targets.status', '=', 'admitted')
    .where('task_targets.done_at', 'is', null)
    .where((eb) =>
      eb.or([eb('task_targets.approval_state', 'is', null), eb('task_targets.approval_state', '=', 'returned')]),
    )
    .where('tasks.created_at', '>=', new Date(now.getTime() - LOOK_BACK_MS).toISOString())
    .where((eb) => eb.or([eb('tasks.due_at', '<=', soon), eb('tasks.meeting_starts_at', '<=', soon)]))
    .execute();
  let sent = 0;
  const overdueTasks = new Map<string, { fromOrgId: string; title: string; due: string }>();
  for (const target of open) {
    const due = reminderStage(target, now);
    if (due === null) continue;
    if (due.stage === 'overdue' || due.stage === 'record_due') {
      overdueTasks.set(target.task_id, { fromOrgId: target.from_org_id, title: target.title, due: due.at });
    }
    sent += await remindStaff(deps, {
      orgId: target.org_id,
      permission: 'task.read',
      taskId: target.task_id,
      title: target.title,
      stage: due.stage,
      at: due.at,
    });
  }
  for (const [taskId, task] of overdueTasks) {
    sent += await remindStaff(deps, {
      orgId: task.fromOrgId,
      permission: 'task.send',
      taskId,
      title: task.title,
      stage: 'overdue_sent',
      at: task.due,
    });
  }
  return sent;
}

/** One reminder to each staff member of a unit holding `permission` there who has not had it yet. */
async function remindStaff(
  deps: AppDeps,
  r: {
    orgId: string;
    permission: 'task.read' | 'task.send';
    taskId: string;
    title: string;
    stage: TaskStage;
    at: string;
  },
): Promise<number> {
  const now = deps.clock.now();
  const staff = await listUnitStaff(deps.db, [r.orgId], r.permission);
  if (staff.length === 0) return 0;
  const keys = staff.map((userId) => reminderKey(r.taskId, r.orgId, r.stage, userId));
  const done = new Set(
    (await deps.db.selectFrom('outbox_once').select('key').where('key', 'in', keys).execute()).map((k) => k.key),
  );
  const due = staff.filter((_u, i) => !done.has(keys[i]!));
  if (due.length === 0) return 0;
  return deps.db.transaction().execute(async (trx) => {
    let n = 0;
    for (const userId of due) {
      const ids = await enqueueMessage(trx, {
        now,
        kind: 'task.deadline',
        recipientUserId: userId,
        params: { title: r.title, due: shanghaiClock(r.at), stage: r.stage, taskId: r.taskId },
        onceKey: reminderKey(r.taskId, r.orgId, r.stage, userId),
      });
      if (ids.length > 0) n += 1;
    }
    return n;
  });
}
