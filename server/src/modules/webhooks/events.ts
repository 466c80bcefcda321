import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { newId } from '../../platform/ids.ts';
import { publicPoint, publishableText } from '../cases/access.ts';
import { publicCaseView } from '../cases/public-view.ts';
import { CASE_STATE_LABELS } from '../cases/states.ts';
import type { CaseEventKind, CaseTable } from '../cases/tables.ts';

/** The events a subscriber may ask for; each names the step of a case that causes it. */
export const WEBHOOK_EVENTS = [
  'case.created',
  'case.accepted',
  'case.progress',
  'case.replied',
  'case.resolved',
  'case.closed',
  'case.rated',
  'case.reopened',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_EVENT_NAMES: Readonly<Record<WebhookEvent, { zh: string; en: string }>> = {
  'case.created': { zh: '新诉求', en: 'Case created' },
  'case.accepted': { zh: '已签收', en: 'Accepted' },
  'case.progress': { zh: '开始办理', en: 'In progress' },
  'case.replied': { zh: '答复居民', en: 'Replied' },
  'case.resolved': { zh: '已办结', en: 'Resolved' },
  'case.closed': { zh: '已关闭（含驳回、合并）', en: 'Closed (also rejected, merged)' },
  'case.rated': { zh: '居民评价', en: 'Rated' },
  'case.reopened': { zh: '重新打开', en: 'Reopened' },
};

/** Which timeline steps are told to subscribers, as which event; the rest (notes, routing, pauses) stay inside. */
const EVENT_OF_STEP: Partial<Record<CaseEventKind, WebhookEvent>> = {
  submitted: 'case.created',
  accepted: 'case.accepted',
  started: 'case.progress',
  reply: 'case.replied',
  resolved: 'case.resolved',
  closed: 'case.closed',
  rejected: 'case.closed',
  merged: 'case.closed',
  rated: 'case.rated',
  reopened: 'case.reopened',
};

export function isWebhookEvent(value: string): value is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(value);
}

/** The hotline's ticket number of a case that came in as a 12345 ticket (intake keys it `hotline:<no>`). */
export function hotlineTicketNo(c: Pick<CaseTable, 'channel' | 'external_ref'>): string | null {
  return c.channel === 'hotline' && c.external_ref?.startsWith('hotline:') === true
    ? c.external_ref.slice('hotline:'.length)
    : null;
}

/** Every unit path a path lies under, itself included: `/1/2s/` → `/1/`, `/1/2s/`. */
function pathsAbove(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/', 1); i !== -1; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i + 1));
  return out;
}

export interface CaseStepInput {
  /** the case as the step leaves it */
  row: CaseTable;
  /** the timeline step just written */
  kind: CaseEventKind;
  /** the step's text (reply, result, reason, comment), before it is made publishable */
  text?: string | null;
  detail?: Record<string, unknown>;
  /** when the step happened (now) */
  at: string;
}

/**
 * Tells the subscribers of a case's units about one of its steps: a delivery row per subscriber that
 * wants this event, written in the caller's transaction, so a rolled-back step tells nobody and a
 * committed one is never lost. Costs one indexed query when nobody subscribes; never calls a receiver.
 */
export async function emitCaseEvent(
  trx: Kysely<DB>,
  input: CaseStepInput,
  /** subscribers already looked up in this transaction, by the units a case lies under (a batch of intakes) */
  memo?: Map<string, { id: string; events: string }[]>,
): Promise<number> {
  const type = EVENT_OF_STEP[input.kind];
  if (type === undefined) return 0;
  const c = input.row;
  const under = [...new Set([...pathsAbove(c.org_path), ...pathsAbove(c.handler_path)])];
  const memoKey = under.join('\n');
  let active = memo?.get(memoKey);
  if (active === undefined) {
    active = await trx
      .selectFrom('webhook_subscribers')
      .select(['id', 'events'])
      .where('org_path', 'in', under)
      .where('is_active', '=', 1)
      .execute();
    memo?.set(memoKey, active);
  }
  const subscribers = active.filter((s) => s.events.split(',').includes(type));
  if (subscribers.length === 0) return 0;
  const payload = JSON.stringify(await buildPayload(trx, type, input));
  const eventId = (JSON.parse(payload) as { id: string }).id;
  await trx
    .insertInto('webhook_deliveries')
    .values(
      subscribers.map((s) => ({
        id: newId(),
        // with its case, in the case step's transaction
        county_key: c.county_key,
        subscriber_id: s.id,
        event_id: eventId,
        event_type: type,
        case_id: c.id,
        payload,
        status: 'queued',
        attempts: 0,
        next_attempt_at: input.at,
        claim_token: null,
        claimed_at: null,
        last_status_code: null,
        last_error: null,
        created_at: input.at,
        updated_at: input.at,
        delivered_at: null,
      })),
    )
    .execute();
  return subscribers.length;
}

/**
 * The body of an event: the case's public facts (number, item, state, place rounded to ~100 m for a
 * problem of a place only, times, the 12345 ticket number) and the step's own words made publishable
 * (no numbers that identify a person, no reporter's name; none at all for an item that exposes a
 * person unless it answers a 12345 ticket). Never the reporter, her contact, the description or photos.
 */
async function buildPayload(trx: Kysely<DB>, type: WebhookEvent, input: CaseStepInput) {
  const c = input.row;
  const [units, item] = await Promise.all([
    trx
      .selectFrom('org_units')
      .select(['id', 'code', 'name'])
      .where('id', 'in', [c.org_id, c.handler_org_id])
      .execute(),
    c.duty_item_id === null
      ? Promise.resolve(undefined)
      : trx
          .selectFrom('duty_items')
          .select(['name', 'is_public', 'category_sub'])
          .where('id', '=', c.duty_item_id)
          .executeTakeFirst(),
  ]);
  const unit = (id: string) => units.find((u) => u.id === id);
  // the public-view rule (cases/public-view.ts) decides what leaves for a partner: only a problem of a
  // place is placed (at ~100 m); an item that exposes a person (家庭暴力, 救助…) sends no words — except
  // to close the loop of a 12345 ticket, whose words the hotline holds already
  const view = publicCaseView(c, item);
  const isWordsAllowed = view.showing !== 'counted' || hotlineTicketNo(c) !== null;
  const text =
    input.text === undefined || input.text === null || !isWordsAllowed
      ? null
      : publishableText(input.text, c.contact_name);
  const point =
    view.showing === 'placed' && c.lng !== null && c.lat !== null ? publicPoint({ lng: c.lng, lat: c.lat }) : null;
  return {
    id: newId(),
    type,
    occurredAt: input.at,
    case: {
      id: c.id,
      number: c.number,
      channel: c.channel,
      hotlineTicketNo: hotlineTicketNo(c),
      status: c.status,
      statusName: CASE_STATE_LABELS[c.status],
      priority: c.priority,
      dutyCode: c.duty_code,
      dutyName: item?.name ?? null,
      place: {
        orgId: c.org_id,
        orgCode: unit(c.org_id)?.code ?? null,
        orgName: unit(c.org_id)?.name ?? null,
        lng: point?.lng ?? null,
        lat: point?.lat ?? null,
      },
      handler: { orgId: c.handler_org_id, orgName: unit(c.handler_org_id)?.name ?? null },
      createdAt: c.created_at,
      acceptDueAt: c.accept_due_at,
      resolveDueAt: c.resolve_due_at,
      acceptedAt: c.accepted_at,
      resolvedAt: c.resolved_at,
      closedAt: c.closed_at,
      wasOverdue: c.was_overdue === 1,
    },
    data: stepData(type, input, text),
  };
}

function stepData(type: WebhookEvent, input: CaseStepInput, text: string | null): Record<string, unknown> {
  switch (type) {
    case 'case.created':
    case 'case.accepted':
    case 'case.progress':
      return {};
    case 'case.replied':
      return { reply: text };
    case 'case.resolved':
      return { result: text };
    case 'case.closed':
      return { outcome: input.row.status, reason: text };
    case 'case.rated':
      return {
        rating: input.row.rating,
        isSolved: input.row.is_solved === null ? null : input.row.is_solved === 1,
        comment: text,
      };
    case 'case.reopened':
      return { reason: text, reopenCount: input.row.reopen_count };
  }
}
