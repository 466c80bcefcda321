import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, conflict, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { enqueueMessage } from '../messages/outbox.ts';
import type { DualRegistrationTable, DualState } from './tables.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { DUAL_REGISTRATIONS, SERVICE_HOURS } from './figures.ts';
import { countyKeyOf } from '../../db/county-key.ts';

/**
 * 双报到 (issue 14, item 2): a party member registers with the community where she lives (and names her
 * work unit, which registers with the community through the 党建联盟); the community confirms or refuses;
 * she picks service posts (志愿岗位), claims cases the community opens to volunteers and logs hours that
 * staff confirm.
 *
 * For other modules (volunteering, points): `findConfirmedRegistration` / `isConfirmedDualMember` say
 * whether a user is a confirmed member of a community, and `recordDualHours` adds hours a member served
 * through another module (a volunteer need) to her 双报到 record, already confirmed by that module's staff.
 */

type Db = Kysely<DB> | Transaction<DB>;
const REGISTRATION = { zh: '双报到登记', en: '双报到 registration' };

/** A confirmed 双报到 of `userId` with the community at `communityPath` (or any unit under it), if any. */
export async function findConfirmedRegistration(
  db: Db,
  userId: string,
  communityPath: string,
): Promise<{ id: string; orgId: string; orgPath: string; name: string; workUnit: string } | undefined> {
  const row = await db
    .selectFrom('dual_registrations')
    .select(['id', 'org_id', 'org_path', 'name', 'work_unit'])
    .where('user_id', '=', userId)
    .where('status', '=', 'confirmed')
    .execute();
  const hit = row.find((r) => communityPath.startsWith(r.org_path));
  return hit === undefined
    ? undefined
    : { id: hit.id, orgId: hit.org_id, orgPath: hit.org_path, name: hit.name, workUnit: hit.work_unit };
}

/**
 * Which of these residents are confirmed 双报到 members (of any community): the role a notice may be sent
 * to. A registration the registry could not tie to a resident is not among them.
 */
export async function confirmedDualResidents(db: Db, residentIds: readonly string[]): Promise<Set<string>> {
  if (residentIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('dual_registrations')
    .select('resident_id')
    .where('resident_id', 'in', [...residentIds])
    .where('status', '=', 'confirmed')
    .execute();
  return new Set(rows.map((r) => r.resident_id).filter((id): id is string => id !== null));
}

/** True when `userId` is a confirmed 双报到 member of the community at `communityPath` (or above `path`). */
export async function isConfirmedDualMember(db: Db, userId: string, communityPath: string): Promise<boolean> {
  return (await findConfirmedRegistration(db, userId, communityPath)) !== undefined;
}

/**
 * Adds hours a confirmed member served through another module (`sourceKind` 'need': a volunteering need)
 * to her 双报到 record, confirmed by that module's staff. Call inside that module's transaction; idempotent
 * by (registration, source): a second call for the same source changes nothing.
 */
export async function recordDualHours(
  trx: Db,
  input: {
    registrationId: string;
    userId: string;
    orgPath: string;
    sourceKind: 'need';
    sourceId: string;
    servedOn: string;
    minutes: number;
    confirmedBy: string;
    at: string;
  },
): Promise<void> {
  const existing = await trx
    .selectFrom('service_hours')
    .select('id')
    .where('registration_id', '=', input.registrationId)
    .where('source_kind', '=', input.sourceKind)
    .where('source_id', '=', input.sourceId)
    .executeTakeFirst();
  if (existing !== undefined) return;
  const id = newId();
  await trx
    .insertInto('service_hours')
    .values({
      id,
      registration_id: input.registrationId,
      user_id: input.userId,
      org_path: input.orgPath,
      county_key: countyKeyOf(input.orgPath),
      source_kind: input.sourceKind,
      source_id: input.sourceId,
      served_on: input.servedOn,
      minutes: input.minutes,
      note: null,
      status: 'confirmed',
      created_at: input.at,
      decided_by: input.confirmedBy,
      decided_at: input.at,
    })
    .execute();
  await syncServiceFigures(trx, SERVICE_HOURS, [id]);
}

export interface DualRegistrationOut {
  id: string;
  orgId: string;
  communityName: string;
  name: string;
  workUnit: string;
  allianceUnitId: string | null;
  partyOrgName: string | null;
  skills: string | null;
  status: DualState;
  requestedAt: string;
  decidedAt: string | null;
  note: string | null;
  posts: { id: string; name: string }[];
  confirmedMinutes: number;
  loggedMinutes: number;
}

async function toOut(db: Db, rows: DualRegistrationTable[]): Promise<DualRegistrationOut[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [units, posts, hours] = await Promise.all([
    db
      .selectFrom('org_units')
      .select(['id', 'name'])
      .where(
        'id',
        'in',
        rows.map((r) => r.org_id),
      )
      .execute(),
    db
      .selectFrom('dual_registration_posts as rp')
      .innerJoin('service_posts as p', 'p.id', 'rp.post_id')
      .select(['rp.registration_id', 'p.id', 'p.name'])
      .where('rp.registration_id', 'in', ids)
      .orderBy('p.name')
      .execute(),
    db
      .selectFrom('service_hours')
      .select(['registration_id', 'status', (eb) => eb.fn.sum<number>('minutes').as('minutes')])
      .where('registration_id', 'in', ids)
      .groupBy(['registration_id', 'status'])
      .execute(),
  ]);
  return rows.map((r) => ({
    id: r.id,
    orgId: r.org_id,
    communityName: units.find((u) => u.id === r.org_id)?.name ?? '',
    name: r.name,
    workUnit: r.work_unit,
    allianceUnitId: r.alliance_unit_id,
    partyOrgName: r.party_org_name,
    skills: r.skills,
    status: r.status,
    requestedAt: r.requested_at,
    decidedAt: r.decided_at,
    note: r.status === 'refused' ? r.decision_note : null,
    posts: posts.filter((p) => p.registration_id === r.id).map((p) => ({ id: p.id, name: p.name })),
    confirmedMinutes: Number(hours.find((h) => h.registration_id === r.id && h.status === 'confirmed')?.minutes ?? 0),
    loggedMinutes: Number(hours.find((h) => h.registration_id === r.id && h.status === 'logged')?.minutes ?? 0),
  }));
}

/** The community a 双报到 names by its code: a unit of level community on this platform, or a 400 naming `communityCode`. */
async function requireCommunity(db: Db, code: string) {
  const unit = await db
    .selectFrom('org_units')
    .select(['id', 'path', 'name', 'level'])
    .where('code', '=', code)
    .executeTakeFirst();
  if (unit === undefined || unit.level !== 'community')
    throw invalidField('communityCode', 'unknown_community', {
      zh: '该社区不在本平台，请选择本平台的社区（村）',
      en: 'No such community on this platform',
    });
  return unit;
}

export interface DualRegisterInput {
  /** the community's division code, as the public community list gives it */
  communityCode: string;
  name: string;
  workUnit: string;
  allianceUnitId?: string | undefined;
  partyOrgName?: string | undefined;
  skills?: string | undefined;
}

/** She registers with a community (双报到); her community's staff hear of it through the outbox. */
export async function registerDual(deps: AppDeps, actor: Actor, input: DualRegisterInput) {
  const community = await requireCommunity(deps.db, input.communityCode);
  if (input.allianceUnitId !== undefined) {
    const unit = await deps.db
      .selectFrom('alliance_units')
      .select(['id', 'org_path'])
      .where('id', '=', input.allianceUnitId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    // her unit must be a member of an alliance the community belongs to (its own or its street's)
    if (unit === undefined || !community.path.startsWith(unit.org_path))
      throw invalidField('allianceUnitId', 'unknown_unit', {
        zh: '该单位不是此社区党建联盟的成员单位',
        en: 'Not a member unit of this community’s alliance',
      });
  }
  const binding = await deps.db
    .selectFrom('resident_bindings')
    .select(['resident_id', 'org_path'])
    .where('user_id', '=', actor.userId)
    .where('status', '=', 'bound')
    .executeTakeFirst();
  const now = deps.clock.now().toISOString();
  const id = newId();
  const row: DualRegistrationTable = {
    id,
    user_id: actor.userId,
    // her registry record when she is bound to one in this community
    resident_id: binding !== undefined && binding.org_path.startsWith(community.path) ? binding.resident_id : null,
    org_id: community.id,
    org_path: community.path,
    name: input.name.trim(),
    work_unit: input.workUnit.trim(),
    alliance_unit_id: input.allianceUnitId ?? null,
    party_org_name: input.partyOrgName?.trim() ?? null,
    skills: input.skills?.trim() ?? null,
    status: 'pending',
    requested_at: now,
    decided_by: null,
    decided_at: null,
    decision_note: null,
  };
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('dual_registrations').values(row).execute();
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'dual.register',
        targetType: 'dual_registration',
        targetId: id,
        orgId: community.id,
        orgPath: community.path,
        detail: {},
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyRegistered();
    throw error;
  }
  return (await toOut(deps.db, [row]))[0]!;
}

const alreadyRegistered = () =>
  conflict('CONFLICT', 'communityCode', {
    zh: '您已在该社区报到（或正在等待确认）',
    en: 'You have already registered with this community (or are waiting for confirmation)',
  });

/** A unique index refused the row (both engines' words for it). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint/.test(e.message ?? '');
}

/** Her own registrations, newest first. */
export async function listMyRegistrations(deps: AppDeps, actor: Actor) {
  const rows = await deps.db
    .selectFrom('dual_registrations')
    .selectAll()
    .where('user_id', '=', actor.userId)
    .orderBy('requested_at', 'desc')
    .execute();
  return { items: await toOut(deps.db, rows) };
}

/** Registrations with communities in the actor's scope (staff), by status. */
export async function listRegistrationsInScope(
  deps: AppDeps,
  actor: Actor,
  query: { orgId: string; status?: DualState | undefined },
) {
  const unit = await deps.db.selectFrom('org_units').select(['path']).where('id', '=', query.orgId).executeTakeFirst();
  if (unit === undefined || !canAt(actor, 'party.read', unit.path)) throw notFound();
  let q = deps.db
    .selectFrom('dual_registrations')
    .selectAll()
    .where(inScope<DB, 'dual_registrations'>(actor, 'party.read', 'dual_registrations.org_path'))
    .where('org_path', '>=', unit.path)
    .where('org_path', '<', `${unit.path.slice(0, -1)}0`);
  if (query.status !== undefined) q = q.where('status', '=', query.status);
  const rows = await q.orderBy('requested_at', 'desc').limit(500).execute();
  return { items: await toOut(deps.db, rows) };
}

/** The community confirms or refuses a pending registration; she hears of it through the outbox. */
export async function decideRegistration(
  deps: AppDeps,
  actor: Actor,
  id: string,
  decision: { isConfirmed: boolean; note?: string | undefined },
) {
  const row = await deps.db
    .selectFrom('dual_registrations')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'dual_registrations'>(actor, 'party.manage', 'dual_registrations.org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(REGISTRATION);
  const now = deps.clock.now().toISOString();
  const status: DualState = decision.isConfirmed ? 'confirmed' : 'refused';
  await deps.db.transaction().execute(async (trx) => {
    // conditional: of two staff deciding at once, one wins; the other is told it was decided
    const done = await trx
      .updateTable('dual_registrations')
      .set({ status, decided_by: actor.userId, decided_at: now, decision_note: decision.note ?? null })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1)
      throw new AppError('INVALID_STATE', { zh: '该登记已处理', en: 'This registration was already decided' });
    await syncServiceFigures(trx, DUAL_REGISTRATIONS, [id]);
    const community = await trx.selectFrom('org_units').select('name').where('id', '=', row.org_id).executeTakeFirst();
    await enqueueMessage(trx, {
      now: deps.clock.now(),
      kind: decision.isConfirmed ? 'dual.confirmed' : 'dual.refused',
      recipientUserId: row.user_id,
      params: { community: community?.name ?? '' },
    });
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: decision.isConfirmed ? 'dual.confirm' : 'dual.refuse',
      targetType: 'dual_registration',
      targetId: id,
      orgId: row.org_id,
      orgPath: row.org_path,
      detail: {},
    });
  });
  const fresh = await deps.db
    .selectFrom('dual_registrations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return (await toOut(deps.db, [fresh]))[0]!;
}

/** Her own registration (or 404). */
export async function getMyRegistration(db: Db, actor: Actor, id: string) {
  const row = await db
    .selectFrom('dual_registrations')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (row === undefined) throw notFound(REGISTRATION);
  return row;
}

/** She picks service posts of her community (a confirmed or pending registration); replaces her picks. */
export async function setMyPosts(deps: AppDeps, actor: Actor, id: string, postIds: string[]) {
  const reg = await getMyRegistration(deps.db, actor, id);
  if (reg.status !== 'pending' && reg.status !== 'confirmed')
    throw new AppError('INVALID_STATE', { zh: '该登记已结束', en: 'This registration has ended' });
  const unique = [...new Set(postIds)];
  const posts =
    unique.length === 0
      ? []
      : await deps.db
          .selectFrom('service_posts')
          .select(['id'])
          .where('id', 'in', unique)
          .where('org_id', '=', reg.org_id)
          .where('is_active', '=', 1)
          .execute();
  if (posts.length !== unique.length) {
    const i = postIds.findIndex((p) => !posts.some((x) => x.id === p));
    throw invalidField(`postIds.${i}`, 'unknown_post', {
      zh: '该岗位不是此社区的志愿岗位',
      en: 'Not a service post of this community',
    });
  }
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('dual_registration_posts').where('registration_id', '=', id).execute();
    if (unique.length > 0)
      await trx
        .insertInto('dual_registration_posts')
        .values(unique.map((post_id) => ({ registration_id: id, post_id, created_at: now })))
        .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'dual.posts',
      targetType: 'dual_registration',
      targetId: id,
      orgId: reg.org_id,
      orgPath: reg.org_path,
      detail: { posts: unique.length },
    });
  });
  return (await toOut(deps.db, [reg]))[0]!;
}
