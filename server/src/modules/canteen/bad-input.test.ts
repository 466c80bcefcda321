import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { expectErrorBody } from '../../test/http.ts';
import { idNumberFor, signInBySms } from '../residents/fixture.ts';

const SHAGANG = '620122105203';
const HER_PHONE = '13700003201';
const TOMORROW = '2026-12-08';

type Send = () => Promise<import('fastify').LightMyRequestResponse>;

/**
 * The canteen's bad input (issue 13, "Bad input"): negative or fractional-fen prices, orders after the
 * cut-off or for another person without the permission, a top-up of 0, a sign-in for someone who did
 * not order (where the canteen takes no walk-ins) or who is not a diner. Each is a 4xx naming the
 * field with a message in both languages, and leaves every canteen table and the audit log as it was.
 */
describe.each(DIALECTS)('canteen bad input on %s', (dialect) => {
  let t: TestContext;
  let clerk: Client;
  let her: Client;
  let canteenId: string;
  let lunchId: string;
  let herDinerId: string;
  let hisDinerId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date('2026-12-07T00:00:00.000Z')); // Monday 08:00 in Lanzhou
    await t.createUser({ username: 'sg_clerk', role: 'canteen_clerk', orgCode: SHAGANG });
    await t.createUser({ username: 'sg_sj', role: 'community_secretary', orgCode: SHAGANG });
    clerk = await t.login('sg_clerk');
    const secretary = await t.login('sg_sj');
    const village = await t.org(SHAGANG);
    const ids: string[] = [];
    for (const [i, [name, birth]] of [
      ['马秀兰', '1951-03-02'],
      ['杨德福', '1940-05-06'],
    ].entries()) {
      const h = await secretary.post('/api/v1/households', { orgId: village.id, address: `砂岗村${i + 1}号` });
      const r = await secretary.post('/api/v1/residents', {
        householdId: h.json<{ id: string }>().id,
        name,
        idNumber: idNumberFor(birth!, 41 + i * 2),
        ...(i === 0 ? { phone: HER_PHONE } : {}),
        relation: '户主',
        residenceType: 'registered',
      });
      ids.push(r.json<{ id: string }>().id);
    }
    const made = await clerk.post('/api/v1/canteens', {
      orgId: village.id,
      name: '砂岗村幸福食堂',
      subsidyAccount: '皋兰县民政局老年助餐补贴',
      allowsWalkIns: false,
    });
    canteenId = made.json<{ id: string }>().id;
    const dinerIds: string[] = [];
    for (const residentId of ids)
      dinerIds.push(
        (await clerk.post(`/api/v1/canteens/${canteenId}/diners`, { residentId })).json<{ id: string }>().id,
      );
    [herDinerId, hisDinerId] = dinerIds as [string, string];
    for (const dinerId of [herDinerId, hisDinerId])
      await clerk.post(`/api/v1/canteens/${canteenId}/topups`, {
        dinerId,
        amountFen: 5000,
        clientKey: `bad-topup-${dinerId}`,
      });
    const lunch = await clerk.request('PUT', `/api/v1/canteens/${canteenId}/menus`, {
      day: TOMORROW,
      meal: 'lunch',
      dishes: '臊子面',
      costFen: 1000,
      prices: { standard: 700, senior: 600, dibao: 300 },
    });
    lunchId = lunch.json<{ menu: { id: string } }>().menu.id;
    her = await signInBySms(t, HER_PHONE);
    await her.post('/api/v1/my/binding', { name: '马秀兰', idNumber: idNumberFor('1951-03-02', 41) });
  }, 120_000);
  afterAll(() => t.close());

  /** How many rows each canteen table and the audit log hold: what a refused request must not change. */
  const footprint = async () => {
    const out: Record<string, number> = {};
    for (const table of ['canteen_menus', 'canteen_orders', 'canteen_ledger', 'canteen_diners', 'audit_log']) {
      const row = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(t.deps.db);
      out[table] = Number(row.rows[0]!.n);
    }
    return out;
  };
  const refuses = async (send: Send, status: number, field: string) => {
    const before = await footprint();
    const res = await send();
    expect(res.statusCode, res.body).toBe(status);
    expectErrorBody(res);
    const body = res.json<{ errors?: { field: string }[]; message_zh: string }>();
    if (status === 400) expect(body.errors!.map((e) => e.field)).toContain(field);
    else expect(body.errors?.[0]?.field ?? field).toBe(field);
    expect(await footprint()).toEqual(before);
    return body;
  };
  const menu =
    (prices: Record<string, unknown>, costFen: unknown = 1000, day = TOMORROW) =>
    () =>
      clerk.request('PUT', `/api/v1/canteens/${canteenId}/menus`, {
        day,
        meal: 'dinner',
        dishes: '粥',
        costFen,
        prices,
      });

  it('refuses negative, fractional-fen or above-cost prices, naming the price', async () => {
    await refuses(menu({ standard: -100, senior: 300, dibao: 200 }), 400, 'prices.standard');
    await refuses(menu({ standard: 400, senior: 299.5, dibao: 200 }), 400, 'prices.senior');
    await refuses(menu({ standard: 400, senior: 300, dibao: 200 }, 800.25), 400, 'costFen');
    await refuses(menu({ standard: 400, senior: 300, dibao: 1200 }), 400, 'prices.dibao');
    await refuses(menu({ standard: 400, senior: 300 }), 400, 'prices.dibao');
  });

  it('refuses a top-up of 0, negative, fractional or absurd, naming the amount', async () => {
    for (const amountFen of [0, -1, 0.5, 500_001, '100'])
      await refuses(
        () =>
          clerk.post(`/api/v1/canteens/${canteenId}/topups`, {
            dinerId: herDinerId,
            amountFen,
            clientKey: `bad-topup-${String(amountFen)}`,
          }),
        400,
        'amountFen',
      );
  });

  it('refuses her ordering for another person, and an order after the cut-off with the reason', async () => {
    await refuses(
      () =>
        her.post('/api/v1/my/canteen/orders', { menuId: lunchId, clientKey: 'bad-order-0001', dinerId: hisDinerId }),
      400,
      'dinerId',
    );
    const forHim = await her.post(`/api/v1/canteens/${canteenId}/orders`, { dinerId: hisDinerId, menuId: lunchId });
    // she holds no canteen permission: the staff route does not even show her the canteen
    expect([403, 404]).toContain(forHim.statusCode);
    t.clock.set(new Date(`${TOMORROW}T01:00:00.000Z`)); // 09:00: lunch has closed
    clerk = await t.login('sg_clerk');
    her = await signInBySms(t, HER_PHONE);
    const late = await refuses(
      () => her.post('/api/v1/my/canteen/orders', { menuId: lunchId, clientKey: 'bad-order-0002' }),
      409,
      'menuId',
    );
    expect(late.message_zh).toContain('已于 09:00 截止订餐');
    await refuses(
      () => clerk.post(`/api/v1/canteens/${canteenId}/orders`, { dinerId: hisDinerId, menuId: lunchId }),
      409,
      'menuId',
    );
  });

  it('refuses a sign-in for someone who did not order (no walk-ins here) or who is not a diner', async () => {
    t.clock.set(new Date(`${TOMORROW}T04:00:00.000Z`)); // noon
    clerk = await t.login('sg_clerk');
    const noOrder = await refuses(
      () => clerk.post(`/api/v1/canteens/${canteenId}/sign-in`, { meal: 'lunch', dinerId: hisDinerId }),
      409,
      'dinerId',
    );
    expect(noOrder.message_zh).toContain('没有订今天的午餐');
    await refuses(
      () => clerk.post(`/api/v1/canteens/${canteenId}/sign-in`, { meal: 'lunch', code: 'ZZZZ9999' }),
      400,
      'code',
    );
    await refuses(
      () =>
        clerk.post(`/api/v1/canteens/${canteenId}/sign-in`, { meal: 'lunch', dinerId: hisDinerId, code: 'ZZZZ9999' }),
      400,
      'code',
    );
  });
});
