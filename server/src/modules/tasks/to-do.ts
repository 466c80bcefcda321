import type { DB } from '../../db/types.ts';
import { type Actor, inScope } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';

/**
 * Which open task targets a to-do list asks about: admitted report tasks a community has not answered
 * yet (in the actor's `task.read` scope), refusals waiting for the street's review (in her `task.review`
 * scope), or refusals of tasks her units sent that nobody has reviewed yet (her `task.send` scope).
 */
export type OpenTargetKind = 'to_answer' | 'to_review' | 'refused_sent';

/** Open task targets of one kind, oldest first: how many there are and the first `limit`. */
export async function listOpenTaskTargets(deps: AppDeps, actor: Actor, kind: OpenTargetKind, limit: number) {
  let q = deps.db
    .selectFrom('task_targets')
    .innerJoin('tasks', 'tasks.id', 'task_targets.task_id')
    .innerJoin('org_units', 'org_units.id', 'task_targets.org_id');
  switch (kind) {
    case 'to_answer':
      q = q
        .where(inScope<DB, 'task_targets'>(actor, 'task.read', 'task_targets.org_path'))
        .where('task_targets.status', '=', 'admitted')
        .where('task_targets.answered_at', 'is', null)
        // only a report task is answered through the platform (answerTask); the others carry no answer
        .where('tasks.kind', '=', 'report');
      break;
    case 'to_review':
      q = q
        .where(inScope<DB, 'task_targets'>(actor, 'task.review', 'task_targets.org_path'))
        .where('task_targets.status', '=', 'refused')
        .where('task_targets.review_decision', 'is', null);
      break;
    case 'refused_sent':
      q = q
        .where(inScope<DB, 'tasks'>(actor, 'task.send', 'tasks.from_org_path'))
        .where('task_targets.status', '=', 'refused')
        .where('task_targets.review_decision', 'is', null);
      break;
  }
  const [rows, counted] = await Promise.all([
    q
      .select([
        'task_targets.task_id',
        'task_targets.org_id',
        'org_units.name as org_name',
        'tasks.title',
        'tasks.due_at',
        'task_targets.reason_zh',
        'task_targets.reason_en',
        'task_targets.created_at',
      ])
      .orderBy('task_targets.created_at')
      .orderBy('task_targets.task_id')
      .orderBy('task_targets.org_id')
      .limit(limit)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { total: Number(counted.n), items: rows };
}
