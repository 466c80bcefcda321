import type { ServiceSource } from '../insights/service-figures.ts';
import { contributions, dimsOf } from '../insights/service-rows.ts';

/**
 * 幸福食堂 figures (issue 13, item 11), counted into the insight counters (service-figures.ts):
 * - `canteen.orders` month|canteen|meal|tier: meals ordered and not cancelled;
 * - `canteen.served` day|canteen|meal|tier: meals served (signed in at the canteen, or delivered) — per day and meal;
 * - `canteen.delivered` day|canteen|meal: meals carried to the door and marked delivered;
 * - `canteen.cost` month|canteen: the cost (fen) of the meals served — cost per meal = cost ÷ served;
 * - `canteen.billed` month|canteen|account (diner, subsidy): what the diners and the subsidy account were charged
 *   for meals (fen), refunds of cancelled meals taken off, by the ledger's month — the monthly bills' split
 *   (money.ts billsOf) from the same ledger rows;
 * - `canteen.diners` canteen|regular|delivery: diners enrolled now (not left); their share of the eligible
 *   elderly is diners ÷ living residents aged 60 or over in the unit (the seed's "20 of 343").
 */
export const CANTEEN_ORDERS: ServiceSource = {
  name: 'canteen.order',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('canteen_orders')
      .select([
        'id',
        'org_path',
        'canteen_id',
        'day',
        'meal',
        'tier',
        'status',
        'cost_fen',
        'price_fen',
        'subsidy_fen',
        'served_at',
        'delivery',
      ])
      .where(byIds ? 'id' : 'org_path', 'in', keys)
      .execute();
    return rows.map((o) => {
      const c = contributions();
      if (o.status === 'ordered') {
        const month = o.day.slice(0, 7);
        c.add('canteen.orders', dimsOf(month, o.canteen_id, o.meal, o.tier));
        if (o.served_at !== null || o.delivery === 'delivered') {
          c.add('canteen.served', dimsOf(o.day, o.canteen_id, o.meal, o.tier));
          c.add('canteen.cost', dimsOf(month, o.canteen_id), Number(o.cost_fen));
        }
        if (o.delivery === 'delivered') c.add('canteen.delivered', dimsOf(o.day, o.canteen_id, o.meal));
      }
      return { id: o.id, org_path: o.org_path, contributions: c.list };
    });
  },
};

export const CANTEEN_DINERS: ServiceSource = {
  name: 'canteen.diner',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('canteen_diners')
      .select(['id', 'org_path', 'canteen_id', 'status', 'is_regular', 'needs_delivery'])
      .where(byIds ? 'id' : 'org_path', 'in', keys)
      .execute();
    return rows.map((d) => {
      const c = contributions();
      if (d.status === 'active')
        c.add('canteen.diners', dimsOf(d.canteen_id, Number(d.is_regular), Number(d.needs_delivery)));
      return { id: d.id, org_path: d.org_path, contributions: c.list };
    });
  },
};

/** The canteen's ledger: meal charges and refunds (top-ups are a diner's own money, not a figure). */
export const CANTEEN_LEDGER: ServiceSource = {
  name: 'canteen.ledger',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('canteen_ledger')
      .select(['id', 'org_path', 'canteen_id', 'account', 'kind', 'amount_fen', 'month'])
      .where(byIds ? 'id' : 'org_path', 'in', keys)
      .execute();
    return rows.map((m) => {
      const c = contributions();
      if (m.kind !== 'topup') c.add('canteen.billed', dimsOf(m.month, m.canteen_id, m.account), -Number(m.amount_fen));
      return { id: m.id, org_path: m.org_path, contributions: c.list };
    });
  },
};
