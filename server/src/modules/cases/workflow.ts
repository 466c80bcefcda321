import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, conflict, invalidField, notFound } from '../../platform/errors.ts';
import { findActiveDutyItem } from '../duties/service.ts';
import { syncCaseRollups } from '../insights/rollups.ts';
import {
  CASE,
  canActAbove,
  checkHandlesCountyOf,
  canHandle,
  getVisibleCase,
  isAwaitingRating,
  isReopenableByReporter,
  loadCaseView,
} from './access.ts';
import { OPEN_STATUSES, evaluateDue, secondsBetween } from './deadlines-math.ts';
import { offeredDistance } from './intake.ts';
import { type CheckedPhoto, insertPhotos } from './photos.ts';
import { fallbackUnit, listAncestors } from './routing.ts';
import { CASE_STATE_LABELS } from './states.ts';
import type { CaseEventKind, CaseStatus, CaseTable } from './tables.ts';
import type { UnitEvent } from '../messages/kinds.ts';
import { type ReporterKind, appendEvent, listReporters, tellPeople, tellUnits } from './timeline.ts';
import { emitCaseEvent } from '../webhooks/events.ts';

export type StaffAction =
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

/** Which statuses each action starts from. */
const FROM: Record<StaffAction, CaseStatus[]> = {
  accept: ['submitted'],
  start: ['accepted'],
  resolve: ['accepted', 'in_progress'],
  reject: ['submitted', 'accepted', 'in_progress'],
  return: ['submitted'],
  reassign: ['submitted', 'accepted', 'in_progress'],
  pause: ['accepted', 'in_progress'],
  resume: ['accepted', 'in_progress'],
  supervise: ['submitted', 'accepted', 'in_progress'],
  merge: ['submitted', 'accepted', 'in_progress'],
  reopen: ['resolved', 'closed'],
  note: ['submitted', 'accepted', 'in_progress', 'resolved', 'closed', 'rejected', 'merged'],
  reply: ['submitted', 'accepted', 'in_progress', 'resolved'],
};

const STATE = CASE_STATE_LABELS;

/** May the actor take this action on this case now (ignoring the request's own details)? */
/** Does the case's state (status, paused clock) admit the action at all? */
function isStateAllowed(c: CaseTable, action: StaffAction): boolean {
  if (!FROM[action].includes(c.status)) return false;
  if (action === 'pause') return c.paused_at === null;
  if (action === 'resume') return c.paused_at !== null;
  return true;
}

export function isActionAllowed(actor: Actor, c: CaseTable, action: StaffAction): boolean {
  if (!isStateAllowed(c, action)) return false;
  switch (action) {
    case 'supervise':
      return canActAbove(actor, 'case.supervise', c);
    case 'reassign':
      return canHandle(actor, c) || canActAbove(actor, 'case.handle', c) || canActAbove(actor, 'case.supervise', c);
    case 'note':
      return true;
    default:
      return canHandle(actor, c);
  }
}

export function allowedActions(actor: Actor, c: CaseTable): StaffAction[] {
  return (Object.keys(FROM) as StaffAction[]).filter((a) => isActionAllowed(actor, c, a));
}

interface Change {
  patch: Partial<CaseTable>;
  event: { kind: CaseEventKind; text?: string | null; orgId?: string | null; detail?: Record<string, unknown> };
  photos?: CheckedPhoto[];
  /** tell the reporter and the followers (public changes) */
  isPublicChange?: boolean;
  /** what the reporter alone is told when the step asks something of her (rate it, read a reply); followers hear of progress */
  reporterKind?: ReporterKind;
  /** units whose staff are told, and of what */
  tellUnits?: { event: UnitEvent; orgs: { id: string; path: string }[]; rating?: number };
}

/**
 * Applies one change to a case in a transaction: checks the version the caller saw, writes the
 * row (deadline state recomputed), the timeline step, photos, notifications and the audit record.
 */
async function commitChange(
  deps: AppDeps,
  actor: Actor,
  c: CaseTable,
  version: number | null,
  action: string,
  change: Change,
): Promise<void> {
  if (version !== null && version !== c.version) {
    throw conflict('CONFLICT', 'version', {
      zh: '该诉求已被他人处理，请刷新后重试',
      en: 'The case was changed by someone else; reload and retry',
    });
  }
  const now = deps.clock.now().toISOString();
  const next = { ...c, ...change.patch };
  const due = evaluateDue(next, deps.clock.now().getTime());
  await deps.db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('cases')
      .set({
        ...change.patch,
        due_state: due.dueState,
        next_check_at: due.nextCheckAt,
        was_overdue: next.was_overdue === 1 || due.dueState === 'overdue' ? 1 : 0,
        version: c.version + 1,
        updated_at: now,
      })
      .where('id', '=', c.id)
      .where('version', '=', c.version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      throw conflict('CONFLICT', 'version', {
        zh: '该诉求已被他人处理，请刷新后重试',
        en: 'The case was changed by someone else; reload and retry',
      });
    }
    await syncCaseRollups(trx, [c.id]);
    const eventId = await appendEvent(trx, {
      caseId: c.id,
      kind: change.event.kind,
      at: now,
      actor,
      orgId: change.event.orgId ?? null,
      text: change.event.text ?? null,
      ...(change.event.detail !== undefined ? { detail: change.event.detail } : {}),
    });
    if (change.photos !== undefined && change.photos.length > 0) {
      await insertPhotos(trx, c, eventId, change.photos, now);
    }
    // subscribers (12345, 一网统管, partners) hear of the step through delivery rows written here
    await emitCaseEvent(trx, {
      row: { ...next, version: c.version + 1 },
      kind: change.event.kind,
      text: change.event.text ?? null,
      at: now,
    });
    if (change.isPublicChange === true) {
      // through the outbox: the bell, and SMS or WeChat where she chose them
      const told = { caseId: c.id, number: c.number, state: next.status, at: now };
      const followers = (await listReporters(trx, c.id)).filter((u) => u !== c.reporter_user_id);
      await tellPeople(trx, { ...told, kind: change.reporterKind ?? 'case.progress', userIds: [c.reporter_user_id] });
      await tellPeople(trx, { ...told, kind: 'case.progress', userIds: followers });
    }
    if (change.tellUnits !== undefined) {
      await tellUnits(trx, { ...change.tellUnits, caseId: c.id, number: c.number, at: now });
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: `case.${action}`,
      targetType: 'case',
      targetId: c.id,
      orgId: c.handler_org_id,
      orgPath: c.handler_path,
      detail: { from: c.status, to: next.status },
      isActorSealed: c.is_anonymous === 1 && actor.userId === c.reporter_user_id,
    });
  });
}

function refuse(c: CaseTable, action: StaffAction): AppError {
  return new AppError('INVALID_STATE', {
    zh: `诉求当前为“${STATE[c.status].zh}”${c.paused_at !== null ? '（已暂停计时）' : ''}，不能执行此操作`,
    en: `The case is “${STATE[c.status].en}”${c.paused_at !== null ? ' (clock paused)' : ''}; ${action} is not possible now`,
  });
}

/** Loads a visible case and checks the actor may take `action` now: 404 out of scope, 403 without the right, 409 wrong state. */
async function loadFor(deps: AppDeps, actor: Actor, id: string, action: StaffAction): Promise<CaseTable> {
  const c = await getVisibleCase(deps.db, actor, id);
  if (!isStateAllowed(c, action)) throw refuse(c, action);
  if (!isActionAllowed(actor, c, action)) {
    throw new AppError('FORBIDDEN', { zh: '您不能对该诉求执行此操作', en: 'You may not do this on this case' });
  }
  return c;
}

/** 签收: the handler takes the case; the response clock stops. */
export async function acceptCase(deps: AppDeps, actor: Actor, id: string, version: number) {
  const c = await loadFor(deps, actor, id, 'accept');
  const now = deps.clock.now().toISOString();
  await commitChange(deps, actor, c, version, 'accept', {
    patch: {
      status: 'accepted',
      accepted_at: now,
      handler_user_id: actor.userId,
      is_accepted_on_time: now <= c.accept_due_at ? 1 : 0,
      was_overdue: now > c.accept_due_at ? 1 : c.was_overdue,
      accept_seconds: secondsBetween(c.created_at, now),
    },
    event: { kind: 'accepted' },
    isPublicChange: true,
  });
}

export async function startCase(deps: AppDeps, actor: Actor, id: string, version: number) {
  const c = await loadFor(deps, actor, id, 'start');
  await commitChange(deps, actor, c, version, 'start', {
    patch: { status: 'in_progress' },
    event: { kind: 'started' },
    isPublicChange: true,
  });
}

/** 办结: the result (and photos) go to the resident, who is asked to rate it. */
export async function resolveCase(
  deps: AppDeps,
  actor: Actor,
  id: string,
  body: { version: number; result: string },
  photos: CheckedPhoto[],
) {
  const c = await loadFor(deps, actor, id, 'resolve');
  const now = deps.clock.now().toISOString();
  await commitChange(deps, actor, c, body.version, 'resolve', {
    patch: {
      status: 'resolved',
      resolved_at: now,
      resolve_seconds: secondsBetween(c.created_at, now),
      paused_at: null,
      was_overdue: now > c.resolve_due_at ? 1 : c.was_overdue,
    },
    event: { kind: 'resolved', text: body.result },
    photos,
    isPublicChange: true,
    reporterKind: 'case.rate_request',
  });
}

export async function rejectCase(deps: AppDeps, actor: Actor, id: string, body: { version: number; reason: string }) {
  const c = await loadFor(deps, actor, id, 'reject');
  await commitChange(deps, actor, c, body.version, 'reject', {
    patch: { status: 'rejected', closed_at: deps.clock.now().toISOString(), paused_at: null },
    event: { kind: 'rejected', text: body.reason },
    isPublicChange: true,
  });
}

/** 退单: the handler says the case is not hers; it goes back to the street (or county) above the place to dispatch. */
export async function returnCase(deps: AppDeps, actor: Actor, id: string, body: { version: number; reason: string }) {
  const c = await loadFor(deps, actor, id, 'return');
  const ancestors = await listAncestors(deps.db, c.org_path);
  let target = fallbackUnit(ancestors);
  if (target.id === c.handler_org_id) {
    target = [...ancestors].reverse().find((u) => u.level === 'county') ?? target;
  }
  if (target.id === c.handler_org_id) {
    throw new AppError('INVALID_STATE', {
      zh: '已无上级可退回，请改派',
      en: 'Nowhere above to return to; reassign it',
    });
  }
  await commitChange(deps, actor, c, body.version, 'return', {
    patch: { handler_org_id: target.id, handler_path: target.path, handler_user_id: null, is_fallback: 1 },
    event: { kind: 'returned', text: body.reason, orgId: target.id, detail: { from: c.handler_org_id, to: target.id } },
    tellUnits: { event: 'returned', orgs: [target] },
  });
}

const HANDLING_LEVELS = ['community', 'street', 'county', 'city', 'department'];

/** 改派: to a unit in the actor's scope, or a department above the case's place. */
export async function reassignCase(
  deps: AppDeps,
  actor: Actor,
  id: string,
  body: { version: number; reason: string; toOrgId: string; dutyCode?: string | undefined },
) {
  const c = await loadFor(deps, actor, id, 'reassign');
  const target = await findReassignTarget(deps.db, actor, c, body.toOrgId);
  const item = body.dutyCode === undefined ? undefined : await findActiveDutyItem(deps.db, body.dutyCode);
  if (item === null) {
    throw invalidField('dutyCode', 'unknown_duty_item', { zh: '诉求类别不存在', en: 'No such duty item' });
  }
  await commitChange(deps, actor, c, body.version, 'reassign', {
    patch: {
      handler_org_id: target.id,
      handler_path: target.path,
      handler_user_id: null,
      status: 'submitted',
      accepted_at: null,
      ...(item !== undefined ? { duty_item_id: item.id, duty_code: item.code, is_fallback: 0 } : {}),
    },
    event: {
      kind: 'reassigned',
      text: body.reason,
      orgId: target.id,
      detail: { from: c.handler_org_id, to: target.id, dutyCode: item?.code ?? c.duty_code },
    },
    tellUnits: { event: 'reassigned', orgs: [target] },
  });
}

async function findReassignTarget(db: Kysely<DB>, actor: Actor, c: CaseTable, toOrgId: string) {
  const unit = await db
    .selectFrom('org_units')
    .select(['id', 'path', 'level', 'parent_id'])
    .where('id', '=', toOrgId)
    .executeTakeFirst();
  const ancestors = await listAncestors(db, c.org_path);
  const isDepartmentAbove = unit?.level === 'department' && ancestors.some((a) => a.id === unit.parent_id);
  if (unit === undefined || !(isDepartmentAbove || canAt(actor, 'case.read', unit.path))) {
    throw notFound({ zh: '目标单位', en: 'Target unit' });
  }
  if (!HANDLING_LEVELS.includes(unit.level) || unit.id === c.handler_org_id) {
    throw invalidField('toOrgId', 'wrong_target', {
      zh: '请改派给另一个社区、街道、区县或职能部门',
      en: 'Reassign to another community, street, county or department',
    });
  }
  checkHandlesCountyOf(unit, c);
  return unit;
}

/**
 * Where a case may be reassigned: the handling units above its place that the actor can read (community,
 * street, county, city) and every department of the districts and cities above it — departments lie
 * outside a community's scope, so the console cannot find them by searching its own tree.
 */
export async function listReassignTargets(deps: AppDeps, actor: Actor, id: string) {
  const c = await loadFor(deps, actor, id, 'reassign');
  const ancestors = await listAncestors(deps.db, c.org_path);
  const departments =
    ancestors.length === 0
      ? []
      : await deps.db
          .selectFrom('org_units')
          .select(['id', 'path', 'name', 'level', 'parent_id'])
          .where('level', '=', 'department')
          .where('retired_at', 'is', null)
          .where(
            'parent_id',
            'in',
            ancestors.map((a) => a.id),
          )
          .orderBy('name')
          .execute();
  const units = ancestors
    .filter((a) => HANDLING_LEVELS.includes(a.level) && canAt(actor, 'case.read', a.path))
    .reverse();
  const parentName = new Map(ancestors.map((a) => [a.id, a.name]));
  return {
    items: [
      ...units.map((u) => ({ id: u.id, name: u.name, level: u.level, parentName: null })),
      ...departments.map((d) => ({
        id: d.id,
        name: d.name,
        level: d.level,
        parentName: d.parent_id === null ? null : (parentName.get(d.parent_id) ?? null),
      })),
    ].filter((u) => u.id !== c.handler_org_id),
  };
}

/** Stops the clock, with a reason (e.g. waiting for the resident). */
export async function pauseCase(deps: AppDeps, actor: Actor, id: string, body: { version: number; reason: string }) {
  const c = await loadFor(deps, actor, id, 'pause');
  await commitChange(deps, actor, c, body.version, 'pause', {
    patch: { paused_at: deps.clock.now().toISOString(), pause_reason: body.reason },
    event: { kind: 'paused', text: body.reason },
  });
}

/** Restarts the clock; the deadline moves by the time it stood still. */
export async function resumeCase(deps: AppDeps, actor: Actor, id: string, version: number) {
  const c = await loadFor(deps, actor, id, 'resume');
  const pausedMs = deps.clock.now().getTime() - new Date(c.paused_at!).getTime();
  const shift = (iso: string) => new Date(new Date(iso).getTime() + pausedMs).toISOString();
  await commitChange(deps, actor, c, version, 'resume', {
    patch: { paused_at: null, pause_reason: null, resolve_due_at: shift(c.resolve_due_at) },
    event: { kind: 'resumed', detail: { pausedSeconds: Math.round(pausedMs / 1000) } },
  });
}

/** 督办: an upper level flags the case for attention. */
export async function superviseCase(deps: AppDeps, actor: Actor, id: string, body: { text: string }) {
  const c = await loadFor(deps, actor, id, 'supervise');
  await commitChange(deps, actor, c, null, 'supervise', {
    patch: { is_supervised: 1 },
    event: { kind: 'supervised', text: body.text },
    tellUnits: { event: 'supervised', orgs: [{ id: c.handler_org_id, path: c.handler_path }] },
  });
}

/** Marks a case as a duplicate of another; its reporters follow the other case from now on. */
export async function mergeCase(
  deps: AppDeps,
  actor: Actor,
  id: string,
  body: { version: number; intoCaseId: string },
) {
  const c = await loadFor(deps, actor, id, 'merge');
  const target = await getVisibleCase(deps.db, actor, body.intoCaseId);
  if (target.id === c.id || !OPEN_STATUSES.includes(target.status)) {
    throw invalidField('intoCaseId', 'wrong_target', {
      zh: '只能合并到另一条未办结的诉求',
      en: 'Merge into another open case',
    });
  }
  await commitChange(deps, actor, c, body.version, 'merge', {
    patch: { status: 'merged', merged_into_id: target.id, closed_at: deps.clock.now().toISOString(), paused_at: null },
    event: { kind: 'merged', text: target.number, detail: { into: target.id } },
    isPublicChange: true,
  });
  const reporters = await listReporters(deps.db, c.id);
  await deps.db.transaction().execute(async (trx) => {
    const existing = new Set(await listReporters(trx, target.id));
    for (const userId of reporters.filter((u) => !existing.has(u))) {
      await trx
        .insertInto('case_reporters')
        .values({ case_id: target.id, county_key: target.county_key, user_id: userId, source_case_id: c.id })
        .execute();
    }
  });
}

/** Staff reopen a resolved or closed case: back to handling with a fresh resolve deadline. */
export async function reopenCase(deps: AppDeps, actor: Actor, id: string, body: { version: number; reason: string }) {
  const c = await loadFor(deps, actor, id, 'reopen');
  await reopen(deps, actor, c, body.version, body.reason);
}

async function reopen(deps: AppDeps, actor: Actor, c: CaseTable, version: number | null, reason: string) {
  const now = deps.clock.now();
  const item =
    c.duty_item_id === null
      ? null
      : await deps.db.selectFrom('duty_items').selectAll().where('id', '=', c.duty_item_id).executeTakeFirst();
  const hours =
    item === undefined || item === null
      ? 360
      : c.priority === 'urgent'
        ? item.urgent_resolve_hours
        : item.resolve_hours;
  await commitChange(deps, actor, c, version, 'reopen', {
    patch: {
      status: 'in_progress',
      accepted_at: c.accepted_at ?? now.toISOString(),
      resolve_due_at: new Date(now.getTime() + hours * 3_600_000).toISOString(),
      resolved_at: null,
      closed_at: null,
      resolve_seconds: null,
      is_solved: null,
      rating: null,
      rating_comment: null,
      reopen_count: c.reopen_count + 1,
    },
    event: { kind: 'reopened', text: reason },
    isPublicChange: true,
    tellUnits: { event: 'reopened', orgs: [{ id: c.handler_org_id, path: c.handler_path }] },
  });
}

export async function addNote(deps: AppDeps, actor: Actor, id: string, text: string) {
  const c = await loadFor(deps, actor, id, 'note');
  await commitChange(deps, actor, c, null, 'note', { patch: {}, event: { kind: 'note', text } });
}

/** A public reply the resident sees and is notified of. */
export async function addReply(deps: AppDeps, actor: Actor, id: string, text: string) {
  const c = await loadFor(deps, actor, id, 'reply');
  await commitChange(deps, actor, c, null, 'reply', {
    patch: {},
    event: { kind: 'reply', text },
    isPublicChange: true,
    reporterKind: 'case.reply_request',
  });
}

/** The case as its original reporter sees it: rating and reopening are hers alone (a follower gets 403). */
async function loadAsReporter(deps: AppDeps, actor: Actor, id: string): Promise<CaseTable> {
  const { row, viewer } = await loadCaseView(deps.db, actor, id, 'phone');
  if (viewer !== 'reporter') {
    throw new AppError('FORBIDDEN', {
      zh: '只有提出该诉求的居民可以评价或重新打开',
      en: 'Only the resident who reported the case may rate or reopen it',
    });
  }
  return row;
}

/** 回访: the resident rates a resolved case 1–5 and says whether it was solved; the case closes. */
export async function rateCase(
  deps: AppDeps,
  actor: Actor,
  id: string,
  body: { rating: number; isSolved: boolean; comment?: string | undefined },
) {
  const c = await loadAsReporter(deps, actor, id);
  if (!isAwaitingRating(c)) {
    throw new AppError('INVALID_STATE', {
      zh: c.rating !== null ? '您已评价过该诉求' : '诉求办结后才能评价',
      en: c.rating !== null ? 'You have already rated this case' : 'A case can be rated once it is resolved',
    });
  }
  await commitChange(deps, actor, c, null, 'rate', {
    patch: {
      status: 'closed',
      closed_at: deps.clock.now().toISOString(),
      rating: body.rating,
      rating_comment: body.comment ?? null,
      is_solved: body.isSolved ? 1 : 0,
    },
    event: { kind: 'rated', text: body.comment ?? null, detail: { rating: body.rating, isSolved: body.isSolved } },
    tellUnits: { event: 'rated', orgs: [{ id: c.handler_org_id, path: c.handler_path }], rating: body.rating },
  });
}

/** The reporter reopens her case within 7 days of its closing (or while it waits for her rating). */
export async function reopenByResident(deps: AppDeps, actor: Actor, id: string, reason: string) {
  const c = await loadAsReporter(deps, actor, id);
  if (!isReopenableByReporter(c, deps.clock.now())) {
    throw new AppError('INVALID_STATE', {
      zh: '只能在办结后或关闭 7 天内重新打开',
      en: 'A case can be reopened once resolved, or within 7 days of closing',
    });
  }
  await reopen(deps, actor, c, null, reason);
}

/**
 * A resident follows an open case someone else reported, instead of filing a duplicate. She may follow
 * only what she could have been offered: an open case of a public duty item whose place lies within
 * 200 m of the place she gives, or lies in her own area. Anything else does not exist for her (404).
 * She then sees its public summary and public steps (see access.ts), never the reporter or photos.
 */
export async function joinCase(
  deps: AppDeps,
  actor: Actor,
  id: string,
  from: { lng?: number | undefined; lat?: number | undefined } | undefined,
) {
  const c = await deps.db
    .selectFrom('cases')
    .leftJoin('duty_items', 'duty_items.id', 'cases.duty_item_id')
    .select([
      'cases.id',
      'cases.status',
      'cases.org_id',
      'cases.org_path',
      'cases.lng',
      'cases.lat',
      'cases.reporter_user_id',
      'cases.county_key',
    ])
    .select('duty_items.is_public')
    .where('cases.id', '=', id)
    .executeTakeFirst();
  if (c === undefined) throw notFound(CASE);
  if (c.reporter_user_id === actor.userId) return;
  const existing = await deps.db
    .selectFrom('case_reporters')
    .select('user_id')
    .where('case_id', '=', id)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (existing !== undefined) return;
  const isNearby =
    from?.lng !== undefined &&
    from.lat !== undefined &&
    c.lng !== null &&
    c.lat !== null &&
    // as the offer measured it to someone else's case: to its public point
    offeredDistance({ lng: from.lng, lat: from.lat }, { lng: c.lng, lat: c.lat }, false) !== null;
  const isOffered =
    OPEN_STATUSES.includes(c.status) && c.is_public === 1 && (isNearby || canAt(actor, 'case.report', c.org_path));
  if (!isOffered) throw notFound(CASE);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('case_reporters')
      .values({ case_id: id, county_key: c.county_key, user_id: actor.userId, source_case_id: id })
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'case.follow',
      targetType: 'case',
      targetId: id,
      orgId: c.org_id,
      orgPath: c.org_path,
    });
  });
}
