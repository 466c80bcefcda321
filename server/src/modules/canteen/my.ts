import type { Actor } from '../../platform/access/scope.ts';
import { whoFromActor } from '../../platform/audit/service.ts';
import { addDays, currentDay } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import { findMyDiners, tagsOf, tiersOf, toCanteenOut } from './canteens.ts';
import { toMenuOut } from './menus.ts';
import { balanceOf, cancelOrderRow, cutoffOf, MENU, placeOrder, priceFor, toOrderOut } from './orders.ts';
import { statementOf } from './money.ts';

/** How many days of menus her phone shows. */
const DAYS_SHOWN = 7;

/**
 * 我的食堂: for each canteen she dines at, her code (the QR at meal time), her balance, the menus of
 * the coming week with her own price, and her orders. An unbound resident, or one not enrolled, gets none.
 */
export async function getMyCanteen(deps: AppDeps, actor: Actor) {
  const diners = await findMyDiners(deps, actor);
  const today = currentDay(deps.clock.now());
  const items = [];
  for (const diner of diners) {
    const canteen = await deps.db
      .selectFrom('canteens')
      .innerJoin('org_units', 'org_units.id', 'canteens.org_id')
      .selectAll('canteens')
      .select('org_units.name as org_name')
      .where('canteens.id', '=', diner.canteen_id)
      .executeTakeFirstOrThrow();
    const tags = (await tagsOf(deps.db, [diner.resident_id])).get(diner.resident_id) ?? [];
    const menus = await deps.db
      .selectFrom('canteen_menus')
      .selectAll()
      .where('canteen_id', '=', canteen.id)
      .where('day', '>=', today)
      .where('day', '<', addDays(today, DAYS_SHOWN))
      .orderBy('day')
      .orderBy('meal', 'desc')
      .execute();
    const orders = await deps.db
      .selectFrom('canteen_orders')
      .selectAll()
      .where('diner_id', '=', diner.id)
      .where('day', '>=', addDays(today, -30))
      .orderBy('day', 'desc')
      .orderBy('meal')
      .execute();
    items.push({
      dinerId: diner.id,
      name: diner.name,
      canteen: toCanteenOut(canteen, canteen.org_name),
      code: diner.code,
      balanceFen: await balanceOf(deps.db, diner.id),
      menus: menus.map((m) => {
        const price = priceFor(m, tiersOf({ birthDate: diner.birth_date, tags }, m.day));
        const order = orders.find((o) => o.menu_id === m.id && o.status === 'ordered');
        return {
          ...toMenuOut(m, canteen),
          myTier: price.tier,
          myPriceFen: price.priceFen,
          myOrderId: order?.id ?? null,
          isOpen: deps.clock.now().getTime() < cutoffOf(canteen, m.day, m.meal).getTime(),
        };
      }),
      orders: orders.map(toOrderOut),
    });
  }
  return { today, items };
}

async function myDinerForMenu(deps: AppDeps, actor: Actor, menuId: string) {
  const menu = await deps.db.selectFrom('canteen_menus').selectAll().where('id', '=', menuId).executeTakeFirst();
  const diners = await findMyDiners(deps, actor);
  const diner = diners.find((d) => d.canteen_id === menu?.canteen_id);
  if (menu === undefined || diner === undefined) {
    // she orders for herself only, at a canteen she is a diner of; others' meals are staff's to order
    if (menu === undefined || diners.length > 0) throw notHers();
    throw forbidden();
  }
  const canteen = await deps.db
    .selectFrom('canteens')
    .selectAll()
    .where('id', '=', menu.canteen_id)
    .executeTakeFirstOrThrow();
  const row = await deps.db
    .selectFrom('canteen_diners')
    .selectAll()
    .where('id', '=', diner.id)
    .executeTakeFirstOrThrow();
  return { menu, canteen, diner: row };
}

const notHers = () =>
  new AppError('NOT_FOUND', { zh: `${MENU.zh}不存在或不是您就餐的食堂`, en: `${MENU.en} not found at your canteen` }, [
    {
      code: 'not_your_canteen',
      field: 'menuId',
      message_zh: '您只能为自己在登记就餐的食堂订餐',
      message_en: 'You order only for yourself, at a canteen you are a diner of',
    },
  ]);

/** She orders a meal for herself on her phone (idempotent by the phone's client key). */
export async function orderMyMeal(deps: AppDeps, actor: Actor, input: { menuId: string; clientKey: string }) {
  const { menu, canteen, diner } = await myDinerForMenu(deps, actor, input.menuId);
  return placeOrder(deps, {
    canteen,
    diner,
    menu,
    source: 'phone',
    clientKey: input.clientKey,
    who: whoFromActor(actor),
    byName: actor.displayName,
  });
}

/** She cancels her own order before the cut-off. */
export async function cancelMyOrder(deps: AppDeps, actor: Actor, orderId: string) {
  const diners = await findMyDiners(deps, actor);
  const order = await deps.db
    .selectFrom('canteen_orders')
    .select(['canteen_id'])
    .where('id', '=', orderId)
    .where('diner_id', 'in', diners.map((d) => d.id).concat(['']))
    .executeTakeFirst();
  if (order === undefined) throw new AppError('NOT_FOUND', { zh: '订餐不存在', en: 'Order not found' });
  const canteen = await deps.db
    .selectFrom('canteens')
    .selectAll()
    .where('id', '=', order.canteen_id)
    .executeTakeFirstOrThrow();
  return cancelOrderRow(
    deps,
    canteen,
    orderId,
    whoFromActor(actor),
    actor.displayName,
    diners.map((d) => d.id),
  );
}

/** Her prepaid statement at one of her canteens. */
export async function myStatement(deps: AppDeps, actor: Actor, dinerId: string) {
  const diners = await findMyDiners(deps, actor);
  if (!diners.some((d) => d.id === dinerId)) throw new AppError('NOT_FOUND', { zh: '就餐记录不存在', en: 'Not found' });
  return statementOf(deps, dinerId);
}
