import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { idNumberFor } from '../residents/fixture.ts';

const SHAGANG = '620122105203';
const DAYS = ['2026-12-08', '2026-12-09', '2026-12-10'];

type Op =
  | { kind: 'topup'; diner: number; amountFen: number }
  | { kind: 'order'; diner: number; menu: number }
  | { kind: 'cancel'; diner: number; menu: number };

/**
 * Whatever mix of top-ups, orders (repeated, for meals already ordered or beyond her balance) and
 * cancellations arrives, as the server receives them: her balance is what she paid in less her ordered
 * meals' prices, never below 0, at most one order per meal, the month reconciles to the fen, and the
 * month's bills split each diner's meals into her share and the subsidy's and add up to the reconciliation.
 */
describe.each(DIALECTS)('canteen ledger properties on %s', (dialect) => {
  let t: TestContext;
  let clerk: Client;
  let run = 0;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date('2026-12-07T00:00:00.000Z'));
    await t.createUser({ username: 'sg_clerk', role: 'canteen_clerk', orgCode: SHAGANG });
    await t.createUser({ username: 'sg_sj', role: 'community_secretary', orgCode: SHAGANG });
    clerk = await t.login('sg_clerk');
    const secretary = await t.login('sg_sj');
    const village = await t.org(SHAGANG);
    for (const [i, birth] of ['1950-02-02', '1940-03-03'].entries()) {
      const h = await secretary.post('/api/v1/households', { orgId: village.id, address: `砂岗村${i}号` });
      await secretary.post('/api/v1/residents', {
        householdId: h.json<{ id: string }>().id,
        name: ['张秀英', '李德福'][i],
        idNumber: idNumberFor(birth, 21 + i * 2),
        relation: '户主',
        residenceType: 'registered',
      });
    }
  }, 120_000);
  afterAll(() => t.close());

  it('keeps every balance the sum of its movements, never negative, one order per meal, reconciled', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('topup' as const),
              diner: fc.nat(1),
              amountFen: fc.integer({ min: 1, max: 2000 }),
            }),
            fc.record({ kind: fc.constant('order' as const), diner: fc.nat(1), menu: fc.nat(5) }),
            fc.record({ kind: fc.constant('cancel' as const), diner: fc.nat(1), menu: fc.nat(5) }),
          ),
          { maxLength: 25 },
        ),
        async (ops: Op[]) => {
          run += 1;
          // a fresh canteen per run: enrol both, set six menus
          const village = await t.org(SHAGANG);
          const c = await clerk.post('/api/v1/canteens', {
            orgId: village.id,
            name: `食堂${run}`,
            subsidyAccount: '补贴',
          });
          const id = c.json<{ id: string }>().id;
          const eligible = (await clerk.get(`/api/v1/canteens/${id}/eligible`)).json<{
            items: { residentId: string }[];
          }>();
          const diners: string[] = [];
          for (const r of eligible.items)
            diners.push(
              (await clerk.post(`/api/v1/canteens/${id}/diners`, { residentId: r.residentId })).json<{ id: string }>()
                .id,
            );
          const menus: string[] = [];
          for (const day of DAYS)
            for (const meal of ['lunch', 'dinner'] as const) {
              const m = await clerk.request('PUT', `/api/v1/canteens/${id}/menus`, {
                day,
                meal,
                dishes: '面',
                costFen: 1000,
                prices: { standard: 600, senior: 500, dibao: 300 },
              });
              menus.push(m.json<{ menu: { id: string } }>().menu.id);
            }
          const orders = new Map<string, string>();
          let k = 0;
          for (const op of ops) {
            k += 1;
            const dinerId = diners[op.diner]!;
            if (op.kind === 'topup') {
              const res = await clerk.post(`/api/v1/canteens/${id}/topups`, {
                dinerId,
                amountFen: op.amountFen,
                clientKey: `p${run}-${k}-topup`,
              });
              expect(res.statusCode).toBe(201);
            } else if (op.kind === 'order') {
              const res = await clerk.post(`/api/v1/canteens/${id}/orders`, {
                dinerId,
                menuId: menus[op.menu],
                clientKey: `p${run}-${k}-order`,
              });
              expect([201, 409]).toContain(res.statusCode);
              if (res.statusCode === 201)
                orders.set(`${op.diner}:${op.menu}`, res.json<{ order: { id: string } }>().order.id);
            } else {
              const orderId = orders.get(`${op.diner}:${op.menu}`);
              if (orderId === undefined) continue;
              expect((await clerk.post(`/api/v1/canteens/${id}/orders/${orderId}/cancel`)).statusCode).toBe(200);
            }
          }
          const list = (await clerk.get(`/api/v1/canteens/${id}/diners`)).json<{
            items: { id: string; balanceFen: number }[];
          }>();
          for (const d of list.items) {
            expect(d.balanceFen).toBeGreaterThanOrEqual(0);
            const statement = (await clerk.get(`/api/v1/canteens/${id}/diners/${d.id}/statement`)).json<{
              balanceFen: number;
              items: { amountFen: number }[];
            }>();
            expect(statement.items.reduce((s, m) => s + m.amountFen, 0)).toBe(d.balanceFen);
          }
          for (const day of DAYS) {
            const o = (await clerk.get(`/api/v1/canteens/${id}/orders?day=${day}`)).json<{
              items: { dinerId: string; menuId: string }[];
            }>();
            expect(new Set(o.items.map((x) => `${x.dinerId}:${x.menuId}`)).size).toBe(o.items.length);
          }
          const rec = (await clerk.get(`/api/v1/canteens/${id}/reconciliation?month=2026-12`)).json<{
            isBalanced: boolean;
            meals: number;
            mealCostFen: number;
            paidByDinersFen: number;
            paidBySubsidyFen: number;
          }>();
          expect(rec.isBalanced).toBe(true);
          // the month's bills: each diner's cost = what she paid + what the subsidy pays, her paid share is her
          // ordered meals' prices, and the bills add up to the reconciliation to the fen
          const bills = (await clerk.get(`/api/v1/canteens/${id}/bills?month=2026-12`)).json<{
            items: {
              dinerId: string;
              meals: number;
              costFen: number;
              paidByDinerFen: number;
              paidBySubsidyFen: number;
            }[];
          }>().items;
          const ordered: { dinerId: string; priceFen: number }[] = [];
          for (const day of DAYS)
            ordered.push(
              ...(await clerk.get(`/api/v1/canteens/${id}/orders?day=${day}`)).json<{
                items: { dinerId: string; priceFen: number }[];
              }>().items,
            );
          for (const b of bills) {
            expect(b.costFen).toBe(b.paidByDinerFen + b.paidBySubsidyFen);
            const hers = ordered.filter((o) => o.dinerId === b.dinerId);
            expect(b.meals).toBe(hers.length);
            expect(b.paidByDinerFen).toBe(hers.reduce((sum, o) => sum + o.priceFen, 0));
          }
          const sum = (f: (b: (typeof bills)[number]) => number) => bills.reduce((s, b) => s + f(b), 0);
          expect(sum((b) => b.paidByDinerFen)).toBe(rec.paidByDinersFen);
          expect(sum((b) => b.paidBySubsidyFen)).toBe(rec.paidBySubsidyFen);
          expect(sum((b) => b.costFen)).toBe(rec.mealCostFen);
          expect(sum((b) => b.meals)).toBe(rec.meals);
        },
      ),
      { numRuns: 8 },
    );
  }, 300_000);
});
