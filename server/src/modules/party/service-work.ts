import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { currentDay } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, conflict, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getMyRegistration } from './double-registration.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { SERVICE_HOURS } from './figures.ts';
import { countyKeyOf } from '../../db/county-key.ts';

/**
 * What a 双报到 member does for her community (issue 14, item 2): the community's service posts (志愿岗位)
 * she picks, the cases it opens to volunteers that she claims (one claim each: the first wins, held by a
 * conditional update), and the hours she logs, which staff confirm or reject.
 */

const ORG = { zh: '组织', en: 'Org unit' };
const OPENING = { zh: '志愿协办', en: 'Volunteer opening' };
const HOURS = { zh: '服务时长', en: 'Service hours' };

async function unitFor(deps: AppDeps, actor: Actor, orgId: string, permission: 'party.read' | 'party.manage') {
  const unit = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path', 'name', 'level'])
    .where('id', '=', orgId)
    .executeTakeFirst();
  if (unit === undefined || !canAt(actor, permission, unit.path)) throw notFound(ORG);
  return unit;
}

const subtree = (path: string) => [path, `${path.slice(0, -1)}0`] as const;

/** The service posts of a community (active first). */
export async function listServicePosts(deps: AppDeps, actor: Actor, orgId: string) {
  const unit = await unitFor(deps, actor, orgId, 'party.read');
  const rows = await deps.db
    .selectFrom('service_posts')
    .selectAll()
    .where('org_id', '=', unit.id)
    .orderBy('is_active', 'desc')
    .orderBy('name')
    .execute();
  return { items: rows.map(postOut) };
}

const postOut = (r: { id: string; name: string; description: string | null; is_active: number }) => ({
  id: r.id,
  name: r.name,
  description: r.description,
  isActive: r.is_active === 1,
});

/** Adds a service post (志愿岗位) to a community. */
export async function createServicePost(
  deps: AppDeps,
  actor: Actor,
  orgId: string,
  input: { name: string; description?: string | undefined },
) {
  const unit = await unitFor(deps, actor, orgId, 'party.manage');
  if (unit.level !== 'community')
    throw invalidField('orgId', 'not_community', { zh: '志愿岗位设在社区（村）', en: 'Posts belong to a community' });
  const row = {
    id: newId(),
    org_id: unit.id,
    org_path: unit.path,
    name: input.name.trim(),
    description: input.description?.trim() ?? null,
    is_active: 1,
    created_at: deps.clock.now().toISOString(),
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('service_posts').values(row).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'dual.post_create',
      targetType: 'service_post',
      targetId: row.id,
      orgId: unit.id,
      orgPath: unit.path,
      detail: {},
    });
  });
  return postOut(row);
}

/** The posts of the community of one of her registrations (for her to pick from). */
export async function listPostsForMe(deps: AppDeps, actor: Actor, registrationId: string) {
  const reg = await getMyRegistration(deps.db, actor, registrationId);
  const rows = await deps.db
    .selectFrom('service_posts')
    .selectAll()
    .where('org_id', '=', reg.org_id)
    .where('is_active', '=', 1)
    .orderBy('name')
    .execute();
  return { items: rows.map(postOut) };
}

/** Staff open a case of their community to 双报到 volunteers, saying what help is wanted. */
export async function openCaseToVolunteers(
  deps: AppDeps,
  actor: Actor,
  caseId: string,
  input: { title: string; helpWanted: string },
) {
  const found = await deps.db
    .selectFrom('cases')
    .select(['id', 'org_id', 'org_path'])
    .where('id', '=', caseId)
    .where(inScope<DB, 'cases'>(actor, 'party.manage', 'cases.org_path'))
    .executeTakeFirst();
  if (found === undefined) throw notFound({ zh: '诉求', en: 'Case' });
  const id = newId();
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('volunteer_case_openings')
        .values({
          id,
          case_id: found.id,
          org_id: found.org_id,
          org_path: found.org_path,
          title: input.title.trim(),
          help_wanted: input.helpWanted.trim(),
          opened_by: actor.userId,
          opened_at: deps.clock.now().toISOString(),
          claimed_by: null,
          registration_id: null,
          claimed_at: null,
          closed_at: null,
        })
        .execute();
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'dual.case_open',
        targetType: 'case',
        targetId: found.id,
        orgId: found.org_id,
        orgPath: found.org_path,
        detail: { openingId: id },
      });
    });
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === '23505' || /UNIQUE/.test(e.message ?? ''))
      throw conflict('CONFLICT', 'id', { zh: '该诉求已开放志愿协办', en: 'This case is already open to volunteers' });
    throw error;
  }
  return { id };
}

/** Confirmed registrations of hers: the communities whose openings she sees. */
async function myConfirmed(deps: AppDeps, actor: Actor) {
  return deps.db
    .selectFrom('dual_registrations')
    .select(['id', 'org_id', 'org_path'])
    .where('user_id', '=', actor.userId)
    .where('status', '=', 'confirmed')
    .execute();
}

/** The cases her communities opened to volunteers: unclaimed ones, and those she claimed. */
export async function listOpeningsForMe(deps: AppDeps, actor: Actor) {
  const regs = await myConfirmed(deps, actor);
  if (regs.length === 0) return { items: [] };
  const rows = await deps.db
    .selectFrom('volunteer_case_openings as o')
    .innerJoin('org_units as u', 'u.id', 'o.org_id')
    .select(['o.id', 'o.title', 'o.help_wanted', 'o.opened_at', 'o.claimed_by', 'o.claimed_at', 'u.name as unit_name'])
    .where(
      'o.org_id',
      'in',
      regs.map((r) => r.org_id),
    )
    .where('o.closed_at', 'is', null)
    .where((eb) => eb.or([eb('o.claimed_by', 'is', null), eb('o.claimed_by', '=', actor.userId)]))
    .orderBy('o.opened_at', 'desc')
    .limit(100)
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      helpWanted: r.help_wanted,
      communityName: r.unit_name,
      openedAt: r.opened_at,
      isMine: r.claimed_by === actor.userId,
      claimedAt: r.claimed_at,
    })),
  };
}

/** She claims an opened case; of two claims the first wins, a second (hers or another's) is a 409. */
export async function claimOpening(deps: AppDeps, actor: Actor, openingId: string) {
  const opening = await deps.db
    .selectFrom('volunteer_case_openings')
    .select(['id', 'org_id', 'org_path', 'claimed_by', 'closed_at'])
    .where('id', '=', openingId)
    .executeTakeFirst();
  const regs = await myConfirmed(deps, actor);
  const reg = regs.find((r) => r.org_id === opening?.org_id);
  // an opening of a community she is not a confirmed member of is none of hers to see
  if (opening === undefined || reg === undefined || opening.closed_at !== null) throw notFound(OPENING);
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('volunteer_case_openings')
      .set({ claimed_by: actor.userId, registration_id: reg.id, claimed_at: now })
      .where('id', '=', openingId)
      .where('claimed_by', 'is', null)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1)
      throw conflict('CONFLICT', 'id', {
        zh: opening.claimed_by === actor.userId ? '您已认领该事项' : '该事项已被他人认领',
        en: opening.claimed_by === actor.userId ? 'You already claimed this' : 'Someone else claimed this already',
      });
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'dual.case_claim',
      targetType: 'volunteer_opening',
      targetId: openingId,
      orgId: opening.org_id,
      orgPath: opening.org_path,
      detail: {},
    });
  });
  return { id: openingId, isMine: true, claimedAt: now };
}

/** She logs hours served at one of her posts or claimed cases; a day's logged hours stay within 24. */
export async function logMyHours(
  deps: AppDeps,
  actor: Actor,
  input: {
    registrationId: string;
    sourceKind: 'post' | 'case';
    sourceId: string;
    servedOn: string;
    minutes: number;
    note?: string | undefined;
  },
) {
  const reg = await getMyRegistration(deps.db, actor, input.registrationId);
  if (reg.status !== 'confirmed')
    throw invalidField('registrationId', 'not_confirmed', {
      zh: '社区确认报到后才能登记服务时长',
      en: 'Hours are logged once the community confirms the registration',
    });
  if (input.servedOn > currentDay(deps.clock.now()))
    throw invalidField('servedOn', 'future', { zh: '服务日期不能晚于今天', en: 'The day cannot be in the future' });
  const source =
    input.sourceKind === 'post'
      ? await deps.db
          .selectFrom('dual_registration_posts')
          .select('post_id as id')
          .where('registration_id', '=', reg.id)
          .where('post_id', '=', input.sourceId)
          .executeTakeFirst()
      : await deps.db
          .selectFrom('volunteer_case_openings')
          .select('id')
          .where('id', '=', input.sourceId)
          .where('claimed_by', '=', actor.userId)
          .executeTakeFirst();
  if (source === undefined)
    throw invalidField('sourceId', 'unknown_source', {
      zh: input.sourceKind === 'post' ? '这不是您选择的志愿岗位' : '这不是您认领的事项',
      en: input.sourceKind === 'post' ? 'Not one of your posts' : 'Not a case you claimed',
    });
  const id = newId();
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const day = await trx
      .selectFrom('service_hours')
      .select((eb) => eb.fn.sum<number>('minutes').as('m'))
      .where('user_id', '=', actor.userId)
      .where('served_on', '=', input.servedOn)
      .where('status', '!=', 'rejected')
      .executeTakeFirst();
    if (Number(day?.m ?? 0) + input.minutes > 24 * 60)
      throw invalidField('minutes', 'over_a_day', {
        zh: '同一天登记的服务时长不能超过 24 小时',
        en: 'Hours logged for one day cannot exceed 24',
      });
    await trx
      .insertInto('service_hours')
      .values({
        id,
        registration_id: reg.id,
        user_id: actor.userId,
        org_path: reg.org_path,
        county_key: countyKeyOf(reg.org_path),
        source_kind: input.sourceKind,
        source_id: input.sourceId,
        served_on: input.servedOn,
        minutes: input.minutes,
        note: input.note?.trim() ?? null,
        status: 'logged',
        created_at: now,
        decided_by: null,
        decided_at: null,
      })
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'dual.hours_log',
      targetType: 'service_hours',
      targetId: id,
      orgId: reg.org_id,
      orgPath: reg.org_path,
      detail: { minutes: input.minutes },
    });
  });
  return { id, status: 'logged' as const };
}

/** Hours waiting for (or past) staff confirmation in a unit. */
export async function listHoursInScope(
  deps: AppDeps,
  actor: Actor,
  orgId: string,
  status: 'logged' | 'confirmed' | 'rejected',
) {
  const unit = await unitFor(deps, actor, orgId, 'party.read');
  const [from, to] = subtree(unit.path);
  const rows = await deps.db
    .selectFrom('service_hours')
    .innerJoin('dual_registrations', 'dual_registrations.id', 'service_hours.registration_id')
    .select([
      'service_hours.id',
      'dual_registrations.name',
      'service_hours.source_kind',
      'service_hours.served_on',
      'service_hours.minutes',
      'service_hours.note',
      'service_hours.status',
      'service_hours.created_at',
    ])
    .where(inScope<DB, 'service_hours'>(actor, 'party.read', 'service_hours.org_path'))
    .where('service_hours.org_path', '>=', from)
    .where('service_hours.org_path', '<', to)
    .where('service_hours.status', '=', status)
    .orderBy('service_hours.served_on', 'desc')
    .limit(500)
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      sourceKind: r.source_kind,
      servedOn: r.served_on,
      minutes: r.minutes,
      note: r.note,
      status: r.status,
      createdAt: r.created_at,
    })),
  };
}

/** Staff confirm or reject logged hours (once: a second decision is a 409). */
export async function decideHours(deps: AppDeps, actor: Actor, id: string, isConfirmed: boolean) {
  const row = await deps.db
    .selectFrom('service_hours')
    .innerJoin('dual_registrations', 'dual_registrations.id', 'service_hours.registration_id')
    .select(['service_hours.id', 'service_hours.org_path', 'dual_registrations.org_id'])
    .where('service_hours.id', '=', id)
    .where(inScope<DB, 'service_hours'>(actor, 'party.manage', 'service_hours.org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(HOURS);
  const now = deps.clock.now().toISOString();
  const status = isConfirmed ? 'confirmed' : 'rejected';
  await deps.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('service_hours')
      .set({ status, decided_by: actor.userId, decided_at: now })
      .where('id', '=', id)
      .where('status', '=', 'logged')
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1)
      throw new AppError('INVALID_STATE', { zh: '该时长已处理', en: 'These hours were already decided' });
    await syncServiceFigures(trx, SERVICE_HOURS, [id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: isConfirmed ? 'dual.hours_confirm' : 'dual.hours_reject',
      targetType: 'service_hours',
      targetId: id,
      orgId: row.org_id,
      orgPath: row.org_path,
      detail: {},
    });
  });
  return { id, status };
}
