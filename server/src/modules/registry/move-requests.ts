import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { disclosureFor, shapePersonal } from './disclosure.ts';
import { takeExactSearch } from './exact-search.ts';
import { getHouseholdInScope } from './households.ts';
import { idNumberIndexes } from './resident-input.ts';
import { getResidentInScope, relocateResident } from './residents.ts';
import type { MoveRequestCreateBody, MoveRequestListQuery } from './schema.ts';
import type { ResidentMoveRequestTable } from './tables.ts';

const REQUEST = { zh: '迁入申请', en: 'Move request' };

/**
 * 迁入申请: staff who find that a resident they register is "registered elsewhere" ask her community
 * to move her to one of their households. The requester learns nothing of who or where she is (the
 * request carries the number only as a look-up, counted against the exact-search limit); her
 * community's staff see the request among their incoming ones and accept (the resident moves, with
 * history, as any move does) or decline.
 */
export async function createMoveRequest(deps: AppDeps, actor: Actor, body: MoveRequestCreateBody) {
  const household = await getHouseholdInScope(deps, actor, body.householdId, 'resident.write');
  const bidx = idNumberIndexes(deps.pii, body.idNumber, deps.clock.now());
  if (bidx === null)
    throw invalidField('idNumber', 'invalid_id_number', { zh: '身份证号无效', en: 'Not a valid ID number' });
  await takeExactSearch(deps, actor, { kinds: ['id_number'], purpose: 'move_request', orgPath: household.org_path });
  const resident = await deps.db
    .selectFrom('residents')
    .select(['id', 'org_path'])
    .where('id_number_bidx', 'in', bidx)
    .executeTakeFirst();
  if (resident === undefined) {
    throw new AppError('NOT_FOUND', {
      zh: '未找到使用该身份证号登记的居民，可直接登记',
      en: 'No resident is registered with this ID number; register her directly',
    });
  }
  if (canAt(actor, 'resident.write', resident.org_path)) {
    throw new AppError('INVALID_STATE', {
      zh: '该居民在您的管辖范围内，请直接办理迁移',
      en: 'The resident is in your scope; move her directly',
    });
  }
  const pending = await deps.db
    .selectFrom('resident_move_requests')
    .select('id')
    .where('resident_id', '=', resident.id)
    .where('status', '=', 'pending')
    .where('to_household_id', '=', household.id)
    .executeTakeFirst();
  if (pending !== undefined) {
    throw new AppError('CONFLICT', { zh: '已有待处理的迁入申请', en: 'A move request is already pending' });
  }
  const row: ResidentMoveRequestTable = {
    id: newId(),
    resident_id: resident.id,
    from_org_path: resident.org_path,
    to_household_id: household.id,
    to_org_path: household.org_path,
    status: 'pending',
    reason: body.reason ?? null,
    created_by: actor.userId,
    created_by_name: actor.displayName,
    created_at: deps.clock.now().toISOString(),
    decided_by_name: null,
    decided_at: null,
    decision_note: null,
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('resident_move_requests').values(row).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'resident.move_request',
      targetType: 'resident_move_request',
      targetId: row.id,
      orgId: household.org_id,
      orgPath: household.org_path,
    });
  });
  return (await toMoveRequestsOut(deps, actor, [row]))[0]!;
}

/** Incoming requests (for residents of the actor's units) or outgoing ones (to the actor's households), newest first. */
export async function listMoveRequests(deps: AppDeps, actor: Actor, query: MoveRequestListQuery) {
  const column =
    query.direction === 'incoming' ? 'resident_move_requests.from_org_path' : 'resident_move_requests.to_org_path';
  let q = deps.db
    .selectFrom('resident_move_requests')
    .selectAll()
    .where(inScope<DB, 'resident_move_requests'>(actor, 'resident.write', column));
  if (query.status !== undefined) q = q.where('status', '=', query.status);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(200).execute();
  return { items: await toMoveRequestsOut(deps, actor, rows) };
}

/**
 * Requests as one side sees them. The requester sees where she asked the resident to and how it was
 * decided; the resident's name and facts, and who decided, only show to whoever may read her where she
 * is now (her community, or the requester once the move was accepted), shaped by disclosure.ts.
 */
async function toMoveRequestsOut(deps: AppDeps, actor: Actor, rows: ResidentMoveRequestTable[]) {
  if (rows.length === 0) return [];
  const [residents, households] = await Promise.all([
    deps.db
      .selectFrom('residents')
      .innerJoin('households', 'households.id', 'residents.household_id')
      .select([
        'residents.id',
        'residents.name',
        'residents.org_path',
        'residents.gender',
        'residents.birth_date',
        'residents.id_number_enc',
        'residents.phone_enc',
        'households.address',
      ])
      .where(
        'residents.id',
        'in',
        rows.map((r) => r.resident_id),
      )
      .execute(),
    deps.db
      .selectFrom('households')
      .innerJoin('org_units', 'org_units.id', 'households.org_id')
      .select(['households.id', 'households.address', 'org_units.name as org_name'])
      .where(
        'households.id',
        'in',
        rows.map((r) => r.to_household_id),
      )
      .execute(),
  ]);
  const now = deps.clock.now();
  return rows.map((r) => {
    const resident = residents.find((x) => x.id === r.resident_id);
    const to = households.find((h) => h.id === r.to_household_id);
    const isResidentVisible = resident !== undefined && canAt(actor, 'resident.read', resident.org_path);
    const personal = isResidentVisible
      ? shapePersonal(deps.pii, resident, disclosureFor(actor, resident.org_path), now)
      : null;
    return {
      id: r.id,
      status: r.status,
      reason: r.reason,
      toHouseholdId: r.to_household_id,
      toAddress: to?.address ?? '',
      toOrgName: to?.org_name ?? '',
      requestedBy: r.created_by_name,
      createdAt: r.created_at,
      // the decider is her community's staff: to the requester, her name would say where the resident is
      decidedBy: isResidentVisible || canAt(actor, 'resident.write', r.from_org_path) ? r.decided_by_name : null,
      decidedAt: r.decided_at,
      decisionNote: r.decision_note,
      resident:
        isResidentVisible && personal !== null
          ? {
              id: resident.id,
              name: resident.name,
              gender: resident.gender,
              idNumber: personal.idNumber,
              birthYear: personal.birthYear,
              age: personal.age,
              address: resident.address,
            }
          : null,
    };
  });
}

/** A pending request for a resident the actor may write, or 404 (the requester's side cannot decide it). */
async function getDecidableRequest(deps: AppDeps, actor: Actor, id: string) {
  const row = await deps.db
    .selectFrom('resident_move_requests')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'resident_move_requests'>(actor, 'resident.write', 'resident_move_requests.from_org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(REQUEST);
  if (row.status !== 'pending') {
    throw new AppError('INVALID_STATE', { zh: '该申请已处理', en: 'The request was already decided' });
  }
  return row;
}

/**
 * Marks a pending request decided inside `trx` (409 when another decision came first) and returns the
 * request as it now stands, for the caller to show once the transaction commits.
 */
async function decide(
  trx: Kysely<DB>,
  deps: AppDeps,
  actor: Actor,
  request: ResidentMoveRequestTable,
  status: 'accepted' | 'declined',
  note: string | undefined,
): Promise<ResidentMoveRequestTable> {
  const decided = {
    status,
    decided_by_name: actor.displayName,
    decided_at: deps.clock.now().toISOString(),
    decision_note: note ?? null,
  };
  const result = await trx
    .updateTable('resident_move_requests')
    .set(decided)
    .where('id', '=', request.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) {
    throw new AppError('INVALID_STATE', { zh: '该申请已处理', en: 'The request was already decided' });
  }
  return { ...request, ...decided };
}

/** Accepts a move request: the resident moves to the requesting household, with history and audit. */
export async function acceptMoveRequest(deps: AppDeps, actor: Actor, id: string, note?: string) {
  const request = await getDecidableRequest(deps, actor, id);
  const current = await getResidentInScope(deps, actor, request.resident_id, 'resident.write');
  const [from, to] = await Promise.all([
    deps.db
      .selectFrom('households')
      .select(['id', 'address'])
      .where('id', '=', current.household_id)
      .executeTakeFirstOrThrow(),
    deps.db.selectFrom('households').selectAll().where('id', '=', request.to_household_id).executeTakeFirstOrThrow(),
  ]);
  const row = await deps.db.transaction().execute(async (trx) => {
    const accepted = await decide(trx, deps, actor, request, 'accepted', note);
    await relocateResident(trx, deps, actor, current, from, to, { moveRequest: id });
    return accepted;
  });
  return (await toMoveRequestsOut(deps, actor, [row]))[0]!;
}

/** Declines a move request; the resident stays where she is. */
export async function declineMoveRequest(deps: AppDeps, actor: Actor, id: string, note?: string) {
  const request = await getDecidableRequest(deps, actor, id);
  const row = await deps.db.transaction().execute(async (trx) => {
    const declined = await decide(trx, deps, actor, request, 'declined', note);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'resident.move_request.decline',
      targetType: 'resident_move_request',
      targetId: id,
      orgPath: request.from_org_path,
    });
    return declined;
  });
  return (await toMoveRequestsOut(deps, actor, [row]))[0]!;
}
