import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { shanghaiMonth } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, conflict, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { communityPathOf } from '../fieldwork/policies.ts';
import { awardPoints, deductPoints } from './award.ts';
import { ensureDefaultRules } from './rules.ts';
import {
  type Db,
  type Member,
  findMemberAccount,
  isUniqueViolation,
  memberAccount,
  memberBalance,
  memberOf,
  postJournal,
} from './ledger.ts';
import type { PointsRuleTable, RuleKind, RuleSource, RuleUnit } from './tables.ts';

const ACCOUNT = { zh: '积分账户', en: 'Points account' };
const APPEAL = { zh: '申诉', en: 'Appeal' };

export { DEFAULT_RULES, ensureDefaultRules } from './rules.ts';

export const ruleOut = (r: PointsRuleTable) => ({
  id: r.id,
  code: r.code,
  name: r.name,
  kind: r.kind,
  source: r.source_kind,
  unit: r.unit,
  points: r.points,
  active: r.active === 1,
});

/** The community a unit lies in, or a 400 on `field` for a unit above communities. */
export async function communityOfOrg(deps: AppDeps, orgId: string, field = 'orgId') {
  const unit = await deps.db.selectFrom('org_units').select(['id', 'path']).where('id', '=', orgId).executeTakeFirst();
  if (unit === undefined) throw notFound({ zh: '组织', en: 'Org unit' });
  const path = communityPathOf(unit.path);
  if (path === null) {
    throw invalidField(field, 'not_community', {
      zh: '请选择社区（村）或其下的单元',
      en: 'Choose a community or a unit under it',
    });
  }
  const community = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path', 'name'])
    .where('path', '=', path)
    .executeTakeFirstOrThrow();
  return community;
}

/** A community's rules (the defaults are made on first look); the deduct ones are its published negative list. */
export async function listRules(deps: AppDeps, communityPath: string) {
  await ensureDefaultRules(deps.db, deps.clock.now(), communityPath);
  const rows = await deps.db
    .selectFrom('points_rules')
    .selectAll()
    .where('org_path', '=', communityPath)
    .orderBy('kind')
    .orderBy('code')
    .execute();
  return { items: rows.map(ruleOut) };
}

export async function listRulesForStaff(deps: AppDeps, actor: Actor, orgId: string) {
  const community = await communityOfOrg(deps, orgId);
  if (!canAt(actor, 'points.manage', community.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  return listRules(deps, community.path);
}

export async function saveRule(
  deps: AppDeps,
  actor: Actor,
  input: {
    orgId: string;
    code: string;
    name: string;
    kind: RuleKind;
    source: RuleSource;
    unit: RuleUnit;
    points: number;
    active: boolean;
  },
) {
  const community = await communityOfOrg(deps, input.orgId);
  if (!canAt(actor, 'points.manage', community.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  if ((input.kind === 'deduct') !== (input.source === 'negative')) {
    throw invalidField('source', 'kind_mismatch', {
      zh: '扣分规则的来源必须是负面清单，负面清单只能扣分',
      en: 'Deduct rules come from the negative list and the negative list only deducts',
    });
  }
  if (input.unit === 'hour' && input.source !== 'volunteer') {
    throw invalidField('unit', 'hour_only_volunteer', {
      zh: '只有志愿服务按小时计分',
      en: 'Only volunteering counts by the hour',
    });
  }
  const now = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (trx) => {
    await ensureDefaultRules(trx, deps.clock.now(), community.path);
    const existing = await trx
      .selectFrom('points_rules')
      .selectAll()
      .where('org_path', '=', community.path)
      .where('code', '=', input.code)
      .executeTakeFirst();
    let id: string;
    if (existing === undefined) {
      id = newId();
      await trx
        .insertInto('points_rules')
        .values({
          id,
          org_path: community.path,
          code: input.code,
          name: input.name,
          kind: input.kind,
          source_kind: input.source,
          unit: input.unit,
          points: input.points,
          active: input.active ? 1 : 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } else {
      id = existing.id;
      if (existing.kind !== input.kind) {
        throw invalidField('kind', 'immutable', {
          zh: '规则的加减方向不能更改',
          en: "A rule's direction cannot change",
        });
      }
      await trx
        .updateTable('points_rules')
        .set({
          name: input.name,
          source_kind: input.source,
          unit: input.unit,
          points: input.points,
          active: input.active ? 1 : 0,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'points.rule_save',
      targetType: 'pointsRule',
      targetId: id,
      orgPath: community.path,
      detail: { code: input.code, points: input.points, active: input.active },
    });
    const row = await trx.selectFrom('points_rules').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return ruleOut(row);
  });
}

export async function getPolicy(deps: AppDeps, actor: Actor, orgId: string) {
  const community = await communityOfOrg(deps, orgId);
  if (!canAt(actor, 'points.manage', community.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  const row = await deps.db
    .selectFrom('points_policies')
    .selectAll()
    .where('org_path', '=', community.path)
    .executeTakeFirst();
  return {
    pool: row?.pool ?? 'resident',
    expiryMonths: row?.expiry_months ?? null,
    expiryAt: row?.expiry_at ?? 'rolling',
  };
}

export async function setPolicy(
  deps: AppDeps,
  actor: Actor,
  input: {
    orgId: string;
    pool: 'resident' | 'household';
    expiryMonths: number | null;
    expiryAt?: 'rolling' | 'year_end' | undefined;
  },
) {
  const community = await communityOfOrg(deps, input.orgId);
  if (!canAt(actor, 'points.manage', community.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  const expiryAt = input.expiryAt ?? 'rolling';
  return deps.db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('points_policies')
      .selectAll()
      .where('org_path', '=', community.path)
      .executeTakeFirst();
    if ((current?.pool ?? 'resident') !== input.pool) {
      const any = await trx
        .selectFrom('points_accounts')
        .select('id')
        .where('community_path', '=', community.path)
        .where('role', '=', 'member')
        .limit(1)
        .executeTakeFirst();
      if (any !== undefined) {
        throw conflict('INVALID_STATE', 'pool', {
          zh: '已有积分账户，不能再改变按人或按户计分',
          en: 'Accounts exist: pooling cannot change any more',
        });
      }
    }
    const values = {
      pool: input.pool,
      expiry_months: input.expiryMonths,
      expiry_at: expiryAt,
      updated_at: deps.clock.now().toISOString(),
      updated_by_name: actor.displayName,
    };
    if (current === undefined) {
      await trx
        .insertInto('points_policies')
        .values({ org_path: community.path, ...values })
        .execute();
    } else {
      await trx.updateTable('points_policies').set(values).where('org_path', '=', community.path).execute();
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'points.policy_set',
      targetType: 'org',
      targetId: community.id,
      orgPath: community.path,
      detail: { pool: input.pool, expiryMonths: input.expiryMonths, expiryAt },
    });
    return { pool: input.pool, expiryMonths: input.expiryMonths, expiryAt };
  });
}

// ——— a resident's own points ———

const notBound = () =>
  new AppError('INVALID_STATE', { zh: '请先绑定您的住户信息', en: 'Bind your account to your household first' }, [
    {
      code: 'not_bound',
      field: 'binding',
      message_zh: '请先在“我的”中绑定住户信息',
      message_en: 'Bind your account to your household under Me first',
    },
  ]);

/** The registry resident her account is bound to, as a points member; 409 when she is not bound. */
export async function myMember(db: Db, actor: Actor): Promise<Member & { userId: string }> {
  const binding = await db
    .selectFrom('resident_bindings')
    .select('resident_id')
    .where('user_id', '=', actor.userId)
    .where('status', '=', 'bound')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (binding === undefined) throw notBound();
  const member = await memberOf(db, binding.resident_id);
  if (member === undefined) throw notBound();
  return { ...member, userId: actor.userId };
}

interface MovementOut {
  id: string;
  at: string;
  kind: string;
  amount: number;
  balanceAfter: number;
  reason: string;
  source: { kind: string; id: string };
  journalId: string;
  /** a deduction's appeal, if she made one */
  appeal: { id: string; status: 'open' | 'granted' | 'refused' } | null;
}

/** The month a statement or report is asked for: this month by default; a month still ahead has nothing to show. */
function monthAsked(deps: AppDeps, month: string | undefined): string {
  const now = shanghaiMonth(deps.clock.now());
  if (month === undefined) return now;
  if (month > now)
    throw invalidField('month', 'future_month', {
      zh: `${month} 尚未到来，最多可查看本月（${now}）`,
      en: `${month} has not come yet; the latest is this month (${now})`,
    });
  return month;
}

/** One account's movements of a month, with the balance it opened and closed at (on each movement row). */
export async function statementOf(db: Db, accountId: string, month: string) {
  const rows = await db
    .selectFrom('points_movements as m')
    .innerJoin('points_journals as j', 'j.id', 'm.journal_id')
    .select([
      'm.id',
      'm.created_at',
      'm.kind',
      'm.amount',
      'm.balance_after',
      'm.seq',
      'j.reason',
      'j.source_kind',
      'j.source_id',
      'j.id as journal_id',
    ])
    .where('m.account_id', '=', accountId)
    .where('m.month', '=', month)
    .orderBy('m.seq')
    .execute();
  let opening: number;
  if (rows.length > 0) opening = rows[0]!.balance_after! - rows[0]!.amount;
  else {
    const before = await db
      .selectFrom('points_movements')
      .select('balance_after')
      .where('account_id', '=', accountId)
      .where('month', '<', month)
      .where('seq', 'is not', null)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    opening = before?.balance_after ?? 0;
  }
  const deductions = rows.filter((r) => r.kind === 'deduct').map((r) => r.journal_id);
  const appeals =
    deductions.length === 0
      ? []
      : await db
          .selectFrom('points_appeals')
          .select(['id', 'journal_id', 'status'])
          .where('journal_id', 'in', deductions)
          .execute();
  const appealOf = new Map(appeals.map((a) => [a.journal_id, { id: a.id, status: a.status }]));
  const movements: MovementOut[] = rows.map((r) => ({
    id: r.id,
    at: r.created_at,
    kind: r.kind,
    amount: r.amount,
    balanceAfter: r.balance_after!,
    reason: r.reason,
    source: { kind: r.source_kind, id: r.source_id },
    journalId: r.journal_id,
    appeal: appealOf.get(r.journal_id) ?? null,
  }));
  const earned = movements.filter((m) => m.amount > 0).reduce((s, m) => s + m.amount, 0);
  const spent = movements.filter((m) => m.amount < 0).reduce((s, m) => s - m.amount, 0);
  return {
    month,
    opening,
    closing: movements.length > 0 ? movements[movements.length - 1]!.balanceAfter : opening,
    earned,
    spent,
    movements: movements.reverse(),
  };
}

export async function getMyPoints(deps: AppDeps, actor: Actor, month?: string) {
  const member = await myMember(deps.db, actor);
  const account = await findMemberAccount(deps.db, member);
  const m = monthAsked(deps, month);
  const statement =
    account === undefined
      ? { month: m, opening: 0, closing: 0, earned: 0, spent: 0, movements: [] }
      : await statementOf(deps.db, account.id, m);
  const { balance } = account === undefined ? { balance: 0 } : await memberBalance(deps.db, account.id);
  const rules = await listRules(deps, member.communityPath);
  return {
    name: member.residentName,
    pooled: account?.owner_kind === 'household',
    balance,
    ranked: account?.ranked === 1,
    statement,
    rules: rules.items.filter((r) => r.active),
  };
}

/** Staff: an account's statement for a month. */
export async function getAccountStatement(deps: AppDeps, actor: Actor, accountId: string, month?: string) {
  const account = await deps.db
    .selectFrom('points_accounts')
    .selectAll()
    .where('id', '=', accountId)
    .where(inScope<DB, 'points_accounts'>(actor, 'points.manage', 'community_path'))
    .executeTakeFirst();
  if (account === undefined) throw notFound(ACCOUNT);
  const { balance } = account.role === 'member' ? await memberBalance(deps.db, account.id) : { balance: 0 };
  return {
    accountId: account.id,
    ownerKind: account.owner_kind,
    balance,
    statement: await statementOf(deps.db, account.id, monthAsked(deps, month)),
  };
}

/** Staff: members' accounts in scope with their balances (a page, highest first). */
export async function listAccounts(deps: AppDeps, actor: Actor, orgId: string) {
  const community = await communityOfOrg(deps, orgId);
  if (!canAt(actor, 'points.manage', community.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  const accounts = await deps.db
    .selectFrom('points_accounts')
    .selectAll()
    .where('community_path', '=', community.path)
    .where('role', '=', 'member')
    .limit(500)
    .execute();
  const out = [];
  for (const a of accounts) {
    const { balance } = await memberBalance(deps.db, a.id);
    const owner =
      a.owner_kind === 'resident'
        ? await deps.db.selectFrom('residents').select('name').where('id', '=', a.owner_id).executeTakeFirst()
        : await deps.db
            .selectFrom('households')
            .select('address as name')
            .where('id', '=', a.owner_id)
            .executeTakeFirst();
    out.push({ id: a.id, ownerKind: a.owner_kind, ownerId: a.owner_id, name: owner?.name ?? '', balance });
  }
  out.sort((a, b) => b.balance - a.balance);
  return { items: out };
}

/** She opts in or out of her grid's ranking (her account is made if she has none yet). */
export async function setMyRanking(deps: AppDeps, actor: Actor, optIn: boolean) {
  const member = await myMember(deps.db, actor);
  await deps.db.transaction().execute(async (trx) => {
    const account = await memberAccount(trx, deps.clock.now(), member);
    await trx
      .updateTable('points_accounts')
      .set({ ranked: optIn ? 1 : 0 })
      .where('id', '=', account.id)
      .execute();
  });
  return { ranked: optIn };
}

/**
 * Her grid's ranking this month: points earned (awards) by the accounts that opted in, whose
 * household lies in her household's unit (grid). Those who did not opt in are not listed or counted.
 */
export async function getMyRanking(deps: AppDeps, actor: Actor, month?: string) {
  const member = await myMember(deps.db, actor);
  const m = monthAsked(deps, month);
  const rows = await deps.db
    .selectFrom('points_accounts as a')
    .innerJoin('points_movements as mv', 'mv.account_id', 'a.id')
    .select(['a.id', 'a.owner_kind', 'a.owner_id', (eb) => eb.fn.sum<number | string>('mv.amount').as('earned')])
    .where('a.org_path', '=', member.orgPath)
    .where('a.role', '=', 'member')
    .where('a.ranked', '=', 1)
    .where('mv.month', '=', m)
    .where('mv.kind', 'in', ['award', 'withdraw'])
    .groupBy(['a.id', 'a.owner_kind', 'a.owner_id'])
    .execute();
  const mine = await findMemberAccount(deps.db, member);
  const sorted = rows.map((r) => ({ ...r, earned: Number(r.earned) })).sort((a, b) => b.earned - a.earned);
  const items = [];
  for (const [i, r] of sorted.slice(0, 20).entries()) {
    const name =
      r.owner_kind === 'resident'
        ? (await deps.db.selectFrom('residents').select('name').where('id', '=', r.owner_id).executeTakeFirst())?.name
        : '本户';
    // others are shown by surname only: a ranking is public to the grid
    const shown = r.id === mine?.id ? (name ?? '') : `${(name ?? '').slice(0, 1)}**`;
    items.push({ rank: i + 1, name: shown, earned: r.earned, isMe: r.id === mine?.id });
  }
  return { month: m, ranked: mine?.ranked === 1, items };
}

// ——— staff-confirmed events: good deeds, garbage-sorting checks, the negative list ———

export async function recordPointsEvent(
  deps: AppDeps,
  actor: Actor,
  input: { residentId: string; ruleCode: string; note?: string | undefined },
) {
  const member = await memberOf(deps.db, input.residentId);
  if (member === undefined || !canAt(actor, 'points.manage', member.orgPath)) {
    throw notFound({ zh: '居民', en: 'Resident' });
  }
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    await ensureDefaultRules(trx, now, member.communityPath);
    const rule = await trx
      .selectFrom('points_rules')
      .selectAll()
      .where('org_path', '=', member.communityPath)
      .where('code', '=', input.ruleCode)
      .where('active', '=', 1)
      .executeTakeFirst();
    if (rule === undefined || rule.source_kind === 'volunteer' || rule.source_kind === 'council') {
      throw invalidField('ruleCode', 'unknown_rule', {
        zh: '没有这条可由工作人员确认的积分规则',
        en: 'No such rule staff can confirm',
      });
    }
    const id = newId();
    await trx
      .insertInto('points_events')
      .values({
        id,
        community_path: member.communityPath,
        resident_id: member.residentId,
        rule_id: rule.id,
        note: input.note ?? null,
        recorded_by: actor.userId,
        recorded_by_name: actor.displayName,
        created_at: now.toISOString(),
      })
      .execute();
    const who = { id: actor.userId, name: actor.displayName };
    const reason = input.note ? `${rule.name}：${input.note}`.slice(0, 200) : rule.name;
    const source = { kind: 'points_event', id };
    let amount: number;
    let journalId: string;
    if (rule.kind === 'earn') {
      const out = await awardPoints(trx, now, {
        residentId: member.residentId,
        rule: rule.code,
        source,
        reason,
        actor: who,
      });
      if (!out.awarded) throw new Error(`award refused: ${out.why}`);
      amount = out.amount;
      journalId = out.journalId;
    } else {
      const out = await deductPoints(trx, now, {
        residentId: member.residentId,
        rule: rule.code,
        source,
        reason,
        actor: who,
      });
      if (out === null) throw new Error('deduction refused');
      amount = -out.amount;
      journalId = out.journalId;
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'points.event_record',
      targetType: 'resident',
      targetId: member.residentId,
      orgPath: member.orgPath,
      detail: { eventId: id, rule: rule.code, amount },
    });
    return { id, amount, journalId };
  });
}

// ——— appeals against a deduction ———

export async function appealDeduction(deps: AppDeps, actor: Actor, journalId: string, reason: string) {
  const member = await myMember(deps.db, actor);
  const account = await findMemberAccount(deps.db, member);
  const journal = await deps.db
    .selectFrom('points_journals as j')
    .innerJoin('points_movements as m', 'm.journal_id', 'j.id')
    .select(['j.id', 'j.kind', 'j.community_path'])
    .where('j.id', '=', journalId)
    .where('m.account_id', '=', account?.id ?? '')
    .executeTakeFirst();
  if (journal === undefined) throw notFound({ zh: '积分记录', en: 'Points entry' });
  if (journal.kind !== 'deduct') {
    throw invalidField('journalId', 'not_deduction', { zh: '只能对扣分申诉', en: 'Only a deduction can be appealed' });
  }
  const id = newId();
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('points_appeals')
        .values({
          id,
          journal_id: journal.id,
          community_path: journal.community_path,
          user_id: actor.userId,
          reason,
          status: 'open',
          created_at: deps.clock.now().toISOString(),
          decided_at: null,
          decided_by_name: null,
          decision_note: null,
        })
        .execute();
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'points.appeal',
        targetType: 'pointsAppeal',
        targetId: id,
        orgPath: journal.community_path,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict('CONFLICT', 'journalId', { zh: '这笔扣分已经申诉过', en: 'This deduction was already appealed' });
    }
    throw error;
  }
  return { id, status: 'open' as const };
}

export async function listAppeals(deps: AppDeps, actor: Actor) {
  const rows = await deps.db
    .selectFrom('points_appeals')
    .innerJoin('points_journals', 'points_journals.id', 'points_appeals.journal_id')
    .innerJoin('points_movements', (join) =>
      join
        .onRef('points_movements.journal_id', '=', 'points_journals.id')
        .on('points_movements.account_role', '=', 'member'),
    )
    .innerJoin('points_accounts', 'points_accounts.id', 'points_movements.account_id')
    .leftJoin('residents', (join) =>
      join.onRef('residents.id', '=', 'points_accounts.owner_id').on('points_accounts.owner_kind', '=', 'resident'),
    )
    .leftJoin('households', (join) =>
      join.onRef('households.id', '=', 'points_accounts.owner_id').on('points_accounts.owner_kind', '=', 'household'),
    )
    .selectAll('points_appeals')
    .select([
      'points_journals.reason as deduction',
      'points_movements.amount',
      'residents.name as resident_name',
      'households.address as household_address',
    ])
    .where(inScope<DB, 'points_appeals'>(actor, 'points.manage', 'points_appeals.community_path'))
    .orderBy('points_appeals.created_at', 'desc')
    .limit(200)
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      journalId: r.journal_id,
      /** whose account: her name, or the household's address where the community pools points */
      who: r.resident_name ?? r.household_address ?? '',
      reason: r.reason,
      deduction: r.deduction,
      amount: r.amount,
      status: r.status,
      createdAt: r.created_at,
      decidedAt: r.decided_at,
      decisionNote: r.decision_note,
    })),
  };
}

/** Staff decide an appeal; granted, the deduction is given back by a compensating journal (refund). */
export async function decideAppeal(deps: AppDeps, actor: Actor, appealId: string, grant: boolean, note?: string) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const appeal = await trx
      .selectFrom('points_appeals')
      .selectAll()
      .where('id', '=', appealId)
      .where(inScope<DB, 'points_appeals'>(actor, 'points.manage', 'community_path'))
      .executeTakeFirst();
    if (appeal === undefined) throw notFound(APPEAL);
    if (appeal.status !== 'open') {
      throw conflict('INVALID_STATE', 'appealId', { zh: '该申诉已处理', en: 'This appeal was already decided' });
    }
    const updated = await trx
      .updateTable('points_appeals')
      .set({
        status: grant ? 'granted' : 'refused',
        decided_at: now.toISOString(),
        decided_by_name: actor.displayName,
        decision_note: note ?? null,
      })
      .where('id', '=', appeal.id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      throw conflict('INVALID_STATE', 'appealId', { zh: '该申诉已处理', en: 'This appeal was already decided' });
    }
    if (grant) {
      const sides = await trx
        .selectFrom('points_movements')
        .select(['account_id', 'amount'])
        .where('journal_id', '=', appeal.journal_id)
        .execute();
      await postJournal(trx, now, {
        communityPath: appeal.community_path,
        kind: 'refund',
        reason: '扣分申诉成立，退回积分',
        source: { kind: 'points_appeal', id: appeal.id },
        reversesId: appeal.journal_id,
        actor: { id: actor.userId, name: actor.displayName },
        postings: sides.map((s) => ({ accountId: s.account_id, amount: -s.amount })),
      });
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'points.appeal_decide',
      targetType: 'pointsAppeal',
      targetId: appeal.id,
      orgPath: appeal.community_path,
      detail: { grant },
    });
    return { id: appeal.id, status: grant ? ('granted' as const) : ('refused' as const) };
  });
}

// ——— the community's monthly report ———

/** A community's points month: earned, spent, deducted, expired, refunded by kind, and the redemptions. */
export async function monthlyReport(db: Db, communityPath: string, month: string) {
  const rows = await db
    .selectFrom('points_movements')
    .select([
      'kind',
      (eb) => eb.fn.sum<number | string>('amount').as('total'),
      (eb) => eb.fn.countAll<number | string>().as('n'),
    ])
    .where('community_path', '=', communityPath)
    .where('month', '=', month)
    .where('account_role', '=', 'member')
    .groupBy('kind')
    .execute();
  const by = new Map(rows.map((r) => [r.kind, { total: Number(r.total), n: Number(r.n) }]));
  const members = await db
    .selectFrom('points_movements')
    .select((eb) => eb.fn.count<number | string>('account_id').distinct().as('n'))
    .where('community_path', '=', communityPath)
    .where('month', '=', month)
    .where('account_role', '=', 'member')
    .executeTakeFirstOrThrow();
  return {
    month,
    // an award withdrawn on a corrected record was never earned
    earned: (by.get('award')?.total ?? 0) + (by.get('withdraw')?.total ?? 0),
    awards: by.get('award')?.n ?? 0,
    spent: -(by.get('redeem')?.total ?? 0),
    redemptions: by.get('redeem')?.n ?? 0,
    reversed: by.get('reverse')?.total ?? 0,
    deducted: -(by.get('deduct')?.total ?? 0),
    refunded: by.get('refund')?.total ?? 0,
    expired: -(by.get('expire')?.total ?? 0),
    activeAccounts: Number(members.n),
  };
}

export async function getMonthlyReport(deps: AppDeps, actor: Actor, orgId: string, month?: string) {
  const community = await communityOfOrg(deps, orgId);
  if (!canAt(actor, 'points.manage', community.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  return {
    orgId: community.id,
    name: community.name,
    ...(await monthlyReport(deps.db, community.path, monthAsked(deps, month))),
  };
}
