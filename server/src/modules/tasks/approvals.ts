import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getUnitWith } from '../insights/service.ts';
import { enqueueForUnitStaff } from '../messages/outbox.ts';
import { getTarget, mayJudgeAt, refuseState, toOutcome } from './service.ts';
import type { TaskApprovalStepTable, TaskTable, TaskTargetTable } from './tables.ts';

/**
 * Approval up the hierarchy (DHIS2's data approval): a community's answered report is submitted to its
 * street, which approves it or returns it with a comment; a street's roll-up of its communities' approved
 * reports is approved (or returned) by the district. Approving locks the figures: the approved report
 * stays the approved one until another answer is approved, and a correction shows as a difference.
 * Each step is an append-only row and an audit record.
 */

type Table = { header: string[]; rows: unknown[][]; totals: unknown[] };
export type Difference = { row: string; column: string; approved: unknown; now: unknown };

const TASK = { zh: '任务', en: 'Task' };

/** Appends one approval step and its audit record, in the caller's transaction. */
export async function recordApprovalStep(
  trx: Kysely<DB>,
  deps: AppDeps,
  actor: Actor,
  step: {
    taskId: string;
    org: { id: string; path: string };
    level: TaskApprovalStepTable['level'];
    /** a target's own report, or a street's roll-up of its communities' reports */
    subject: 'report' | 'rollup';
    action: TaskApprovalStepTable['action'];
    comment: string | null;
    reportId: string | null;
  },
) {
  const at = deps.clock.now().toISOString();
  await trx
    .insertInto('task_approval_steps')
    .values({
      id: newId(),
      task_id: step.taskId,
      org_id: step.org.id,
      org_path: step.org.path,
      level: step.level,
      action: step.action,
      comment: step.comment,
      report_id: step.reportId,
      actor_id: actor.userId,
      actor_name: actor.displayName,
      at,
    })
    .execute();
  await recordAudit(trx, deps.clock, whoFromActor(actor), {
    action: `task.${step.subject}.${step.action}`,
    targetType: 'task',
    targetId: step.taskId,
    orgId: step.org.id,
    orgPath: step.org.path,
    detail: { reportId: step.reportId, ...(step.comment === null ? {} : { comment: step.comment }) },
  });
}

/** The approval steps of a task, oldest first, with the unit's path (the caller filters by what she may see). */
export async function listApprovalSteps(deps: AppDeps, taskId: string) {
  const rows = await deps.db
    .selectFrom('task_approval_steps as s')
    .innerJoin('org_units as o', 'o.id', 's.org_id')
    .select([
      's.org_id',
      's.org_path',
      'o.name',
      's.level',
      's.action',
      's.comment',
      's.report_id',
      's.actor_name',
      's.at',
    ])
    .where('s.task_id', '=', taskId)
    .orderBy('s.at')
    .orderBy('s.id')
    .execute();
  return rows.map((r) => ({
    orgId: r.org_id,
    orgName: r.name,
    path: r.org_path,
    level: r.level,
    action: r.action,
    comment: r.comment,
    reportId: r.report_id,
    actorName: r.actor_name,
    at: r.at,
  }));
}

async function readTables(db: Kysely<DB>, reportIds: string[]) {
  if (reportIds.length === 0) return new Map<string, Table>();
  const rows = await db.selectFrom('reports').select(['id', 'preview']).where('id', 'in', reportIds).execute();
  return new Map(rows.map((r) => [r.id, JSON.parse(r.preview) as Table]));
}

/** Cell by cell, where `now` differs from `approved`; rows matched by their unit name (column 2). */
export function compareTables(approved: Table, now: Table): Difference[] {
  const out: Difference[] = [];
  const key = (row: unknown[]) => {
    const name = row[1] ?? row[0];
    return typeof name === 'string' || typeof name === 'number' ? String(name) : '';
  };
  const before = new Map(approved.rows.map((r) => [key(r), r]));
  const after = new Map(now.rows.map((r) => [key(r), r]));
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(name);
    const b = after.get(name);
    const width = Math.max(a?.length ?? 0, b?.length ?? 0, now.header.length);
    for (let i = 2; i < width; i += 1) {
      const x = a?.[i] ?? null;
      const y = b?.[i] ?? null;
      if (JSON.stringify(x) !== JSON.stringify(y)) {
        out.push({ row: name, column: now.header[i] ?? approved.header[i] ?? String(i), approved: x, now: y });
      }
    }
  }
  return out;
}

/** A community's correction waiting for approval, against the figures approved before it. */
export async function differenceOf(
  deps: AppDeps,
  t: Pick<TaskTargetTable, 'report_id' | 'approved_report_id'>,
): Promise<Difference[]> {
  if (t.approved_report_id === null || t.report_id === null || t.approved_report_id === t.report_id) return [];
  const tables = await readTables(deps.db, [t.approved_report_id, t.report_id]);
  const a = tables.get(t.approved_report_id);
  const b = tables.get(t.report_id);
  return a === undefined || b === undefined ? [] : compareTables(a, b);
}

/** The street's roll-up: its communities' approved reports, one row each, numeric columns summed. */
function rollUp(tables: Table[]): Table {
  const header = tables[0]?.header ?? [];
  const rows = tables.flatMap((t) => t.rows).map((r, i) => [i + 1, ...r.slice(1)]);
  const totals: unknown[] = ['合计', null];
  for (let i = 2; i < header.length; i += 1) {
    const values = rows.map((r) => r[i]);
    totals.push(values.every((v) => typeof v === 'number') ? values.reduce((s: number, v) => s + Number(v), 0) : null);
  }
  return { header, rows, totals };
}

type TargetWithParent = TaskTargetTable & { org_name: string; org_level: string; parent_id: string | null };

/**
 * Each street's roll-up of a report task's community targets: where it stands, its table, and a difference
 * to re-approve. A street that is itself a target answers with its own report, judged like a community's.
 */
export async function listRollups(deps: AppDeps, task: Pick<TaskTable, 'id'>, targets: TargetWithParent[]) {
  const admitted = targets.filter(
    (t) => t.status === 'admitted' && t.parent_id !== null && t.org_level === 'community',
  );
  const streetIds = [...new Set(admitted.map((t) => t.parent_id!))];
  if (streetIds.length === 0) return [];
  const [streets, saved, tables] = await Promise.all([
    deps.db
      .selectFrom('org_units')
      .select(['id', 'name', 'path'])
      .where('id', 'in', streetIds)
      .orderBy('code')
      .execute(),
    deps.db.selectFrom('task_rollups').selectAll().where('task_id', '=', task.id).execute(),
    readTables(
      deps.db,
      admitted.flatMap((t) => (t.approved_report_id === null ? [] : [t.approved_report_id])),
    ),
  ]);
  return streets.map((street) => {
    const mine = admitted.filter((t) => t.parent_id === street.id);
    const approvedIds = mine.flatMap((t) => (t.approved_report_id === null ? [] : [t.approved_report_id])).sort();
    const table = rollUp(approvedIds.map((id) => tables.get(id)!).filter((x) => x !== undefined));
    const row = saved.find((r) => r.org_id === street.id);
    const isComplete = approvedIds.length === mine.length;
    let state: 'pending' | 'ready' | 'approved' | 'returned' | 'changed' = isComplete ? 'ready' : 'pending';
    let difference: Difference[] = [];
    if (row?.state === 'approved') {
      const same = row.report_ids === JSON.stringify(approvedIds);
      state = same ? 'approved' : 'changed';
      if (!same && row.table_json !== null) difference = compareTables(JSON.parse(row.table_json) as Table, table);
    } else if (row?.state === 'returned') {
      state = 'returned';
    }
    return {
      orgId: street.id,
      orgName: street.name,
      path: street.path,
      state,
      communities: mine.length,
      approvedCommunities: approvedIds.length,
      comment: row?.comment ?? null,
      byName: row?.by_name ?? null,
      at: row?.at ?? null,
      table: row?.state === 'approved' && state === 'approved' ? (JSON.parse(row.table_json!) as Table) : table,
      difference,
      approvedIds,
      savedAt: row?.at ?? null,
    };
  });
}

/** The unit whose figures are judged, and the check that the actor stands at the level above it. */
async function judgedUnit(deps: AppDeps, actor: Actor, orgId: string) {
  const unit = await getUnitWith(deps.db, actor, orgId, 'task.review');
  // approving is the step of the level above: a street its communities, the district its streets
  if (!mayJudgeAt(actor, unit.path)) throw forbidden();
  return { ...unit, stepLevel: unit.level === 'street' ? ('street' as const) : ('community' as const) };
}

/**
 * The level above judges a target's submitted report: approving locks its figures as approved, returning
 * sends it back with a comment (the community answers again, and is told). Either needs the report as it
 * was read still waiting: approving twice, or before the answer, is 409.
 */
export async function judgeTarget(
  deps: AppDeps,
  actor: Actor,
  taskId: string,
  orgId: string,
  decision: { action: 'approve' } | { action: 'return'; comment: string },
) {
  const unit = await judgedUnit(deps, actor, orgId);
  const target = await getTarget(deps, taskId, orgId);
  if (target.kind !== 'report') throw refuseState('只有报表任务需要审核', 'Only a report task is approved');
  const isApprove = decision.action === 'approve';
  const twice = () =>
    isApprove
      ? refuseState('该报表已审核通过，不能重复审核', 'The report is already approved')
      : refuseState('只能退回待审核的报表', 'Only a report waiting for approval can be returned');
  if (isApprove && target.approval_state !== 'approved' && target.approval_state !== 'submitted') {
    throw refuseState('尚未报送，不能审核', 'It has not been submitted yet');
  }
  if (target.approval_state !== 'submitted') throw twice();
  const comment = decision.action === 'return' ? decision.comment : null;
  const patch = {
    approval_state: isApprove ? ('approved' as const) : ('returned' as const),
    ...(isApprove ? { approved_report_id: target.report_id } : {}),
    approval_comment: comment,
    approval_by_name: actor.displayName,
    approval_at: deps.clock.now().toISOString(),
  };
  await deps.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('task_targets')
      .set(patch)
      .where('task_id', '=', taskId)
      .where('org_id', '=', orgId)
      .where('approval_state', '=', 'submitted')
      .where('report_id', '=', target.report_id)
      .executeTakeFirst();
    // judged meanwhile by someone else: the same 409 as judging it twice
    if (Number(done.numUpdatedRows) !== 1) throw twice();
    await recordApprovalStep(trx, deps, actor, {
      taskId,
      org: unit,
      level: unit.stepLevel,
      subject: 'report',
      action: decision.action,
      comment,
      reportId: target.report_id,
    });
    if (comment !== null) {
      await enqueueForUnitStaff(trx, {
        now: deps.clock.now(),
        kind: 'task.returned',
        params: { title: target.title, comment, taskId },
        orgIds: [orgId],
        permission: 'task.read',
      });
    }
  });
  return toOutcome({ ...target, ...patch }, target, deps.clock.now(), [], actor);
}

async function rollupOf(deps: AppDeps, actor: Actor, taskId: string, streetId: string) {
  const street = await judgedUnit(deps, actor, streetId);
  const task = await deps.db.selectFrom('tasks').select(['id', 'kind']).where('id', '=', taskId).executeTakeFirst();
  if (task === undefined) throw notFound(TASK);
  const targets = await deps.db
    .selectFrom('task_targets as t')
    .innerJoin('org_units as o', 'o.id', 't.org_id')
    .selectAll('t')
    .select(['o.name as org_name', 'o.level as org_level', 'o.parent_id'])
    .where('t.task_id', '=', taskId)
    .where('o.parent_id', '=', streetId)
    .execute();
  const [rollup] = await listRollups(deps, task, targets);
  if (task.kind !== 'report' || rollup === undefined) throw notFound(TASK);
  return { street, rollup };
}

/** A roll-up as the API shows it (without the fields kept for writing it). */
export function shownRollup<T extends { path: string; approvedIds: string[]; savedAt: string | null }>(
  r: T,
): Omit<T, 'path' | 'approvedIds' | 'savedAt'> {
  const rest: Partial<T> = { ...r };
  delete rest.path;
  delete rest.approvedIds;
  delete rest.savedAt;
  return rest as Omit<T, 'path' | 'approvedIds' | 'savedAt'>;
}

/** The district approves a street's roll-up once every community under it is approved. */
export async function approveRollup(deps: AppDeps, actor: Actor, taskId: string, streetId: string) {
  const { street, rollup } = await rollupOf(deps, actor, taskId, streetId);
  if (rollup.state === 'approved') {
    throw refuseState('该街道汇总已审核通过，不能重复审核', 'The roll-up is already approved');
  }
  if (rollup.approvedCommunities < rollup.communities) {
    throw refuseState(
      `街道尚未审核全部社区报表（${rollup.approvedCommunities}/${rollup.communities}），不能越级审核`,
      `The street has approved ${rollup.approvedCommunities} of ${rollup.communities} communities; approve in order`,
    );
  }
  const at = deps.clock.now().toISOString();
  const values = {
    state: 'approved' as const,
    report_ids: JSON.stringify(rollup.approvedIds),
    table_json: JSON.stringify(rollup.table),
    comment: null,
    by_name: actor.displayName,
    at,
  };
  await deps.db.transaction().execute(async (trx) => {
    await saveRollup(trx, taskId, street, rollup.savedAt, values);
    await recordApprovalStep(trx, deps, actor, {
      taskId,
      org: street,
      level: 'street',
      subject: 'rollup',
      action: 'approve',
      comment: null,
      reportId: null,
    });
  });
  return shownRollup({
    ...rollup,
    canJudge: true,
    state: 'approved' as const,
    comment: null,
    byName: actor.displayName,
    at,
    difference: [],
  });
}

/** The district returns a street's roll-up with a comment. */
export async function returnRollup(deps: AppDeps, actor: Actor, taskId: string, streetId: string, comment: string) {
  const { street, rollup } = await rollupOf(deps, actor, taskId, streetId);
  if (rollup.state !== 'ready' && rollup.state !== 'changed') {
    throw refuseState('只能退回待审核的街道汇总', 'Only a roll-up waiting for approval can be returned');
  }
  const at = deps.clock.now().toISOString();
  const values = {
    state: 'returned' as const,
    report_ids: JSON.stringify(rollup.approvedIds),
    table_json: JSON.stringify(rollup.table),
    comment,
    by_name: actor.displayName,
    at,
  };
  await deps.db.transaction().execute(async (trx) => {
    await saveRollup(trx, taskId, street, rollup.savedAt, values);
    await recordApprovalStep(trx, deps, actor, {
      taskId,
      org: street,
      level: 'street',
      subject: 'rollup',
      action: 'return',
      comment,
      reportId: null,
    });
  });
  return shownRollup({
    ...rollup,
    canJudge: true,
    state: 'returned' as const,
    comment,
    byName: actor.displayName,
    at,
  });
}

/** Writes the roll-up's row only if it is still as it was read (the primary key stops two first approvals). */
async function saveRollup(
  trx: Kysely<DB>,
  taskId: string,
  street: { id: string; path: string },
  savedAt: string | null,
  values: {
    state: 'approved' | 'returned';
    report_ids: string;
    table_json: string;
    comment: string | null;
    by_name: string;
    at: string;
  },
) {
  const lost = () => refuseState('街道汇总已被他人审核，请刷新', 'The roll-up was judged meanwhile; reload');
  if (savedAt === null) {
    const exists = await trx
      .selectFrom('task_rollups')
      .select('at')
      .where('task_id', '=', taskId)
      .where('org_id', '=', street.id)
      .executeTakeFirst();
    if (exists !== undefined) throw lost();
    try {
      await trx
        .insertInto('task_rollups')
        .values({ task_id: taskId, org_id: street.id, org_path: street.path, ...values })
        .execute();
    } catch {
      throw lost();
    }
    return;
  }
  const done = await trx
    .updateTable('task_rollups')
    .set(values)
    .where('task_id', '=', taskId)
    .where('org_id', '=', street.id)
    .where('at', '=', savedAt)
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw lost();
}
