import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { shanghaiDay } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { findConfirmedRegistration, recordDualHours } from '../party/double-registration.ts';
import { awardPoints } from '../points/award.ts';
import { isUniqueViolation } from '../points/ledger.ts';
import { communityOfOrg, ensureDefaultRules, myMember } from '../points/service.ts';
import type { ActivityKind, CheckVia, VolunteerActivityTable, VolunteerSignupTable } from './tables.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { VOLUNTEER_SIGNUPS } from './figures.ts';
import { countyKeyOf } from '../../db/county-key.ts';

/**
 * Volunteer activities and needs (issue 14, item 5). A community publishes an activity (many slots) or
 * a need (认领: usually one); a bound resident signs up (a slot is taken by a conditional update, so
 * slots never oversell; one sign-up per person by a unique index), checks in and out by scanning the
 * QR code at the place (its secret) or staff do it for her; staff confirm the hours (at most 24 a day
 * per person), and the confirmation awards points by the activity's rule in the same transaction.
 */

const ACTIVITY = { zh: '志愿活动', en: 'Volunteer activity' };
const SIGNUP = { zh: '报名记录', en: 'Sign-up' };
const DAY_MINUTES = 24 * 60;
/** Check-in opens this long before the start. */
const EARLY_MS = 60 * 60_000;

export const activityOut = (r: VolunteerActivityTable) => ({
  id: r.id,
  orgId: r.org_id,
  kind: r.kind,
  title: r.title,
  description: r.description,
  place: r.place,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  slots: r.slots,
  taken: r.taken,
  ruleCode: r.rule_code,
  needRef: r.need_ref,
  status: r.status,
  createdByName: r.created_by_name,
  createdAt: r.created_at,
});

export const signupOut = (r: VolunteerSignupTable) => ({
  id: r.id,
  activityId: r.activity_id,
  volunteerName: r.volunteer_name,
  status: r.status,
  createdAt: r.created_at,
  checkedInAt: r.checked_in_at,
  checkedInVia: r.checked_in_via,
  checkedOutAt: r.checked_out_at,
  checkedOutVia: r.checked_out_via,
  minutes: r.minutes,
  confirmedAt: r.confirmed_at,
  confirmedByName: r.confirmed_by_name,
  points: r.points,
});

export interface ActivityInput {
  orgId: string;
  kind: ActivityKind;
  title: string;
  description?: string | undefined;
  place?: string | undefined;
  startsAt: string;
  endsAt: string;
  slots: number;
  ruleCode?: string | undefined;
  needRef?: string | undefined;
}

/** Staff publish an activity or need in their community. */
export async function createActivity(deps: AppDeps, actor: Actor, input: ActivityInput) {
  const unit = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path'])
    .where('id', '=', input.orgId)
    .executeTakeFirst();
  if (unit === undefined || !canAt(actor, 'volunteer.manage', unit.path))
    throw notFound({ zh: '组织', en: 'Org unit' });
  const community = await communityOfOrg(deps, input.orgId);
  const starts = Date.parse(input.startsAt);
  const ends = Date.parse(input.endsAt);
  if (!(ends > starts)) {
    throw invalidField('endsAt', 'before_start', {
      zh: '结束时间必须晚于开始时间',
      en: 'The end must come after the start',
    });
  }
  const now = deps.clock.now();
  const ruleCode = input.ruleCode ?? 'volunteer_hour';
  return deps.db.transaction().execute(async (trx) => {
    await ensureDefaultRules(trx, now, community.path);
    const rule = await trx
      .selectFrom('points_rules')
      .select(['id', 'source_kind', 'kind'])
      .where('org_path', '=', community.path)
      .where('code', '=', ruleCode)
      .executeTakeFirst();
    if (rule === undefined || rule.kind !== 'earn' || rule.source_kind !== 'volunteer') {
      throw invalidField('ruleCode', 'unknown_rule', {
        zh: '没有这条志愿服务积分规则',
        en: 'No such volunteering points rule in this community',
      });
    }
    const row: VolunteerActivityTable = {
      id: newId(),
      org_id: unit.id,
      org_path: unit.path,
      kind: input.kind,
      title: input.title,
      description: input.description ?? null,
      place: input.place ?? null,
      starts_at: new Date(starts).toISOString(),
      ends_at: new Date(ends).toISOString(),
      slots: input.slots,
      taken: 0,
      rule_code: ruleCode,
      checkin_code: crypto.randomBytes(16).toString('base64url'),
      need_ref: input.needRef ?? null,
      status: 'published',
      created_by: actor.userId,
      created_by_name: actor.displayName,
      created_at: now.toISOString(),
    };
    await trx.insertInto('volunteer_activities').values(row).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'volunteer.activity_create',
      targetType: 'volunteerActivity',
      targetId: row.id,
      orgPath: row.org_path,
      detail: { kind: row.kind, slots: row.slots },
    });
    return activityOut(row);
  });
}

/** Staff: activities in scope under a unit, newest first. */
export async function listActivities(deps: AppDeps, actor: Actor, orgId: string) {
  const unit = await deps.db.selectFrom('org_units').select(['path']).where('id', '=', orgId).executeTakeFirstOrThrow();
  const rows = await deps.db
    .selectFrom('volunteer_activities')
    .selectAll()
    .where(inScope<DB, 'volunteer_activities'>(actor, 'volunteer.manage', 'org_path'))
    .where('org_path', '>=', unit.path)
    .where('org_path', '<', `${unit.path.slice(0, -1)}0`)
    .orderBy('starts_at', 'desc')
    .limit(200)
    .execute();
  return { items: rows.map(activityOut) };
}

async function activityInScope(deps: AppDeps, actor: Actor, id: string) {
  const row = await deps.db
    .selectFrom('volunteer_activities')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'volunteer_activities'>(actor, 'volunteer.manage', 'org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(ACTIVITY);
  return row;
}

/** Staff: an activity with its sign-ups and the check-in code its QR carries. */
export async function getActivity(deps: AppDeps, actor: Actor, id: string) {
  const row = await activityInScope(deps, actor, id);
  const signups = await deps.db
    .selectFrom('volunteer_signups')
    .selectAll()
    .where('activity_id', '=', row.id)
    .orderBy('created_at')
    .execute();
  return { ...activityOut(row), checkinCode: row.checkin_code, signups: signups.map(signupOut) };
}

export async function cancelActivity(deps: AppDeps, actor: Actor, id: string) {
  const row = await activityInScope(deps, actor, id);
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('volunteer_activities').set({ status: 'cancelled' }).where('id', '=', row.id).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'volunteer.activity_cancel',
      targetType: 'volunteerActivity',
      targetId: row.id,
      orgPath: row.org_path,
    });
  });
  return activityOut({ ...row, status: 'cancelled' });
}

// ——— the resident's side ———

/** Activities and needs of her community still open or running, with her own sign-up on each. */
export async function listMyActivities(deps: AppDeps, actor: Actor) {
  const member = await myMember(deps.db, actor);
  const end = `${member.communityPath.slice(0, -1)}0`;
  const since = new Date(deps.clock.now().getTime() - 7 * 24 * 3_600_000).toISOString();
  const rows = await deps.db
    .selectFrom('volunteer_activities')
    .selectAll()
    .where('org_path', '>=', member.communityPath)
    .where('org_path', '<', end)
    .where('status', '=', 'published')
    .where('ends_at', '>=', since)
    .orderBy('starts_at')
    .limit(200)
    .execute();
  const mine = await deps.db
    .selectFrom('volunteer_signups')
    .selectAll()
    .where('user_id', '=', actor.userId)
    .where('activity_id', 'in', rows.length === 0 ? [''] : rows.map((r) => r.id))
    .execute();
  const byActivity = new Map(mine.map((s) => [s.activity_id, s]));
  return {
    items: rows.map((r) => {
      const s = byActivity.get(r.id);
      return { ...activityOut(r), mine: s === undefined ? null : signupOut(s) };
    }),
  };
}

async function openActivityForMember(deps: AppDeps, actor: Actor, id: string) {
  const member = await myMember(deps.db, actor);
  const row = await deps.db.selectFrom('volunteer_activities').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined || !row.org_path.startsWith(member.communityPath)) throw notFound(ACTIVITY);
  return { member, activity: row };
}

const alreadyClaimed = () =>
  conflict('CONFLICT', 'activityId', { zh: '您已报名（认领）过这项活动', en: 'You already signed up for this' });

/** She signs up for (claims) an activity or need of her community. */
export async function signUp(deps: AppDeps, actor: Actor, activityId: string) {
  const { member, activity } = await openActivityForMember(deps, actor, activityId);
  if (activity.status !== 'published') {
    throw conflict('INVALID_STATE', 'activityId', {
      zh: '该活动已取消或结束',
      en: 'This activity was cancelled or closed',
    });
  }
  const now = deps.clock.now();
  if (activity.ends_at <= now.toISOString()) {
    throw conflict('INVALID_STATE', 'activityId', { zh: '该活动已结束', en: 'This activity is over' });
  }
  const existing = await deps.db
    .selectFrom('volunteer_signups')
    .select('id')
    .where('activity_id', '=', activity.id)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (existing !== undefined) throw alreadyClaimed();
  const row: VolunteerSignupTable = {
    id: newId(),
    activity_id: activity.id,
    org_path: activity.org_path,
    county_key: countyKeyOf(activity.org_path),
    user_id: actor.userId,
    resident_id: member.residentId,
    volunteer_name: member.residentName,
    status: 'signed',
    created_at: now.toISOString(),
    cancelled_at: null,
    checked_in_at: null,
    checked_in_via: null,
    checked_out_at: null,
    checked_out_via: null,
    minutes: null,
    day: null,
    confirmed_at: null,
    confirmed_by_name: null,
    points: null,
  };
  try {
    await deps.db.transaction().execute(async (trx) => {
      const took = await trx
        .updateTable('volunteer_activities')
        .set((eb) => ({ taken: eb('taken', '+', 1) }))
        .where('id', '=', activity.id)
        .where('status', '=', 'published')
        .whereRef('taken', '<', 'slots')
        .executeTakeFirst();
      if (Number(took.numUpdatedRows) === 0) {
        throw conflict('CONFLICT', 'activityId', { zh: '名额已满', en: 'All slots are taken' });
      }
      await trx.insertInto('volunteer_signups').values(row).execute();
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'volunteer.signup',
        targetType: 'volunteerActivity',
        targetId: activity.id,
        orgPath: activity.org_path,
        detail: { signupId: row.id },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyClaimed();
    throw error;
  }
  return signupOut(row);
}

/** She withdraws before checking in: her slot is free again. */
export async function cancelMySignup(deps: AppDeps, actor: Actor, activityId: string) {
  const signup = await mySignup(deps, actor, activityId);
  if (signup.status !== 'signed') {
    throw conflict('INVALID_STATE', 'activityId', {
      zh: '已签到，不能取消报名',
      en: 'Already checked in: cannot withdraw',
    });
  }
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('volunteer_signups')
      .set({ status: 'cancelled', cancelled_at: now })
      .where('id', '=', signup.id)
      .where('status', '=', 'signed')
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) return;
    await trx
      .updateTable('volunteer_activities')
      .set((eb) => ({ taken: eb('taken', '-', 1) }))
      .where('id', '=', signup.activity_id)
      .execute();
  });
  return signupOut({ ...signup, status: 'cancelled', cancelled_at: now });
}

async function mySignup(deps: AppDeps, actor: Actor, activityId: string) {
  const row = await deps.db
    .selectFrom('volunteer_signups')
    .selectAll()
    .where('activity_id', '=', activityId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (row === undefined) throw notFound(SIGNUP);
  return row;
}

const wrongCode = () =>
  invalidField('code', 'wrong_code', {
    zh: '签到码不正确，请扫描活动现场的二维码',
    en: 'Wrong code: scan the QR code at the place',
  });

function codeMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** Check-in: signed → checked in, from the start (an hour early) until the end. */
async function checkIn(
  deps: AppDeps,
  actor: Actor,
  activity: VolunteerActivityTable,
  signup: VolunteerSignupTable,
  via: CheckVia,
  at: Date,
) {
  if (signup.status !== 'signed') {
    throw conflict('INVALID_STATE', 'status', {
      zh: signup.status === 'cancelled' ? '报名已取消' : '已经签到过了',
      en: signup.status === 'cancelled' ? 'The sign-up was cancelled' : 'Already checked in',
    });
  }
  if (at.getTime() < Date.parse(activity.starts_at) - EARLY_MS || at.toISOString() > activity.ends_at) {
    throw invalidField('at', 'outside_activity', {
      zh: '不在活动时间内（开始前 1 小时起可签到）',
      en: 'Outside the activity time (check-in opens an hour before the start)',
    });
  }
  const iso = at.toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('volunteer_signups')
      .set({ status: 'checked_in', checked_in_at: iso, checked_in_via: via })
      .where('id', '=', signup.id)
      .where('status', '=', 'signed')
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) {
      throw conflict('INVALID_STATE', 'status', { zh: '已经签到过了', en: 'Already checked in' });
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'volunteer.check_in',
      targetType: 'volunteerActivity',
      targetId: activity.id,
      orgPath: activity.org_path,
      detail: { signupId: signup.id, via },
    });
  });
  return signupOut({ ...signup, status: 'checked_in', checked_in_at: iso, checked_in_via: via });
}

/** Check-out: checked in → checked out; the minutes between, at most 24 hours. */
async function checkOut(
  deps: AppDeps,
  actor: Actor,
  activity: VolunteerActivityTable,
  signup: VolunteerSignupTable,
  via: CheckVia,
  at: Date,
) {
  if (signup.status === 'signed' || signup.checked_in_at === null) {
    throw invalidField('checkIn', 'not_checked_in', { zh: '尚未签到，不能签退', en: 'Check in before checking out' });
  }
  if (signup.status !== 'checked_in') {
    throw conflict('INVALID_STATE', 'status', { zh: '已经签退过了', en: 'Already checked out' });
  }
  const minutes = Math.floor((at.getTime() - Date.parse(signup.checked_in_at)) / 60_000);
  if (minutes < 0) {
    throw invalidField('at', 'before_check_in', {
      zh: '签退时间不能早于签到时间',
      en: 'Check-out cannot be before check-in',
    });
  }
  if (minutes > DAY_MINUTES) {
    throw invalidField('at', 'over_24_hours', {
      zh: '一次服务不能超过 24 小时，请由工作人员核定时长',
      en: 'A service cannot exceed 24 hours; staff confirm the hours',
    });
  }
  const iso = at.toISOString();
  const day = shanghaiDay(signup.checked_in_at);
  await deps.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('volunteer_signups')
      .set({ status: 'checked_out', checked_out_at: iso, checked_out_via: via, minutes, day })
      .where('id', '=', signup.id)
      .where('status', '=', 'checked_in')
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) {
      throw conflict('INVALID_STATE', 'status', { zh: '已经签退过了', en: 'Already checked out' });
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'volunteer.check_out',
      targetType: 'volunteerActivity',
      targetId: activity.id,
      orgPath: activity.org_path,
      detail: { signupId: signup.id, via, minutes },
    });
  });
  return signupOut({ ...signup, status: 'checked_out', checked_out_at: iso, checked_out_via: via, minutes, day });
}

/** She scans the QR at the place: check-in, or check-out when already in. */
export async function scanMyCode(deps: AppDeps, actor: Actor, activityId: string, code: string) {
  const { activity } = await openActivityForMember(deps, actor, activityId);
  if (!codeMatches(code, activity.checkin_code)) throw wrongCode();
  const signup = await mySignup(deps, actor, activityId);
  const now = deps.clock.now();
  return signup.status === 'signed'
    ? checkIn(deps, actor, activity, signup, 'qr', now)
    : checkOut(deps, actor, activity, signup, 'qr', now);
}

async function signupInScope(deps: AppDeps, actor: Actor, signupId: string) {
  const signup = await deps.db
    .selectFrom('volunteer_signups')
    .selectAll()
    .where('id', '=', signupId)
    .where(inScope<DB, 'volunteer_signups'>(actor, 'volunteer.manage', 'org_path'))
    .executeTakeFirst();
  if (signup === undefined) throw notFound(SIGNUP);
  const activity = await deps.db
    .selectFrom('volunteer_activities')
    .selectAll()
    .where('id', '=', signup.activity_id)
    .executeTakeFirstOrThrow();
  return { signup, activity };
}

/** Staff check a volunteer in or out (at a time they give, or now). */
export async function staffCheck(deps: AppDeps, actor: Actor, signupId: string, action: 'in' | 'out', at?: string) {
  const { signup, activity } = await signupInScope(deps, actor, signupId);
  const when = at === undefined ? deps.clock.now() : new Date(at);
  if (when.getTime() > deps.clock.now().getTime() + 60_000) {
    throw invalidField('at', 'in_future', { zh: '时间不能晚于现在', en: 'The time cannot be in the future' });
  }
  return action === 'in'
    ? checkIn(deps, actor, activity, signup, 'staff', when)
    : checkOut(deps, actor, activity, signup, 'staff', when);
}

/**
 * Staff confirm her hours (as checked, or corrected in `minutes`) and the points are awarded by the
 * activity's rule, in one transaction. Her confirmed minutes on that day, with these, stay ≤ 24 h.
 */
export async function confirmHours(deps: AppDeps, actor: Actor, signupId: string, minutes?: number) {
  const { signup, activity } = await signupInScope(deps, actor, signupId);
  if (signup.status !== 'checked_out' || signup.minutes === null || signup.day === null) {
    throw conflict('INVALID_STATE', 'status', {
      zh: signup.status === 'confirmed' ? '时长已确认' : '签退后才能确认时长',
      en: signup.status === 'confirmed' ? 'Hours already confirmed' : 'Hours are confirmed after check-out',
    });
  }
  const served = minutes ?? signup.minutes;
  const day = signup.day;
  const now = deps.clock.now();
  const result = await deps.db.transaction().execute(async (trx) => {
    const sameDay = await trx
      .selectFrom('volunteer_signups')
      .select((eb) => eb.fn.sum<number | string | null>('minutes').as('total'))
      .where('resident_id', '=', signup.resident_id)
      .where('day', '=', signup.day)
      .where('status', '=', 'confirmed')
      .executeTakeFirstOrThrow();
    if (Number(sameDay.total ?? 0) + served > DAY_MINUTES) {
      throw invalidField('minutes', 'over_24_hours_day', {
        zh: `${signup.day} 已确认 ${Math.round(Number(sameDay.total ?? 0) / 6) / 10} 小时，一天合计不能超过 24 小时`,
        en: `${signup.day} already has ${Math.round(Number(sameDay.total ?? 0) / 6) / 10} h confirmed; a day holds at most 24 h`,
      });
    }
    const award = await awardPoints(trx, now, {
      residentId: signup.resident_id,
      rule: activity.rule_code,
      source: { kind: 'volunteer_signup', id: signup.id },
      minutes: served,
      reason: `志愿服务：${activity.title}（${Math.round(served / 6) / 10} 小时）`.slice(0, 200),
      actor: { id: actor.userId, name: actor.displayName },
    });
    const points = award.awarded ? award.amount : 0;
    // a 双报到 member's hours count on her registration too (the figures of 双报到 members and hours)
    const registration = await findConfirmedRegistration(trx, signup.user_id, activity.org_path);
    if (registration !== undefined) {
      await recordDualHours(trx, {
        registrationId: registration.id,
        userId: signup.user_id,
        orgPath: activity.org_path,
        sourceKind: 'need',
        sourceId: signup.id,
        servedOn: day,
        minutes: served,
        confirmedBy: actor.userId,
        at: now.toISOString(),
      });
    }
    const done = await trx
      .updateTable('volunteer_signups')
      .set({
        status: 'confirmed',
        minutes: served,
        confirmed_at: now.toISOString(),
        confirmed_by_name: actor.displayName,
        points,
      })
      .where('id', '=', signup.id)
      .where('status', '=', 'checked_out')
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) {
      throw conflict('INVALID_STATE', 'status', { zh: '时长已确认', en: 'Hours already confirmed' });
    }
    await syncServiceFigures(trx, VOLUNTEER_SIGNUPS, [signup.id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'volunteer.confirm_hours',
      targetType: 'volunteerActivity',
      targetId: activity.id,
      orgPath: activity.org_path,
      detail: { signupId: signup.id, minutes: served, points },
    });
    return { points };
  });
  return {
    ...signupOut({
      ...signup,
      status: 'confirmed',
      minutes: served,
      confirmed_at: now.toISOString(),
      confirmed_by_name: actor.displayName,
      points: result.points,
    }),
  };
}

/**
 * Which of these residents are volunteers: she served at least one activity or need and staff confirmed
 * her hours (a sign-up alone does not make a volunteer). The role a notice may be sent to.
 */
export async function residentsWhoVolunteered(db: Kysely<DB>, residentIds: readonly string[]): Promise<Set<string>> {
  if (residentIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('volunteer_signups')
    .select('resident_id')
    .distinct()
    .where('resident_id', 'in', [...residentIds])
    .where('status', '=', 'confirmed')
    .execute();
  return new Set(rows.map((r) => r.resident_id));
}
