import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { type AuditWho, recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { DAY_MS, dayStart } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { DINER, getCanteenInScope, getDinerOf, tagsOf, tiersOf } from './canteens.ts';
import type {
  CanteenDinerTable,
  CanteenLedgerTable,
  CanteenMenuTable,
  CanteenOrderTable,
  CanteenTable,
  Meal,
  OrderSource,
  Tier,
} from './tables.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { CANTEEN_LEDGER, CANTEEN_ORDERS } from './figures.ts';
import { countyKeyOf } from '../../db/county-key.ts';

type Db = Kysely<DB> | Transaction<DB>;

export const MEAL_NAME: Record<Meal, { zh: string; en: string }> = {
  lunch: { zh: '午餐', en: 'lunch' },
  dinner: { zh: '晚餐', en: 'dinner' },
};
const ORDER = { zh: '订餐', en: 'Order' };
export const MENU = { zh: '菜单', en: 'Menu' };

/** ¥10.00 from 1000 fen. */
export const yuan = (fen: number): string => `¥${(fen / 100).toFixed(2)}`;

/** The instant orders for a meal close: its cut-off time (Shanghai) on the meal's day. */
export function cutoffOf(canteen: Pick<CanteenTable, 'lunch_cutoff' | 'dinner_cutoff'>, day: string, meal: Meal): Date {
  const hhmm = meal === 'lunch' ? canteen.lunch_cutoff : canteen.dinner_cutoff;
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return new Date(Date.parse(dayStart(day)) + h * 3_600_000 + m * 60_000);
}

/** The refusal of a change after a meal's cut-off, with the reason. */
export function afterCutoff(field: string, menu: Pick<CanteenMenuTable, 'day' | 'meal'>, cutoff: Date): AppError {
  const local = new Date(cutoff.getTime() + 8 * 3_600_000);
  const hhmm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  const md = `${Number(menu.day.slice(5, 7))}月${Number(menu.day.slice(8, 10))}日`;
  return conflict('INVALID_STATE', field, {
    zh: `${md}${MEAL_NAME[menu.meal].zh}已于 ${hhmm} 截止订餐，不能再订或退`,
    en: `Orders for ${menu.day} ${MEAL_NAME[menu.meal].en} closed at ${hhmm}; it can no longer be ordered or cancelled`,
  });
}

/** The price she pays for a menu: the lowest of her tiers' prices; the rest of the cost is the subsidy's. */
export function priceFor(
  menu: Pick<CanteenMenuTable, 'cost_fen' | 'price_standard_fen' | 'price_senior_fen' | 'price_dibao_fen'>,
  tiers: readonly Tier[],
): { tier: Tier; priceFen: number; subsidyFen: number } {
  const prices: Record<Tier, number> = {
    standard: menu.price_standard_fen,
    senior: menu.price_senior_fen,
    dibao: menu.price_dibao_fen,
  };
  let best: Tier = 'standard';
  for (const t of tiers) if (prices[t] < prices[best]) best = t;
  return { tier: best, priceFen: prices[best], subsidyFen: menu.cost_fen - prices[best] };
}

export interface OrderOut {
  id: string;
  dinerId: string;
  menuId: string;
  day: string;
  meal: Meal;
  status: CanteenOrderTable['status'];
  source: OrderSource;
  tier: Tier;
  priceFen: number;
  subsidyFen: number;
  orderedByName: string;
  createdAt: string;
  servedAt: string | null;
  delivery: CanteenOrderTable['delivery'];
}

export const toOrderOut = (r: CanteenOrderTable): OrderOut => ({
  id: r.id,
  dinerId: r.diner_id,
  menuId: r.menu_id,
  day: r.day,
  meal: r.meal,
  status: r.status,
  source: r.source,
  tier: r.tier,
  priceFen: r.price_fen,
  subsidyFen: r.subsidy_fen,
  orderedByName: r.ordered_by_name,
  createdAt: r.created_at,
  servedAt: r.served_at,
  delivery: r.delivery,
});

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}

/** Σ of her prepaid movements: the balance, derived. */
export async function balanceOf(db: Db, dinerId: string): Promise<number> {
  const row = await db
    .selectFrom('canteen_ledger')
    .select((eb) => eb.fn.sum<number>('amount_fen').as('balance'))
    .where('diner_id', '=', dinerId)
    .where('account', '=', 'diner')
    .executeTakeFirst();
  return Number(row?.balance ?? 0);
}

/**
 * Takes the diner's row lock for the rest of the transaction (PostgreSQL; SQLite has one writer), so her
 * balance read next is the one her order is charged against; 409 when she has left the canteen.
 */
export async function lockDiner(trx: Transaction<DB>, diner: Pick<CanteenDinerTable, 'id'>): Promise<void> {
  const locked = await trx
    .updateTable('canteen_diners')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', diner.id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (Number(locked.numUpdatedRows) === 0)
    throw conflict('INVALID_STATE', 'dinerId', { zh: '该就餐人已退出本食堂', en: 'The diner has left this canteen' });
}

function movement(
  order: Pick<CanteenOrderTable, 'id' | 'canteen_id' | 'org_path' | 'county_key' | 'diner_id' | 'day'>,
  account: CanteenLedgerTable['account'],
  kind: CanteenLedgerTable['kind'],
  amountFen: number,
  actorName: string,
  at: string,
): CanteenLedgerTable {
  return {
    id: newId(),
    canteen_id: order.canteen_id,
    org_path: order.org_path,
    county_key: order.county_key,
    diner_id: order.diner_id,
    account,
    kind,
    amount_fen: amountFen,
    order_id: order.id,
    day: order.day,
    month: order.day.slice(0, 7),
    client_key: null,
    note: null,
    actor_name: actorName,
    at,
  };
}

/** The meal's two movements (her price, the subsidy's share), or their refund; zero amounts are not written. */
async function writeMealMovements(
  trx: Transaction<DB>,
  order: CanteenOrderTable,
  kind: 'meal' | 'refund',
  actorName: string,
  at: string,
): Promise<void> {
  const sign = kind === 'meal' ? -1 : 1;
  const rows = [
    movement(order, 'diner', kind, sign * order.price_fen, actorName, at),
    movement(order, 'subsidy', kind, sign * order.subsidy_fen, actorName, at),
  ].filter((m) => m.amount_fen !== 0);
  if (rows.length > 0) await trx.insertInto('canteen_ledger').values(rows).execute();
  await syncServiceFigures(
    trx,
    CANTEEN_LEDGER,
    rows.map((r) => r.id),
  );
}

export interface PlaceOrderInput {
  canteen: CanteenTable;
  diner: CanteenDinerTable;
  menu: CanteenMenuTable;
  source: OrderSource;
  clientKey: string | null;
  who: AuditWho;
  byName: string;
  /** a walk-in at the door is past the cut-off by nature */
  ignoresCutoff?: boolean;
}

/**
 * Orders a meal for a diner: refused after the cut-off, for a second order of the same meal (the
 * database's unique index decides a race), or when her prepaid balance does not cover her price.
 * The same client key again answers the order it made (isNew false), so a retried tap orders once.
 */
export async function placeOrder(deps: AppDeps, input: PlaceOrderInput): Promise<{ order: OrderOut; isNew: boolean }> {
  const { canteen, diner, menu } = input;
  const now = deps.clock.now();
  const replay = async (db: Db) => {
    if (input.clientKey === null) return undefined;
    const row = await db
      .selectFrom('canteen_orders')
      .selectAll()
      .where('canteen_id', '=', canteen.id)
      .where('client_key', '=', input.clientKey)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    if (row.diner_id !== diner.id || row.menu_id !== menu.id)
      throw conflict('CONFLICT', 'clientKey', {
        zh: '该请求编号已用于另一份订餐',
        en: 'This client key was used for another order',
      });
    return { order: toOrderOut(row), isNew: false };
  };
  const replayed = await replay(deps.db);
  if (replayed !== undefined) return replayed;
  const cutoff = cutoffOf(canteen, menu.day, menu.meal);
  if (input.ignoresCutoff !== true && now.getTime() >= cutoff.getTime()) throw afterCutoff('menuId', menu, cutoff);
  const resident = await deps.db
    .selectFrom('residents')
    .select(['birth_date'])
    .where('id', '=', diner.resident_id)
    .executeTakeFirstOrThrow();
  const tags = (await tagsOf(deps.db, [diner.resident_id])).get(diner.resident_id) ?? [];
  const price = priceFor(menu, tiersOf({ birthDate: resident.birth_date, tags }, menu.day));
  const at = now.toISOString();
  try {
    return await deps.db.transaction().execute(async (trx) => {
      await lockDiner(trx, diner);
      const again = await replay(trx);
      if (again !== undefined) return again;
      const existing = await trx
        .selectFrom('canteen_orders')
        .selectAll()
        .where('diner_id', '=', diner.id)
        .where('menu_id', '=', menu.id)
        .executeTakeFirst();
      if (existing?.status === 'ordered') throw alreadyOrdered(menu);
      const balance = await balanceOf(trx, diner.id);
      if (balance < price.priceFen)
        throw conflict('INVALID_STATE', 'balance', {
          zh: `余额 ${yuan(balance)} 不足以支付 ${yuan(price.priceFen)}，请先充值`,
          en: `The balance ${yuan(balance)} does not cover ${yuan(price.priceFen)}; top up first`,
        });
      const row: CanteenOrderTable = {
        id: existing?.id ?? newId(),
        canteen_id: canteen.id,
        org_path: canteen.org_path,
        county_key: countyKeyOf(canteen.org_path),
        diner_id: diner.id,
        menu_id: menu.id,
        day: menu.day,
        meal: menu.meal,
        status: 'ordered',
        source: input.source,
        tier: price.tier,
        cost_fen: menu.cost_fen,
        price_fen: price.priceFen,
        subsidy_fen: price.subsidyFen,
        client_key: input.clientKey,
        ordered_by_name: input.byName,
        created_at: at,
        cancelled_at: null,
        served_at: input.source === 'walk_in' ? at : null,
        served_by_name: input.source === 'walk_in' ? input.byName : null,
        delivery: null,
        delivery_at: null,
      };
      if (existing === undefined) await trx.insertInto('canteen_orders').values(row).execute();
      else {
        // she cancelled and orders again: the same row, ordered anew at today's price
        await trx.updateTable('canteen_orders').set(row).where('id', '=', existing.id).execute();
      }
      await syncServiceFigures(trx, CANTEEN_ORDERS, [row.id, existing?.id]);
      await writeMealMovements(trx, row, 'meal', input.byName, at);
      await recordAudit(trx, deps.clock, input.who, {
        action: 'canteen.order',
        targetType: 'canteen_order',
        targetId: row.id,
        orgPath: canteen.org_path,
        detail: { dinerId: diner.id, menuId: menu.id, source: input.source, priceFen: row.price_fen },
      });
      return { order: toOrderOut(row), isNew: true };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // a concurrent request with the same key, or for the same meal, got there first
    const again = await replay(deps.db);
    if (again !== undefined) return again;
    throw alreadyOrdered(menu);
  }
}

const alreadyOrdered = (menu: Pick<CanteenMenuTable, 'day' | 'meal'>) =>
  conflict('CONFLICT', 'menuId', {
    zh: `已订过 ${menu.day} 的${MEAL_NAME[menu.meal].zh}`,
    en: `The ${MEAL_NAME[menu.meal].en} of ${menu.day} is already ordered`,
  });

/** Cancels an order before its cut-off; both movements are refunded. Cancelling twice changes nothing. */
export async function cancelOrderRow(
  deps: AppDeps,
  canteen: CanteenTable,
  orderId: string,
  who: AuditWho,
  byName: string,
  onlyDinerIds?: readonly string[],
): Promise<OrderOut> {
  const row = await deps.db
    .selectFrom('canteen_orders')
    .selectAll()
    .where('id', '=', orderId)
    .where('canteen_id', '=', canteen.id)
    .executeTakeFirst();
  if (row === undefined || (onlyDinerIds !== undefined && !onlyDinerIds.includes(row.diner_id))) throw notFound(ORDER);
  if (row.status === 'cancelled') return toOrderOut(row);
  const now = deps.clock.now();
  const cutoff = cutoffOf(canteen, row.day, row.meal);
  if (now.getTime() >= cutoff.getTime()) throw afterCutoff('orderId', row, cutoff);
  const at = now.toISOString();
  return deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('canteen_orders')
      .set({ status: 'cancelled', cancelled_at: at })
      .where('id', '=', row.id)
      .where('status', '=', 'ordered')
      .executeTakeFirst();
    const cancelled = { ...row, status: 'cancelled' as const, cancelled_at: at };
    if (Number(updated.numUpdatedRows) === 0) return toOrderOut(cancelled);
    await syncServiceFigures(trx, CANTEEN_ORDERS, [row.id]);
    await writeMealMovements(trx, row, 'refund', byName, at);
    await recordAudit(trx, deps.clock, who, {
      action: 'canteen.order_cancel',
      targetType: 'canteen_order',
      targetId: row.id,
      orgPath: canteen.org_path,
      detail: { dinerId: row.diner_id },
    });
    return toOrderOut(cancelled);
  });
}

export async function getMenuOf(db: Db, canteenId: string, menuId: string): Promise<CanteenMenuTable> {
  const menu = await db
    .selectFrom('canteen_menus')
    .selectAll()
    .where('id', '=', menuId)
    .where('canteen_id', '=', canteenId)
    .executeTakeFirst();
  if (menu === undefined) throw notFound(MENU);
  return menu;
}

/** Staff order a meal on a diner's behalf. */
export async function orderForDiner(
  deps: AppDeps,
  actor: Actor,
  canteenId: string,
  input: { dinerId: string; menuId: string; clientKey?: string | undefined },
) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.manage', canteenId);
  const diner = await getDinerOf(deps.db, canteen.id, input.dinerId);
  if (diner.status !== 'active') throw notFound(DINER);
  const menu = await getMenuOf(deps.db, canteen.id, input.menuId);
  return placeOrder(deps, {
    canteen,
    diner,
    menu,
    source: 'staff',
    clientKey: input.clientKey ?? null,
    who: whoFromActor(actor),
    byName: actor.displayName,
  });
}

export async function cancelOrderByStaff(deps: AppDeps, actor: Actor, canteenId: string, orderId: string) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.manage', canteenId);
  return cancelOrderRow(deps, canteen, orderId, whoFromActor(actor), actor.displayName);
}

/** A day's orders of one meal (or both), with the diner's name: the kitchen's count and the sign-in list. */
export async function listOrders(
  deps: AppDeps,
  actor: Actor,
  canteenId: string,
  query: { day: string; meal?: Meal | undefined },
) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.read', canteenId);
  let q = deps.db
    .selectFrom('canteen_orders')
    .innerJoin('canteen_diners', 'canteen_diners.id', 'canteen_orders.diner_id')
    .innerJoin('residents', 'residents.id', 'canteen_diners.resident_id')
    .selectAll('canteen_orders')
    .select(['residents.name', 'canteen_diners.needs_delivery', 'canteen_diners.code'])
    .where('canteen_orders.canteen_id', '=', canteen.id)
    .where('canteen_orders.day', '=', query.day)
    .where('canteen_orders.status', '=', 'ordered');
  if (query.meal !== undefined) q = q.where('canteen_orders.meal', '=', query.meal);
  const rows = await q.orderBy('canteen_orders.meal').orderBy('residents.name').orderBy('canteen_orders.id').execute();
  return {
    items: rows.map((r) => ({ ...toOrderOut(r), name: r.name, needsDelivery: r.needs_delivery === 1 })),
  };
}

/** Days from `from` (inclusive) for `n` days. */
export const daysFrom = (from: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) =>
    new Date(Date.parse(`${from}T00:00:00Z`) + i * DAY_MS).toISOString().slice(0, 10),
  );
