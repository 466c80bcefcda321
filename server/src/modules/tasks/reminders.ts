import { SHANGHAI_OFFSET_MS } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import type { TaskStage } from '../messages/kinds.ts';
import { enqueueMessage, listUnitStaff } from '../messages/outbox.ts';

/** A task to answer is "due soon" this long before its deadline. */
export const TASK_DUE_SOON_MS = 24 * 3_600_000;

/** A deadline as the reminder shows it: Shanghai time, `2026-12-08 17:00`. */
function shanghaiClock(iso: string): string {
  return new Date(new Date(iso).getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** The key of one reminder: a task, a community, a stage, a person — sent once. */
export const reminderKey = (taskId: string, orgId: string, stage: TaskStage, userId: string) =>
  `task.deadline:${taskId}:${orgId}:${stage}:${userId}`;

/**
 * The tasks' deadline job: for each admitted report task a community has not answered (the workbench's
 * "tasks to answer") whose deadline is within a day, or past, the community's staff who answer tasks
 * (task.read at the community) get one `task.deadline` message — once when it is due soon, once when it
 * is overdue. Each reminder's key is claimed with its message, so a restart, a second run or a second
 * server never sends one twice. In the bell at once; by SMS and WeChat only in the daily digest.
 * Returns how many reminders it enqueued.
 */
export async function remindTaskDeadlines(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  const open = await deps.db
    .selectFrom('task_targets')
    .innerJoin('tasks', 'tasks.id', 'task_targets.task_id')
    .select(['task_targets.task_id', 'task_targets.org_id', 'tasks.title', 'tasks.due_at'])
    .where('task_targets.status', '=', 'admitted')
    .where('task_targets.answered_at', 'is', null)
    .where('tasks.kind', '=', 'report')
    .where('tasks.due_at', 'is not', null)
    .where('tasks.due_at', '<=', new Date(now.getTime() + TASK_DUE_SOON_MS).toISOString())
    .execute();
  let sent = 0;
  for (const target of open) {
    const dueAt = target.due_at!;
    const stage: TaskStage = dueAt <= now.toISOString() ? 'overdue' : 'due_soon';
    const staff = await listUnitStaff(deps.db, [target.org_id], 'task.read');
    if (staff.length === 0) continue;
    const keys = staff.map((userId) => reminderKey(target.task_id, target.org_id, stage, userId));
    const done = new Set(
      (await deps.db.selectFrom('outbox_once').select('key').where('key', 'in', keys).execute()).map((r) => r.key),
    );
    const due = staff.filter((_u, i) => !done.has(keys[i]!));
    if (due.length === 0) continue;
    sent += await deps.db.transaction().execute(async (trx) => {
      let n = 0;
      for (const userId of due) {
        const ids = await enqueueMessage(trx, {
          now,
          kind: 'task.deadline',
          recipientUserId: userId,
          params: { title: target.title, due: shanghaiClock(dueAt), stage, taskId: target.task_id },
          onceKey: reminderKey(target.task_id, target.org_id, stage, userId),
        });
        if (ids.length > 0) n += 1;
      }
      return n;
    });
  }
  return sent;
}
