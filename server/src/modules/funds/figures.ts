import type { ServiceSource } from '../insights/service-figures.ts';
import { contributions, dimsOf } from '../insights/service-rows.ts';

/**
 * 物业资金 figures (issue 15), counted into the insight counters (service-figures.ts) at the compound:
 * - `fund.moved` month|source: the ledger's movements in fen, signed — income by source (owner, subsidy,
 *   company) and spending (negative);
 * - `fund.arrears` '' : each owner household's arrears now, max(0, due − paid) over the fund's levies
 *   (as the fund's owner list shows them), and `fund.behind` '': households with arrears.
 * An owner's row is keyed `fund id|household id`.
 */
export const FUND_MOVEMENTS: ServiceSource = {
  name: 'fund.movement',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('fund_movements')
      .select(['id', 'org_path', 'month', 'source', 'amount_fen'])
      .where(byIds ? 'id' : 'org_path', 'in', keys)
      .execute();
    return rows.map((m) => {
      const c = contributions();
      c.add('fund.moved', dimsOf(m.month, m.source), Number(m.amount_fen));
      return { id: m.id, org_path: m.org_path, contributions: c.list };
    });
  },
};

export const fundOwnerKey = (fundId: string, householdId: string) => `${fundId}|${householdId}`;

export const FUND_OWNERS: ServiceSource = {
  name: 'fund.owner',
  async load(db, filter) {
    let q = db.selectFrom('fund_owners').select(['fund_id', 'household_id', 'org_path']);
    if ('ids' in filter) {
      if (filter.ids.length === 0) return [];
      const byFund = new Map<string, string[]>();
      for (const id of filter.ids) {
        const [fund = '', household = ''] = id.split('|');
        byFund.set(fund, [...(byFund.get(fund) ?? []), household]);
      }
      q = q.where((eb) =>
        eb.or(
          [...byFund].map(([fund, households]) =>
            eb.and([eb('fund_id', '=', fund), eb('household_id', 'in', households)]),
          ),
        ),
      );
    } else {
      if (filter.paths.length === 0) return [];
      q = q.where('org_path', 'in', filter.paths);
    }
    const owners = await q.execute();
    if (owners.length === 0) return [];
    const funds = [...new Set(owners.map((o) => o.fund_id))];
    const households = [...new Set(owners.map((o) => o.household_id))];
    const [dues, paid] = await Promise.all([
      db
        .selectFrom('fund_dues')
        .select(['fund_id', 'household_id', (eb) => eb.fn.sum<number | string>('due_fen').as('fen')])
        .where('fund_id', 'in', funds)
        .where('household_id', 'in', households)
        .groupBy(['fund_id', 'household_id'])
        .execute(),
      db
        .selectFrom('fund_movements')
        .select(['fund_id', 'household_id', (eb) => eb.fn.sum<number | string>('amount_fen').as('fen')])
        .where('fund_id', 'in', funds)
        .where('household_id', 'in', households)
        .where('source', '=', 'owner')
        .groupBy(['fund_id', 'household_id'])
        .execute(),
    ]);
    const due = new Map(dues.map((d) => [fundOwnerKey(d.fund_id, d.household_id), Number(d.fen)]));
    const got = new Map(paid.map((p) => [fundOwnerKey(p.fund_id, p.household_id ?? ''), Number(p.fen)]));
    return owners.map((o) => {
      const key = fundOwnerKey(o.fund_id, o.household_id);
      const arrears = Math.max(0, (due.get(key) ?? 0) - (got.get(key) ?? 0));
      const c = contributions();
      c.add('fund.arrears', '', arrears);
      if (arrears > 0) c.add('fund.behind', '');
      return { id: key, org_path: o.org_path, contributions: c.list };
    });
  },
};
