import { shanghaiDay } from '../../platform/calendar.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { caseFacts } from '../insights/facts.ts';
import { NewRowTally, markOf } from '../insights/rollups.ts';
import { BatchShared, type BatchWork, groupCommitOf } from '../../db/group-commit.ts';
import { type Actor, canAt } from '../../platform/access/scope.ts';
import { auditRow, recordAudits, whoFromActor } from '../../platform/audit/service.ts';
import type { AuditLogTable } from '../../platform/audit/tables.ts';
import { enqueueManyForUnitStaff } from '../messages/outbox.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { normalizePhone } from '../../platform/pii/crypto.ts';
import { findActiveDutyItem } from '../duties/service.ts';
import type { DutyItemTable } from '../duties/tables.ts';
import { locatePlace } from '../orgs/locate.ts';
import { getOrgInScope } from '../orgs/service.ts';
import { getHouseholdInScope } from '../registry/households.ts';
import { disclosureFor, publicPoint, viewerOf } from './access.ts';
import { OPEN_STATUSES, addHours, evaluateDue } from './deadlines-math.ts';
import { type CheckedPhoto, insertPhotos } from './photos.ts';
import { routeCase } from './routing.ts';
import type { CaseChannel, CaseEventTable, CaseTable } from './tables.ts';
import { eventRow, insertEvents, unitNotice } from './timeline.ts';
import { emitCaseEvent } from '../webhooks/events.ts';
import { countyKeyOf } from '../../db/county-key.ts';

/** Deadlines when no duty item matched (兜底): a day to accept, fifteen days to resolve. */
const FALLBACK_HOURS = { accept: 24, resolve: 360, urgentAccept: 4, urgentResolve: 72 };
const DUPLICATE_RADIUS_M = 200;
const DUPLICATE_WINDOW_MS = 30 * 24 * 3_600_000;
/** At most this many open cases of one item within ~300 m are read for an offer, of which the nearest 20 are offered. */
const DUPLICATE_READ_CAP = 500;
const DUPLICATE_OFFER_MAX = 20;
const PLACE_LEVELS = ['grid', 'community', 'compound', 'group'];

export interface IntakeInput {
  channel: CaseChannel;
  dutyCode?: string | undefined;
  description: string;
  priority: 'normal' | 'urgent';
  lng?: number | undefined;
  lat?: number | undefined;
  address?: string | undefined;
  householdId?: string | undefined;
  orgId?: string | undefined;
  orgCode?: string | undefined;
  /**
   * The unit where it happened, vouched for by the module that calls (a complaint about a canteen is at
   * the canteen's unit), not typed by the reporter: taken without her scope over it. No request body
   * carries it.
   */
  knownPlaceOrgId?: string | undefined;
  contactName?: string | undefined;
  contactPhone?: string | undefined;
  isAnonymous: boolean;
  /** the hotline ticket number or Open311 token: a second intake with it returns the first case */
  externalRef?: string | undefined;
  receivedAt?: string | undefined;
  photos: CheckedPhoto[];
  /** submit even though open cases of the same item are nearby */
  force: boolean;
}

export interface IntakeBy {
  actor: Actor;
  /** 'case.report' for residents (anywhere in the territory); 'case.intake' for staff and machine clients (their scope) */
  permission: 'case.intake' | 'case.report';
}

export interface DuplicateCandidate {
  id: string;
  number: string;
  dutyName: string | null;
  /** only for a case the one asking may see whole */
  description: string | null;
  status: CaseTable['status'];
  distanceMeters: number;
  createdAt: string;
}

/** What intake wrote, so the answer is built without reading it back. */
export interface WrittenCase {
  row: CaseTable;
  events: CaseEventTable[];
  photos: { id: string; event_id: string | null }[];
  duty: DutyItemTable | null;
  /** the handling unit's name, as routing found it */
  handlerName?: string;
  /** the place's unit name, where resolving the place read it */
  placeName?: string;
}

export type IntakeOutcome =
  | { kind: 'created'; caseId: string; number: string; written: WrittenCase }
  | { kind: 'existing'; caseId: string; number: string }
  | { kind: 'duplicates'; duplicates: DuplicateCandidate[] };

interface Place {
  id: string;
  path: string;
  /** the unit's name, where it was read anyway */
  name?: string;
  lng: number | null;
  lat: number | null;
  householdId: string | null;
  address: string | null;
}

/** Great-circle distance in metres between two points (haversine). */
export function distanceMeters(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
}

/**
 * The 200 m rule of the duplicate offer, which following checks too: how far (whole metres) a case lies
 * from where she reports — to its own point for whoever may see it whole, else to its public point
 * (access.ts publicPoint) — or null when it lies beyond the offer.
 */
export function offeredDistance(
  from: { lng: number; lat: number },
  place: { lng: number; lat: number },
  isWhole: boolean,
): number | null {
  const to = isWhole ? place : publicPoint(place);
  const meters = Math.round(distanceMeters(from.lng, from.lat, to.lng, to.lat));
  return meters <= DUPLICATE_RADIUS_M ? meters : null;
}

async function resolveItem(db: Kysely<DB>, input: IntakeInput): Promise<DutyItemTable | null> {
  if (input.dutyCode === undefined) return null;
  const item = await findActiveDutyItem(db, input.dutyCode);
  const isPublicChannel = input.channel === 'resident_app' || input.channel === 'open311';
  if (item === null || (isPublicChannel && item.is_public === 0)) {
    throw invalidField('dutyCode', 'unknown_duty_item', {
      zh: `诉求类别 ${input.dutyCode} 不存在或不可选择`,
      en: `No selectable duty item ${input.dutyCode}`,
    });
  }
  return item;
}

const outsideScope = (field: string) =>
  invalidField(field, 'outside_scope', { zh: '该位置不在您的管辖范围内', en: 'The place is outside your area' });

/** Where the case happened: a household, a unit, or a point inside the territory's outlines. */
async function resolvePlace(deps: AppDeps, input: IntakeInput, by: IntakeBy): Promise<Place> {
  const isStaff = by.permission === 'case.intake';
  /** a place known only by its unit: no point, no household */
  const atUnit = (unit: { id: string; path: string; name: string }): Place => ({
    id: unit.id,
    path: unit.path,
    name: unit.name,
    lng: null,
    lat: null,
    householdId: null,
    address: input.address ?? null,
  });
  if (input.knownPlaceOrgId !== undefined) {
    const unit = await deps.db
      .selectFrom('org_units')
      .select(['id', 'path', 'name'])
      .where('id', '=', input.knownPlaceOrgId)
      .executeTakeFirstOrThrow();
    return atUnit(unit);
  }
  if (input.householdId !== undefined) {
    const household = await getHouseholdInScope(deps, by.actor, input.householdId);
    if (!canAt(by.actor, by.permission, household.org_path)) throw notFound({ zh: '住户', en: 'Household' });
    return {
      id: household.org_id,
      path: household.org_path,
      lng: input.lng ?? household.lng,
      lat: input.lat ?? household.lat,
      householdId: household.id,
      address: input.address ?? household.address,
    };
  }
  if (input.lng !== undefined && input.lat !== undefined) {
    const located = await locatePlace(deps.db, input.lng, input.lat);
    if (located === null) {
      throw invalidField('lng', 'outside_territory', {
        zh: '该位置不在本平台服务的区域内',
        en: 'The point lies outside the territory this platform serves',
      });
    }
    if (isStaff && !canAt(by.actor, 'case.intake', located.unit.path)) throw outsideScope('lng');
    return { ...located.unit, lng: input.lng, lat: input.lat, householdId: null, address: input.address ?? null };
  }
  if (input.orgId !== undefined || input.orgCode !== undefined) {
    const field = input.orgId !== undefined ? 'orgId' : 'orgCode';
    const unit = await getOrgInScope(
      deps.db,
      by.actor,
      input.orgId !== undefined ? { id: input.orgId } : { code: input.orgCode! },
    ).catch(() => {
      throw invalidField(field, 'unknown_place', { zh: '找不到该社区或网格', en: 'No such community or grid' });
    });
    if (!PLACE_LEVELS.includes(unit.level)) {
      throw invalidField(field, 'wrong_level', {
        zh: '请选择事发的社区、网格或小区',
        en: 'Choose the community, grid or compound where it happened',
      });
    }
    if (!canAt(by.actor, by.permission, unit.path)) throw outsideScope(field);
    return atUnit(unit);
  }
  throw invalidField('lng', 'place_required', {
    zh: '请在地图上选点，或选择所在社区/住户',
    en: 'Pin the place on the map, or choose the community or household',
  });
}

/** Checks the item and the place of an intake without writing anything (batch imports check every row first). */
export async function checkIntake(deps: AppDeps, input: IntakeInput, by: IntakeBy): Promise<void> {
  await resolveItem(deps.db, input);
  await resolvePlace(deps, input, by);
}

/**
 * Open cases of the same item within 200 m in the last 30 days, offered instead of a new one. Each is
 * shown as the one who asks may see it: whole to staff in whose scope it lies and to the resident who
 * reported it, else only its public summary (item, status, distance) — never its words or people.
 */
export async function findDuplicates(
  db: Kysely<DB>,
  item: { code: string; name: string },
  at: { lng: number; lat: number },
  by: IntakeBy,
  now: Date,
): Promise<DuplicateCandidate[]> {
  const { lng, lat } = at;
  // a public point lies up to ~80 m from the case's own: look that much further, then measure
  const dLat = (DUPLICATE_RADIUS_M + 100) / 111_000;
  const dLng = dLat / Math.cos((lat * Math.PI) / 180);
  const rows = await db
    .selectFrom('cases')
    .select([
      'id',
      'number',
      'description',
      'status',
      'lng',
      'lat',
      'created_at',
      'org_path',
      'handler_path',
      'escalated_path',
      'reporter_user_id',
    ])
    .where('duty_code', '=', item.code)
    .where('status', 'in', OPEN_STATUSES)
    .where('lat', '>=', lat - dLat)
    .where('lat', '<=', lat + dLat)
    .where('lng', '>=', lng - dLng)
    .where('lng', '<=', lng + dLng)
    .limit(DUPLICATE_READ_CAP)
    .execute();
  // The item's open cases nearby, read through `cases_item_open_place` (migration 0044) — so it grows with what
  // is open there, never with the cases taken in; the 30 days and the order are applied here, as a condition
  // or an order on `created_at` in the query would lure SQLite's planner onto the item's whole history.
  const since = new Date(now.getTime() - DUPLICATE_WINDOW_MS).toISOString();
  const side = by.permission === 'case.intake' ? 'console' : 'phone';
  return rows
    .filter((r) => r.created_at >= since)
    .flatMap((r) => {
      const viewer = viewerOf(by.actor, r, false, side);
      const isWhole = viewer !== null && disclosureFor(viewer, { is_anonymous: 1 }).description;
      const meters = offeredDistance(at, { lng: r.lng!, lat: r.lat! }, isWhole);
      if (meters === null) return [];
      return [
        {
          id: r.id,
          number: r.number,
          dutyName: item.name,
          description: isWhole ? r.description : null,
          status: r.status,
          distanceMeters: meters,
          createdAt: r.created_at,
        },
      ];
    })
    .sort((a, b) => a.distanceMeters - b.distanceMeters || b.createdAt.localeCompare(a.createdAt))
    .slice(0, DUPLICATE_OFFER_MAX);
}

/** The case number's day: YYYYMMDD in Asia/Shanghai (platform/calendar.ts). */
const numberDay = (d: Date): string => shanghaiDay(d).replace(/-/g, '');

const NUMBER_BLOCK = 100;
const numberBlocks = new WeakMap<Kysely<DB>, { next: number; end: number }>();

/**
 * The next case number. Each app server takes a block of 100 from the shared counter in its own short
 * transaction, so intakes never queue on the counter row; numbers stay unique, and roughly in order.
 */
async function nextCaseNumber(db: Kysely<DB>, now: Date): Promise<string> {
  let block = numberBlocks.get(db);
  if (block === undefined || block.next >= block.end) {
    const row = await db
      .updateTable('counters')
      .set((eb) => ({ value: eb('value', '+', NUMBER_BLOCK) }))
      .where('name', '=', 'case_number')
      .returning('value')
      .executeTakeFirstOrThrow();
    const end = Number(row.value) + 1;
    block = { next: end - NUMBER_BLOCK, end };
    numberBlocks.set(db, block);
  }
  const value = block.next;
  block.next += 1;
  return `SQ${numberDay(now)}${String(value).padStart(6, '0')}`;
}

/**
 * Intake's writes go through the database's group commit (db/group-commit.ts): intakes arriving together
 * share one transaction, each in its own savepoint, and each is answered after the COMMIT. Called inside
 * a caller's transaction, they run there.
 */
async function writeInBatch<T>(db: Kysely<DB>, work: BatchWork<T>): Promise<T> {
  if (!db.isTransaction) return groupCommitOf(db).run(work);
  const shared = new BatchShared();
  const value = await work(db, shared);
  await shared.finish(db);
  return value;
}

/** What a batch of intakes writes together before its COMMIT, each case's part added once its own writes succeeded. */
class IntakeRows {
  /** cases not written yet: one wide insert before their steps (a batch's optimistic attempt only) */
  private cases: CaseTable[] = [];
  private readonly events: CaseEventTable[] = [];
  private readonly notices: ReturnType<typeof unitNotice>[] = [];
  private readonly audits: AuditLogTable[] = [];
  private readonly tally = new NewRowTally();

  /** A case of this batch not written yet, by its hotline ticket or Open311 token. */
  pendingByRef(externalRef: string): { id: string; number: string } | undefined {
    return this.cases.find((c) => c.external_ref === externalRef);
  }

  /** Leaves the case's row to the batch's one insert of cases. */
  addCase(row: CaseTable) {
    this.cases.push(row);
  }

  add(c: {
    events: CaseEventTable[];
    notices: ReturnType<typeof unitNotice>[];
    audit: AuditLogTable;
    counted: { org_path: string; facts: string };
  }) {
    this.events.push(...c.events);
    this.notices.push(...c.notices);
    this.audits.push(c.audit);
    this.tally.add('case', c.counted);
  }

  async write(trx: Kysely<DB>) {
    // ≤ 100 rows a statement: 100 × the case's columns stays under both engines' limit on parameters
    for (let i = 0; i < this.cases.length; i += 100)
      await trx
        .insertInto('cases')
        .values(this.cases.slice(i, i + 100))
        .execute();
    this.cases = [];
    await insertEvents(trx, this.events);
    await enqueueManyForUnitStaff(trx, this.notices);
    await recordAudits(trx, this.audits);
    await this.tally.apply(trx);
  }
}

const CHANNEL_NAMES: Record<CaseChannel, string> = {
  resident_app: '居民手机端',
  phone: '电话',
  walk_in: '来访',
  grid_worker: '网格员上报',
  hotline: '12345 热线',
  open311: '开放接口',
  visit: '入户走访',
};

/**
 * Takes in one case from any channel: checks the item and place, offers open duplicates nearby,
 * routes by the duty list, sets the deadlines, and writes case, timeline, photos and
 * notifications in one transaction. Other modules (visits) call this.
 */
export async function submitCase(deps: AppDeps, input: IntakeInput, by: IntakeBy): Promise<IntakeOutcome> {
  if (input.externalRef !== undefined) {
    const seen = await deps.db
      .selectFrom('cases')
      .select(['id', 'number'])
      .where('external_ref', '=', input.externalRef)
      .executeTakeFirst();
    if (seen !== undefined) return { kind: 'existing', caseId: seen.id, number: seen.number };
  }
  const item = await resolveItem(deps.db, input);
  const place = await resolvePlace(deps, input, by);
  const now = deps.clock.now();
  if (!input.force && item !== null && place.lng !== null && place.lat !== null) {
    const duplicates = await findDuplicates(deps.db, item, { lng: place.lng, lat: place.lat }, by, now);
    if (duplicates.length > 0) return { kind: 'duplicates', duplicates };
  }
  const routing = await routeCase(deps.db, item, place.path);
  const isUrgent = input.priority === 'urgent';
  const hours =
    item === null
      ? isUrgent
        ? { accept: FALLBACK_HOURS.urgentAccept, resolve: FALLBACK_HOURS.urgentResolve }
        : FALLBACK_HOURS
      : isUrgent
        ? { accept: item.urgent_accept_hours, resolve: item.urgent_resolve_hours }
        : { accept: item.accept_hours, resolve: item.resolve_hours };
  const createdAt = input.receivedAt !== undefined ? new Date(input.receivedAt).toISOString() : now.toISOString();
  const phone = input.contactPhone === undefined ? null : normalizePhone(input.contactPhone);
  const isResident = by.permission === 'case.report';
  const id = newId();
  const base = {
    status: 'submitted' as const,
    created_at: createdAt,
    accepted_at: null,
    resolved_at: null,
    paused_at: null,
    accept_due_at: addHours(createdAt, hours.accept),
    resolve_due_at: addHours(createdAt, hours.resolve),
  };
  const due = evaluateDue(base, now.getTime());
  try {
    const number = await nextCaseNumber(deps.db, now);
    return await writeInBatch(deps.db, async (trx, shared): Promise<IntakeOutcome> => {
      // the timeline, notices, audit record and counters of every case of the batch — and, in its optimistic
      // attempt, the case itself — are written together before its COMMIT, a few wide statements instead of a
      // dozen per case
      const rest = shared.get(
        'intake',
        () => new IntakeRows(),
        (t, rows) => rows.write(t),
      );
      // two deliveries of one ticket in one batch: the second finds the first's case, waiting in the batch or
      // written a savepoint ago
      if (input.externalRef !== undefined) {
        const seen =
          rest.pendingByRef(input.externalRef) ??
          (await trx
            .selectFrom('cases')
            .select(['id', 'number'])
            .where('external_ref', '=', input.externalRef)
            .executeTakeFirst());
        if (seen !== undefined) return { kind: 'existing', caseId: seen.id, number: seen.number };
      }
      const row: CaseTable = {
        ...base,
        id,
        number,
        channel: input.channel,
        duty_item_id: item?.id ?? null,
        duty_code: item?.code ?? null,
        is_fallback: routing.isFallback ? 1 : 0,
        priority: input.priority,
        description: input.description,
        address: place.address,
        lng: place.lng,
        lat: place.lat,
        household_id: place.householdId,
        org_id: place.id,
        org_path: place.path,
        county_key: countyKeyOf(place.path),
        handler_org_id: routing.handler.id,
        handler_path: routing.handler.path,
        handler_user_id: null,
        escalated_org_id: null,
        escalated_path: null,
        escalation_count: 0,
        is_supervised: 0,
        reporter_user_id: isResident ? by.actor.userId : null,
        contact_name: input.contactName ?? (isResident ? by.actor.displayName : null),
        contact_phone_enc: phone === null ? null : deps.pii.encrypt(phone),
        contact_phone_bidx: phone === null ? null : deps.pii.blindIndex('phone', phone),
        is_anonymous: input.isAnonymous ? 1 : 0,
        external_ref: input.externalRef ?? null,
        created_by: by.actor.userId,
        pause_reason: null,
        due_state: due.dueState,
        next_check_at: due.nextCheckAt,
        closed_at: null,
        is_accepted_on_time: null,
        accept_seconds: null,
        resolve_seconds: null,
        was_overdue: due.dueState === 'overdue' ? 1 : 0,
        is_solved: null,
        rating: null,
        rating_comment: null,
        merged_into_id: null,
        reopen_count: 0,
        version: 1,
        updated_at: now.toISOString(),
      };
      // a new case is written with its insight mark and counted from the row in hand
      const counted = {
        id,
        org_path: row.org_path,
        facts: caseFacts({ ...row, handler_level: routing.handler.level }),
      };
      const marked = { ...row, insight_mark: markOf(counted) };
      // a case nothing else of this submission points at waits for the batch's one insert of cases
      if (shared.isOptimistic && !isResident && input.photos.length === 0) rest.addCase(marked);
      else await trx.insertInto('cases').values(marked).execute();
      if (isResident) {
        await trx
          .insertInto('case_reporters')
          .values({ case_id: id, county_key: row.county_key, user_id: by.actor.userId, source_case_id: id })
          .execute();
      }
      const submitted = eventRow(
        {
          caseId: id,
          kind: 'submitted',
          at: createdAt,
          actor: input.isAnonymous ? null : by.actor,
          text: CHANNEL_NAMES[input.channel],
        },
        row.county_key,
      );
      const subscribersMemo = shared.get(
        'webhook-subscribers',
        () => new Map(),
        async () => {},
      );
      await emitCaseEvent(trx, { row, kind: 'submitted', at: now.toISOString() }, subscribersMemo);
      const photoIds =
        input.photos.length > 0 ? await insertPhotos(trx, row, submitted.id, input.photos, now.toISOString()) : [];
      const routed = eventRow(
        {
          caseId: id,
          kind: 'routed',
          at: now.toISOString(),
          actor: null,
          orgId: routing.handler.id,
          text: routing.handler.name,
          detail: {
            dutyCode: item?.code ?? null,
            dutyRevision: item?.revision ?? null,
            isFallback: routing.isFallback,
            informed: routing.informed.map((u) => u.name),
          },
        },
        row.county_key,
      );
      const told = { caseId: id, number, at: now.toISOString() };
      const notices = [
        unitNotice({ ...told, event: routing.isFallback ? 'new_fallback' : 'new', orgs: [routing.handler] }),
      ];
      if (routing.informed.length > 0) notices.push(unitNotice({ ...told, event: 'informed', orgs: routing.informed }));
      const audit = auditRow(deps.clock, whoFromActor(by.actor), {
        action: 'case.create',
        targetType: 'case',
        targetId: id,
        orgId: place.id,
        orgPath: place.path,
        detail: { channel: input.channel, dutyCode: item?.code ?? null, handler: routing.handler.id },
        // an anonymous resident is not named in the audit log either, but to those who may reveal her
        isActorSealed: isResident && input.isAnonymous,
      });
      rest.add({ events: [submitted, routed], notices, audit, counted });
      const written: WrittenCase = {
        row,
        events: [submitted, routed],
        photos: photoIds.map((photoId) => ({ id: photoId, event_id: submitted.id })),
        duty: item,
        handlerName: routing.handler.name,
        ...(place.name === undefined ? {} : { placeName: place.name }),
      };
      return { kind: 'created' as const, caseId: id, number, written };
    });
  } catch (error) {
    // Two deliveries of one ticket at once: the loser finds the winner's case.
    if (input.externalRef !== undefined) {
      const seen = await deps.db
        .selectFrom('cases')
        .select(['id', 'number'])
        .where('external_ref', '=', input.externalRef)
        .executeTakeFirst();
      if (seen !== undefined) return { kind: 'existing', caseId: seen.id, number: seen.number };
    }
    throw error;
  }
}
