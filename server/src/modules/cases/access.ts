import type { Kysely } from 'kysely';
import { countyKeyOf, countyKeyOfSubtree, isPartitionedByCounty, pathDepth } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import { type Actor, type CountyKeyed, canAt, inScope, scopeRoots } from '../../platform/access/scope.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import { RATING_WINDOW_MS } from './deadlines-math.ts';
import { listAncestors } from './routing.ts';
import type { CaseEventTable, CaseTable } from './tables.ts';

export const CASE = { zh: '诉求', en: 'Case' };

/**
 * Where a case may be handled (and escalated): in the county where it happened, above county level (a city's,
 * a province's own units), or by a city's own department — a unit at county depth that handles every county's
 * cases (docs/scale.md). Every handler a case gets satisfies it: routing, 退单 and escalation go up the place's
 * own chain, and reassignment checks it (`checkHandlesCountyOf`). So a queue read under a root inside a county
 * may name that county's key, and PostgreSQL partitioned by county reads one partition.
 */
export function handlesCountyOf(unit: { path: string; level: string }, c: Pick<CaseTable, 'county_key'>): boolean {
  const depth = pathDepth(unit.path);
  return depth <= 3 || countyKeyOf(unit.path) === c.county_key || (depth === 4 && unit.level === 'department');
}

export function checkHandlesCountyOf(unit: { path: string; level: string }, c: Pick<CaseTable, 'county_key'>) {
  if (!handlesCountyOf(unit, c)) {
    throw invalidField('toOrgId', 'other_county', {
      zh: '只能改派给诉求发生地所在区县的单位、市级单位或市直部门',
      en: 'Reassign within the county where the case happened, or to a unit or department of the city',
    });
  }
}

/**
 * The county keys of a case query: by the place (exact under any root), and by the handling unit — which holds
 * for `escalated_path` too, as escalation only goes up the handler's own chain.
 */
export interface CaseKeys {
  org: CountyKeyed;
  handler: CountyKeyed;
}

/**
 * The county keys for case queries under `paths` (the actor's roots for `case.read`, and any subtree a query
 * narrows to). The place's key follows `org_path` under any root at county depth. By `handlesCountyOf`, the
 * cases handled (or escalated) under a root inside a county are that county's too — except under a city's
 * department, which sits at county depth and handles every county's: it gets no key, and neither does any
 * path this call was not given (no key is always correct, only slower). None at all unless the tables are
 * partitioned by county (`isPartitionedByCounty`).
 */
export async function caseKeysFor(db: Kysely<DB>, actor: Actor, paths: string[] = []): Promise<CaseKeys | undefined> {
  if (!(await isPartitionedByCounty(db))) return undefined;
  const known = new Set([...scopeRoots(actor, 'case.read'), ...paths]);
  const departments = new Set<string>();
  for (const path of known) {
    if (pathDepth(path) === 4 && (await listAncestors(db, path)).at(-1)?.level === 'department') departments.add(path);
  }
  const handlerKey = (root: string) =>
    known.has(root) && ![...departments].some((d) => root.startsWith(d)) ? countyKeyOfSubtree(root) : undefined;
  return {
    org: { column: 'cases.county_key', keyOf: countyKeyOfSubtree }, // as keyedByPlace's
    handler: { column: 'cases.county_key', keyOf: handlerKey },
  };
}

/**
 * The cases an actor may see: handled in her scope, happened in her scope (the community is told
 * about department cases), or escalated to a unit in her scope. All three go through the scope helper,
 * each with its county key where one holds (`caseKeysFor`).
 */
export function visibleCases(actor: Actor, keys?: CaseKeys) {
  return (eb: Parameters<ReturnType<typeof inScope<DB, 'cases'>>>[0]) =>
    eb.or([
      inScope<DB, 'cases'>(actor, 'case.read', 'cases.handler_path', keys?.handler)(eb),
      inScope<DB, 'cases'>(actor, 'case.read', 'cases.org_path', keys?.org)(eb),
      inScope<DB, 'cases'>(actor, 'case.read', 'cases.escalated_path', keys?.handler)(eb),
    ]);
}

/** The same rule as `visibleCases`, for a row in hand. */
export function isCaseInStaffScope(
  actor: Actor,
  c: Pick<CaseTable, 'handler_path' | 'org_path' | 'escalated_path'>,
): boolean {
  return [c.handler_path, c.org_path, c.escalated_path].some((p) => p !== null && canAt(actor, 'case.read', p));
}

/**
 * Who the actor is to a case. Staff in scope see the case as staff; the resident who filed it is its
 * reporter; a resident who followed it (or whose own case was merged into it) is a follower. Anyone
 * else is nobody to it, and the case does not exist for her (404).
 */
export type CaseViewer = 'staff' | 'reporter' | 'follower';

/** Which side asks: the console (staff routes), the phone (the resident's routes), or either (photos). */
export type CaseSide = 'console' | 'phone' | 'either';

export interface CaseView {
  viewer: CaseViewer;
  row: CaseTable;
}

/** Decides the viewer for a case row; null means the case does not exist for her. */
export function viewerOf(
  actor: Actor,
  c: Pick<CaseTable, 'handler_path' | 'org_path' | 'escalated_path' | 'reporter_user_id'>,
  isFollower: boolean,
  side: CaseSide,
): CaseViewer | null {
  if (side !== 'phone' && isCaseInStaffScope(actor, c)) return 'staff';
  if (side === 'console') return null;
  if (c.reporter_user_id === actor.userId) return 'reporter';
  if (isFollower) return 'follower';
  return null;
}

/** The one way every case read starts: the case and who the actor is to it, or 404. */
export async function loadCaseView(db: Kysely<DB>, actor: Actor, id: string, side: CaseSide): Promise<CaseView> {
  const row = await db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw notFound(CASE);
  const follows =
    side === 'console' || row.reporter_user_id === actor.userId
      ? undefined
      : await db
          .selectFrom('case_reporters')
          .select('user_id')
          .where('case_id', '=', id)
          .where('user_id', '=', actor.userId)
          .executeTakeFirst();
  const viewer = viewerOf(actor, row, follows !== undefined, side);
  if (viewer === null) throw notFound(CASE);
  return { viewer, row };
}

/** A case the actor may see as staff, or 404. */
export async function getVisibleCase(db: Kysely<DB>, actor: Actor, id: string): Promise<CaseTable> {
  return (await loadCaseView(db, actor, id, 'console')).row;
}

/**
 * What each viewer is shown of a case. Staff see it whole except an anonymous reporter (only the
 * audited reveal gives her identity, to holders of `pii.reveal`); the reporter sees her own case with
 * its public steps; a follower sees the public summary and the public steps in the handlers' words:
 * no description, place detail, people, photos or the reporter's own words (rating comment, reason to
 * reopen).
 */
export interface Disclosure {
  description: boolean;
  /** address and exact point */
  place: boolean;
  household: boolean;
  contact: boolean;
  photos: boolean;
  internalSteps: boolean;
  ratingComment: boolean;
}

export function disclosureFor(viewer: CaseViewer, c: Pick<CaseTable, 'is_anonymous'>): Disclosure {
  switch (viewer) {
    case 'staff':
      return {
        description: true,
        place: true,
        household: true,
        contact: c.is_anonymous === 0,
        photos: true,
        internalSteps: true,
        ratingComment: true,
      };
    case 'reporter':
      return {
        description: true,
        place: true,
        household: false,
        contact: true,
        photos: true,
        internalSteps: false,
        ratingComment: true,
      };
    case 'follower':
      return {
        description: false,
        place: false,
        household: false,
        contact: false,
        photos: false,
        internalSteps: false,
        ratingComment: false,
      };
  }
}

/**
 * Where another person's case lies, as the public may know it: its point rounded to 0.001° (about
 * 100 m), as Open311 publishes it. Whoever sees only a case's public summary is told distances from
 * this point, and the 200 m of the duplicate offer and of following are measured to it too: exact
 * distances from points she chooses herself (intake offers cost nothing and write nothing) located a
 * case to the meter from three of them, so someone's 低保 application or 家庭暴力求助 gave away her door.
 */
export function publicPoint(point: { lng: number; lat: number }): { lng: number; lat: number } {
  return { lng: Math.round(point.lng * 1000) / 1000, lat: Math.round(point.lat * 1000) / 1000 };
}

/** The steps of the timeline the viewer sees. */
export function visibleEvents<E extends Pick<CaseEventTable, 'is_public'>>(viewer: CaseViewer, events: E[]): E[] {
  return viewer === 'staff' ? events : events.filter((e) => e.is_public === 1);
}

/**
 * Who acted on a step, as the viewer may see it: residents see only their own name (staff act as their
 * unit); nobody but the reporter herself sees the name of an anonymous reporter on her steps (rating,
 * reopening).
 */
export function stepActorName(
  view: { viewer: CaseViewer; actor: Pick<Actor, 'userId'> },
  c: Pick<CaseTable, 'is_anonymous' | 'reporter_user_id'>,
  e: Pick<CaseEventTable, 'actor_id' | 'actor_name'>,
): string | null {
  if (e.actor_id === view.actor.userId) return e.actor_name;
  if (view.viewer !== 'staff') return null;
  if (c.is_anonymous === 1 && e.actor_id !== null && e.actor_id === c.reporter_user_id) return null;
  return e.actor_name;
}

// Mobile and landline numbers and ID numbers typed into free text, wherever they stand.
const PERSONAL_NUMBERS = /(?<![\dA-Za-z])(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{17}[\dXx])(?![\dA-Za-z])/g;

/**
 * Free text made fit for whoever sees only a case's public summary (a follower, Open311's public GET):
 * numbers that identify a person and the reporter's name removed.
 */
export function publishableText(text: string, contactName: string | null): string {
  let out = text.replace(PERSONAL_NUMBERS, '***');
  if (contactName !== null && contactName.trim().length >= 2) out = out.split(contactName.trim()).join('***');
  return out.slice(0, 4000);
}

/**
 * The text of a step as the viewer may see it: a follower does not read the reporter's own words, and
 * reads the handlers' words (often addressed to the reporter by name) as publishable text.
 */
export function stepText(
  viewer: CaseViewer,
  c: Pick<CaseTable, 'reporter_user_id' | 'contact_name'>,
  e: Pick<CaseEventTable, 'actor_id' | 'kind' | 'text'>,
): string | null {
  if (viewer !== 'follower' || e.text === null) return e.text;
  const isReportersWords = e.kind === 'rated' || (e.actor_id !== null && e.actor_id === c.reporter_user_id);
  return isReportersWords ? null : publishableText(e.text, c.contact_name);
}

/** The rating window: a resolved case waits for its reporter's rating. */
export const isAwaitingRating = (c: Pick<CaseTable, 'status'>) => c.status === 'resolved';

/** The reporter may reopen once resolved, or within 7 days of closing. */
export function isReopenableByReporter(c: Pick<CaseTable, 'status' | 'closed_at'>, now: Date): boolean {
  return (
    c.status === 'resolved' ||
    (c.status === 'closed' &&
      c.closed_at !== null &&
      now.getTime() - new Date(c.closed_at).getTime() <= RATING_WINDOW_MS)
  );
}

/** What the resident may do on the phone: rating and reopening belong to the original reporter alone. */
export function reporterActions(viewer: CaseViewer, c: CaseTable, now: Date): ('rate' | 'reopen')[] {
  if (viewer !== 'reporter') return [];
  return [
    ...(isAwaitingRating(c) ? (['rate'] as const) : []),
    ...(isReopenableByReporter(c, now) ? (['reopen'] as const) : []),
  ];
}

export const canHandle = (actor: Actor, c: Pick<CaseTable, 'handler_path'>) =>
  canAt(actor, 'case.handle', c.handler_path);

/** Upper levels: a unit strictly above the handler where she holds the permission. */
export function canActAbove(
  actor: Actor,
  permission: 'case.supervise' | 'case.handle',
  c: Pick<CaseTable, 'handler_path'>,
) {
  const parent = c.handler_path.slice(0, c.handler_path.lastIndexOf('/', c.handler_path.length - 2) + 1);
  return parent.length > 1 && canAt(actor, permission, parent);
}
