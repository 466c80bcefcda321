import { shanghaiMonth } from '../../platform/calendar.ts';
import type { ServiceSource } from '../insights/service-figures.ts';
import { contributions, dimsOf } from '../insights/service-rows.ts';

/**
 * 积分 and 积分超市 figures (issue 14, item 8), counted into the insight counters (service-figures.ts) at
 * the community:
 * - `points.moved` month|kind: the points a journal moved on residents' (and households') accounts, signed:
 *   earned = award + withdraw (an award taken back when its record was corrected), deducted = −deduct, spent = −redeem − reverse (a reversed redemption gives its points back),
 *   expired = −expire, refunded on appeal = refund;
 * - `store.redemptions` month|status and `store.units` month|status: redemptions and items taken, by the month
 *   redeemed and whether reserved, picked up or reversed (redemptions = those not reversed).
 */
export const POINTS_JOURNALS: ServiceSource = {
  name: 'points.journal',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const journals = await db
      .selectFrom('points_journals')
      .select(['id', 'community_path'])
      .where(byIds ? 'id' : 'community_path', 'in', keys)
      .execute();
    if (journals.length === 0) return [];
    const moved = new Map<string, { month: string; kind: string; n: number }[]>();
    for (let i = 0; i < journals.length; i += 500) {
      const rows = await db
        .selectFrom('points_movements')
        .select(['journal_id', 'month', 'kind', (eb) => eb.fn.sum<number | string>('amount').as('n')])
        .where(
          'journal_id',
          'in',
          journals.slice(i, i + 500).map((j) => j.id),
        )
        .where('account_role', '=', 'member')
        .groupBy(['journal_id', 'month', 'kind'])
        .execute();
      for (const r of rows) {
        const list = moved.get(r.journal_id) ?? [];
        list.push({ month: r.month, kind: r.kind, n: Number(r.n) });
        moved.set(r.journal_id, list);
      }
    }
    return journals.map((j) => {
      const c = contributions();
      for (const m of moved.get(j.id) ?? []) c.add('points.moved', dimsOf(m.month, m.kind), m.n);
      return { id: j.id, org_path: j.community_path, contributions: c.list };
    });
  },
};

export const STORE_REDEMPTIONS: ServiceSource = {
  name: 'store.redemption',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('store_redemptions')
      .select(['id', 'org_path', 'status', 'quantity', 'created_at'])
      .where(byIds ? 'id' : 'org_path', 'in', keys)
      .execute();
    return rows.map((r) => {
      const c = contributions();
      const dims = dimsOf(shanghaiMonth(r.created_at), r.status);
      c.add('store.redemptions', dims);
      c.add('store.units', dims, Number(r.quantity));
      return { id: r.id, org_path: r.org_path, contributions: c.list };
    });
  },
};
