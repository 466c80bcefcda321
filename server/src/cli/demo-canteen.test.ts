import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestContext, createTestContext } from '../test/harness.ts';
import { seedDemoCanteen } from './demo-canteen.ts';
import { seedDemoResidents } from './demo-residents.ts';
import { seedDemo } from './demo.ts';
import { signInBySms } from '../modules/residents/fixture.ts';

describe.each(DIALECTS)('demo canteen on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date('2026-12-07T06:00:00.000Z'));
    await seedDemo(t.deps, () => undefined);
    await seedDemoResidents(t.deps, () => undefined);
    await seedDemoCanteen(t.deps, () => undefined);
  }, 300_000);
  afterAll(() => t.close());

  it('gives 砂岗村 a canteen its clerk runs, with ~20 regular diners, some fed at home, and a balanced month', async () => {
    const clerk = await t.login('shagang_st', 'Tianzige@2026');
    const canteens = (await clerk.get('/api/v1/canteens')).json<{ items: { id: string; orgName: string }[] }>();
    expect(canteens.items.map((c) => c.orgName)).toEqual(['砂岗村']);
    const id = canteens.items[0]!.id;
    const diners = (await clerk.get(`/api/v1/canteens/${id}/diners`)).json<{
      items: { isRegular: boolean; needsDelivery: boolean; balanceFen: number; absence: { visit: string } | null }[];
    }>().items;
    expect(diners.filter((d) => d.isRegular).length).toBeGreaterThanOrEqual(18);
    expect(diners.filter((d) => d.needsDelivery).length).toBeGreaterThanOrEqual(4);
    const rec = (await clerk.get(`/api/v1/canteens/${id}/reconciliation?month=2026-12`)).json<{
      isBalanced: boolean;
      meals: number;
    }>();
    expect(rec.isBalanced).toBe(true);
    expect(rec.meals).toBeGreaterThan(100);
    const menus = (await clerk.get(`/api/v1/canteens/${id}/menus?from=2026-12-08&days=1`)).json<{ items: unknown[] }>();
    expect(menus.items).toHaveLength(2);
    // the diner who stopped coming four days ago: her grid worker is asked to call
    expect(diners.filter((d) => d.absence?.visit === 'open')).toHaveLength(1);
    // those fed at home have tomorrow's lunch by their standing orders: the delivery list is ready
    const delivery = (await clerk.get(`/api/v1/canteens/${id}/delivery?day=2026-12-08&meal=lunch`)).json<{
      total: number;
    }>();
    expect(delivery.total).toBeGreaterThanOrEqual(4);
    // the bound demo resident (80+) pays the report's ¥10 for tomorrow's lunch and dinner
    const her = await signInBySms(t, '13900000004');
    const mine = (await her.get('/api/v1/my/canteen')).json<{
      items: { menus: { day: string; myPriceFen: number }[] }[];
    }>();
    const tomorrow = mine.items[0]!.menus.filter((m) => m.day === '2026-12-08');
    expect(tomorrow.reduce((sum, m) => sum + m.myPriceFen, 0)).toBe(1000);
  });
});
