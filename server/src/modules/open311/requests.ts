import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import type { CaseEventKind, CaseStatus, CaseTable } from '../cases/tables.ts';
import { publishableText } from '../cases/access.ts';
import { type PublicCaseView, publicCaseView, publicShowingOf } from '../cases/public-view.ts';
import { CASE_STATE_LABELS, OPEN_STATUSES } from '../cases/states.ts';
import { listPublicDutyItems } from '../duties/service.ts';
import type { DutyItemTable } from '../duties/tables.ts';
import { MAX_RECORDS, MAX_SPAN_DAYS, type RequestListQuery, type UpdateListQuery } from './schema.ts';

/**
 * What the public may see of a case. Open311's GET methods need no key, so nothing here may name
 * or reach a person: no contact, no reporter, no internal note, no staff name. What a case shows is
 * cases/public-view.ts's one rule, which the community page follows too: a case of an item that
 * exposes a person (`counted`) is never listed, fetched or updated here; a `named` one is listed with
 * its service, status and progress, placed by its grid or community only; a `placed` one also with
 * its point rounded to about 100 m. The reporter's own words and exact spot are published only for a
 * placed item she sent through this public interface (channel `open311`).
 */
export interface PublicRequest {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string | null;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string | null;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

export interface PublicUpdate {
  update_id: string;
  service_request_id: string;
  status: 'open' | 'closed';
  updated_datetime: string;
  description: string | null;
  media_url: string | null;
}

const DAY_MS = 24 * 3_600_000;

/** Internal states → the spec's two: submitted, accepted, in progress are open; the rest closed. */
export function toOpen311Status(status: CaseStatus): 'open' | 'closed' {
  return OPEN_STATUSES.includes(status) ? 'open' : 'closed';
}

/** An Open311 media_url is kept as the last line of the description, where staff see it. */
export const MEDIA_LINE_PREFIX = '附件链接：';
const MEDIA_LINE = new RegExp(`\\n${MEDIA_LINE_PREFIX}(https?://\\S+)$`);

function splitMediaLine(description: string): { text: string; mediaUrl: string | null } {
  const match = MEDIA_LINE.exec(description);
  return match === null
    ? { text: description, mediaUrl: null }
    : { text: description.slice(0, match.index).trimEnd(), mediaUrl: match[1]! };
}

/** A step that puts the case into a state is told by that state's one name (cases/states.ts). */
const EVENT_PHRASES: Partial<Record<CaseEventKind, string>> = {
  submitted: '诉求已登记，等待办理单位签收',
  accepted: CASE_STATE_LABELS.accepted.zh,
  started: '正在办理',
  resolved: CASE_STATE_LABELS.resolved.zh,
  closed: CASE_STATE_LABELS.closed.zh,
  rejected: CASE_STATE_LABELS.rejected.zh,
  merged: '与同一问题的诉求合并办理',
  reopened: '重新办理',
  reply: '办理单位已答复',
  rated: '诉求人已评价',
};
/** Kinds whose text staff address to the reporter (a result, a reason, a reply). */
const TEXT_KINDS: ReadonlySet<CaseEventKind> = new Set(['resolved', 'rejected', 'reopened', 'reply']);
const CLOSING_KINDS: ReadonlySet<CaseEventKind> = new Set(['resolved', 'closed', 'rejected', 'merged', 'rated']);
const OPENING_KINDS: ReadonlySet<CaseEventKind> = new Set(['submitted', 'accepted', 'started', 'reopened']);

interface EventRow {
  id: string;
  case_id: string;
  at: string;
  kind: CaseEventKind;
  text: string | null;
}

const COLUMNS = [
  'id',
  'number',
  'channel',
  'duty_code',
  'status',
  'description',
  'address',
  'lng',
  'lat',
  'org_id',
  'handler_org_id',
  'contact_name',
  'created_at',
  'accept_due_at',
  'resolve_due_at',
  'resolved_at',
  'closed_at',
] as const;
type CaseRow = Pick<CaseTable, (typeof COLUMNS)[number]>;

function describeEvent(e: Pick<EventRow, 'kind' | 'text'>, c: CaseRow, view: PublicCaseView): string | null {
  const phrase = EVENT_PHRASES[e.kind] ?? null;
  if (phrase === null || e.text === null || e.text.trim() === '') return phrase;
  // a merge names the case it joined: a public number
  if (e.kind === 'merged') return `已与 ${e.text} 合并办理`;
  if (view.isOwnWordsPublic && TEXT_KINDS.has(e.kind)) return `${phrase}：${publishableText(e.text, c.contact_name)}`;
  return phrase;
}

function formatHours(hours: number): string {
  return hours >= 48 && hours % 24 === 0 ? `${hours / 24} 天` : `${hours} 小时`;
}

function hoursBetween(from: string, to: string): number {
  return Math.max(0, Math.round((new Date(to).getTime() - new Date(from).getTime()) / 3_600_000));
}

/** The public items whose cases the public may see at all (placed or named: never `counted` ones). */
/** Who handles a case and in how long, as a receipt and a request tell it. */
function serviceNotice(agency: string | null, c: Pick<CaseRow, 'created_at' | 'accept_due_at' | 'resolve_due_at'>) {
  if (agency === null) return null;
  return (
    `由${agency}办理：${formatHours(hoursBetween(c.created_at, c.accept_due_at))}内签收，` +
    `${formatHours(hoursBetween(c.created_at, c.resolve_due_at))}内办结`
  );
}

/**
 * The notice of a receipt: told to the client that just sent the case, whatever the public may later
 * see of it (a case of a person item is never listed or fetched, but its sender learns who handles it).
 */
/** The receipt's notice for a case intake has just written, from what it wrote (no read-back). */
export function writtenReceiptNotice(
  agency: string,
  c: Pick<CaseRow, 'created_at' | 'accept_due_at' | 'resolve_due_at'>,
): string | null {
  return serviceNotice(agency, c);
}

export async function receiptNotice(db: Kysely<DB>, number: string): Promise<string | null> {
  const c = await db
    .selectFrom('cases')
    .innerJoin('org_units as h', 'h.id', 'cases.handler_org_id')
    .select(['h.name as agency', 'cases.created_at', 'cases.accept_due_at', 'cases.resolve_due_at'])
    .where('cases.number', '=', number)
    .executeTakeFirstOrThrow();
  return serviceNotice(c.agency, c);
}

/**
 * The items whose cases Open311 lists one by one: problems of a place only. A `named` service (入学,
 * 就业失业登记, 人民调解…) is a person's request: the community page names its item only from 5 cases a
 * month up, and a list of single requests — item, community, hour — would undo that, so those are
 * counted on the page and not listed here (the client that sent one still gets its receipt).
 */
async function publicItemsByCode(db: Kysely<DB>): Promise<Map<string, DutyItemTable>> {
  return new Map(
    (await listPublicDutyItems(db)).filter((i) => publicShowingOf(i) === 'placed').map((i) => [i.code, i]),
  );
}

async function publicEventsOf(db: Kysely<DB>, caseIds: string[]): Promise<Map<string, EventRow[]>> {
  const byCase = new Map<string, EventRow[]>();
  if (caseIds.length === 0) return byCase;
  const rows = await db
    .selectFrom('case_events')
    .select(['id', 'case_id', 'at', 'kind', 'text'])
    .where('case_id', 'in', caseIds)
    .where('is_public', '=', 1)
    .orderBy('at')
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const timeline = byCase.get(r.case_id);
    if (timeline === undefined) byCase.set(r.case_id, [r]);
    else timeline.push(r);
  }
  return byCase;
}

async function unitsById(db: Kysely<DB>, ids: string[]) {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map<string, { name: string; fullName: string; code: string | null }>();
  const rows = await db
    .selectFrom('org_units')
    .select(['id', 'name', 'full_name', 'code'])
    .where('id', 'in', unique)
    .execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, fullName: r.full_name, code: r.code }]));
}

async function toPublicRequests(
  db: Kysely<DB>,
  rows: CaseRow[],
  items: Map<string, DutyItemTable>,
): Promise<PublicRequest[]> {
  const events = await publicEventsOf(
    db,
    rows.map((r) => r.id),
  );
  const units = await unitsById(
    db,
    rows.flatMap((r) => [r.org_id, r.handler_org_id]),
  );
  return rows.map((c) => {
    const item = items.get(c.duty_code!);
    const view = publicCaseView(c, item);
    const isOwnWords = view.isOwnWordsPublic;
    const timeline = events.get(c.id) ?? [];
    const latest = timeline[timeline.length - 1];
    const status = toOpen311Status(c.status);
    const place = units.get(c.org_id);
    const agency = units.get(c.handler_org_id)?.name ?? null;
    const { text, mediaUrl } = splitMediaLine(c.description);
    return {
      service_request_id: c.number,
      status,
      status_notes: latest === undefined ? null : describeEvent(latest, c, view),
      service_name: item?.name ?? null,
      service_code: c.duty_code!,
      description: isOwnWords ? publishableText(text, c.contact_name) : null,
      agency_responsible: agency,
      service_notice: serviceNotice(agency, c),
      requested_datetime: c.created_at,
      updated_datetime: (status === 'closed' ? (c.closed_at ?? c.resolved_at) : null) ?? latest?.at ?? c.created_at,
      expected_datetime: c.resolve_due_at,
      address:
        isOwnWords && c.address !== null ? publishableText(c.address, c.contact_name) : (place?.fullName ?? null),
      address_id: place?.code ?? null,
      zipcode: null,
      lat: view.point?.lat ?? null,
      long: view.point?.lng ?? null,
      media_url: isOwnWords ? mediaUrl : null,
    };
  });
}

/**
 * The search window: both ends as given (at most 90 days apart), one end and 90 days from it,
 * or the last 90 days.
 */
function searchWindow(now: Date, query: { start_date?: Date | undefined; end_date?: Date | undefined }) {
  const span = MAX_SPAN_DAYS * DAY_MS;
  const { start_date: start, end_date: end } = query;
  if (start !== undefined && end !== undefined) {
    if (end < start) {
      throw invalidField('end_date', 'before_start', {
        zh: 'end_date 不能早于 start_date',
        en: 'end_date is before start_date',
      });
    }
    if (end.getTime() - start.getTime() > span) {
      throw invalidField('end_date', 'span_too_long', {
        zh: `start_date 与 end_date 相隔不能超过 ${MAX_SPAN_DAYS} 天`,
        en: `start_date and end_date may not span more than ${MAX_SPAN_DAYS} days`,
      });
    }
    return { from: start.toISOString(), to: end.toISOString() };
  }
  if (start !== undefined) return { from: start.toISOString(), to: new Date(start.getTime() + span).toISOString() };
  const to = end ?? now;
  return { from: new Date(to.getTime() - span).toISOString(), to: to.toISOString() };
}

/**
 * GET requests: cases of public services, newest first, at most 1000. A list of
 * service_request_id overrides every other filter, as the spec says.
 */
export async function listPublicRequests(deps: AppDeps, query: RequestListQuery): Promise<PublicRequest[]> {
  const items = await publicItemsByCode(deps.db);
  let codes = [...items.keys()];
  let q = deps.db.selectFrom('cases').select(COLUMNS);
  if (query.service_request_id !== undefined && query.service_request_id.length > 0) {
    q = q.where('number', 'in', query.service_request_id);
  } else {
    const { from, to } = searchWindow(deps.clock.now(), query);
    q = q.where('created_at', '>=', from).where('created_at', '<=', to);
    if (query.service_code !== undefined && query.service_code.length > 0) {
      const wanted = new Set(query.service_code);
      codes = codes.filter((c) => wanted.has(c));
    }
    const statuses = new Set(query.status ?? []);
    if (statuses.size === 1) {
      q = statuses.has('open')
        ? q.where('status', 'in', [...OPEN_STATUSES])
        : q.where('status', 'not in', [...OPEN_STATUSES]);
    }
  }
  if (codes.length === 0) return [];
  const rows = await q
    .where('duty_code', 'in', codes)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(MAX_RECORDS)
    .execute();
  return toPublicRequests(deps.db, rows, items);
}

/** GET requests/{id}: one case of a public service by its number, or 404. */
export async function getPublicRequest(deps: AppDeps, number: string): Promise<PublicRequest> {
  const items = await publicItemsByCode(deps.db);
  const row = await deps.db.selectFrom('cases').select(COLUMNS).where('number', '=', number).executeTakeFirst();
  if (row === undefined || row.duty_code === null || !items.has(row.duty_code)) {
    throw notFound({ zh: `服务请求 ${number}`, en: `Service request ${number}` });
  }
  const [request] = await toPublicRequests(deps.db, [row], items);
  return request!;
}

/**
 * The servicerequestupdates extension: public steps of cases of public services within the
 * window, oldest first (a client polls from the last update it saw), at most 1000.
 */
export async function listPublicUpdates(deps: AppDeps, query: UpdateListQuery): Promise<PublicUpdate[]> {
  const items = await publicItemsByCode(deps.db);
  const codes = [...items.keys()];
  if (codes.length === 0) return [];
  const { from, to } = searchWindow(deps.clock.now(), query);
  const hits = await deps.db
    .selectFrom('case_events as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .select(['e.id as id', 'e.case_id as case_id'])
    .where('e.is_public', '=', 1)
    .where('e.at', '>=', from)
    .where('e.at', '<=', to)
    .where('c.duty_code', 'in', codes)
    .orderBy('e.at')
    .orderBy('e.id')
    .limit(MAX_RECORDS)
    .execute();
  const caseIds = [...new Set(hits.map((h) => h.case_id))];
  if (caseIds.length === 0) return [];
  const cases = new Map(
    (await deps.db.selectFrom('cases').select(COLUMNS).where('id', 'in', caseIds).execute()).map((c) => [c.id, c]),
  );
  // the status after each step, walking each case's whole public timeline (a reply keeps the status it found)
  const updates = new Map<string, PublicUpdate>();
  for (const [caseId, timeline] of await publicEventsOf(deps.db, caseIds)) {
    const c = cases.get(caseId)!;
    let status: 'open' | 'closed' = 'open';
    for (const e of timeline) {
      if (CLOSING_KINDS.has(e.kind)) status = 'closed';
      else if (OPENING_KINDS.has(e.kind)) status = 'open';
      updates.set(e.id, {
        update_id: e.id,
        service_request_id: c.number,
        status,
        updated_datetime: e.at,
        description: describeEvent(e, c, publicCaseView(c, items.get(c.duty_code!))),
        media_url: null,
      });
    }
  }
  return hits.map((h) => updates.get(h.id)!);
}
