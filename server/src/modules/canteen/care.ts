import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { recordAudit } from '../../platform/audit/service.ts';
import { addDays, currentDay, dayStart } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { submitCase } from '../cases/intake.ts';
import { requestVisit, withdrawVisitRequest } from '../fieldwork/visit-requests.ts';
import { findMyDiners } from './canteens.ts';
import type { CanteenAbsenceTable, CanteenTable } from './tables.ts';
import { countyKeyOf } from '../../db/county-key.ts';

/** The source kind of the visits the canteen asks for (fieldwork/visit-requests.ts); the id is the absence's. */
export const ABSENCE_SOURCE = 'canteen_absence';
/** The duty item a food-safety complaint is filed under: 食品安全与无证餐饮, handled by market regulation. */
export const FOOD_SAFETY_DUTY = 'AQ-005';
/** How soon after it is raised the grid worker should have called on her. */
const VISIT_WITHIN_DAYS = 1;
const JOB = { actorId: null, actorName: '幸福食堂', ip: null, userAgent: null };

/**
 * The canteen's last `n` meal days before today (days it had a menu), newest first. Days it did not
 * open (a weekend, a holiday) do not count against anyone.
 */
async function lastMealDays(db: Kysely<DB>, canteenId: string, today: string, n: number): Promise<string[]> {
  const rows = await db
    .selectFrom('canteen_menus')
    .select('day')
    .distinct()
    .where('canteen_id', '=', canteenId)
    .where('day', '<', today)
    .orderBy('day', 'desc')
    .limit(n)
    .execute();
  return rows.map((r) => r.day);
}

/**
 * The regular diners of a canteen who were not served (signed in, walked in, or fed at home) on any of
 * its meal days from `since` on, and were already diners on `since`; with their current household, the
 * day they were last served (null when never) and the day the absence counts from.
 */
async function absentDiners(db: Kysely<DB>, canteen: CanteenTable, since: string) {
  const rows = await db
    .selectFrom('canteen_diners')
    .innerJoin('residents', 'residents.id', 'canteen_diners.resident_id')
    .select([
      'canteen_diners.id',
      'canteen_diners.enrolled_at',
      'residents.name',
      'residents.household_id',
      'residents.status as resident_status',
    ])
    .select((eb) =>
      eb
        .selectFrom('canteen_orders')
        .select((o) => o.fn.max('day').as('d'))
        .whereRef('canteen_orders.diner_id', '=', 'canteen_diners.id')
        .where('canteen_orders.served_at', 'is not', null)
        .as('last_served'),
    )
    .where('canteen_diners.canteen_id', '=', canteen.id)
    .where('canteen_diners.status', '=', 'active')
    .where('canteen_diners.is_regular', '=', 1)
    .where('canteen_diners.enrolled_at', '<', dayStart(addDays(since, 1)))
    .execute();
  return rows.flatMap((r) => {
    const lastServed = r.last_served === null || r.last_served === undefined ? null : String(r.last_served);
    if (r.resident_status !== 'living' || (lastServed !== null && lastServed >= since)) return [];
    const enrolDay = currentDay(new Date(r.enrolled_at));
    // the absence's key: the day she was last served, or her enrolment day when she never came
    return [{ ...r, lastServed, lastSeen: lastServed ?? enrolDay }];
  });
}

/**
 * 关爱 (issue 13, item 10): every regular diner who missed all of her canteen's last N meal days (the
 * canteen's `absence_days`, default 3) is handed to her household's grid worker as a visit asked for
 * (fieldwork's visit requests, due tomorrow). Once per absence: the absence row, unique by diner and the
 * day she was last seen, is the claim, so running the job twice — or on two servers — asks once. She is
 * asked about again only after she came back and then stayed away again. Returns how many were raised.
 */
export async function sweepCanteenAbsences(deps: AppDeps): Promise<{ raised: number }> {
  const now = deps.clock.now();
  const today = currentDay(now);
  const canteens = await deps.db.selectFrom('canteens').selectAll().orderBy('org_path').execute();
  let raised = 0;
  for (const canteen of canteens) {
    if (canteen.absence_days < 1) continue;
    const days = await lastMealDays(deps.db, canteen.id, today, canteen.absence_days);
    if (days.length < canteen.absence_days) continue;
    const since = days.at(-1)!;
    for (const diner of await absentDiners(deps.db, canteen, since)) {
      const missed = await deps.db
        .selectFrom('canteen_menus')
        .select((eb) => eb.fn.count<number>('day').distinct().as('n'))
        .where('canteen_id', '=', canteen.id)
        .where('day', diner.lastServed === null ? '>=' : '>', diner.lastSeen)
        .where('day', '<', today)
        .executeTakeFirstOrThrow();
      const absence: CanteenAbsenceTable = {
        id: newId(),
        canteen_id: canteen.id,
        org_path: canteen.org_path,
        county_key: countyKeyOf(canteen.org_path),
        diner_id: diner.id,
        last_seen_day: diner.lastSeen,
        visit_request_id: null,
        raised_at: now.toISOString(),
      };
      const isNew = await deps.db.transaction().execute(async (trx) => {
        const claimed = await trx
          .insertInto('canteen_absences')
          .values(absence)
          // no conflict target: the unique (diner, last seen day) is unique per county in the partitioned layout
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
        const n = Number(missed.n);
        const { request } = await requestVisit(trx, {
          householdId: diner.household_id,
          source: { kind: ABSENCE_SOURCE, id: absence.id },
          reasonCode: 'diner_absent',
          reason_zh:
            diner.lastServed === null
              ? `幸福食堂：${diner.name}自 ${diner.lastSeen} 登记以来 ${n} 个开餐日都没来就餐，请上门看看`
              : `幸福食堂：${diner.name}已连续 ${n} 个开餐日没来就餐（最近一次 ${diner.lastServed}），请上门看看`,
          reason_en:
            diner.lastServed === null
              ? `Canteen: ${diner.name} has not come on any of ${n} meal days since enrolling on ${diner.lastSeen}; please call on her`
              : `Canteen: ${diner.name} has missed ${n} meal days in a row (last seen ${diner.lastServed}); please call on her`,
          dueOn: addDays(today, VISIT_WITHIN_DAYS),
          now,
        });
        await trx
          .updateTable('canteen_absences')
          .set({ visit_request_id: request.id })
          .where('id', '=', absence.id)
          .execute();
        await recordAudit(trx, deps.clock, JOB, {
          action: 'canteen.absence_visit',
          targetType: 'canteen_diner',
          targetId: diner.id,
          orgPath: canteen.org_path,
          detail: { lastSeenDay: diner.lastSeen, missedMealDays: n, visitRequestId: request.id },
        });
        return true;
      });
      if (isNew) raised += 1;
    }
  }
  return { raised };
}

/**
 * She came back (signed in, walked in, or her meal was taken to her): a visit still open for an absence
 * of hers is no longer needed and is withdrawn from her grid worker's list.
 */
export async function noteDinerSeen(deps: AppDeps, dinerId: string): Promise<void> {
  const open = await deps.db
    .selectFrom('canteen_absences')
    .innerJoin('visit_requests', 'visit_requests.id', 'canteen_absences.visit_request_id')
    .select(['canteen_absences.id', 'visit_requests.household_id'])
    .where('canteen_absences.diner_id', '=', dinerId)
    .where('visit_requests.status', '=', 'open')
    .execute();
  if (open.length === 0) return;
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    for (const a of open)
      await withdrawVisitRequest(trx, {
        householdId: a.household_id,
        source: { kind: ABSENCE_SOURCE, id: a.id },
        now,
      });
  });
}

/** The latest absence of each diner not seen since, with the state of its visit, by diner id. */
export async function absencesOf(db: Kysely<DB>, canteenId: string) {
  const rows = await db
    .selectFrom('canteen_absences')
    .leftJoin('visit_requests', 'visit_requests.id', 'canteen_absences.visit_request_id')
    .select([
      'canteen_absences.diner_id',
      'canteen_absences.last_seen_day',
      'canteen_absences.raised_at',
      'visit_requests.status',
      'visit_requests.due_on',
    ])
    .where('canteen_absences.canteen_id', '=', canteenId)
    .orderBy('canteen_absences.raised_at')
    .execute();
  const out = new Map<
    string,
    { lastSeenDay: string; raisedAt: string; visit: 'open' | 'closed' | 'withdrawn' | null; dueOn: string | null }
  >();
  for (const r of rows)
    out.set(r.diner_id, {
      lastSeenDay: r.last_seen_day,
      raisedAt: r.raised_at,
      visit: r.status ?? null,
      dueOn: r.due_on ?? null,
    });
  return out;
}

/**
 * 食品安全投诉: a diner reports a food-safety problem at her canteen from her phone. It becomes a case
 * through the one intake (cases/intake.ts submitCase) under 食品安全与无证餐饮, placed at the canteen's
 * unit and routed by the duty list like any case; the phone's client key makes a retry answer the first.
 */
export async function reportFoodSafety(
  deps: AppDeps,
  actor: Actor,
  input: { dinerId: string; description: string; clientKey: string },
) {
  const diner = (await findMyDiners(deps, actor)).find((d) => d.id === input.dinerId);
  if (diner === undefined) throw new AppError('NOT_FOUND', { zh: '就餐记录不存在', en: 'Not found' });
  const canteen = await deps.db
    .selectFrom('canteens')
    .selectAll()
    .where('id', '=', diner.canteen_id)
    .executeTakeFirstOrThrow();
  const outcome = await submitCase(
    deps,
    {
      channel: 'resident_app',
      dutyCode: FOOD_SAFETY_DUTY,
      description: `【${canteen.name}】${input.description}`,
      priority: 'normal',
      knownPlaceOrgId: canteen.org_id,
      address: canteen.address ?? canteen.name,
      isAnonymous: false,
      externalRef: `canteen:${canteen.id}:${diner.id}:${input.clientKey}`,
      photos: [],
      force: true,
    },
    { actor, permission: 'case.report' },
  );
  if (outcome.kind === 'duplicates') throw new Error('intake offered duplicates despite force');
  return { caseId: outcome.caseId, caseNumber: outcome.number, isNew: outcome.kind === 'created' };
}
