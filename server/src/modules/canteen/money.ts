import { sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { currentDay } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict, invalidField } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getCanteenInScope, getDinerOf } from './canteens.ts';
import { balanceOf, lockDiner } from './orders.ts';
import type { CanteenLedgerTable } from './tables.ts';
import { countyKeyOf } from '../../db/county-key.ts';

/** The most one top-up may be (¥5,000): a typo of extra zeros is refused, not banked. */
export const MAX_TOPUP_FEN = 500_000;

/** 充值: money paid in for a diner, one movement; the same client key again answers the first. */
export async function topUp(
  deps: AppDeps,
  actor: Actor,
  canteenId: string,
  input: { dinerId: string; amountFen: number; clientKey: string; note?: string | undefined },
) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.manage', canteenId);
  const diner = await getDinerOf(deps.db, canteen.id, input.dinerId);
  if (input.amountFen <= 0)
    throw invalidField('amountFen', 'not_positive', { zh: '充值金额须大于 0', en: 'A top-up must be more than 0' });
  if (input.amountFen > MAX_TOPUP_FEN)
    throw invalidField('amountFen', 'too_large', {
      zh: '单次充值不超过 5000 元',
      en: 'A single top-up is at most ¥5,000',
    });
  const now = deps.clock.now();
  const replay = async () => {
    const row = await deps.db
      .selectFrom('canteen_ledger')
      .selectAll()
      .where('canteen_id', '=', canteen.id)
      .where('client_key', '=', input.clientKey)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    if (row.diner_id !== diner.id || row.amount_fen !== input.amountFen || row.kind !== 'topup')
      throw conflict('CONFLICT', 'clientKey', {
        zh: '该请求编号已用于另一笔充值',
        en: 'This client key was used for another top-up',
      });
    return { id: row.id, balanceFen: await balanceOf(deps.db, diner.id), isNew: false };
  };
  const first = await replay();
  if (first !== undefined) return first;
  const day = currentDay(now);
  const row: CanteenLedgerTable = {
    id: newId(),
    canteen_id: canteen.id,
    org_path: canteen.org_path,
    county_key: countyKeyOf(canteen.org_path),
    diner_id: diner.id,
    account: 'diner',
    kind: 'topup',
    amount_fen: input.amountFen,
    order_id: null,
    day,
    month: day.slice(0, 7),
    client_key: input.clientKey,
    note: input.note === undefined || input.note === '' ? null : input.note,
    actor_name: actor.displayName,
    at: now.toISOString(),
  };
  try {
    return await deps.db.transaction().execute(async (trx) => {
      await lockDiner(trx, diner);
      await trx.insertInto('canteen_ledger').values(row).execute();
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'canteen.topup',
        targetType: 'canteen_diner',
        targetId: diner.id,
        orgPath: canteen.org_path,
        detail: { amountFen: row.amount_fen },
      });
      return { id: row.id, balanceFen: await balanceOf(trx, diner.id), isNew: true };
    });
  } catch (error) {
    const again = await replay().catch(() => undefined);
    if (again !== undefined) return again;
    throw error;
  }
}

/** A diner's movements, newest first (her statement). */
export async function listMovements(deps: AppDeps, actor: Actor, canteenId: string, dinerId: string) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.read', canteenId);
  const diner = await getDinerOf(deps.db, canteen.id, dinerId);
  return statementOf(deps, diner.id);
}

export async function statementOf(deps: AppDeps, dinerId: string) {
  const rows = await deps.db
    .selectFrom('canteen_ledger')
    .selectAll()
    .where('diner_id', '=', dinerId)
    .where('account', '=', 'diner')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  return {
    balanceFen: await balanceOf(deps.db, dinerId),
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      amountFen: r.amount_fen,
      day: r.day,
      orderId: r.order_id,
      note: r.note,
      actorName: r.actor_name,
      at: r.at,
    })),
  };
}

export interface BillLine {
  dinerId: string;
  name: string;
  meals: number;
  costFen: number;
  paidByDinerFen: number;
  paidBySubsidyFen: number;
}

/**
 * The month's bills of a canteen's diners, from the ledger alone: per diner, her meals (charged less
 * refunded), what she paid and what the subsidy pays. cost = she + subsidy, to the fen, by construction.
 */
export async function billsOf(db: import('kysely').Kysely<DB>, canteenIds: readonly string[], month: string) {
  if (canteenIds.length === 0) return new Map<string, Omit<BillLine, 'name'>[]>();
  const rows = await db
    .selectFrom('canteen_ledger')
    .select([
      'canteen_id',
      'diner_id',
      sql<number>`sum(case when account = 'diner' and kind <> 'topup' then -amount_fen else 0 end)`.as('paid'),
      sql<number>`sum(case when account = 'subsidy' then -amount_fen else 0 end)`.as('subsidy'),
    ])
    .where('canteen_id', 'in', canteenIds)
    .where('month', '=', month)
    .where('kind', '<>', 'topup')
    .groupBy(['canteen_id', 'diner_id'])
    .execute();
  const meals = await db
    .selectFrom('canteen_orders')
    .select(['diner_id', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('cost_fen').as('cost')])
    .where('canteen_id', 'in', canteenIds)
    .where('day', '>=', `${month}-01`)
    .where('day', '<=', `${month}-31`)
    .where('status', '=', 'ordered')
    .groupBy('diner_id')
    .execute();
  const mealsOf = new Map(meals.map((m) => [m.diner_id, { n: Number(m.n), cost: Number(m.cost) }]));
  const out = new Map<string, Omit<BillLine, 'name'>[]>();
  for (const r of rows) {
    const paid = Number(r.paid);
    const subsidy = Number(r.subsidy);
    const m = mealsOf.get(r.diner_id);
    const line = {
      dinerId: r.diner_id,
      meals: m?.n ?? 0,
      costFen: paid + subsidy,
      paidByDinerFen: paid,
      paidBySubsidyFen: subsidy,
    };
    out.set(r.canteen_id, [...(out.get(r.canteen_id) ?? []), line]);
  }
  return out;
}

/** A canteen's monthly bills, one line per diner who ate (or was charged) that month. */
export async function monthlyBills(deps: AppDeps, actor: Actor, canteenId: string, month: string) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.read', canteenId);
  const lines = (await billsOf(deps.db, [canteen.id], month)).get(canteen.id) ?? [];
  const names = await namesOf(
    deps,
    lines.map((l) => l.dinerId),
  );
  const items = lines
    .map((l) => ({ ...l, name: names.get(l.dinerId) ?? '' }))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.dinerId.localeCompare(b.dinerId));
  return { month, subsidyAccount: canteen.subsidy_account, items };
}

async function namesOf(deps: AppDeps, dinerIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < dinerIds.length; i += 500) {
    const rows = await deps.db
      .selectFrom('canteen_diners')
      .innerJoin('residents', 'residents.id', 'canteen_diners.resident_id')
      .select(['canteen_diners.id', 'residents.name'])
      .where('canteen_diners.id', 'in', dinerIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.id, r.name);
  }
  return out;
}

/**
 * 对账: a canteen's month from its ledger. Prepaid money: opening + top-ups − meals + refunds = closing;
 * meals: their cost = what diners paid + what the subsidy account is billed. Every figure is a sum of
 * movements, so the two sides agree to the fen or the report says they do not.
 */
export async function reconciliation(deps: AppDeps, actor: Actor, canteenId: string, month: string) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.read', canteenId);
  const sums = await deps.db
    .selectFrom('canteen_ledger')
    .select([
      sql<number>`coalesce(sum(case when account = 'diner' and month < ${month} then amount_fen else 0 end), 0)`.as(
        'opening',
      ),
      sql<number>`coalesce(sum(case when account = 'diner' and month <= ${month} then amount_fen else 0 end), 0)`.as(
        'closing',
      ),
      sql<number>`coalesce(sum(case when account = 'diner' and kind = 'topup' and month = ${month} then amount_fen else 0 end), 0)`.as(
        'topups',
      ),
      sql<number>`coalesce(sum(case when account = 'diner' and kind = 'meal' and month = ${month} then -amount_fen else 0 end), 0)`.as(
        'charged',
      ),
      sql<number>`coalesce(sum(case when account = 'diner' and kind = 'refund' and month = ${month} then amount_fen else 0 end), 0)`.as(
        'refunded',
      ),
      sql<number>`coalesce(sum(case when account = 'subsidy' and month = ${month} then -amount_fen else 0 end), 0)`.as(
        'subsidy',
      ),
    ])
    .where('canteen_id', '=', canteen.id)
    .where('month', '<=', month)
    .executeTakeFirstOrThrow();
  const meals = await deps.db
    .selectFrom('canteen_orders')
    .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('cost_fen').as('cost')])
    .where('canteen_id', '=', canteen.id)
    .where('day', '>=', `${month}-01`)
    .where('day', '<=', `${month}-31`)
    .where('status', '=', 'ordered')
    .executeTakeFirstOrThrow();
  const n = (v: unknown) => Number(v ?? 0);
  const opening = n(sums.opening);
  const topups = n(sums.topups);
  const charged = n(sums.charged);
  const refunded = n(sums.refunded);
  const closing = n(sums.closing);
  const paidByDiners = charged - refunded;
  const subsidy = n(sums.subsidy);
  const mealCost = n(meals.cost);
  return {
    month,
    canteenId: canteen.id,
    subsidyAccount: canteen.subsidy_account,
    meals: n(meals.n),
    prepaid: {
      openingFen: opening,
      topUpsFen: topups,
      chargedFen: charged,
      refundedFen: refunded,
      closingFen: closing,
    },
    mealCostFen: mealCost,
    paidByDinersFen: paidByDiners,
    paidBySubsidyFen: subsidy,
    isBalanced: opening + topups - charged + refunded === closing && paidByDiners + subsidy === mealCost,
  };
}
