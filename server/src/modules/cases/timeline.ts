import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { newId } from '../../platform/ids.ts';
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

/** Appends one step to a case's timeline, inside the caller's transaction; returns the row written. */
export async function insertEvent(trx: Kysely<DB>, e: EventInput): Promise<CaseEventTable> {
  const row: CaseEventTable = {
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
  await trx.insertInto('case_events').values(row).execute();
  return row;
}

/** Appends one step to a case's timeline, inside the caller's transaction; returns its id. */
export async function appendEvent(trx: Kysely<DB>, e: EventInput): Promise<string> {
  return (await insertEvent(trx, e)).id;
}

export interface NotifyInput {
  caseId: string;
  kind: string;
  title: { zh: string; en: string };
  at: string;
  /** users told in person (the reporters) */
  userIds?: (string | null)[];
  /** units told (their staff see it in their inbox) */
  orgs?: { id: string; path: string }[];
}

/** In-app notifications, written with the change they announce. */
export async function notify(trx: Kysely<DB>, n: NotifyInput): Promise<void> {
  const rows = [
    ...[...new Set(n.userIds ?? [])]
      .filter((u): u is string => u !== null)
      .map((userId) => ({ user_id: userId, org_id: null, org_path: null })),
    ...(n.orgs ?? []).map((o) => ({ user_id: null, org_id: o.id, org_path: o.path })),
  ];
  if (rows.length === 0) return;
  await trx
    .insertInto('notifications')
    .values(
      rows.map((r) => ({
        id: newId(),
        ...r,
        case_id: n.caseId,
        kind: n.kind,
        title_zh: n.title.zh,
        title_en: n.title.en,
        created_at: n.at,
        read_at: null,
      })),
    )
    .execute();
}

/** Everyone who reported a case, including the reporters of cases merged into it. */
export async function listReporters(trx: Kysely<DB>, caseId: string): Promise<string[]> {
  const rows = await trx.selectFrom('case_reporters').select('user_id').where('case_id', '=', caseId).execute();
  return rows.map((r) => r.user_id);
}
