import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { newId } from '../../platform/ids.ts';
import { countyKeyOfCase } from '../../db/county-key.ts';
import { enqueueForUnitStaff, enqueueMessage } from '../messages/outbox.ts';
import type { UnitEvent } from '../messages/kinds.ts';
import type { CaseStatus } from './states.ts';
import type { CaseEventKind, CaseEventTable } from './tables.ts';

/** Kinds a resident sees on her case; the rest (notes, routing, escalation) stay internal. */
const PUBLIC_KINDS: ReadonlySet<CaseEventKind> = new Set([
  'submitted',
  'accepted',
  'started',
  'resolved',
  'closed',
  'rejected',
  'merged',
  'reopened',
  'reply',
  'rated',
]);

export interface EventInput {
  caseId: string;
  kind: CaseEventKind;
  at: string;
  actor: Pick<Actor, 'userId' | 'displayName'> | null;
  orgId?: string | null;
  text?: string | null;
  detail?: Record<string, unknown>;
}

/** One step of a case's timeline as it is written, stored with its case's county (one shard, docs/scale.md). */
export function eventRow(e: EventInput, countyKey: number): CaseEventTable {
  return { ...stepOf(e), county_key: countyKey };
}

function stepOf(e: EventInput): Omit<CaseEventTable, 'county_key'> {
  return {
    id: newId(),
    case_id: e.caseId,
    at: e.at,
    kind: e.kind,
    is_public: PUBLIC_KINDS.has(e.kind) ? 1 : 0,
    actor_id: e.actor?.userId ?? null,
    actor_name: e.actor?.displayName ?? null,
    org_id: e.orgId ?? null,
    text: e.text ?? null,
    detail: e.detail === undefined ? null : JSON.stringify(e.detail),
  };
}

/** Appends one step to a case's timeline, inside the caller's transaction; returns the row written. */
export async function insertEvent(trx: Kysely<DB>, e: EventInput): Promise<CaseEventTable> {
  // stored with its case (co-located: a case and its timeline are one shard, docs/scale.md)
  const row = stepOf(e);
  const written = await trx
    .insertInto('case_events')
    .values({ ...row, county_key: countyKeyOfCase(trx, e.caseId) })
    .returning('county_key')
    .executeTakeFirstOrThrow();
  return { ...row, county_key: written.county_key };
}

/** Appends steps built by `eventRow` in a few wide inserts (a group commit's batch of intakes). */
export async function insertEvents(trx: Kysely<DB>, rows: readonly CaseEventTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500)
    await trx
      .insertInto('case_events')
      .values(rows.slice(i, i + 500))
      .execute();
}

/** Appends one step to a case's timeline, inside the caller's transaction; returns its id. */
export async function appendEvent(trx: Kysely<DB>, e: EventInput): Promise<string> {
  return (await insertEvent(trx, e)).id;
}

/** What the reporter (and her followers) hear of a public step of her case. */
export type ReporterKind = 'case.progress' | 'case.rate_request' | 'case.reply_request';

/**
 * Tells people in person of a step of a case, through the outbox in the caller's transaction (the bell,
 * and SMS or WeChat where each chose them). The state goes as its code; the reader's language names it.
 */
export async function tellPeople(
  trx: Kysely<DB>,
  n: { kind: ReporterKind; caseId: string; number: string; state: CaseStatus; at: string; userIds: (string | null)[] },
): Promise<void> {
  for (const userId of new Set(n.userIds)) {
    if (userId === null) continue;
    await enqueueMessage(trx, {
      now: new Date(n.at),
      kind: n.kind,
      recipientUserId: userId,
      params: { number: n.number, state: n.state, caseId: n.caseId },
    });
  }
}

interface UnitNoticeInput {
  event: UnitEvent;
  caseId: string;
  number: string;
  at: string;
  orgs: { id: string }[];
  rating?: number;
}

/** The outbox message telling the staff of some units of a step of one of their cases. */
export function unitNotice(n: UnitNoticeInput) {
  return {
    now: new Date(n.at),
    kind: 'case.unit_notice' as const,
    orgIds: n.orgs.map((o) => o.id),
    permission: 'case.read' as const,
    params: {
      number: n.number,
      event: n.event,
      caseId: n.caseId,
      ...(n.rating !== undefined ? { rating: String(n.rating) } : {}),
    },
  };
}

/** Tells the staff of some units (those who read cases there) of a step of one of their cases, through the outbox. */
export async function tellUnits(trx: Kysely<DB>, n: UnitNoticeInput): Promise<void> {
  await enqueueForUnitStaff(trx, unitNotice(n));
}

/** Everyone who reported a case, including the reporters of cases merged into it. */
export async function listReporters(trx: Kysely<DB>, caseId: string): Promise<string[]> {
  const rows = await trx.selectFrom('case_reporters').select('user_id').where('case_id', '=', caseId).execute();
  return rows.map((r) => r.user_id);
}
