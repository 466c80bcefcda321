import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestContext, createTestContext } from '../test/harness.ts';
import { DEMO_COMPANY, DEMO_COMPOUND, seedDemoFunds } from './demo-funds.ts';
import { seedDemoResidents } from './demo-residents.ts';
import { seedDemo } from './demo.ts';

/** The demo's 吴家园 fund: the three sources in, owners behind, the company under contract; all adding up. */
describe.each(DIALECTS)('demo fund on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await seedDemo(t.deps, () => undefined);
    await seedDemoResidents(t.deps, () => undefined);
    await seedDemoFunds(t.deps, () => undefined);
    await seedDemoFunds(t.deps, () => undefined);
  }, 300_000);
  afterAll(() => t.close());

  it('seeds 吴家园西街小区’s fund once, with owners, the three sources and the company’s contract', async () => {
    const funds = await t.deps.db.selectFrom('funds').selectAll().execute();
    expect(funds.map((f) => f.name)).toEqual([`${DEMO_COMPOUND}物业资金`]);
    const sources = await t.deps.db
      .selectFrom('fund_movements')
      .select(['source', 'amount_fen'])
      .where('fund_id', '=', funds[0]!.id)
      .execute();
    const kinds = new Set(sources.map((s) => s.source));
    for (const source of ['owner', 'subsidy', 'company']) expect(kinds.has(source as 'owner'), source).toBe(true);
    // a spending only under 吴家园's adopted decision (the council demo's), and never below zero
    expect(sources.reduce((sum, s) => sum + Number(s.amount_fen), 0)).toBeGreaterThan(0);
    const contracts = await t.deps.db
      .selectFrom('property_contracts')
      .innerJoin('property_companies', 'property_companies.id', 'property_contracts.company_id')
      .select('property_companies.name')
      .execute();
    expect(contracts.map((c) => c.name)).toEqual([DEMO_COMPANY]);
    // the bound demo resident of 吴家园 sees it on her phone, still owing her 300 yuan
    const her = await t.deps.db
      .selectFrom('resident_bindings')
      .innerJoin('fund_owners', 'fund_owners.household_id', 'resident_bindings.household_id')
      .select('resident_bindings.household_id')
      .where('resident_bindings.status', '=', 'bound')
      .execute();
    expect(her).toHaveLength(1);
  });
});
