import { createHash } from 'node:crypto';
import type { Actor } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { addDays, currentDay } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, conflict, invalidField } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getCanteenInScope } from './canteens.ts';
import { afterCutoff, cutoffOf, placeOrder } from './orders.ts';
import type { CanteenMenuTable, CanteenTable, Meal } from './tables.ts';

export interface MenuInput {
  day: string;
  meal: Meal;
  dishes: string;
  costFen: number;
  prices: { standard: number; senior: number; dibao: number };
}

export interface MenuOut {
  id: string;
  day: string;
  meal: Meal;
  dishes: string;
  costFen: number;
  prices: { standard: number; senior: number; dibao: number };
  cutoffAt: string;
  createdByName: string;
  updatedAt: string;
}

export const toMenuOut = (
  r: CanteenMenuTable,
  canteen: Pick<CanteenTable, 'lunch_cutoff' | 'dinner_cutoff'>,
): MenuOut => ({
  id: r.id,
  day: r.day,
  meal: r.meal,
  dishes: r.dishes,
  costFen: r.cost_fen,
  prices: { standard: r.price_standard_fen, senior: r.price_senior_fen, dibao: r.price_dibao_fen },
  cutoffAt: cutoffOf(canteen, r.day, r.meal).toISOString(),
  createdByName: r.created_by_name,
  updatedAt: r.updated_at,
});

/** How far ahead a menu may be set. */
export const MENU_DAYS_AHEAD = 31;

/**
 * Sets the menu of a day and meal (again, until the cut-off), then places the standing orders that fall
 * on it. A tier's price above the meal's cost is refused (the subsidy would be negative); once a meal is
 * ordered its prices no longer change (orders were charged at them).
 */
export async function setMenu(deps: AppDeps, actor: Actor, canteenId: string, input: MenuInput) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.manage', canteenId);
  const now = deps.clock.now();
  const today = currentDay(now);
  if (input.day < today)
    throw invalidField('day', 'in_past', { zh: '不能为已过去的日期设菜单', en: 'The day has passed' });
  if (input.day > addDays(today, MENU_DAYS_AHEAD))
    throw invalidField('day', 'too_far', {
      zh: `菜单最多提前 ${MENU_DAYS_AHEAD} 天设置`,
      en: `A menu is set at most ${MENU_DAYS_AHEAD} days ahead`,
    });
  for (const tier of ['standard', 'senior', 'dibao'] as const) {
    if (input.prices[tier] > input.costFen)
      throw invalidField(`prices.${tier}`, 'above_cost', {
        zh: '档位价格不能高于餐标成本',
        en: "A tier's price cannot exceed the meal's cost",
      });
  }
  const cutoff = cutoffOf(canteen, input.day, input.meal);
  if (now.getTime() >= cutoff.getTime()) throw afterCutoff('day', input, cutoff);
  const at = now.toISOString();
  const menu = await deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('canteen_menus')
      .selectAll()
      .where('canteen_id', '=', canteen.id)
      .where('day', '=', input.day)
      .where('meal', '=', input.meal)
      .executeTakeFirst();
    const row: CanteenMenuTable = {
      id: existing?.id ?? newId(),
      canteen_id: canteen.id,
      org_path: canteen.org_path,
      day: input.day,
      meal: input.meal,
      dishes: input.dishes,
      cost_fen: input.costFen,
      price_standard_fen: input.prices.standard,
      price_senior_fen: input.prices.senior,
      price_dibao_fen: input.prices.dibao,
      created_by_name: existing?.created_by_name ?? actor.displayName,
      created_at: existing?.created_at ?? at,
      updated_at: at,
    };
    if (existing === undefined) {
      await trx.insertInto('canteen_menus').values(row).execute();
    } else {
      const changesMoney =
        existing.cost_fen !== row.cost_fen ||
        existing.price_standard_fen !== row.price_standard_fen ||
        existing.price_senior_fen !== row.price_senior_fen ||
        existing.price_dibao_fen !== row.price_dibao_fen;
      if (changesMoney) {
        const ordered = await trx
          .selectFrom('canteen_orders')
          .select('id')
          .where('menu_id', '=', existing.id)
          .where('status', '=', 'ordered')
          .executeTakeFirst();
        if (ordered !== undefined)
          throw conflict('INVALID_STATE', 'costFen', {
            zh: '已有人订这一餐，成本和价格不能再改（可改菜品）',
            en: 'This meal has orders: its cost and prices can no longer change (the dishes can)',
          });
      }
      await trx
        .updateTable('canteen_menus')
        .set({
          dishes: row.dishes,
          cost_fen: row.cost_fen,
          price_standard_fen: row.price_standard_fen,
          price_senior_fen: row.price_senior_fen,
          price_dibao_fen: row.price_dibao_fen,
          updated_at: at,
        })
        .where('id', '=', existing.id)
        .execute();
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'canteen.menu_set',
      targetType: 'canteen_menu',
      targetId: row.id,
      orgPath: canteen.org_path,
      detail: { day: row.day, meal: row.meal, costFen: row.cost_fen },
    });
    return row;
  });
  const standing = await applyStandingOrders(deps, actor, canteen, menu);
  return { menu: toMenuOut(menu, canteen), standing };
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day. */
export const isoWeekday = (day: string): number => {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
};

/**
 * Places the standing orders that fall on a menu's day (each in its own transaction, as a tap would); one
 * already ordered is left alone, one her balance does not cover is skipped and counted.
 */
export async function applyStandingOrders(
  deps: AppDeps,
  actor: Actor,
  canteen: CanteenTable,
  menu: CanteenMenuTable,
): Promise<{ placed: number; skipped: number }> {
  const standing = await deps.db
    .selectFrom('canteen_standing_orders')
    .innerJoin('canteen_diners', 'canteen_diners.id', 'canteen_standing_orders.diner_id')
    .selectAll('canteen_diners')
    .select('canteen_standing_orders.weekdays')
    .where('canteen_standing_orders.canteen_id', '=', canteen.id)
    .where('canteen_standing_orders.meal', '=', menu.meal)
    .where('canteen_standing_orders.status', '=', 'active')
    .where('canteen_diners.status', '=', 'active')
    .execute();
  const weekday = String(isoWeekday(menu.day));
  let placed = 0;
  let skipped = 0;
  for (const s of standing) {
    const { weekdays, ...diner } = s;
    if (!weekdays.includes(weekday)) continue;
    try {
      const out = await placeOrder(deps, {
        canteen,
        diner,
        menu,
        source: 'standing',
        // one key per diner and menu (a re-saved menu places nothing twice), hashed to fit the 64-character column
        clientKey: `standing:${createHash('sha256').update(`${diner.id}:${menu.id}`).digest('hex').slice(0, 40)}`,
        who: { actorId: actor.userId, actorName: actor.displayName, ip: actor.ip, userAgent: actor.userAgent },
        byName: '长期订餐',
      });
      if (out.isNew) placed += 1;
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      // already ordered by her (no double order) or her balance is short: it stands for the next day
      if (error.errors[0]?.field === 'balance') skipped += 1;
    }
  }
  return { placed, skipped };
}

/** Menus of the days from `from` for `days` days, by day and meal. */
export async function listMenus(deps: AppDeps, actor: Actor, canteenId: string, query: { from: string; days: number }) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.read', canteenId);
  return listMenusOf(deps, canteen, query);
}

export async function listMenusOf(deps: AppDeps, canteen: CanteenTable, query: { from: string; days: number }) {
  const rows = await deps.db
    .selectFrom('canteen_menus')
    .selectAll()
    .where('canteen_id', '=', canteen.id)
    .where('day', '>=', query.from)
    .where('day', '<', addDays(query.from, query.days))
    .orderBy('day')
    .orderBy('meal', 'desc')
    .execute();
  return { items: rows.map((r) => toMenuOut(r, canteen)) };
}

/** A standing order (every weekday lunch …) for a diner; replaces her earlier one for the same meal. */
export async function setStandingOrder(
  deps: AppDeps,
  actor: Actor,
  canteenId: string,
  input: { dinerId: string; meal: Meal; weekdays: string },
) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.manage', canteenId);
  const diner = await deps.db
    .selectFrom('canteen_diners')
    .select(['id', 'status'])
    .where('id', '=', input.dinerId)
    .where('canteen_id', '=', canteen.id)
    .executeTakeFirst();
  if (diner === undefined || diner.status !== 'active')
    throw invalidField('dinerId', 'not_diner', { zh: '不是本食堂的在册就餐人', en: 'Not an active diner here' });
  const at = deps.clock.now().toISOString();
  const weekdays = [...new Set(input.weekdays.split(''))].sort().join('');
  const id = newId();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('canteen_standing_orders')
      .set({ status: 'ended', ended_at: at })
      .where('diner_id', '=', diner.id)
      .where('meal', '=', input.meal)
      .where('status', '=', 'active')
      .execute();
    if (weekdays !== '')
      await trx
        .insertInto('canteen_standing_orders')
        .values({
          id,
          canteen_id: canteen.id,
          org_path: canteen.org_path,
          diner_id: diner.id,
          meal: input.meal,
          weekdays,
          status: 'active',
          created_by_name: actor.displayName,
          created_at: at,
          ended_at: null,
        })
        .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'canteen.standing_order_set',
      targetType: 'canteen_diner',
      targetId: diner.id,
      orgPath: canteen.org_path,
      detail: { meal: input.meal, weekdays },
    });
  });
  return { dinerId: diner.id, meal: input.meal, weekdays };
}

export async function listStandingOrders(deps: AppDeps, actor: Actor, canteenId: string) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.read', canteenId);
  const rows = await deps.db
    .selectFrom('canteen_standing_orders')
    .select(['diner_id', 'meal', 'weekdays'])
    .where('canteen_id', '=', canteen.id)
    .where('status', '=', 'active')
    .execute();
  return { items: rows.map((r) => ({ dinerId: r.diner_id, meal: r.meal, weekdays: r.weekdays })) };
}
