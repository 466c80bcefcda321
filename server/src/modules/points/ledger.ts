import { type Kysely, PostgresAdapter, type Transaction } from 'kysely';
import { countyKeyOf } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import { shanghaiMonth } from '../../platform/calendar.ts';
import { invalidField } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { communityPathOf } from '../fieldwork/policies.ts';
import type { AccountRole, JournalKind, PointsAccountTable } from './tables.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { POINTS_JOURNALS } from './figures.ts';

/**
 * The points ledger (issue 14, item 6): double entry, append-only (the database refuses UPDATE and
 * DELETE on journals and movements). Every journal's movements sum to zero; a member account's
 * balance is the sum of its movements, carried on its latest movement (`balance_after`, with `seq`
 * numbering them: unique per account, so two writers of one account cannot both append the same
 * step) and checked against the sum by `verifyLedger`. The community's own accounts (issuance, store,
 * expired) carry no running balance — they are written by every journal of the community and would
 * serialize it — their balance is the plain sum.
 */

export type Db = Kysely<DB> | Transaction<DB>;

export interface Posting {
  accountId: string;
  amount: number;
}

export interface JournalInput {
  communityPath: string;
  kind: JournalKind;
  ruleId?: string | null;
  reason: string;
  /** the record that caused it; required: a movement without a source is refused */
  source: { kind: string; id: string };
  reversesId?: string | null;
  actor: { id: string | null; name: string };
  postings: Posting[];
  /** the field to name when a member's balance would go below zero */
  balanceField?: string;
}

export const isPostgresDb = (db: Db): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT_UNIQUE'));
}

export const insufficientPoints = (field: string, balance: number) =>
  invalidField(field, 'insufficient_points', {
    zh: `积分不足（当前余额 ${balance} 分）`,
    en: `Not enough points (balance ${balance})`,
  });

/** A member account's balance: its latest movement's running balance (0 with none). */
export async function memberBalance(db: Db, accountId: string): Promise<{ balance: number; seq: number }> {
  const last = await db
    .selectFrom('points_movements')
    .select(['seq', 'balance_after'])
    .where('account_id', '=', accountId)
    .where('seq', 'is not', null)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return { balance: last?.balance_after ?? 0, seq: last?.seq ?? 0 };
}

/** Any account's balance as the plain sum of its movements (the definition `balance_after` must equal). */
export async function summedBalance(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('points_movements')
    .select((eb) => eb.fn.sum<number | string | null>('amount').as('total'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.total ?? 0);
}

/**
 * Writes one journal and its movements. Validates before writing: a source, integer non-zero amounts
 * summing to zero, at least two sides; a member account that would go below zero refuses the whole
 * journal (400 on `balanceField`). On PostgreSQL each member account is locked (FOR UPDATE) before its
 * balance is read; SQLite runs one writing transaction at a time.
 */
export async function postJournal(
  trx: Transaction<DB>,
  now: Date,
  input: JournalInput,
): Promise<{ journalId: string; balances: Map<string, number> }> {
  if (input.source.kind.trim() === '' || input.source.id.trim() === '') {
    throw invalidField('source', 'required', {
      zh: '积分变动必须注明来源记录',
      en: 'A points movement needs its source record',
    });
  }
  if (input.postings.length < 2) throw new Error('a journal has at least two sides');
  let sum = 0;
  for (const p of input.postings) {
    if (!Number.isSafeInteger(p.amount) || p.amount === 0) {
      throw invalidField('amount', 'invalid', { zh: '积分数必须是非零整数', en: 'Points must be a non-zero integer' });
    }
    sum += p.amount;
  }
  if (sum !== 0) throw new Error('a journal balances to zero');

  const at = now.toISOString();
  const month = shanghaiMonth(now);
  const journalId = newId();
  // a journal and its movements live with their community
  const countyKey = countyKeyOf(input.communityPath);
  await trx
    .insertInto('points_journals')
    .values({
      id: journalId,
      county_key: countyKey,
      community_path: input.communityPath,
      kind: input.kind,
      rule_id: input.ruleId ?? null,
      reason: input.reason.slice(0, 200),
      source_kind: input.source.kind,
      source_id: input.source.id,
      reverses_id: input.reversesId ?? null,
      actor_id: input.actor.id,
      actor_name: input.actor.name.slice(0, 100),
      created_at: at,
    })
    .execute();

  const accounts = await trx
    .selectFrom('points_accounts')
    .select(['id', 'role'])
    .where(
      'id',
      'in',
      input.postings.map((p) => p.accountId),
    )
    .execute();
  const roleOf = new Map(accounts.map((a) => [a.id, a.role]));
  const balances = new Map<string, number>();
  // lock member accounts in one order (no deadlock between two journals touching the same two)
  const ordered = [...input.postings].sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  for (const p of ordered) {
    const role = roleOf.get(p.accountId);
    if (role === undefined) throw new Error(`no points account ${p.accountId}`);
    let seq: number | null = null;
    let balanceAfter: number | null = null;
    if (role === 'member') {
      if (isPostgresDb(trx)) {
        await trx.selectFrom('points_accounts').select('id').where('id', '=', p.accountId).forUpdate().execute();
      }
      const last = await memberBalance(trx, p.accountId);
      balanceAfter = last.balance + p.amount;
      if (balanceAfter < 0) throw insufficientPoints(input.balanceField ?? 'amount', last.balance);
      seq = last.seq + 1;
      balances.set(p.accountId, balanceAfter);
    }
    await trx
      .insertInto('points_movements')
      .values({
        id: newId(),
        journal_id: journalId,
        county_key: countyKey,
        account_id: p.accountId,
        account_role: role,
        community_path: input.communityPath,
        kind: input.kind,
        amount: p.amount,
        seq,
        balance_after: balanceAfter,
        month,
        created_at: at,
      })
      .execute();
  }
  await syncServiceFigures(trx, POINTS_JOURNALS, [journalId]);
  return { journalId, balances };
}

/** The community's own account of a role (issuance, store, expired), made on first use. */
export async function communityAccount(
  trx: Db,
  now: Date,
  communityPath: string,
  role: Exclude<AccountRole, 'member'>,
) {
  return ensureAccount(trx, now, {
    org_path: communityPath,
    community_path: communityPath,
    owner_kind: 'community',
    owner_id: communityPath,
    role,
  });
}

async function ensureAccount(
  trx: Db,
  now: Date,
  key: Pick<PointsAccountTable, 'org_path' | 'community_path' | 'owner_kind' | 'owner_id' | 'role'>,
): Promise<PointsAccountTable> {
  const find = () =>
    trx
      .selectFrom('points_accounts')
      .selectAll()
      .where('owner_kind', '=', key.owner_kind)
      .where('owner_id', '=', key.owner_id)
      .where('role', '=', key.role)
      .executeTakeFirst();
  const found = await find();
  if (found !== undefined) return found;
  await trx
    .insertInto('points_accounts')
    .values({
      id: newId(),
      ...key,
      county_key: countyKeyOf(key.community_path),
      ranked: 0,
      created_at: now.toISOString(),
    })
    // the index every layout has (migration 0047): the partitioned one keeps the owner unique per county
    .onConflict((oc) => oc.columns(['county_key', 'owner_kind', 'owner_id', 'role']).doNothing())
    .execute();
  return (await find())!;
}

export interface Member {
  residentId: string;
  residentName: string;
  householdId: string;
  /** the household's place (grid or compound) */
  orgPath: string;
  communityPath: string;
}

/** A living registry resident as a points member (undefined when there is none such). */
export async function memberOf(db: Db, residentId: string): Promise<Member | undefined> {
  const row = await db
    .selectFrom('residents')
    .innerJoin('households', 'households.id', 'residents.household_id')
    .select(['residents.id', 'residents.name', 'residents.household_id', 'households.org_path', 'residents.status'])
    .where('residents.id', '=', residentId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const communityPath = communityPathOf(row.org_path);
  if (communityPath === null) return undefined;
  return {
    residentId: row.id,
    residentName: row.name,
    householdId: row.household_id,
    orgPath: row.org_path,
    communityPath,
  };
}

/** The account a member's points go to: hers, or her household's where the community pools them. */
export async function memberAccount(trx: Db, now: Date, member: Member): Promise<PointsAccountTable> {
  const policy = await trx
    .selectFrom('points_policies')
    .select('pool')
    .where('org_path', '=', member.communityPath)
    .executeTakeFirst();
  const pooled = policy?.pool === 'household';
  return ensureAccount(trx, now, {
    org_path: member.orgPath,
    community_path: member.communityPath,
    owner_kind: pooled ? 'household' : 'resident',
    owner_id: pooled ? member.householdId : member.residentId,
    role: 'member',
  });
}

/** The member account if it exists (no write). */
export async function findMemberAccount(db: Db, member: Member): Promise<PointsAccountTable | undefined> {
  const policy = await db
    .selectFrom('points_policies')
    .select('pool')
    .where('org_path', '=', member.communityPath)
    .executeTakeFirst();
  const pooled = policy?.pool === 'household';
  return db
    .selectFrom('points_accounts')
    .selectAll()
    .where('owner_kind', '=', pooled ? 'household' : 'resident')
    .where('owner_id', '=', pooled ? member.householdId : member.residentId)
    .where('role', '=', 'member')
    .executeTakeFirst();
}

export interface LedgerProblem {
  kind: 'unbalanced_journal' | 'running_balance' | 'sequence_gap' | 'negative';
  id: string;
  detail: string;
}

/**
 * Rebuilds every balance from the movements and compares: each journal sums to zero; each member
 * account's movements are numbered 1, 2, … and each carries the sum so far, never below zero.
 * `communityPath` limits the check to one community. Empty answer: the ledger holds.
 */
export async function verifyLedger(db: Db, communityPath?: string): Promise<LedgerProblem[]> {
  const problems: LedgerProblem[] = [];
  let journals = db
    .selectFrom('points_movements')
    .select(['journal_id', (eb) => eb.fn.sum<number | string>('amount').as('total')])
    .groupBy('journal_id')
    .having((eb) => eb.fn.sum('amount'), '<>', 0);
  if (communityPath !== undefined) journals = journals.where('community_path', '=', communityPath);
  for (const j of await journals.execute()) {
    problems.push({ kind: 'unbalanced_journal', id: j.journal_id, detail: `sums to ${j.total}` });
  }
  let rows = db
    .selectFrom('points_movements')
    .select(['account_id', 'seq', 'amount', 'balance_after'])
    .where('account_role', '=', 'member')
    .orderBy('account_id')
    .orderBy('seq');
  if (communityPath !== undefined) rows = rows.where('community_path', '=', communityPath);
  let account = '';
  let running = 0;
  let expected = 1;
  for (const m of await rows.execute()) {
    if (m.account_id !== account) {
      account = m.account_id;
      running = 0;
      expected = 1;
    }
    running += m.amount;
    if (m.seq !== expected)
      problems.push({ kind: 'sequence_gap', id: account, detail: `seq ${m.seq}, expected ${expected}` });
    if (m.balance_after !== running) {
      problems.push({ kind: 'running_balance', id: account, detail: `seq ${m.seq}: ${m.balance_after} ≠ ${running}` });
    }
    if (running < 0) problems.push({ kind: 'negative', id: account, detail: `seq ${m.seq}: ${running}` });
    expected = (m.seq ?? expected) + 1;
  }
  return problems;
}
