import type { Kysely, SelectQueryBuilder } from 'kysely';
import { isPartitionedByCounty } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope, inScopeWithin, scopeRoots } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { notFound } from '../../platform/errors.ts';
import { encodeCursor, type KeysetPosition } from '../../platform/http/keyset.ts';
import { maskPhone } from '../../platform/pii/crypto.ts';
import { DEPARTMENT_KINDS } from '../duties/default-items.ts';
import { listCurrentDutyItems } from '../duties/service.ts';
import { getOrgInScope } from '../orgs/service.ts';
import {
  CASE,
  caseKeysFor,
  type CaseViewer,
  disclosureFor,
  getVisibleCase,
  loadCaseView,
  reporterActions,
  stepActorName,
  stepText,
  visibleCases,
  visibleEvents,
} from './access.ts';
import type { CaseDetail, CaseQueueQuery, CaseSummary } from './schema.ts';
import type { WrittenCase } from './intake.ts';
import type { CaseEventTable, CaseTable } from './tables.ts';
import { allowedActions } from './workflow.ts';

/**
 * A queue's count stops here ("1,000+"): counting costs as many index entries as it counts, and a street
 * holds tens of thousands of cases a year; nobody pages through more than a thousand (issue 18).
 */
const COUNT_CAP = 1_000;
const OPEN = ['submitted', 'accepted', 'in_progress'] as const;

/** Units' names by id: those in `known` as given (intake read them a moment ago), the rest read. */
async function unitNames(
  db: Kysely<DB>,
  ids: string[],
  known: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, string>> {
  const names = new Map(known);
  const unique = [...new Set(ids)].filter((id) => !names.has(id));
  if (unique.length === 0) return names;
  const rows = await db.selectFrom('org_units').select(['id', 'name']).where('id', 'in', unique).execute();
  for (const r of rows) names.set(r.id, r.name);
  return names;
}

/** Case rows as list items, each shaped for the viewer it is shown to. */
async function toSummaries(
  db: Kysely<DB>,
  rows: CaseTable[],
  viewerFor: (row: CaseTable) => CaseViewer = () => 'staff',
  knownNames?: ReadonlyMap<string, string>,
): Promise<CaseSummary[]> {
  const names = await unitNames(
    db,
    rows.flatMap((r) => [r.org_id, r.handler_org_id]),
    knownNames,
  );
  const items = new Map((await listCurrentDutyItems(db)).map((i) => [i.code, i.name]));
  return rows.map((r) => {
    const shown = disclosureFor(viewerFor(r), r);
    return {
      id: r.id,
      number: r.number,
      channel: r.channel,
      status: r.status,
      priority: r.priority,
      dutyCode: r.duty_code,
      dutyName: r.duty_code === null ? null : (items.get(r.duty_code) ?? null),
      isFallback: r.is_fallback === 1,
      description: shown.description ? r.description : null,
      address: shown.place ? r.address : null,
      orgName: names.get(r.org_id) ?? '',
      handlerOrgId: r.handler_org_id,
      handlerName: names.get(r.handler_org_id) ?? '',
      dueState: r.due_state,
      acceptDueAt: r.accept_due_at,
      resolveDueAt: r.resolve_due_at,
      isSupervised: r.is_supervised === 1,
      isEscalated: r.escalated_org_id !== null,
      isPaused: r.paused_at !== null,
      rating: r.rating,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  });
}

/**
 * The queues: mine (taken by me, open), unit (handled by the units I am assigned to), due soon,
 * overdue, escalated to my units, or every case I can see; newest first, 50 a page from a cursor, count capped.
 */
export async function listCaseQueue(deps: AppDeps, actor: Actor, query: CaseQueueQuery) {
  // Each queue narrows through the scope helper on the one column it is about, so the planner walks one
  // index in created_at order; only "all" needs every way a case can be visible.
  const handleRoots = scopeRoots(actor, 'case.handle');
  const myUnits = actor.assignments.filter((a) => handleRoots.includes(a.orgPath)).map((a) => a.orgId);
  const unit = query.orgId === undefined ? undefined : await getOrgInScope(deps.db, actor, { id: query.orgId });
  // each range carries its county's key where one holds: one partition read on PostgreSQL partitioned by county
  const keys = await caseKeysFor(deps.db, actor, unit === undefined ? [] : [unit.path]);
  const handled = inScope<DB, 'cases'>(actor, 'case.read', 'cases.handler_path', keys?.handler);
  let q = deps.db.selectFrom('cases');
  switch (query.queue) {
    case 'mine':
      q = q
        .where(handled)
        .where('handler_user_id', '=', actor.userId)
        .where('status', 'in', [...OPEN]);
      break;
    case 'unit':
      q = q.where(handled).where('handler_org_id', 'in', myUnits.length > 0 ? myUnits : ['none']);
      break;
    case 'due_soon':
    case 'overdue':
      q = q
        .where(handled)
        .where('due_state', '=', query.queue)
        .where('status', 'in', [...OPEN]);
      break;
    case 'escalated':
      q = q
        .where(inScope<DB, 'cases'>(actor, 'case.read', 'cases.escalated_path', keys?.handler))
        .where('status', 'in', [...OPEN]);
      break;
    case 'all':
      q = q.where(visibleCases(actor, keys));
      break;
  }
  if (unit !== undefined) {
    q = q.where((eb) =>
      eb.or([
        inScopeWithin<DB, 'cases'>(actor, 'case.read', 'cases.handler_path', unit.path, keys?.handler)(eb),
        inScopeWithin<DB, 'cases'>(actor, 'case.read', 'cases.org_path', unit.path, keys?.org)(eb),
      ]),
    );
  }
  if (query.status === 'open') q = q.where('status', 'in', [...OPEN]);
  else if (query.status !== undefined) q = q.where('status', '=', query.status);
  if (query.dutyCode !== undefined) q = q.where('duty_code', '=', query.dutyCode);
  if (query.number !== undefined && query.number !== '') q = q.where('number', '=', query.number);
  const { rows, hasBefore, hasAfter } = await readQueuePage(q, query.cursor, query.pageSize);
  // counted inside the database, up to the cap, without carrying thousands of ids back
  const counted = await deps.db
    .selectFrom(
      q
        .select('id')
        .limit(COUNT_CAP + 1)
        .as('capped'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const count = Number(counted.n);
  const first = rows[0];
  const last = rows.at(-1);
  return {
    items: await toSummaries(deps.db, rows),
    total: Math.min(count, COUNT_CAP),
    isTotalCapped: count > COUNT_CAP,
    pageSize: query.pageSize,
    nextCursor: hasAfter && last ? encodeCursor({ direction: 'after', at: last.created_at, id: last.id }) : null,
    prevCursor: hasBefore && first ? encodeCursor({ direction: 'before', at: first.created_at, id: first.id }) : null,
  };
}

/**
 * One page of a queue from a position, newest first, by keyset on (created_at, id): the queue's own order,
 * so each page is one seek into the index however deep it lies, and a case that arrives meanwhile sorts
 * before every page already shown instead of shifting them. A page back that reaches the top is the first
 * page, full, rather than the few cases left above.
 */
async function readQueuePage(
  q: SelectQueryBuilder<DB, 'cases', object>,
  from: KeysetPosition | undefined,
  size: number,
) {
  let position = from;
  if (position?.direction === 'before') {
    const { at, id } = position;
    const newer = await q
      .where((eb) => eb.and([eb('created_at', '>=', at), eb.or([eb('created_at', '>', at), eb('id', '>', id)])]))
      .selectAll()
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .limit(size + 1)
      .execute();
    if (newer.length > size) return { rows: newer.slice(0, size).reverse(), hasBefore: true, hasAfter: true };
    position = undefined;
  }
  const after = position;
  const rows = await (
    after === undefined
      ? q
      : q.where((eb) =>
          eb.and([eb('created_at', '<=', after.at), eb.or([eb('created_at', '<', after.at), eb('id', '<', after.id)])]),
        )
  )
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(size + 1)
    .execute();
  return { rows: rows.slice(0, size), hasBefore: after !== undefined, hasAfter: rows.length > size };
}

/** A case's steps and photos, read in its own county (co-located with the case: one partition). */
async function timelineOf(db: Kysely<DB>, c: Pick<CaseTable, 'id' | 'county_key'>) {
  const isKeyed = await isPartitionedByCounty(db);
  const events = await (
    isKeyed ? db.selectFrom('case_events').where('county_key', '=', c.county_key) : db.selectFrom('case_events')
  )
    .selectAll()
    .where('case_id', '=', c.id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  const photos = await (
    isKeyed ? db.selectFrom('case_photos').where('county_key', '=', c.county_key) : db.selectFrom('case_photos')
  )
    .select(['id', 'event_id'])
    .where('case_id', '=', c.id)
    .orderBy('created_at')
    .execute();
  return { events, photos };
}

/** How one actor sees one case: who she is to it, and the actor herself (for her own steps). */
export interface DetailView {
  actor: Actor;
  viewer: CaseViewer;
}

async function toDetail(deps: AppDeps, c: CaseTable, view: DetailView): Promise<CaseDetail> {
  const { events, photos } = await timelineOf(deps.db, c);
  const duty =
    c.duty_item_id === null
      ? undefined
      : await deps.db.selectFrom('duty_items').selectAll().where('id', '=', c.duty_item_id).executeTakeFirst();
  return assembleDetail(deps, { row: c, events, photos, duty: duty ?? null }, view);
}

/** A case intake has just written, answered from what it wrote (no read-back). */
export function writtenCaseDetail(deps: AppDeps, written: WrittenCase, view: DetailView) {
  return assembleDetail(deps, written, view);
}

/** Photos the viewer may see: none for a follower, else those of the steps she sees. */
function visiblePhotos<P extends { event_id: string | null }>(
  viewer: CaseViewer,
  c: CaseTable,
  events: Pick<CaseEventTable, 'id' | 'is_public'>[],
  photos: P[],
): P[] {
  if (!disclosureFor(viewer, c).photos) return [];
  if (viewer === 'staff') return photos;
  const shown = new Set(visibleEvents(viewer, events).map((e) => e.id));
  return photos.filter((p) => p.event_id !== null && shown.has(p.event_id));
}

async function assembleDetail(
  deps: AppDeps,
  { row: c, events: allEvents, photos: allPhotos, duty, handlerName, placeName }: WrittenCase,
  view: DetailView,
): Promise<CaseDetail> {
  const shown = disclosureFor(view.viewer, c);
  const events = visibleEvents(view.viewer, allEvents);
  const photos = visiblePhotos(view.viewer, c, allEvents, allPhotos);
  const known = new Map<string, string>();
  if (handlerName !== undefined) known.set(c.handler_org_id, handlerName);
  if (placeName !== undefined) known.set(c.org_id, placeName);
  const [summary] = await toSummaries(deps.db, [c], () => view.viewer, known);
  const escalated =
    c.escalated_org_id === null ? new Map<string, string>() : await unitNames(deps.db, [c.escalated_org_id]);
  const phone =
    c.contact_phone_enc === null || !shown.contact ? null : maskPhone(deps.pii.decrypt(c.contact_phone_enc));
  return {
    ...summary!,
    lng: shown.place ? c.lng : null,
    lat: shown.place ? c.lat : null,
    orgId: c.org_id,
    householdId: shown.household ? c.household_id : null,
    duty:
      duty === null
        ? null
        : {
            id: duty.id,
            code: duty.code,
            revision: duty.revision,
            name: duty.name,
            kind: duty.kind,
            departmentName: duty.department_kind === null ? null : DEPARTMENT_KINDS[duty.department_kind].zh,
            legalBasis: duty.legal_basis,
          },
    escalatedOrgName: c.escalated_org_id === null ? null : (escalated.get(c.escalated_org_id) ?? null),
    contactName: shown.contact ? c.contact_name : null,
    contactPhone: phone,
    isAnonymous: c.is_anonymous === 1,
    pauseReason: view.viewer === 'follower' ? null : c.pause_reason,
    acceptedAt: c.accepted_at,
    resolvedAt: c.resolved_at,
    closedAt: c.closed_at,
    isSolved: c.is_solved === null ? null : c.is_solved === 1,
    ratingComment: shown.ratingComment ? c.rating_comment : null,
    mergedIntoId: c.merged_into_id,
    version: c.version,
    viewer: view.viewer,
    photoIds: photos.map((p) => p.id),
    timeline: events.map((e) => ({
      id: e.id,
      at: e.at,
      kind: e.kind,
      isPublic: e.is_public === 1,
      actorName: stepActorName(view, c, e),
      text: stepText(view.viewer, c, e),
      photoIds: photos.filter((p) => p.event_id === e.id).map((p) => p.id),
    })),
    actions:
      view.viewer === 'staff' ? allowedActions(view.actor, c) : reporterActions(view.viewer, c, deps.clock.now()),
  };
}

/** A case as staff see it (404 outside their scope). */
export async function getCaseDetail(deps: AppDeps, actor: Actor, id: string): Promise<CaseDetail> {
  const { row, viewer } = await loadCaseView(deps.db, actor, id, 'console');
  return toDetail(deps, row, { actor, viewer });
}

/** A case as the resident sees it: her own, or one she follows (404 otherwise). */
export async function getMyCaseDetail(deps: AppDeps, actor: Actor, id: string): Promise<CaseDetail> {
  const { row, viewer } = await loadCaseView(deps.db, actor, id, 'phone');
  return toDetail(deps, row, { actor, viewer });
}

/** The resident's own cases and those she follows, newest first, each shaped for her. */
export async function listMyCases(deps: AppDeps, actor: Actor) {
  const rows = await deps.db
    .selectFrom('cases')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('reporter_user_id', '=', actor.userId),
        eb('id', 'in', eb.selectFrom('case_reporters').select('case_id').where('user_id', '=', actor.userId)),
      ]),
    )
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
  return {
    items: await toSummaries(deps.db, rows, (r) => (r.reporter_user_id === actor.userId ? 'reporter' : 'follower')),
  };
}

/** A photo of a case, when the caller's view of the case shows it (staff by scope, the reporter her own; never a follower). */
export async function getCasePhoto(deps: AppDeps, actor: Actor, caseId: string, photoId: string) {
  const { row, viewer } = await loadCaseView(deps.db, actor, caseId, 'either');
  const photo = await deps.db
    .selectFrom('case_photos')
    .select(['id', 'event_id', 'mime', 'data'])
    .where('id', '=', photoId)
    .where('case_id', '=', row.id)
    .executeTakeFirst();
  const events =
    photo === undefined || viewer === 'staff'
      ? []
      : await deps.db.selectFrom('case_events').select(['id', 'is_public']).where('case_id', '=', row.id).execute();
  if (photo === undefined || visiblePhotos(viewer, row, events, [photo]).length === 0) {
    throw notFound({ zh: '照片', en: 'Photo' });
  }
  return photo;
}

/**
 * The reporter's name and full phone number, for calling her back: needs the reveal permission where the
 * case is, and records the reason. This is the only way an anonymous reporter's identity is shown.
 */
export async function revealCaseContact(deps: AppDeps, actor: Actor, id: string, reason: string) {
  const c = await getVisibleCase(deps.db, actor, id);
  if (!canAt(actor, 'pii.reveal', c.handler_path) && !canAt(actor, 'pii.reveal', c.org_path)) throw notFound(CASE);
  await recordAudit(deps.db, deps.clock, whoFromActor(actor), {
    action: 'pii.reveal',
    targetType: 'case',
    targetId: c.id,
    orgId: c.handler_org_id,
    orgPath: c.handler_path,
    detail: { field: 'contactPhone', reason, isAnonymous: c.is_anonymous === 1 },
  });
  return {
    contactName: c.contact_name,
    contactPhone: c.contact_phone_enc === null ? null : deps.pii.decrypt(c.contact_phone_enc),
  };
}
