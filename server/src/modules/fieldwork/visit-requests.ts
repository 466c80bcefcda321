import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, inScope } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { newId } from '../../platform/ids.ts';
import type { VisitRequestTable } from './tables.ts';

/**
 * 请求上门: a visit some part of the platform asks for at a household — a notice nobody there read
 * (notices: 入户讲解), a regular canteen diner not seen for days, … It shows in the grid worker's today
 * list (the field cache) and on the household's page until a visit to that household is recorded, which
 * closes every request open there and notes the visit (`closed_visit_id`): the source reads that back.
 *
 * Raising is idempotent per (household, source): the second call for the same pair changes nothing and
 * answers the first request, whatever its state (a source that wants a new visit uses a new source id).
 * Call it inside the caller's transaction, so the request commits with the event that raised it.
 */

/** Who raised it, e.g. `{ kind: 'notice', id: noticeId }` or `{ kind: 'canteen_diner', id: dinerId }`. */
export interface VisitRequestSource {
  kind: string;
  id: string;
}

export interface RequestVisitInput {
  householdId: string;
  source: VisitRequestSource;
  /** a short machine code of the reason (`notice_unread`, `diner_absent`); the UI may pick words by it */
  reasonCode?: string;
  /** what the grid worker reads on her list, in both languages (at most 200 characters each) */
  reason_zh: string;
  reason_en: string;
  /** the Shanghai day it should be done by, YYYY-MM-DD */
  dueOn: string;
  /** the account that asked; omit when a job raised it */
  requestedBy?: string | null;
  /** now; the transaction's clock */
  now: Date;
}

export interface VisitRequestOut {
  id: string;
  householdId: string;
  source: VisitRequestSource;
  reasonCode: string;
  reasonZh: string;
  reasonEn: string;
  requestedAt: string;
  dueOn: string;
  status: VisitRequestTable['status'];
  closedAt: string | null;
  closedVisitId: string | null;
}

export const toVisitRequestOut = (r: VisitRequestTable): VisitRequestOut => ({
  id: r.id,
  householdId: r.household_id,
  source: { kind: r.source_kind, id: r.source_id },
  reasonCode: r.reason_code,
  reasonZh: r.reason_zh,
  reasonEn: r.reason_en,
  requestedAt: r.requested_at,
  dueOn: r.due_on,
  status: r.status,
  closedAt: r.closed_at,
  closedVisitId: r.closed_visit_id,
});

/** How far a phone's clock may lag: a visit dated this much before a request still answers it. */
export const CLOCK_SKEW_MS = 5 * 60_000;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Asks for a visit at a household; returns the request and whether this call created it. The household
 * must exist (its place is copied so the request is scoped like it); the caller checked her own scope.
 */
export async function requestVisit(
  trx: Kysely<DB>,
  input: RequestVisitInput,
): Promise<{ request: VisitRequestOut; isNew: boolean }> {
  if (!DAY.test(input.dueOn)) throw new Error(`requestVisit: dueOn must be YYYY-MM-DD, got ${input.dueOn}`);
  const household = await trx
    .selectFrom('households')
    .select(['id', 'org_path'])
    .where('id', '=', input.householdId)
    .executeTakeFirst();
  if (household === undefined) throw new Error(`requestVisit: no household ${input.householdId}`);
  const row: VisitRequestTable = {
    id: newId(),
    household_id: household.id,
    org_path: household.org_path,
    source_kind: input.source.kind,
    source_id: input.source.id,
    reason_code: input.reasonCode ?? input.source.kind,
    reason_zh: input.reason_zh.slice(0, 200),
    reason_en: input.reason_en.slice(0, 200),
    requested_by: input.requestedBy ?? null,
    requested_at: input.now.toISOString(),
    due_on: input.dueOn,
    status: 'open',
    closed_at: null,
    closed_visit_id: null,
  };
  const inserted = await trx
    .insertInto('visit_requests')
    .values(row)
    .onConflict((oc) => oc.columns(['source_kind', 'source_id', 'household_id']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { request: toVisitRequestOut(row), isNew: true };
  const existing = await trx
    .selectFrom('visit_requests')
    .selectAll()
    .where('source_kind', '=', input.source.kind)
    .where('source_id', '=', input.source.id)
    .where('household_id', '=', household.id)
    .executeTakeFirstOrThrow();
  return { request: toVisitRequestOut(existing), isNew: false };
}

/**
 * The source no longer needs the visit (she read the notice after all, the diner came back): an open
 * request is withdrawn; a closed one stays closed. Returns whether one was withdrawn.
 */
export async function withdrawVisitRequest(
  trx: Kysely<DB>,
  input: { householdId: string; source: VisitRequestSource; now: Date },
): Promise<boolean> {
  const updated = await trx
    .updateTable('visit_requests')
    .set({ status: 'withdrawn', closed_at: input.now.toISOString() })
    .where('source_kind', '=', input.source.kind)
    .where('source_id', '=', input.source.id)
    .where('household_id', '=', input.householdId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

/**
 * A visit to the household was recorded: every request open there that was raised before the visit
 * (give or take a phone's clock skew) is closed by it — a visit made offline yesterday and synced today
 * does not answer what was asked for this morning. Called by recordVisit in the visit's transaction, so
 * a visit and the requests it answers commit together.
 */
export async function closeVisitRequests(
  trx: Kysely<DB>,
  input: { householdId: string; visitId: string; visitedAt: string; now: string },
): Promise<number> {
  const answersUpTo = new Date(Date.parse(input.visitedAt) + CLOCK_SKEW_MS).toISOString();
  const updated = await trx
    .updateTable('visit_requests')
    .set({ status: 'closed', closed_at: input.now, closed_visit_id: input.visitId })
    .where('household_id', '=', input.householdId)
    .where('status', '=', 'open')
    .where('requested_at', '<=', answersUpTo)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows);
}

/** Every request a source raised (open, closed or withdrawn), for the source's own pages. */
export async function listRequestsOfSource(db: Kysely<DB>, source: VisitRequestSource): Promise<VisitRequestOut[]> {
  const rows = await db
    .selectFrom('visit_requests')
    .selectAll()
    .where('source_kind', '=', source.kind)
    .where('source_id', '=', source.id)
    .orderBy('requested_at')
    .orderBy('id')
    .execute();
  return rows.map(toVisitRequestOut);
}

/** The open requests at households in the actor's scope for a field-work permission, oldest due first. */
export async function listOpenRequests(
  deps: AppDeps,
  actor: Actor,
  permission: 'visit.record' | 'visit.read',
  options: { householdId?: string; limit?: number } = {},
): Promise<VisitRequestOut[]> {
  let query = deps.db
    .selectFrom('visit_requests')
    .selectAll()
    .where('status', '=', 'open')
    .where(inScope<DB, 'visit_requests'>(actor, permission, 'visit_requests.org_path'));
  if (options.householdId !== undefined) query = query.where('household_id', '=', options.householdId);
  const rows = await query
    .orderBy('due_on')
    .orderBy('requested_at')
    .orderBy('id')
    .limit(options.limit ?? 5000)
    .execute();
  return rows.map(toVisitRequestOut);
}
