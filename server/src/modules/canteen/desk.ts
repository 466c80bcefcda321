import type { Actor } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { currentDay } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict, invalidField, notFound } from '../../platform/errors.ts';
import { DINER, getCanteenInScope } from './canteens.ts';
import { noteDinerSeen } from './care.ts';
import { MEAL_NAME, placeOrder, toOrderOut } from './orders.ts';
import type { Meal } from './tables.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { CANTEEN_ORDERS } from './figures.ts';

/**
 * 送饭上门: the day's orders of a meal by diners marked as unable to walk, grouped by route and
 * volunteer (a diner with none under 未分配), each with her address and its delivered/not-home mark.
 */
export async function deliveryList(deps: AppDeps, actor: Actor, canteenId: string, query: { day: string; meal: Meal }) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.read', canteenId);
  const rows = await deps.db
    .selectFrom('canteen_orders')
    .innerJoin('canteen_diners', 'canteen_diners.id', 'canteen_orders.diner_id')
    .innerJoin('residents', 'residents.id', 'canteen_diners.resident_id')
    .innerJoin('households', 'households.id', 'canteen_diners.household_id')
    .selectAll('canteen_orders')
    .select(['residents.name', 'households.address', 'canteen_diners.route', 'canteen_diners.volunteer'])
    .where('canteen_orders.canteen_id', '=', canteen.id)
    .where('canteen_orders.day', '=', query.day)
    .where('canteen_orders.meal', '=', query.meal)
    .where('canteen_orders.status', '=', 'ordered')
    .where('canteen_diners.needs_delivery', '=', 1)
    .orderBy('canteen_diners.route')
    .orderBy('canteen_diners.volunteer')
    .orderBy('households.address')
    .orderBy('canteen_orders.id')
    .execute();
  const groups = new Map<string, { route: string | null; volunteer: string | null; stops: unknown[] }>();
  for (const r of rows) {
    const key = `${r.route ?? ''}\u0000${r.volunteer ?? ''}`;
    const group = groups.get(key) ?? { route: r.route, volunteer: r.volunteer, stops: [] };
    group.stops.push({
      orderId: r.id,
      dinerId: r.diner_id,
      name: r.name,
      address: r.address,
      delivery: r.delivery,
      deliveryAt: r.delivery_at,
    });
    groups.set(key, group);
  }
  return {
    day: query.day,
    meal: query.meal,
    total: rows.length,
    delivered: rows.filter((r) => r.delivery === 'delivered').length,
    groups: [...groups.values()] as {
      route: string | null;
      volunteer: string | null;
      stops: {
        orderId: string;
        dinerId: string;
        name: string;
        address: string;
        delivery: 'delivered' | 'not_home' | null;
        deliveryAt: string | null;
      }[];
    }[],
  };
}

/** Marks a delivery: delivered (she is served) or not at home. Marking again replaces the mark. */
export async function markDelivery(
  deps: AppDeps,
  actor: Actor,
  canteenId: string,
  orderId: string,
  mark: 'delivered' | 'not_home',
) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.manage', canteenId);
  const order = await deps.db
    .selectFrom('canteen_orders')
    .innerJoin('canteen_diners', 'canteen_diners.id', 'canteen_orders.diner_id')
    .selectAll('canteen_orders')
    .select('canteen_diners.needs_delivery')
    .where('canteen_orders.id', '=', orderId)
    .where('canteen_orders.canteen_id', '=', canteen.id)
    .executeTakeFirst();
  if (order === undefined) throw notFound({ zh: '订餐', en: 'Order' });
  if (order.status !== 'ordered')
    throw conflict('INVALID_STATE', 'orderId', { zh: '该订餐已退订', en: 'The order was cancelled' });
  const at = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('canteen_orders')
      .set({
        delivery: mark,
        delivery_at: at,
        served_at: mark === 'delivered' ? at : null,
        served_by_name: mark === 'delivered' ? actor.displayName : null,
      })
      .where('id', '=', order.id)
      .execute();
    await syncServiceFigures(trx, CANTEEN_ORDERS, [order.id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'canteen.delivery_mark',
      targetType: 'canteen_order',
      targetId: order.id,
      orgPath: canteen.org_path,
      detail: { mark },
    });
  });
  if (mark === 'delivered') await noteDinerSeen(deps, order.diner_id);
  return { orderId: order.id, delivery: mark, deliveryAt: at };
}

/**
 * 用餐签到 at meal time: by tapping her name (dinerId) or scanning her code. Her order of today's meal
 * is marked served; with none, a walk-in is ordered and served where the canteen allows walk-ins
 * (charged like any order), and refused with the reason where it does not.
 */
export async function signIn(
  deps: AppDeps,
  actor: Actor,
  canteenId: string,
  input: { meal: Meal; dinerId?: string | undefined; code?: string | undefined },
) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.manage', canteenId);
  if ((input.dinerId === undefined) === (input.code === undefined))
    throw invalidField('code', 'one_of', {
      zh: '点选姓名或扫就餐码，二者选一',
      en: 'Tap a name or scan a code, one of the two',
    });
  let dinerQuery = deps.db.selectFrom('canteen_diners').selectAll().where('canteen_id', '=', canteen.id);
  dinerQuery =
    input.dinerId !== undefined
      ? dinerQuery.where('id', '=', input.dinerId)
      : dinerQuery.where('code', '=', input.code!.trim().toUpperCase());
  const diner = await dinerQuery.executeTakeFirst();
  if (diner === undefined || diner.status !== 'active')
    throw input.code !== undefined
      ? invalidField('code', 'unknown_code', { zh: '就餐码不属于本食堂的就餐人', en: 'No diner here has this code' })
      : notFound(DINER);
  const day = currentDay(deps.clock.now());
  const at = deps.clock.now().toISOString();
  const order = await deps.db
    .selectFrom('canteen_orders')
    .selectAll()
    .where('diner_id', '=', diner.id)
    .where('day', '=', day)
    .where('meal', '=', input.meal)
    .where('status', '=', 'ordered')
    .executeTakeFirst();
  const name = await deps.db
    .selectFrom('residents')
    .select('name')
    .where('id', '=', diner.resident_id)
    .executeTakeFirstOrThrow();
  if (order !== undefined) {
    if (order.served_at !== null)
      return { order: toOrderOut(order), name: name.name, isWalkIn: false, wasServed: true };
    await deps.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('canteen_orders')
        .set({ served_at: at, served_by_name: actor.displayName })
        .where('id', '=', order.id)
        .where('served_at', 'is', null)
        .execute();
      await syncServiceFigures(trx, CANTEEN_ORDERS, [order.id]);
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'canteen.sign_in',
        targetType: 'canteen_order',
        targetId: order.id,
        orgPath: canteen.org_path,
      });
    });
    await noteDinerSeen(deps, diner.id);
    return {
      order: toOrderOut({ ...order, served_at: at, served_by_name: actor.displayName }),
      name: name.name,
      isWalkIn: false,
      wasServed: false,
    };
  }
  if (canteen.allows_walk_ins !== 1)
    throw conflict('INVALID_STATE', input.code !== undefined ? 'code' : 'dinerId', {
      zh: `${name.name}没有订今天的${MEAL_NAME[input.meal].zh}，本食堂不接待未订餐就餐`,
      en: `${name.name} has not ordered today's ${MEAL_NAME[input.meal].en}; this canteen takes no walk-ins`,
    });
  const menu = await deps.db
    .selectFrom('canteen_menus')
    .selectAll()
    .where('canteen_id', '=', canteen.id)
    .where('day', '=', day)
    .where('meal', '=', input.meal)
    .executeTakeFirst();
  if (menu === undefined)
    throw conflict('INVALID_STATE', 'meal', {
      zh: `今天没有设${MEAL_NAME[input.meal].zh}菜单`,
      en: `No ${MEAL_NAME[input.meal].en} menu today`,
    });
  const out = await placeOrder(deps, {
    canteen,
    diner,
    menu,
    source: 'walk_in',
    clientKey: null,
    who: whoFromActor(actor),
    byName: actor.displayName,
    ignoresCutoff: true,
  });
  await noteDinerSeen(deps, diner.id);
  return { order: out.order, name: name.name, isWalkIn: true, wasServed: false };
}
