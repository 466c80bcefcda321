import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { type AuditWho, recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Exact look-ups by ID number or phone (DESIGN rule 10). A masked phone hides 4 digits, so 10,000
 * exact searches would find one: every look-up — a miss answers as much as a hit — is limited per account
 * and audited. The count is the audit rows themselves (action `pii.exact_search`, index
 * `audit_log (actor_id, at)`), so the window is sliding, lives in the database, and holds across
 * requests, sessions, API keys and app servers alike. A search writes its row first and then counts:
 * the k-th row committed counts at least k, so concurrent requests cannot pass more than the limit, and
 * a refused attempt stays on record (and in the window: hammering keeps it shut).
 */
export const EXACT_SEARCH_LIMITS = [
  { max: 30, windowMs: 60_000, zh: '每分钟', en: 'a minute' },
  // 10,000 candidates of a masked phone at 300 a day is a month of audited searching, not an afternoon.
  { max: 300, windowMs: 24 * 60 * 60_000, zh: '每天', en: 'a day' },
] as const;

export const EXACT_SEARCH_ACTION = 'pii.exact_search';

export type ExactKind = 'id_number' | 'phone';
/**
 * why the look-up was made: a search, the duplicate check of a create/edit, a move request, a ledger
 * row whose number is registered outside the importer's scope (import/exact-lookups.ts)
 */
export type ExactPurpose = 'search' | 'export' | 'duplicate_check' | 'move_request' | 'import';

/** The times of the actor's exact look-ups in the longest window, read on `db` (a transaction's inside one). */
async function lookupTimes(db: Kysely<DB>, now: number, actorId: string): Promise<string[]> {
  const longest = Math.max(...EXACT_SEARCH_LIMITS.map((l) => l.windowMs));
  const rows = await db
    .selectFrom('audit_log')
    .select('at')
    .where('actor_id', '=', actorId)
    .where('at', '>', new Date(now - longest).toISOString())
    .where('action', '=', EXACT_SEARCH_ACTION)
    .execute();
  return rows.map((r) => r.at);
}

/** What each window has left of its allowance, given the times of the actor's look-ups. */
function leftPerWindow(times: string[], now: number) {
  return EXACT_SEARCH_LIMITS.map((limit) => {
    const since = new Date(now - limit.windowMs).toISOString();
    return { limit, left: limit.max - times.filter((at) => at > since).length };
  });
}

/** How many exact look-ups the actor has left before a window is used up (0 when one is). */
export async function exactSearchesLeft(db: Kysely<DB>, now: Date, actorId: string): Promise<number> {
  const windows = leftPerWindow(await lookupTimes(db, now.getTime(), actorId), now.getTime());
  return Math.max(0, Math.min(...windows.map((w) => w.left)));
}

/** 429 when the actor has used up an exact-search window (`extra`: rows of this request already written). */
export async function checkExactSearchAllowed(deps: AppDeps, actor: Actor, field: string, extra = 0): Promise<void> {
  const now = deps.clock.now().getTime();
  const usedUp = leftPerWindow(await lookupTimes(deps.db, now, actor.userId), now).find((w) => w.left + extra <= 0);
  if (usedUp === undefined) return;
  const { limit } = usedUp;
  throw new AppError(
    'RATE_LIMITED',
    {
      zh: `按身份证号或电话精确查找${limit.zh}最多 ${limit.max} 次，请稍后再试`,
      en: `Exact look-ups by ID number or phone are limited to ${limit.max} ${limit.en}; try again later`,
    },
    [
      {
        code: 'exact_search_limit',
        field,
        message_zh: `精确查找次数已达上限（${limit.zh} ${limit.max} 次）`,
        message_en: `Exact look-up limit reached (${limit.max} ${limit.en})`,
      },
    ],
  );
}

/** One exact look-up as its audit row records it. */
export interface ExactLookup {
  kinds: ExactKind[];
  purpose: ExactPurpose;
  orgId?: string | null;
  orgPath?: string | null;
  /** more of where it was made (an import's job and row), never the number */
  detail?: Record<string, unknown>;
}

/**
 * The audit row of one exact look-up — who, what kind, why, never the number — in `db` (a transaction's
 * inside one): the row every allowance is counted from, whoever makes the look-up (a request, an import).
 */
export async function recordExactSearch(
  db: Kysely<DB>,
  clock: Clock,
  who: AuditWho,
  entry: ExactLookup,
): Promise<void> {
  await recordAudit(db, clock, who, {
    action: EXACT_SEARCH_ACTION,
    targetType: 'residents',
    orgId: entry.orgId ?? null,
    orgPath: entry.orgPath ?? null,
    detail: { kinds: entry.kinds, purpose: entry.purpose, ...entry.detail },
  });
}

/** Audits one exact look-up, then answers 429 if it is past the limit (before the look-up runs). */
export async function takeExactSearch(deps: AppDeps, actor: Actor, entry: ExactLookup): Promise<void> {
  await recordExactSearch(deps.db, deps.clock, whoFromActor(actor), entry);
  await checkExactSearchAllowed(deps, actor, entry.kinds[0] === 'phone' ? 'phone' : 'idNumber', 1);
}
