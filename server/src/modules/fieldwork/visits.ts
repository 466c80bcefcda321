import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, inScope } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { type IntakeInput, checkIntake, submitCase } from '../cases/intake.ts';
import { applyOwnFacts, checkFacts, factValueOut, initialState, insertChanges } from './changes.ts';
import { householdInterval, recordVisitInStatus } from './policies.ts';
import type { VisitInput, VisitOut } from './schema.ts';
import { findReceipt, insertReceipt, photoIdsOf } from './receipts.ts';
import type { VisitTable } from './tables.ts';
import { inFieldScope } from './reach.ts';
import { closeVisitRequests } from './visit-requests.ts';
import { countyKeyOf, countyKeyOfVisit } from '../../db/county-key.ts';

export const HOUSEHOLD = { zh: '住户', en: 'Household' };
export const VISIT = { zh: '走访记录', en: 'Visit' };

/** Clock skew a phone may have; a visit dated further ahead is refused. */
export const FUTURE_SKEW_MS = 5 * 60_000;
/** Visits dated more than a year back are refused. */
export const MAX_AGE_MS = 365 * 86_400_000;

/** A household in the actor's field-work scope for a permission (her units, or linked to her), or 404. */
export async function getHouseholdInScope(
  deps: AppDeps,
  actor: Actor,
  permission: 'visit.record' | 'visit.read',
  id: string,
) {
  const row = await deps.db
    .selectFrom('households')
    .select(['id', 'org_id', 'org_path', 'address', 'lng', 'lat'])
    .where('id', '=', id)
    .where(inFieldScope<'households'>(actor, permission, 'households.org_path', 'households.id'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(HOUSEHOLD);
  return row;
}

/** A household the actor may record visits at (her `visit.record` scope), or 404. */
export const getHouseholdToVisit = (deps: AppDeps, actor: Actor, id: string) =>
  getHouseholdInScope(deps, actor, 'visit.record', id);

/** Refuses a visit dated in the future (beyond clock skew) or more than a year back. */
export function checkVisitTime(now: Date, visitedAt: string): string {
  const at = Date.parse(visitedAt);
  const isFuture = at > now.getTime() + FUTURE_SKEW_MS;
  if (isFuture || at < now.getTime() - MAX_AGE_MS) {
    const message = isFuture
      ? { zh: '走访时间晚于当前时间，请检查手机时间', en: 'The visit is dated in the future; check the phone clock' }
      : { zh: '走访时间早于一年前，不能补录', en: 'The visit is dated more than a year back' };
    throw new AppError('VISIT_TIME_INVALID', message, [
      { code: 'visit_time_invalid', field: 'visitedAt', message_zh: message.zh, message_en: message.en },
    ]);
  }
  return new Date(at).toISOString();
}

/** Companions are active accounts in her own scope: an id from elsewhere is as unknown as one of nobody. */
async function checkCompanions(db: Kysely<DB>, actor: Actor, ids: string[]) {
  if (ids.length === 0) return;
  const found = await db
    .selectFrom('users')
    .select('id')
    .where('id', 'in', ids)
    .where('is_disabled', '=', 0)
    .where(inScope<DB, 'users'>(actor, 'visit.record', 'users.home_org_path'))
    .execute();
  const i = ids.findIndex((id) => !found.some((f) => f.id === id));
  if (i >= 0) {
    throw invalidField(`companionIds.${i}`, 'unknown_user', {
      zh: '同行人员不存在或已停用',
      en: 'No such active account',
    });
  }
}

interface OpenCase {
  dutyItemCode?: string | undefined;
  description: string;
  priority?: 'normal' | 'urgent' | undefined;
}

function caseIntake(
  householdId: string,
  open: OpenCase,
  location: { lng: number; lat: number } | null,
  externalRef: string,
): IntakeInput {
  return {
    channel: 'grid_worker',
    dutyCode: open.dutyItemCode,
    description: open.description,
    priority: open.priority ?? 'normal',
    householdId,
    ...(location !== null ? { lng: location.lng, lat: location.lat } : {}),
    isAnonymous: false,
    externalRef,
    photos: [],
    force: true,
  };
}

export interface VisitOutcome {
  status: 'created' | 'duplicate';
  visitId: string;
  caseId: string | null;
  caseNumber: string | null;
}

/**
 * Opens the case a visit asked for, once: its idempotency key is the visit id, so finishing a visit
 * whose case was not yet opened (a crash in between, a replay) never opens a second one.
 */
async function openVisitCase(deps: AppDeps, actor: Actor, visit: VisitTable) {
  if (visit.open_case === null) return { caseId: null, caseNumber: null };
  const linked = await deps.db
    .selectFrom('visit_cases as vc')
    .innerJoin('cases as c', 'c.id', 'vc.case_id')
    .select(['c.id', 'c.number'])
    .where('vc.visit_id', '=', visit.id)
    .orderBy('vc.created_at')
    .executeTakeFirst();
  if (linked !== undefined) return { caseId: linked.id, caseNumber: linked.number };
  const open = JSON.parse(visit.open_case) as OpenCase;
  const location = visit.lng !== null && visit.lat !== null ? { lng: visit.lng, lat: visit.lat } : null;
  const outcome = await submitCase(deps, caseIntake(visit.household_id, open, location, `visit:${visit.id}`), {
    actor,
    permission: 'case.intake',
  });
  if (outcome.kind === 'duplicates') return { caseId: null, caseNumber: null };
  await linkVisitCase(deps.db, visit.id, outcome.caseId, deps.clock.now().toISOString());
  return { caseId: outcome.caseId, caseNumber: outcome.number };
}

/** Links a case to a visit (once). */
export async function linkVisitCase(db: Kysely<DB>, visitId: string, caseId: string, now: string) {
  await db
    .insertInto('visit_cases')
    .values({ visit_id: visitId, county_key: countyKeyOfVisit(db, visitId), case_id: caseId, created_at: now })
    .onConflict((oc) => oc.columns(['visit_id', 'case_id']).doNothing())
    .execute();
}

/**
 * Records one visit, idempotent by the device's `clientId`: checks everything first (scope, time,
 * companions, facts, the case asked for), then writes visit, visitors, photos, facts, the household's
 * visit status and the receipt in one transaction; applies the facts the visitor may apply herself;
 * then opens the case, linked to the visit.
 */
export async function recordVisit(
  deps: AppDeps,
  actor: Actor,
  clientId: string,
  input: VisitInput,
  /** false when the caller already found no receipt */
  isReplayPossible = true,
): Promise<VisitOutcome> {
  const seen = isReplayPossible ? await findReceipt(deps.db, actor, clientId, 'visit') : null;
  if (seen !== null) return replayVisit(deps, actor, seen.object_id);
  const household = await getHouseholdToVisit(deps, actor, input.householdId);
  const visitedAt = checkVisitTime(deps.clock.now(), input.visitedAt);
  const companions = [...new Set(input.companionIds ?? [])].filter((id) => id !== actor.userId);
  await checkCompanions(deps.db, actor, companions);
  const facts = input.facts ?? [];
  const versions = await checkFacts(deps, household, facts, 'facts.');
  const location = input.location ?? null;
  if (input.openCase !== undefined) {
    await checkIntake(deps, caseIntake(household.id, input.openCase, location, ''), {
      actor,
      permission: 'case.intake',
    });
  }
  const [photoIds, intervalDays] = await Promise.all([
    photoIdsOf(deps.db, actor, input.photoClientIds ?? []),
    householdInterval(deps.db, household),
  ]);
  const now = deps.clock.now().toISOString();
  const visit: VisitTable = {
    id: newId(),
    household_id: household.id,
    org_path: household.org_path,
    county_key: countyKeyOf(household.org_path),
    visited_at: visitedAt,
    kind: input.kind,
    lng: location?.lng ?? null,
    lat: location?.lat ?? null,
    findings: JSON.stringify(input.findings.map((f) => ({ topic: f.topic, note: f.note ?? null }))),
    note: input.note ?? null,
    open_case: input.openCase === undefined ? null : JSON.stringify(input.openCase),
    recorded_by: actor.userId,
    created_at: now,
  };
  let toApply: string[] = [];
  try {
    await deps.db.transaction().execute(async (trx) => {
      // the receipt first: a second delivery running at the same moment waits here, then fails
      await insertReceipt(trx, {
        clientId,
        kind: 'visit',
        objectId: visit.id,
        userId: actor.userId,
        now,
        countyKey: visit.county_key,
      });
      await trx.insertInto('visits').values(visit).execute();
      await trx
        .insertInto('visit_visitors')
        .values(
          [actor.userId, ...companions].map((userId, position) => ({
            visit_id: visit.id,
            county_key: visit.county_key,
            user_id: userId,
            position,
            visited_at: visitedAt,
          })),
        )
        .execute();
      if (photoIds.length > 0) {
        await trx
          .updateTable('visit_photos')
          // the photo moves to its visit's county (partition, shard) as the visit names it
          .set({ visit_id: visit.id, county_key: visit.county_key })
          .where('id', 'in', photoIds)
          .where('visit_id', 'is', null)
          .execute();
      }
      const written = await insertChanges(
        trx,
        deps,
        actor,
        household,
        visit.id,
        facts.map((fact) => ({
          fact,
          state: initialState(actor, household.org_path, fact.baseVersion, versions.get(fact.residentId)!),
        })),
      );
      toApply = written.filter((w) => w.toApply).map((w) => w.id);
      await recordVisitInStatus(trx, household, visitedAt, intervalDays);
      const answered = await closeVisitRequests(trx, {
        householdId: household.id,
        visitId: visit.id,
        visitedAt,
        now,
      });
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'visit.record',
        targetType: 'visit',
        targetId: visit.id,
        orgId: household.org_id,
        orgPath: household.org_path,
        detail: {
          householdId: household.id,
          kind: input.kind,
          facts: facts.length,
          photos: photoIds.length,
          requestsClosed: answered,
        },
      });
    });
  } catch (error) {
    const raced = await findReceipt(deps.db, actor, clientId, 'visit');
    if (raced !== null) return replayVisit(deps, actor, raced.object_id);
    throw error;
  }
  await applyOwnFacts(deps, actor, toApply);
  return { status: 'created', visitId: visit.id, ...(await openVisitCaseOrLater(deps, actor, visit)) };
}

/** The visit is stored whatever happens to its case; a case that could not be opened now is tried again on replay. */
async function openVisitCaseOrLater(deps: AppDeps, actor: Actor, visit: VisitTable) {
  try {
    return await openVisitCase(deps, actor, visit);
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return { caseId: null, caseNumber: null };
    throw error;
  }
}

/** A visit sent again: the same id, and its case opened now if it was not yet. */
export async function replayVisit(deps: AppDeps, actor: Actor, visitId: string): Promise<VisitOutcome> {
  const visit = await deps.db.selectFrom('visits').selectAll().where('id', '=', visitId).executeTakeFirstOrThrow();
  return { status: 'duplicate', visitId, ...(await openVisitCaseOrLater(deps, actor, visit)) };
}

/** Visits as the API shows them: visitors named, photos as links, facts with their state (phones masked). */
export async function toVisitsOut(deps: AppDeps, rows: VisitTable[]): Promise<VisitOut[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [households, visitors, photos, cases, facts] = await Promise.all([
    deps.db
      .selectFrom('households')
      .select(['id', 'address'])
      .where('id', 'in', [...new Set(rows.map((r) => r.household_id))])
      .execute(),
    deps.db
      .selectFrom('visit_visitors as v')
      .innerJoin('users as u', 'u.id', 'v.user_id')
      .select(['v.visit_id', 'v.user_id', 'v.position', 'u.display_name'])
      .where('v.visit_id', 'in', ids)
      .orderBy('v.position')
      .execute(),
    deps.db
      .selectFrom('visit_photos')
      .select(['id', 'visit_id'])
      .where('visit_id', 'in', ids)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    deps.db
      .selectFrom('visit_cases')
      .select(['visit_id', 'case_id'])
      .where('visit_id', 'in', ids)
      .orderBy('created_at')
      .execute(),
    deps.db
      .selectFrom('household_changes')
      .selectAll()
      .where('visit_id', 'in', ids)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  ]);
  return rows.map((r) => ({
    id: r.id,
    householdId: r.household_id,
    address: households.find((h) => h.id === r.household_id)?.address ?? '',
    visitedAt: r.visited_at,
    kind: r.kind,
    visitors: visitors.filter((v) => v.visit_id === r.id).map((v) => ({ id: v.user_id, name: v.display_name })),
    location: r.lng !== null && r.lat !== null ? { lng: r.lng, lat: r.lat } : null,
    findings: JSON.parse(r.findings) as VisitOut['findings'],
    note: r.note,
    photos: photos
      .filter((p) => p.visit_id === r.id)
      .map((p) => ({ id: p.id, url: `/api/v1/visits/${r.id}/photos/${p.id}` })),
    caseIds: cases.filter((c) => c.visit_id === r.id).map((c) => c.case_id),
    facts: facts
      .filter((f) => f.visit_id === r.id)
      .map((f) => ({
        id: f.id,
        residentId: f.resident_id,
        field: f.field,
        value: factValueOut(f, deps),
        state: f.state,
      })),
    createdAt: r.created_at,
  }));
}

/** A visit the actor may read, or 404. */
export async function getVisitInScope(deps: AppDeps, actor: Actor, id: string): Promise<VisitTable> {
  const row = await deps.db
    .selectFrom('visits')
    .selectAll()
    .where('id', '=', id)
    .where(inFieldScope<'visits'>(actor, 'visit.read', 'visits.org_path', 'visits.household_id'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(VISIT);
  return row;
}

export async function getVisit(deps: AppDeps, actor: Actor, id: string): Promise<VisitOut> {
  return (await toVisitsOut(deps, [await getVisitInScope(deps, actor, id)]))[0]!;
}

/** A household's visits, newest first (the household must be in the actor's `visit.read` scope). */
export async function listHouseholdVisits(deps: AppDeps, actor: Actor, householdId: string) {
  await getHouseholdInScope(deps, actor, 'visit.read', householdId);
  const rows = await deps.db
    .selectFrom('visits')
    .selectAll()
    .where('household_id', '=', householdId)
    .orderBy('visited_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  return { items: await toVisitsOut(deps, rows) };
}

export async function getVisitPhoto(deps: AppDeps, actor: Actor, visitId: string, photoId: string) {
  await getVisitInScope(deps, actor, visitId);
  const photo = await deps.db
    .selectFrom('visit_photos')
    .select(['mime', 'data'])
    .where('id', '=', photoId)
    .where('visit_id', '=', visitId)
    .executeTakeFirst();
  if (photo === undefined) throw notFound({ zh: '照片', en: 'Photo' });
  return photo;
}
