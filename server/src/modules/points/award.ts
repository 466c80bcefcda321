import type { Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { AppError } from '../../platform/errors.ts';
import { communityAccount, memberAccount, memberBalance, memberOf, postJournal } from './ledger.ts';
import { ensureDefaultRules } from './rules.ts';
import type { RuleKind } from './tables.ts';

/**
 * The points ledger's interface for other modules (issue 14, item 6). Call these inside your own
 * transaction, with the record that earned the points as `source`; the award is written with your
 * record or not at all.
 *
 * @example council attendance (issue 15):
 *   await awardPoints(trx, now, {
 *     residentId: attendee.resident_id,
 *     rule: 'council_attendance',
 *     source: { kind: 'council_attendance', id: attendance.id },
 *     actor: { id: actor.userId, name: actor.displayName },
 *   });
 *
 * - `rule` is the code of an active earn rule of the resident's community (`points_rules.code`); the
 *   default rules every community gets are in `DEFAULT_RULES` (volunteer_hour, council_attendance,
 *   garbage_sorting, good_deed). A community without that rule (or with it switched off) awards
 *   nothing: the answer says `{ awarded: false, why: 'no_rule' }` and your record stands.
 * - Idempotent per source: the same `source` awards once (`why: 'already'` the second time).
 * - `minutes` for a per-hour rule (points = ⌊minutes × rule points / 60⌋); `count` (default 1) for a
 *   per-event rule.
 */
export interface AwardInput {
  residentId: string;
  rule: string;
  source: { kind: string; id: string };
  minutes?: number;
  count?: number;
  /** shown on her statement; the rule's name when absent */
  reason?: string;
  actor: { id: string | null; name: string };
}

export type AwardResult =
  | { awarded: true; journalId: string; accountId: string; amount: number; balance: number }
  | { awarded: false; why: 'no_rule' | 'already' | 'zero' | 'no_member' };

async function findRule(trx: Transaction<DB>, communityPath: string, code: string, kind: RuleKind) {
  return trx
    .selectFrom('points_rules')
    .selectAll()
    .where('org_path', '=', communityPath)
    .where('code', '=', code)
    .where('kind', '=', kind)
    .where('active', '=', 1)
    .executeTakeFirst();
}

async function hasRules(trx: Transaction<DB>, communityPath: string): Promise<boolean> {
  const any = await trx
    .selectFrom('points_rules')
    .select('id')
    .where('org_path', '=', communityPath)
    .limit(1)
    .executeTakeFirst();
  return any !== undefined;
}

async function alreadyPosted(
  trx: Transaction<DB>,
  kind: 'award' | 'deduct' | 'withdraw',
  source: { kind: string; id: string },
) {
  return trx
    .selectFrom('points_journals')
    .select('id')
    .where('kind', '=', kind)
    .where('source_kind', '=', source.kind)
    .where('source_id', '=', source.id)
    .executeTakeFirst();
}

/** The registry resident a signed-in account is bound to (a resident's own account), if any. */
export async function boundResidentOf(trx: Transaction<DB>, userId: string): Promise<string | undefined> {
  const row = await trx
    .selectFrom('resident_bindings')
    .select('resident_id')
    .where('user_id', '=', userId)
    .where('status', '=', 'bound')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row?.resident_id;
}

/** Awards points by a community rule to a registry resident, inside the caller's transaction. */
export async function awardPoints(trx: Transaction<DB>, now: Date, input: AwardInput): Promise<AwardResult> {
  const member = await memberOf(trx, input.residentId);
  if (member === undefined) return { awarded: false, why: 'no_member' };
  let rule = await findRule(trx, member.communityPath, input.rule, 'earn');
  if (rule === undefined && !(await hasRules(trx, member.communityPath))) {
    // a community that never looked at its rules earns by the defaults (council attendance among them)
    await ensureDefaultRules(trx, now, member.communityPath);
    rule = await findRule(trx, member.communityPath, input.rule, 'earn');
  }
  if (rule === undefined) return { awarded: false, why: 'no_rule' };
  if ((await alreadyPosted(trx, 'award', input.source)) !== undefined) return { awarded: false, why: 'already' };
  const amount =
    rule.unit === 'hour'
      ? Math.floor(((input.minutes ?? 0) * rule.points) / 60)
      : rule.points * Math.max(1, Math.trunc(input.count ?? 1));
  if (amount <= 0) return { awarded: false, why: 'zero' };
  const account = await memberAccount(trx, now, member);
  const issuance = await communityAccount(trx, now, member.communityPath, 'issuance');
  const { journalId, balances } = await postJournal(trx, now, {
    communityPath: member.communityPath,
    kind: 'award',
    ruleId: rule.id,
    reason: input.reason ?? rule.name,
    source: input.source,
    actor: input.actor,
    postings: [
      { accountId: account.id, amount },
      { accountId: issuance.id, amount: -amount },
    ],
  });
  return { awarded: true, journalId, accountId: account.id, amount, balance: balances.get(account.id)! };
}

/**
 * Deducts points by a rule of the community's published negative list (负面清单), inside the caller's
 * transaction. Takes at most her balance (a balance never goes below zero); with nothing to take it is
 * refused (409 on `residentId`). Idempotent per source, as awards.
 */
export async function deductPoints(
  trx: Transaction<DB>,
  now: Date,
  input: Omit<AwardInput, 'minutes'>,
): Promise<{ journalId: string; accountId: string; amount: number; balance: number } | null> {
  const member = await memberOf(trx, input.residentId);
  if (member === undefined) return null;
  const rule = await findRule(trx, member.communityPath, input.rule, 'deduct');
  if (rule === undefined) return null;
  if ((await alreadyPosted(trx, 'deduct', input.source)) !== undefined) return null;
  const account = await memberAccount(trx, now, member);
  const { balance } = await memberBalance(trx, account.id);
  const amount = Math.min(balance, rule.points * Math.max(1, Math.trunc(input.count ?? 1)));
  if (amount <= 0) {
    throw new AppError('INVALID_STATE', { zh: '该居民没有可扣减的积分', en: 'She has no points to deduct' }, [
      {
        code: 'no_points',
        field: 'residentId',
        message_zh: '该居民没有可扣减的积分',
        message_en: 'She has no points to deduct',
      },
    ]);
  }
  const issuance = await communityAccount(trx, now, member.communityPath, 'issuance');
  const { journalId, balances } = await postJournal(trx, now, {
    communityPath: member.communityPath,
    kind: 'deduct',
    ruleId: rule.id,
    reason: input.reason ?? rule.name,
    source: input.source,
    actor: input.actor,
    balanceField: 'residentId',
    postings: [
      { accountId: account.id, amount: -amount },
      { accountId: issuance.id, amount },
    ],
  });
  return { journalId, accountId: account.id, amount, balance: balances.get(account.id)! };
}

export type WithdrawResult =
  | { withdrawn: true; journalId: string; amount: number; balance: number }
  | { withdrawn: false; why: 'no_award' | 'already' | 'no_points' };

/**
 * Takes back an award whose record was corrected (a council sign-in changed from present to absent),
 * inside the caller's transaction: a compensating `withdraw` journal with the award's own source and
 * `reverses_id` pointing at it. Once per award (the journals' unique kind + source); it takes at most her
 * balance, as a deduction does — with nothing left the award stands (`why: 'no_points'`).
 */
export async function withdrawAward(
  trx: Transaction<DB>,
  now: Date,
  input: { source: { kind: string; id: string }; reason: string; actor: { id: string | null; name: string } },
): Promise<WithdrawResult> {
  const award = await alreadyPosted(trx, 'award', input.source);
  if (award === undefined) return { withdrawn: false, why: 'no_award' };
  if ((await alreadyPosted(trx, 'withdraw', input.source)) !== undefined) return { withdrawn: false, why: 'already' };
  const sides = await trx
    .selectFrom('points_movements')
    .select(['account_id', 'account_role', 'amount', 'community_path'])
    .where('journal_id', '=', award.id)
    .execute();
  const member = sides.find((s) => s.account_role === 'member');
  const issuance = sides.find((s) => s.account_role !== 'member');
  if (member === undefined || issuance === undefined) return { withdrawn: false, why: 'no_award' };
  const { balance } = await memberBalance(trx, member.account_id);
  const amount = Math.min(balance, member.amount);
  if (amount <= 0) return { withdrawn: false, why: 'no_points' };
  const { journalId, balances } = await postJournal(trx, now, {
    communityPath: member.community_path,
    kind: 'withdraw',
    reason: input.reason,
    source: input.source,
    reversesId: award.id,
    actor: input.actor,
    postings: [
      { accountId: member.account_id, amount: -amount },
      { accountId: issuance.account_id, amount },
    ],
  });
  return { withdrawn: true, journalId, amount, balance: balances.get(member.account_id)! };
}

/**
 * Makes the ledger agree with a record that can be corrected either way (a council sign-in): `isEarned`
 * and no standing award → award once, under `source` the first time and `source:n` after n earlier
 * awards; not earned and a standing award → withdraw it (withdrawAward). Anything else posts nothing, so
 * saying the same thing twice, or flipping back and forth, never leaves more than one standing award.
 */
export async function settleAward(
  trx: Transaction<DB>,
  now: Date,
  input: AwardInput & { isEarned: boolean; withdrawReason: string },
): Promise<AwardResult | WithdrawResult | null> {
  const base = input.source.id;
  const posted = await trx
    .selectFrom('points_journals')
    .select(['kind', 'source_id'])
    .where('source_kind', '=', input.source.kind)
    .where((eb) => eb.or([eb('source_id', '=', base), eb('source_id', 'like', `${base}:%`)]))
    .where('kind', 'in', ['award', 'withdraw'])
    .execute();
  const awards = posted.filter((j) => j.kind === 'award').map((j) => j.source_id);
  const withdrawn = new Set(posted.filter((j) => j.kind === 'withdraw').map((j) => j.source_id));
  const standing = awards.find((id) => !withdrawn.has(id));
  if (input.isEarned && standing === undefined) {
    return awardPoints(trx, now, {
      residentId: input.residentId,
      rule: input.rule,
      source: { kind: input.source.kind, id: awards.length === 0 ? base : `${base}:${awards.length}` },
      ...(input.minutes === undefined ? {} : { minutes: input.minutes }),
      ...(input.count === undefined ? {} : { count: input.count }),
      ...(input.reason === undefined ? {} : { reason: input.reason }),
      actor: input.actor,
    });
  }
  if (!input.isEarned && standing !== undefined) {
    return withdrawAward(trx, now, {
      source: { kind: input.source.kind, id: standing },
      reason: input.withdrawReason,
      actor: input.actor,
    });
  }
  return null;
}
