import type { DB } from '../../db/types.ts';
import {
  type Actor,
  canAt,
  inScope,
  inScopeWithin,
  parentPath,
  scopeRoots,
  subtreeEnd,
} from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, forbidden, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { DutyItemTable } from '../duties/tables.ts';
import { listCurrentDutyItems } from '../duties/service.ts';
import { getUnitWith } from '../insights/service.ts';
import { generateReport } from '../reports/generate.ts';
import { currentMonth } from '../../platform/calendar.ts';
import { enqueueForUnitStaff } from '../messages/outbox.ts';
import { differenceOf, listApprovalSteps, listRollups, recordApprovalStep, shownRollup } from './approvals.ts';
import { findOverlaps, mergeIntoTask } from './merge.ts';
import type { TaskListQuery, TaskSendBody } from './schema.ts';
import type { AdmissionRule, TaskTable, TaskTargetTable } from './tables.ts';

const TASK = { zh: '任务', en: 'Task' };

export interface Admission {
  status: 'admitted' | 'refused';
  rule: AdmissionRule | null;
  reason_zh: string | null;
  reason_en: string | null;
}

/**
 * Which duty-list kinds each level of target takes on. A community takes its own duties (社区依法履职事项)
 * and those it assists a department with (社区协助事项). A street takes its own (街道职责, kind `street`)
 * and, as the unit that leads its communities, their duties and assisting duties too (it organises and
 * sums them up); neither takes a department's own duty (部门职责) — that stays with the department.
 */
export const ADMITTED_KINDS: Record<TargetLevel, ReadonlySet<string>> = {
  community: new Set(['community', 'assist']),
  street: new Set(['street', 'community', 'assist']),
};
export const TARGET_LEVELS = ['community', 'street'] as const;
export type TargetLevel = (typeof TARGET_LEVELS)[number];
const isTargetLevel = (level: string): level is TargetLevel => (TARGET_LEVELS as readonly string[]).includes(level);

/**
 * 准入: a task sent down to a community or a street is admitted only when it names a current duty-list
 * item the target takes on (ADMITTED_KINDS). Anything else is refused, with the rule and the reason,
 * before it reaches anyone's desk.
 */
export function admitTask(
  dutyCode: string | undefined,
  item: DutyItemTable | undefined,
  level: TargetLevel = 'community',
): Admission {
  const who = level === 'street' ? { zh: '街道', en: 'the street' } : { zh: '社区', en: 'the community' };
  if (dutyCode === undefined) {
    return {
      status: 'refused',
      rule: 'no_duty_item',
      reason_zh: `任务未注明所依据的权责清单事项。依照工作事项准入制度，未列入清单的事项${who.zh}不予承接。`,
      reason_en: `The task names no duty-list item. Under the work admission rules, work not on the list is not taken on by ${who.en}.`,
    };
  }
  if (item === undefined) {
    return {
      status: 'refused',
      rule: 'unknown_duty_item',
      reason_zh: `权责清单中没有现行事项“${dutyCode}”，${who.zh}不予承接。`,
      reason_en: `There is no current duty-list item "${dutyCode}"; ${who.en} does not take it on.`,
    };
  }
  if (!ADMITTED_KINDS[level].has(item.kind)) {
    const owner =
      item.kind === 'street'
        ? { zh: '街道', en: 'the street' }
        : item.kind === 'department'
          ? { zh: '职能部门', en: 'a department' }
          : { zh: '社区', en: 'the community' };
    return level === 'street'
      ? {
          status: 'refused',
          rule: 'not_street_duty',
          reason_zh: `事项“${item.name}”（${item.code}）属于${owner.zh}职责，不在街道职责及其指导的社区事项之内，街道不予承接。`,
          reason_en: `"${item.name}" (${item.code}) is the duty of ${owner.en}, neither the street's nor one of its communities'; the street does not take it on.`,
        }
      : {
          status: 'refused',
          rule: 'not_community_duty',
          reason_zh: `事项“${item.name}”（${item.code}）属于${owner.zh}职责，不是社区依法履职或协助事项，社区不予承接。`,
          reason_en: `"${item.name}" (${item.code}) is the duty of ${owner.en}, not a community duty or one it assists with; the community does not take it on.`,
        };
  }
  return { status: 'admitted', rule: null, reason_zh: null, reason_en: null };
}

/** The unit a task is sent from: the one given, or the only unit where the actor may send tasks. */
export async function senderUnit(deps: AppDeps, actor: Actor, fromOrgId: string | undefined) {
  if (fromOrgId !== undefined) return getUnitWith(deps.db, actor, fromOrgId, 'task.send');
  const assignments = actor.assignments.filter((a) => scopeRoots(actor, 'task.send').includes(a.orgPath));
  const ids = [...new Set(assignments.map((a) => a.orgId))];
  if (ids.length !== 1) {
    throw invalidField('fromOrgId', 'sender_unit_required', {
      zh: '请指明以哪个单位的名义下发任务',
      en: 'Say which unit the task is sent from',
    });
  }
  return getUnitWith(deps.db, actor, ids[0]!, 'task.send');
}

/**
 * A target is done when the community has carried the task to its end: a report answered and not
 * returned, any other kind recorded. Refused targets are never done nor overdue.
 */
export function isTargetDone(kind: string, t: Pick<TaskTargetTable, 'status' | 'done_at' | 'approval_state'>) {
  if (t.status !== 'admitted') return false;
  return kind === 'report' ? t.approval_state === 'submitted' || t.approval_state === 'approved' : t.done_at !== null;
}

/** THE overdue rule, for both sides: admitted, not done, and its deadline passed. */
export function isTargetOverdue(
  task: Pick<TaskTable, 'kind' | 'due_at'>,
  t: Pick<TaskTargetTable, 'status' | 'done_at' | 'approval_state'>,
  now: Date,
) {
  return (
    t.status === 'admitted' && task.due_at !== null && task.due_at < now.toISOString() && !isTargetDone(task.kind, t)
  );
}

export function toOutcome(
  t: TaskTargetTable & { org_name: string; org_level: string },
  task: Pick<TaskTable, 'kind' | 'due_at'>,
  now: Date,
  difference: { row: string; column: string; approved: unknown; now: unknown }[] = [],
  actor?: Actor,
) {
  return {
    orgId: t.org_id,
    orgName: t.org_name,
    orgLevel: t.org_level,
    canJudge: actor !== undefined && task.kind === 'report' && mayJudgeAt(actor, t.org_path),
    status: t.status,
    reason_zh: t.reason_zh,
    reason_en: t.reason_en,
    rule: t.rule,
    reportId: t.report_id,
    answeredAt: t.answered_at,
    filledCells: t.filled_cells,
    typedCells: t.typed_cells,
    review:
      t.review_decision === null
        ? null
        : {
            decision: t.review_decision,
            reason: t.review_reason,
            reviewerName: t.reviewed_by_name,
            at: t.reviewed_at ?? '',
          },
    doneAt: t.done_at,
    record: t.record === null ? null : (JSON.parse(t.record) as Record<string, unknown>),
    isOverdue: isTargetOverdue(task, t, now),
    approval:
      t.approval_state === null
        ? null
        : {
            state: t.approval_state,
            comment: t.approval_comment,
            byName: t.approval_by_name,
            at: t.approval_at,
            approvedReportId: t.approved_report_id,
            difference,
          },
  };
}

/** Whether the actor stands at the level above the unit at `path` (a street its communities, the district its streets). */
export function mayJudgeAt(actor: Actor, path: string) {
  const parent = parentPath(path);
  return parent !== path && canAt(actor, 'task.review', parent);
}

/** Where a unit's tasks may go: under its own unit, or for a department under the district it belongs to. */
export async function reachOf(deps: AppDeps, from: { level: string; parent_id: string | null; path: string }) {
  return from.level === 'department' && from.parent_id !== null
    ? await deps.db.selectFrom('org_units').select('path').where('id', '=', from.parent_id).executeTakeFirstOrThrow()
    : { path: from.path };
}

/**
 * The units a sender may send tasks to — the communities and streets below it — each with its parent: a
 * department's district lies outside its own scope, so the console cannot find them by browsing the tree.
 */
export async function listTaskTargets(deps: AppDeps, actor: Actor, fromOrgId: string | undefined) {
  const from = await senderUnit(deps, actor, fromOrgId);
  const reach = await reachOf(deps, from);
  const rows = await deps.db
    .selectFrom('org_units as c')
    .leftJoin('org_units as p', 'p.id', 'c.parent_id')
    .select(['c.id', 'c.name', 'c.code', 'c.level', 'p.name as parentName'])
    .where('c.level', 'in', [...TARGET_LEVELS])
    .where('c.retired_at', 'is', null)
    .where('c.path', '>', reach.path)
    .where('c.path', '<', subtreeEnd(reach.path))
    .orderBy('c.path')
    .limit(5000)
    .execute();
  return { fromOrgId: from.id, items: rows };
}

/** Sends a task to communities; each target is admitted or refused at once, and the sender sees the outcomes. */
export async function sendTask(deps: AppDeps, actor: Actor, body: TaskSendBody) {
  const from = await senderUnit(deps, actor, body.fromOrgId);
  const reach = await reachOf(deps, from);
  const targetIds = [...new Set(body.targetOrgIds)];
  const byId = await checkTargets(deps, reach, targetIds);
  checkKindFields(deps, body);
  if (body.kind === 'report' && body.templateId === undefined) {
    throw invalidField('templateId', 'template_required', {
      zh: '报表类任务须指定报表模板（一表通），由系统生成',
      en: 'A report task names the report template it is answered with',
    });
  }
  if (body.templateId !== undefined) {
    const template = await deps.db
      .selectFrom('report_templates')
      .select('id')
      .where('id', '=', body.templateId)
      .executeTakeFirst();
    if (template === undefined) {
      throw invalidField('templateId', 'unknown_template', { zh: '报表模板不存在', en: 'No such report template' });
    }
  }
  if (body.mergeIntoTaskId !== undefined) return mergeIntoTask(deps, actor, from, body, body.mergeIntoTaskId);
  if (body.sendSeparately !== true) {
    const overlaps = await findOverlaps(deps, body, targetIds, from.id);
    if (overlaps.length > 0) {
      const first = overlaps[0]!;
      throw new AppError(
        'CONFLICT',
        {
          zh: `与已下发的任务“${first.title}”（${first.fromOrgName}）重复，可合并到该任务，或注明仍单独下发`,
          en: `This overlaps "${first.title}" sent by ${first.fromOrgName}: merge into it, or say to send it separately`,
        },
        [
          {
            code: 'task_overlaps',
            field: 'mergeIntoTaskId',
            message_zh: `可合并到任务“${first.title}”`,
            message_en: `May be merged into "${first.title}"`,
          },
        ],
      );
    }
  }
  const items = await listCurrentDutyItems(deps.db);
  const item = body.dutyItemCode === undefined ? undefined : items.find((x) => x.code === body.dutyItemCode);
  const admissionOf = {
    community: admitTask(body.dutyItemCode, item, 'community'),
    street: admitTask(body.dutyItemCode, item, 'street'),
  };
  const now = deps.clock.now().toISOString();
  const meeting = body.kind === 'meeting' ? body.meeting : undefined;
  const task: TaskTable = {
    id: newId(),
    title: body.title,
    kind: body.kind,
    duty_code: body.dutyItemCode ?? null,
    duty_item_id: item?.id ?? null,
    template_id: body.templateId ?? null,
    period: body.kind === 'report' ? (body.period ?? currentMonth(deps.clock.now())) : (body.period ?? null),
    description: body.description ?? null,
    from_org_id: from.id,
    from_org_path: from.path,
    created_by: actor.userId,
    created_by_name: actor.displayName,
    due_at:
      body.dueAt !== undefined
        ? new Date(body.dueAt).toISOString()
        : meeting !== undefined
          ? // the attendance is recorded once the meeting is over
            new Date(new Date(meeting.startsAt).getTime() + meeting.minutes * 60_000).toISOString()
          : null,
    created_at: now,
    meeting_starts_at: meeting === undefined ? null : new Date(meeting.startsAt).toISOString(),
    meeting_minutes: meeting?.minutes ?? null,
    meeting_place: meeting?.place ?? null,
    meeting_video_url: meeting?.videoUrl ?? null,
    attendees: meeting === undefined ? null : JSON.stringify(meeting.attendees),
    allow_video: meeting?.allowVideo === true ? 1 : 0,
    allow_written: meeting?.allowWritten === true ? 1 : 0,
    reply_required: body.kind === 'document' && body.replyRequired === true ? 1 : 0,
    checklist: body.kind === 'inspection' ? JSON.stringify(body.checklist ?? []) : null,
  };
  const rows: TaskTargetTable[] = targetIds.map((id) => ({
    task_id: task.id,
    org_id: id,
    org_path: byId.get(id)!.path,
    ...admissionOf[byId.get(id)!.level as TargetLevel],
    report_id: null,
    filled_cells: null,
    typed_cells: null,
    answered_at: null,
    review_decision: null,
    review_reason: null,
    reviewed_by_name: null,
    reviewed_at: null,
    created_at: now,
    done_at: null,
    record: null,
    attendance: null,
    minutes_attended: null,
    approval_state: null,
    approved_report_id: null,
    approval_comment: null,
    approval_by_name: null,
    approval_at: null,
  }));
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('tasks').values(task).execute();
    for (let i = 0; i < rows.length; i += 100)
      await trx
        .insertInto('task_targets')
        .values(rows.slice(i, i + 100))
        .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'task.send',
      targetType: 'task',
      targetId: task.id,
      orgId: from.id,
      orgPath: from.path,
      detail: {
        kind: body.kind,
        dutyCode: task.duty_code,
        targets: rows.length,
        admitted: rows.filter((r) => r.status === 'admitted').length,
      },
    });
    const admitted = rows.filter((r) => r.status === 'admitted').map((r) => r.org_id);
    if (admitted.length > 0) {
      await enqueueForUnitStaff(trx, {
        now: deps.clock.now(),
        kind: 'task.received',
        params: { title: task.title, from: from.name, taskId: task.id },
        orgIds: admitted,
        permission: 'task.read',
      });
    }
  });
  const at = deps.clock.now();
  return {
    id: task.id,
    merged: false,
    outcomes: rows.map((r) => {
      const unit = byId.get(r.org_id)!;
      return toOutcome({ ...r, org_name: unit.name, org_level: unit.level }, task, at, [], actor);
    }),
  };
}

/** What an about-to-be-sent task overlaps (the console asks before sending, to offer the merge). */
export async function checkOverlaps(deps: AppDeps, actor: Actor, body: TaskSendBody) {
  const from = await senderUnit(deps, actor, body.fromOrgId);
  const reach = await reachOf(deps, from);
  const targetIds = [...new Set(body.targetOrgIds)];
  await checkTargets(deps, reach, targetIds);
  return { items: await findOverlaps(deps, body, targetIds, from.id) };
}

/** The fields each kind of task needs: a meeting's time and attendees, deadlines not in the past. */
function checkKindFields(deps: AppDeps, body: TaskSendBody) {
  const now = deps.clock.now().getTime();
  if (body.dueAt !== undefined && new Date(body.dueAt).getTime() <= now) {
    throw invalidField('dueAt', 'deadline_past', { zh: '截止时间不能早于现在', en: 'The deadline is in the past' });
  }
  if (body.kind !== 'meeting' && body.meeting !== undefined) {
    throw invalidField('meeting', 'not_a_meeting', {
      zh: '只有会议类任务可填写会议信息',
      en: 'Only a meeting task has meeting details',
    });
  }
  if (body.kind === 'meeting') {
    const m = body.meeting;
    if (m === undefined) {
      throw invalidField('meeting', 'meeting_required', {
        zh: '会议须写明时间、时长、地点或视频链接和参会人员',
        en: 'A meeting needs its time, length, place or video link and attendees',
      });
    }
    if (new Date(m.startsAt).getTime() <= now) {
      throw invalidField('meeting.startsAt', 'meeting_past', {
        zh: '会议时间不能早于现在',
        en: 'The meeting time is in the past',
      });
    }
    if (m.attendees.length === 0) {
      throw invalidField('meeting.attendees', 'attendees_required', {
        zh: '请写明哪些人员须参会',
        en: 'Say who must attend',
      });
    }
    if (m.place === undefined && m.videoUrl === undefined) {
      throw invalidField('meeting.place', 'place_required', {
        zh: '请写明会议地点或视频会议链接',
        en: 'Give the place or the video link',
      });
    }
    if (m.allowVideo && m.videoUrl === undefined) {
      throw invalidField('meeting.videoUrl', 'video_url_required', {
        zh: '允许视频参会时须提供视频会议链接',
        en: 'Attending by video needs a video link',
      });
    }
  }
  if (body.kind === 'inspection' && (body.checklist ?? []).length === 0) {
    throw invalidField('checklist', 'checklist_required', {
      zh: '检查类任务须列出检查清单',
      en: 'An inspection task lists its checklist',
    });
  }
}

/** The targets, each a community or street below the sender's reach (else a 404 naming the field). */
export async function checkTargets(deps: AppDeps, reach: { path: string }, targetIds: string[]) {
  const targets: { id: string; name: string; path: string; level: string }[] = [];
  for (let i = 0; i < targetIds.length; i += 500) {
    targets.push(
      ...(await deps.db
        .selectFrom('org_units')
        .select(['id', 'name', 'path', 'level'])
        .where('id', 'in', targetIds.slice(i, i + 500))
        .execute()),
    );
  }
  const byId = new Map(targets.map((t) => [t.id, t]));
  for (const [i, id] of targetIds.entries()) {
    const t = byId.get(id);
    // strictly below: a street does not send a task to itself
    if (t === undefined || !t.path.startsWith(reach.path) || t.path === reach.path) {
      throw new AppError('NOT_FOUND', { zh: '接收单位不存在或不在您的下发范围内', en: 'Target unit not found' }, [
        {
          code: 'not_found',
          field: `targetOrgIds.${i}`,
          message_zh: '接收单位不存在或不在下发范围内',
          message_en: 'Target unit not found',
        },
      ]);
    }
    if (!isTargetLevel(t.level)) {
      throw invalidField(`targetOrgIds.${i}`, 'not_a_target_level', {
        zh: `${t.name}不是街道或社区；任务只能下发到街道和社区`,
        en: `${t.name} is not a street or community; tasks go to streets and communities`,
      });
    }
  }
  return byId;
}

/** A task's counts over some of its targets. */
function countsOf(
  task: Pick<TaskTable, 'kind' | 'due_at'>,
  mine: Pick<TaskTargetTable, 'status' | 'answered_at' | 'done_at' | 'approval_state'>[],
  now: Date,
) {
  const admitted = mine.filter((x) => x.status === 'admitted').length;
  return {
    targets: mine.length,
    admitted,
    refused: mine.length - admitted,
    answered: mine.filter((x) => x.answered_at !== null).length,
    done: mine.filter((x) => isTargetDone(task.kind, x)).length,
    overdue: mine.filter((x) => isTargetOverdue(task, x, now)).length,
    approved: mine.filter((x) => x.approval_state === 'approved').length,
  };
}

async function summarize(
  deps: AppDeps,
  tasks: TaskTable[],
  asked: (taskId: string) => 'all' | Set<string> = () => 'all',
) {
  if (tasks.length === 0) return [];
  const db = deps.db;
  const ids = tasks.map((t) => t.id);
  const [targets, orgs, items] = await Promise.all([
    db
      .selectFrom('task_targets')
      .select(['task_id', 'org_id', 'status', 'answered_at', 'done_at', 'approval_state'])
      .where('task_id', 'in', ids)
      .execute(),
    db
      .selectFrom('org_units')
      .select(['id', 'name', 'level', 'code'])
      .where('id', 'in', [...new Set(tasks.map((t) => t.from_org_id))])
      .execute(),
    listCurrentDutyItems(db),
  ]);
  const now = deps.clock.now();
  return tasks.map((t) => {
    const only = asked(t.id);
    const mine = targets.filter((x) => x.task_id === t.id && (only === 'all' || only.has(x.org_id)));
    const o = orgs.find((x) => x.id === t.from_org_id)!;
    return {
      ...countsOf(t, mine, now),
      id: t.id,
      title: t.title,
      kind: t.kind,
      dutyItemCode: t.duty_code,
      dutyItemName: items.find((i) => i.code === t.duty_code)?.name ?? null,
      fromOrg: { id: o.id, name: o.name, level: o.level, code: o.code },
      createdAt: t.created_at,
      dueAt: t.due_at,
      period: t.period,
      templateId: t.template_id,
    };
  });
}

/**
 * What the actor asked of a task: everything, when one of her units sent it; the units her units asked,
 * when they merged into it (a requester sees the outcomes of the targets it asked, not the first
 * sender's other ones); nothing otherwise.
 */
export async function askedOfTask(
  deps: AppDeps,
  actor: Actor,
  task: Pick<TaskTable, 'id' | 'from_org_path'>,
): Promise<'all' | Set<string> | null> {
  const requesters = await deps.db
    .selectFrom('task_requesters')
    .select(['org_path', 'target_org_ids'])
    .where('task_id', '=', task.id)
    .execute();
  return askedFrom(actor, task.from_org_path, requesters);
}

function askedFrom(
  actor: Actor,
  fromOrgPath: string,
  requesters: { org_path: string; target_org_ids: string | null }[],
): 'all' | Set<string> | null {
  if (canAt(actor, 'task.send', fromOrgPath)) return 'all';
  const mine = requesters.filter((r) => canAt(actor, 'task.send', r.org_path));
  if (mine.length === 0) return null;
  // a merge recorded before the asked units were kept: as before, all of them
  if (mine.some((r) => r.target_org_ids === null)) return 'all';
  return new Set(mine.flatMap((r) => JSON.parse(r.target_org_ids!) as string[]));
}

/** Tasks the actor's units sent (or merged into), or tasks sent to units in her scope; newest first. */
export async function listTasks(deps: AppDeps, actor: Actor, q: TaskListQuery) {
  const offset = (q.page - 1) * q.pageSize;
  if (q.box === 'sent') {
    const merged = deps.db
      .selectFrom('task_requesters')
      .select('task_id')
      .where(inScope<DB, 'task_requesters'>(actor, 'task.send', 'task_requesters.org_path'));
    const base = deps.db
      .selectFrom('tasks')
      .where((eb) =>
        eb.or([inScope<DB, 'tasks'>(actor, 'task.send', 'tasks.from_org_path')(eb), eb('tasks.id', 'in', merged)]),
      );
    const [rows, total] = await Promise.all([
      base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.pageSize).offset(offset).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    const merges =
      rows.length === 0
        ? []
        : await deps.db
            .selectFrom('task_requesters')
            .select(['task_id', 'org_path', 'target_org_ids'])
            .where(
              'task_id',
              'in',
              rows.map((r) => r.id),
            )
            .execute();
    // a task her units merged into counts the units they asked
    const asked = (taskId: string) =>
      askedFrom(
        actor,
        rows.find((r) => r.id === taskId)!.from_org_path,
        merges.filter((m) => m.task_id === taskId),
      ) ?? 'all';
    return { items: await summarize(deps, rows, asked), total: Number(total.n) };
  }
  const unit = q.orgId === undefined ? null : await getUnitWith(deps.db, actor, q.orgId, 'task.read');
  const targetIds = deps.db
    .selectFrom('task_targets')
    .select('task_id')
    .where(
      unit === null
        ? inScope<DB, 'task_targets'>(actor, 'task.read', 'task_targets.org_path')
        : inScopeWithin<DB, 'task_targets'>(actor, 'task.read', 'task_targets.org_path', unit.path),
    );
  const base = deps.db.selectFrom('tasks').where('id', 'in', targetIds);
  const [rows, total] = await Promise.all([
    base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.pageSize).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await summarize(deps, rows), total: Number(total.n) };
}

/**
 * A task with the outcomes the actor may see: all of them for the sender, the units it asked for a sender
 * merged into it, her own units' (and those she reviews) otherwise; the streets' roll-ups and the approval
 * steps likewise.
 */
export async function getTask(deps: AppDeps, actor: Actor, id: string) {
  const task = await deps.db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
  if (task === undefined) throw notFound(TASK);
  const asked = await askedOfTask(deps, actor, task);
  const isSender = asked !== null;
  const targets = await deps.db
    .selectFrom('task_targets as t')
    .innerJoin('org_units as o', 'o.id', 't.org_id')
    .selectAll('t')
    .select(['o.name as org_name', 'o.level as org_level', 'o.parent_id'])
    .where('t.task_id', '=', id)
    .orderBy('o.code')
    .execute();
  const isAsked = (orgId: string) => asked === 'all' || (asked !== null && asked.has(orgId));
  // the units' own staff and those above who review them; a department's leave to generate reports across
  // its district is no leave to read the outcomes of tasks it neither sent nor asked
  const canSeeAt = (path: string) => canAt(actor, 'task.read', path) || canAt(actor, 'task.review', path);
  const canSee = (t: { org_id: string; org_path: string }) => isAsked(t.org_id) || canSeeAt(t.org_path);
  const visible = targets.filter(canSee);
  if (visible.length === 0 && !isSender) throw notFound(TASK);
  const [summary] = await summarize(deps, [task]);
  const template =
    task.template_id === null
      ? undefined
      : await deps.db
          .selectFrom('report_templates')
          .select('name')
          .where('id', '=', task.template_id)
          .executeTakeFirst();
  const requesters = await deps.db
    .selectFrom('task_requesters as r')
    .innerJoin('org_units as o', 'o.id', 'r.org_id')
    .select(['r.org_id', 'o.name', 'r.title', 'r.created_at'])
    .where('r.task_id', '=', id)
    .orderBy('r.created_at')
    .execute();
  const now = deps.clock.now();
  const outcomes = [];
  for (const t of visible) outcomes.push(toOutcome(t, task, now, await differenceOf(deps, t), actor));
  const rollups = task.kind === 'report' ? await listRollups(deps, task, targets) : [];
  // a street's roll-up lists all its communities: a requester sees it only when she asked every one
  const shownRollups = rollups.filter(
    (r) =>
      canSeeAt(r.path) ||
      targets.filter((t) => t.parent_id === r.orgId && t.org_level === 'community').every((t) => isAsked(t.org_id)),
  );
  const seenStreets = new Set(shownRollups.map((r) => r.orgId));
  return {
    ...summary!,
    // the counts of what she may see: a requester's, of the units she asked
    ...(asked instanceof Set ? countsOf(task, visible, now) : {}),
    description: task.description,
    templateName: template?.name ?? null,
    meeting:
      task.kind === 'meeting'
        ? {
            startsAt: task.meeting_starts_at,
            minutes: task.meeting_minutes,
            place: task.meeting_place,
            videoUrl: task.meeting_video_url,
            attendees: task.attendees === null ? [] : (JSON.parse(task.attendees) as string[]),
            allowVideo: task.allow_video === 1,
            allowWritten: task.allow_written === 1,
          }
        : null,
    replyRequired: task.reply_required === 1,
    checklist: task.checklist === null ? [] : (JSON.parse(task.checklist) as string[]),
    requesters: requesters.map((r) => ({ orgId: r.org_id, orgName: r.name, title: r.title, at: r.created_at })),
    isSender,
    outcomes,
    rollups: shownRollups.map((r) => ({ ...shownRollup(r), canJudge: mayJudgeAt(actor, r.path) })),
    steps: (await listApprovalSteps(deps, id))
      .filter((s) => canSee({ org_id: s.orgId, org_path: s.path }) || seenStreets.has(s.orgId))
      .map((s) => ({ ...s, path: undefined })),
  };
}

export async function getTarget(deps: AppDeps, taskId: string, orgId: string) {
  const row = await deps.db
    .selectFrom('task_targets as t')
    .innerJoin('tasks', 'tasks.id', 't.task_id')
    .innerJoin('org_units as o', 'o.id', 't.org_id')
    .selectAll('t')
    .select([
      'tasks.kind',
      'tasks.template_id',
      'tasks.period',
      'tasks.due_at',
      'tasks.title',
      'tasks.allow_video',
      'tasks.allow_written',
      'tasks.reply_required',
      'tasks.checklist',
      'tasks.meeting_minutes',
      'o.name as org_name',
      'o.level as org_level',
      'o.parent_id',
    ])
    .where('t.task_id', '=', taskId)
    .where('t.org_id', '=', orgId)
    .executeTakeFirst();
  if (row === undefined) throw notFound(TASK);
  return row;
}

export const refuseState = (zh: string, en: string, field = 'state') =>
  new AppError('INVALID_STATE', { zh, en }, [{ code: 'invalid_state', field, message_zh: zh, message_en: en }]);

/**
 * Answers an admitted report task for one community by generating its template (no cell typed that the
 * system knows), and submits it to the street. A returned answer is answered again; an approved one may
 * be corrected by answering again, which waits for approval beside the approved figures it differs from.
 */
export async function answerTask(deps: AppDeps, actor: Actor, taskId: string, orgId: string) {
  await getUnitWith(deps.db, actor, orgId, 'report.generate');
  const target = await getTarget(deps, taskId, orgId);
  if (target.status !== 'admitted') throw refuseState('该任务未获准入，无需办理', 'The task was not admitted');
  if (target.kind !== 'report' || target.template_id === null) {
    throw refuseState('该任务不是报表任务', 'The task is not a report task');
  }
  if (target.approval_state === 'submitted' || (target.approval_state === null && target.answered_at !== null)) {
    throw refuseState('该任务已报送，等待街道审核', 'The task was already answered and waits for approval');
  }
  const now = deps.clock.now().toISOString();
  const unit = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path'])
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  const report = await generateReport(
    deps,
    actor,
    { templateId: target.template_id, orgId, period: target.period ?? currentMonth(deps.clock.now()) },
    {
      taskId,
      within: async (trx, r) => {
        const result = await trx
          .updateTable('task_targets')
          .set({
            report_id: r.id,
            filled_cells: r.filledCells,
            typed_cells: r.typedCells,
            answered_at: now,
            approval_state: 'submitted',
            approval_comment: null,
            approval_by_name: null,
            approval_at: now,
          })
          .where('task_id', '=', taskId)
          .where('org_id', '=', orgId)
          // the state it was read in: a concurrent answer or approval makes this one lose
          .where((eb) =>
            target.approval_state === null
              ? eb('approval_state', 'is', null).and('answered_at', 'is', null)
              : eb('approval_state', '=', target.approval_state).and('report_id', '=', target.report_id),
          )
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw refuseState('该任务已报送', 'The task was already answered');
        await recordApprovalStep(trx, deps, actor, {
          taskId,
          org: unit,
          level: target.org_level === 'street' ? 'street' : 'community',
          subject: 'report',
          action: 'submit',
          comment: null,
          reportId: r.id,
        });
      },
    },
  );
  return { reportId: report.id, filledCells: report.filledCells, typedCells: report.typedCells };
}

/** Street review of a refusal: uphold it, or admit the task after all; recorded with the reason. */
export async function reviewRefusal(
  deps: AppDeps,
  actor: Actor,
  taskId: string,
  orgId: string,
  body: { decision: 'uphold' | 'admit'; reason: string },
) {
  const unit = await getUnitWith(deps.db, actor, orgId, 'task.read');
  const target = await getTarget(deps, taskId, orgId);
  // found, but reviewing is the street's (or district's) step, not the community's own
  if (!canAt(actor, 'task.review', unit.path)) throw forbidden();
  if (target.status !== 'refused' || target.review_decision !== null) {
    throw refuseState('只能复核尚未复核的拒收任务', 'Only a refusal not yet reviewed can be reviewed');
  }
  const now = deps.clock.now().toISOString();
  const patch = {
    ...(body.decision === 'admit' ? { status: 'admitted' as const } : {}),
    review_decision: body.decision,
    review_reason: body.reason,
    reviewed_by_name: actor.displayName,
    reviewed_at: now,
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('task_targets')
      .set(patch)
      .where('task_id', '=', taskId)
      .where('org_id', '=', orgId)
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'task.review',
      targetType: 'task',
      targetId: taskId,
      orgId: unit.id,
      orgPath: unit.path,
      detail: { decision: body.decision },
    });
  });
  return toOutcome({ ...target, ...patch }, target, deps.clock.now(), [], actor);
}
