import type { Actor } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { currentMonth, shanghaiMonth } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict, invalidField } from '../../platform/errors.ts';
import type { TaskSendBody } from './schema.ts';
import { getTask } from './service.ts';

/**
 * 一表通's promise: a sender about to send a task that overlaps one already sent to the same units in
 * the same period — the same duty item, the same report template, or a template asking the same figures —
 * is told, and may join it instead (one answer, several requesters).
 */

/** Look-back for overlaps: tasks of the same period are sent within a couple of months of each other. */
const LOOK_BACK_MS = 62 * 24 * 3_600_000;

interface TemplateColumn {
  metric?: string;
  filter?: unknown;
}

/** The figures a units template asks for: metric + filter of each column (derived and typed ones aside). */
function figuresOf(definition: string): Set<string> {
  const t = JSON.parse(definition) as { rowKind: string; columns?: TemplateColumn[] };
  if (t.rowKind !== 'units') return new Set();
  return new Set(
    (t.columns ?? [])
      .filter((c) => typeof c.metric === 'string')
      .map((c) => `${c.metric}|${JSON.stringify(c.filter ?? {})}`),
  );
}

export interface Overlap {
  taskId: string;
  title: string;
  kind: string;
  fromOrgName: string;
  period: string | null;
  sharedTargets: number;
  reason: 'same_item' | 'same_template' | 'same_metrics';
  canMerge: boolean;
}

/** Tasks already sent that the new one overlaps, the ones it may merge into first. */
export async function findOverlaps(
  deps: AppDeps,
  body: TaskSendBody,
  targetIds: string[],
  fromOrgId: string,
): Promise<Overlap[]> {
  const now = deps.clock.now();
  const period = body.kind === 'report' ? (body.period ?? currentMonth(now)) : currentMonth(now);
  const shared = new Map<string, number>();
  for (let i = 0; i < targetIds.length; i += 500) {
    const rows = await deps.db
      .selectFrom('task_targets')
      .innerJoin('tasks', 'tasks.id', 'task_targets.task_id')
      .select(['tasks.id'])
      .where('task_targets.org_id', 'in', targetIds.slice(i, i + 500))
      .where('task_targets.status', '=', 'admitted')
      .where('tasks.kind', '=', body.kind)
      .where('tasks.created_at', '>=', new Date(now.getTime() - LOOK_BACK_MS).toISOString())
      .execute();
    for (const r of rows) shared.set(r.id, (shared.get(r.id) ?? 0) + 1);
  }
  if (shared.size === 0) return [];
  const tasks = await deps.db
    .selectFrom('tasks')
    .innerJoin('org_units as o', 'o.id', 'tasks.from_org_id')
    .leftJoin('report_templates as rt', 'rt.id', 'tasks.template_id')
    .select([
      'tasks.id',
      'tasks.title',
      'tasks.kind',
      'tasks.duty_code',
      'tasks.template_id',
      'tasks.period',
      'tasks.created_at',
      'tasks.from_org_id',
      'o.name as from_name',
      'rt.definition',
    ])
    .where('tasks.id', 'in', [...shared.keys()])
    .execute();
  let wanted = new Set<string>();
  if (body.kind === 'report' && body.templateId !== undefined) {
    const t = await deps.db
      .selectFrom('report_templates')
      .select('definition')
      .where('id', '=', body.templateId)
      .executeTakeFirst();
    wanted = t === undefined ? new Set() : figuresOf(t.definition);
  }
  const out: Overlap[] = [];
  // merging serves the new sender only if the task already reaches every unit she asks
  const coversAll = (id: string) => (shared.get(id) ?? 0) === targetIds.length;
  const requesters = await deps.db
    .selectFrom('task_requesters')
    .select('task_id')
    .where('org_id', '=', fromOrgId)
    .where('task_id', 'in', [...shared.keys()])
    .execute();
  // a task the sender's unit already asks for is told (not sent twice) but offers nothing to merge into
  const isOwn = (t: { id: string; from_org_id: string }) =>
    t.from_org_id === fromOrgId || requesters.some((r) => r.task_id === t.id);
  for (const t of tasks) {
    const base = {
      taskId: t.id,
      title: t.title,
      kind: t.kind,
      fromOrgName: t.from_name,
      period: t.period,
      sharedTargets: shared.get(t.id) ?? 0,
    };
    if (body.kind === 'report') {
      if (t.period !== period) continue;
      if (t.template_id !== null && t.template_id === body.templateId) {
        out.push({ ...base, reason: 'same_template', canMerge: coversAll(t.id) && !isOwn(t) });
        continue;
      }
      const theirs = t.definition === null ? new Set<string>() : figuresOf(t.definition);
      const common = [...wanted].filter((f) => theirs.has(f));
      if (common.length > 0) {
        out.push({
          ...base,
          reason: 'same_metrics',
          canMerge: common.length === wanted.size && coversAll(t.id) && !isOwn(t),
        });
      }
      continue;
    }
    if (shanghaiMonth(t.created_at) !== period) continue;
    if (body.dutyItemCode !== undefined && t.duty_code === body.dutyItemCode) {
      out.push({ ...base, reason: 'same_item', canMerge: coversAll(t.id) && !isOwn(t) });
    }
  }
  return out.sort((a, b) => Number(b.canMerge) - Number(a.canMerge) || b.sharedTargets - a.sharedTargets);
}

/** Joins the sender to an overlapping task instead of sending a new one; she sees the answers of the units she asked as hers. */
export async function mergeIntoTask(
  deps: AppDeps,
  actor: Actor,
  from: { id: string; path: string },
  body: TaskSendBody,
  taskId: string,
) {
  const overlaps = await findOverlaps(deps, body, [...new Set(body.targetOrgIds)], from.id);
  const match = overlaps.find((o) => o.taskId === taskId);
  if (match === undefined || !match.canMerge) {
    throw invalidField('mergeIntoTaskId', 'not_mergeable', {
      zh: '该任务与本次下发内容不重合，不能合并',
      en: 'That task does not cover what this one asks; it cannot be merged',
    });
  }
  const task = await deps.db
    .selectFrom('tasks')
    .select('from_org_id')
    .where('id', '=', taskId)
    .executeTakeFirstOrThrow();
  const already = await deps.db
    .selectFrom('task_requesters')
    .select('task_id')
    .where('task_id', '=', taskId)
    .where('org_id', '=', from.id)
    .executeTakeFirst();
  if (task.from_org_id === from.id || already !== undefined) {
    throw conflict('CONFLICT', 'mergeIntoTaskId', {
      zh: '本单位已是该任务的发起方',
      en: 'Your unit already asks for this task',
    });
  }
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('task_requesters')
      .values({
        task_id: taskId,
        org_id: from.id,
        org_path: from.path,
        title: body.title,
        requested_by: actor.userId,
        requested_by_name: actor.displayName,
        created_at: deps.clock.now().toISOString(),
        target_org_ids: JSON.stringify([...new Set(body.targetOrgIds)]),
        template_id: body.templateId ?? null,
      })
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'task.merge',
      targetType: 'task',
      targetId: taskId,
      orgId: from.id,
      orgPath: from.path,
      detail: { reason: match.reason, title: body.title },
    });
  });
  const detail = await getTask(deps, actor, taskId);
  return { id: taskId, merged: true, outcomes: detail.outcomes };
}
