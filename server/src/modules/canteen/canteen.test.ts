import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { expectErrorBody } from '../../test/http.ts';
import { idNumberFor, signInBySms } from '../residents/fixture.ts';

const SHAGANG = '620122105203';
// Monday 7 December 2026, 08:00 in Lanzhou
const MONDAY_8AM = new Date('2026-12-07T00:00:00.000Z');
const TOMORROW = '2026-12-08';
const HER_PHONE = '13700003001';

interface Diner {
  id: string;
  name: string;
  tiers: string[];
  balanceFen: number;
  needsDelivery: boolean;
}

/**
 * 幸福食堂 in 砂岗村: the clerk enrols diners from the registry and sets tomorrow's menu with a price per
 * tier; a bound diner orders lunch and dinner on her phone (¥10 together); the delivery list shows who
 * cannot walk; the month's bill splits what she pays from what the subsidy pays, and the reconciliation
 * adds up to the fen.
 */
describe.each(DIALECTS)('canteen on %s', (dialect) => {
  let t: TestContext;
  let clerk: Client;
  let secretary: Client;
  let outsider: Client;
  let her: Client;
  let canteenId: string;
  const residents: Record<string, string> = {};

  const addResident = async (
    villageId: string,
    person: { name: string; birth: string; seq: number; tags?: string[]; phone?: string },
  ) => {
    const household = await secretary.post('/api/v1/households', {
      orgId: villageId,
      address: `砂岗村${person.seq}号`,
    });
    expect(household.statusCode, household.body).toBe(201);
    const res = await secretary.post('/api/v1/residents', {
      householdId: household.json<{ id: string }>().id,
      name: person.name,
      idNumber: idNumberFor(person.birth, person.seq),
      ...(person.phone === undefined ? {} : { phone: person.phone }),
      relation: '户主',
      residenceType: 'registered',
      careTags: person.tags ?? [],
    });
    expect(res.statusCode, res.body).toBe(201);
    residents[person.name] = res.json<{ id: string }>().id;
  };

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(MONDAY_8AM);
    await t.createUser({ username: 'sg_clerk', role: 'canteen_clerk', orgCode: SHAGANG });
    await t.createUser({ username: 'sg_sj', role: 'community_secretary', orgCode: SHAGANG });
    await t.createUser({ username: 'szs_staff', role: 'community_staff', orgCode: CODES.shanZiShi });
    clerk = await t.login('sg_clerk');
    secretary = await t.login('sg_sj');
    outsider = await t.login('szs_staff');
    const village = await t.org(SHAGANG);
    await addResident(village.id, { name: '马秀兰', birth: '1951-03-02', seq: 11, phone: HER_PHONE });
    await addResident(village.id, { name: '杨德福', birth: '1940-05-06', seq: 13 });
    await addResident(village.id, { name: '魏桂英', birth: '1958-09-09', seq: 15, tags: ['dibao'] });
    await addResident(village.id, { name: '牛建军', birth: '1990-01-01', seq: 17 });
    const made = await clerk.post('/api/v1/canteens', {
      orgId: village.id,
      name: '砂岗村幸福食堂',
      subsidyAccount: '皋兰县民政局老年助餐补贴',
      lunchCutoff: '09:00',
      dinnerCutoff: '15:00',
    });
    expect(made.statusCode, made.body).toBe(201);
    canteenId = made.json<{ id: string }>().id;
    her = await signInBySms(t, HER_PHONE);
    const bound = await her.post('/api/v1/my/binding', { name: '马秀兰', idNumber: idNumberFor('1951-03-02', 11) });
    expect(bound.json()).toMatchObject({ isBound: true });
  }, 120_000);
  afterAll(() => t.close());

  /** moves the clock and signs in again (sessions lapse when idle) */
  const moveTo = async (iso: string) => {
    t.clock.set(new Date(iso));
    clerk = await t.login('sg_clerk');
    her = await signInBySms(t, HER_PHONE);
  };
  const diners = async () => (await clerk.get(`/api/v1/canteens/${canteenId}/diners`)).json<{ items: Diner[] }>().items;
  const dinerId = async (name: string) => (await diners()).find((d) => d.name === name)!.id;

  it('enrols eligible residents from the registry and refuses one too young without a care tag', async () => {
    const eligible = (await clerk.get(`/api/v1/canteens/${canteenId}/eligible`)).json<{ items: { name: string }[] }>();
    expect(eligible.items.map((r) => r.name).sort()).toEqual(['杨德福', '马秀兰', '魏桂英'].sort());
    for (const [name, needsDelivery] of [
      ['马秀兰', false],
      ['杨德福', true],
      ['魏桂英', false],
    ] as const) {
      const res = await clerk.post(`/api/v1/canteens/${canteenId}/diners`, {
        residentId: residents[name],
        needsDelivery,
        ...(needsDelivery ? { route: '东线', volunteer: '志愿者小王' } : {}),
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const young = await clerk.post(`/api/v1/canteens/${canteenId}/diners`, { residentId: residents['牛建军'] });
    expect(young.statusCode).toBe(400);
    expect(young.json()).toMatchObject({ errors: [{ field: 'residentId', code: 'not_eligible' }] });
    const twice = await clerk.post(`/api/v1/canteens/${canteenId}/diners`, { residentId: residents['马秀兰'] });
    expect(twice.statusCode).toBe(409);
    const list = await diners();
    expect(list.find((d) => d.name === '杨德福')!.tiers).toContain('senior');
    expect(list.find((d) => d.name === '魏桂英')!.tiers).toContain('dibao');
  });

  it('sets tomorrow’s menus and refuses negative, fractional or above-cost prices naming the field', async () => {
    const bad: [unknown, string][] = [
      [
        {
          day: TOMORROW,
          meal: 'lunch',
          dishes: '臊子面',
          costFen: 1000,
          prices: { standard: -1, senior: 0, dibao: 0 },
        },
        'prices.standard',
      ],
      [
        {
          day: TOMORROW,
          meal: 'lunch',
          dishes: '臊子面',
          costFen: 1000.5,
          prices: { standard: 600, senior: 500, dibao: 300 },
        },
        'costFen',
      ],
      [
        {
          day: TOMORROW,
          meal: 'lunch',
          dishes: '臊子面',
          costFen: 1000,
          prices: { standard: 600, senior: 1200, dibao: 300 },
        },
        'prices.senior',
      ],
      [
        {
          day: '2026-12-01',
          meal: 'lunch',
          dishes: '臊子面',
          costFen: 1000,
          prices: { standard: 600, senior: 500, dibao: 300 },
        },
        'day',
      ],
    ];
    for (const [body, field] of bad) {
      const res = await clerk.request('PUT', `/api/v1/canteens/${canteenId}/menus`, body);
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expectErrorBody(res);
      expect(res.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe(field);
    }
    const lunch = await clerk.request('PUT', `/api/v1/canteens/${canteenId}/menus`, {
      day: TOMORROW,
      meal: 'lunch',
      dishes: '臊子面、凉拌菜',
      costFen: 1000,
      prices: { standard: 600, senior: 500, dibao: 300 },
    });
    expect(lunch.statusCode, lunch.body).toBe(200);
    const dinner = await clerk.request('PUT', `/api/v1/canteens/${canteenId}/menus`, {
      day: TOMORROW,
      meal: 'dinner',
      dishes: '小米粥、花卷、炒土豆丝',
      costFen: 800,
      prices: { standard: 400, senior: 300, dibao: 200 },
    });
    expect(dinner.statusCode, dinner.body).toBe(200);
    const menus = (await clerk.get(`/api/v1/canteens/${canteenId}/menus?from=${TOMORROW}`)).json<{
      items: unknown[];
    }>();
    expect(menus.items).toHaveLength(2);
  });

  it('refuses a top-up of 0 or a fraction, and banks one top-up once however often it is sent', async () => {
    const id = await dinerId('马秀兰');
    for (const [amountFen, code] of [
      [0, 'not_positive'],
      [-500, 'not_positive'],
      [10.5, 'invalid_type'],
    ] as const) {
      const res = await clerk.post(`/api/v1/canteens/${canteenId}/topups`, {
        dinerId: id,
        amountFen,
        clientKey: `topup-bad-${code}`,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ errors: [{ field: 'amountFen', code }] });
    }
    const first = await clerk.post(`/api/v1/canteens/${canteenId}/topups`, {
      dinerId: id,
      amountFen: 5000,
      clientKey: 'topup-maxiulan-1',
    });
    expect(first.statusCode, first.body).toBe(201);
    const again = await clerk.post(`/api/v1/canteens/${canteenId}/topups`, {
      dinerId: id,
      amountFen: 5000,
      clientKey: 'topup-maxiulan-1',
    });
    expect(again.statusCode).toBe(200);
    expect((await diners()).find((d) => d.name === '马秀兰')!.balanceFen).toBe(5000);
    for (const name of ['杨德福', '魏桂英'])
      await clerk.post(`/api/v1/canteens/${canteenId}/topups`, {
        dinerId: await dinerId(name),
        amountFen: 3000,
        clientKey: `topup-${name === '杨德福' ? 'ydf' : 'wgy'}-1`,
      });
  });

  it('lets her order lunch and dinner on her phone for ¥10 together, once per meal however often she taps', async () => {
    const mine = (await her.get('/api/v1/my/canteen')).json<{
      items: { code: string; balanceFen: number; menus: { id: string; meal: string; myPriceFen: number }[] }[];
    }>();
    expect(mine.items).toHaveLength(1);
    const menus = mine.items[0]!.menus;
    expect(menus.map((m) => m.myPriceFen).reduce((a, b) => a + b, 0)).toBe(1000);
    for (const menu of menus) {
      const key = `phone-${menu.meal}-0001`;
      const first = await her.post('/api/v1/my/canteen/orders', { menuId: menu.id, clientKey: key });
      expect(first.statusCode, first.body).toBe(201);
      const retry = await her.post('/api/v1/my/canteen/orders', { menuId: menu.id, clientKey: key });
      expect(retry.statusCode).toBe(200);
      expect(retry.json<{ order: { id: string } }>().order.id).toBe(first.json<{ order: { id: string } }>().order.id);
      const second = await her.post('/api/v1/my/canteen/orders', { menuId: menu.id, clientKey: `${key}-again` });
      expect(second.statusCode).toBe(409);
      expect(second.json()).toMatchObject({ errors: [{ field: 'menuId' }] });
    }
    const after = (await her.get('/api/v1/my/canteen')).json<{ items: { balanceFen: number }[] }>();
    expect(after.items[0]!.balanceFen).toBe(4000);
  });

  it('refuses her ordering for someone else, and staff of another community reach nothing', async () => {
    const other = await dinerId('杨德福');
    const menus = (await clerk.get(`/api/v1/canteens/${canteenId}/menus?from=${TOMORROW}`)).json<{
      items: { id: string }[];
    }>();
    const forHim = await her.post(`/api/v1/canteens/${canteenId}/orders`, {
      dinerId: other,
      menuId: menus.items[0]!.id,
    });
    expect([403, 404]).toContain(forHim.statusCode);
    const extra = await her.post('/api/v1/my/canteen/orders', {
      menuId: menus.items[0]!.id,
      clientKey: 'k-123456789',
      dinerId: other,
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ errors: [{ field: 'dinerId', code: 'unknown_field' }] });
    expect((await outsider.get(`/api/v1/canteens/${canteenId}/diners`)).statusCode).toBe(404);
    expect((await outsider.get('/api/v1/canteens')).json()).toEqual({ items: [] });
    const stranger = await signInBySms(t, '13700003999');
    expect((await stranger.get('/api/v1/my/canteen')).json()).toMatchObject({ items: [] });
    const byStranger = await stranger.post('/api/v1/my/canteen/orders', {
      menuId: menus.items[0]!.id,
      clientKey: 'k-stranger-1',
    });
    expect(byStranger.statusCode).toBe(403);
  });

  it('orders for others on their behalf, and lists those who cannot walk for delivery by route and volunteer', async () => {
    const menus = (await clerk.get(`/api/v1/canteens/${canteenId}/menus?from=${TOMORROW}`)).json<{
      items: { id: string; meal: string }[];
    }>();
    const lunch = menus.items.find((m) => m.meal === 'lunch')!;
    for (const name of ['杨德福', '魏桂英']) {
      const res = await clerk.post(`/api/v1/canteens/${canteenId}/orders`, {
        dinerId: await dinerId(name),
        menuId: lunch.id,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const prices = (await clerk.get(`/api/v1/canteens/${canteenId}/orders?day=${TOMORROW}&meal=lunch`)).json<{
      items: { name: string; priceFen: number; subsidyFen: number; tier: string }[];
    }>();
    expect(Object.fromEntries(prices.items.map((o) => [o.name, [o.tier, o.priceFen, o.subsidyFen]]))).toEqual({
      马秀兰: ['standard', 600, 400],
      杨德福: ['senior', 500, 500],
      魏桂英: ['dibao', 300, 700],
    });
    const delivery = (await clerk.get(`/api/v1/canteens/${canteenId}/delivery?day=${TOMORROW}&meal=lunch`)).json<{
      groups: { route: string; volunteer: string; stops: { name: string; orderId: string }[] }[];
    }>();
    expect(delivery.groups).toHaveLength(1);
    expect(delivery.groups[0]).toMatchObject({ route: '东线', volunteer: '志愿者小王', stops: [{ name: '杨德福' }] });
  });

  it('refuses changes after the cut-off with the reason', async () => {
    await moveTo('2026-12-08T01:30:00.000Z'); // 09:30 on the meal's day: lunch closed at 09:00
    const mine = (await her.get('/api/v1/my/canteen')).json<{
      items: { menus: { meal: string; myOrderId: string | null }[] }[];
    }>();
    const lunchOrder = mine.items[0]!.menus.find((m) => m.meal === 'lunch')!.myOrderId!;
    const cancel = await her.post(`/api/v1/my/canteen/orders/${lunchOrder}/cancel`);
    expect(cancel.statusCode).toBe(409);
    expect(cancel.json<{ message_zh: string }>().message_zh).toContain('截止');
    const dinnerOrder = mine.items[0]!.menus.find((m) => m.meal === 'dinner')!.myOrderId!;
    const early = await her.post(`/api/v1/my/canteen/orders/${dinnerOrder}/cancel`);
    expect(early.statusCode, early.body).toBe(200);
    const reorder = await her.post('/api/v1/my/canteen/orders', {
      menuId: (await clerk.get(`/api/v1/canteens/${canteenId}/menus?from=${TOMORROW}`))
        .json<{ items: { id: string; meal: string }[] }>()
        .items.find((m) => m.meal === 'dinner')!.id,
      clientKey: 'phone-dinner-0002',
    });
    expect(reorder.statusCode, reorder.body).toBe(201);
  });

  it('signs diners in at meal time by name or code, and marks deliveries', async () => {
    await moveTo('2026-12-08T04:00:00.000Z'); // 12:00
    const list = await diners();
    const maXiuLan = list.find((d) => d.name === '马秀兰')! as Diner & { code: string };
    const byCode = await clerk.post(`/api/v1/canteens/${canteenId}/sign-in`, {
      meal: 'lunch',
      code: maXiuLan.code.toLowerCase(),
    });
    expect(byCode.statusCode, byCode.body).toBe(200);
    expect(byCode.json()).toMatchObject({ name: '马秀兰', isWalkIn: false });
    const unknown = await clerk.post(`/api/v1/canteens/${canteenId}/sign-in`, { meal: 'lunch', code: 'ZZZZ9999' });
    expect(unknown.statusCode).toBe(400);
    const delivery = (await clerk.get(`/api/v1/canteens/${canteenId}/delivery?day=${TOMORROW}&meal=lunch`)).json<{
      groups: { stops: { orderId: string }[] }[];
    }>();
    const mark = await clerk.post(
      `/api/v1/canteens/${canteenId}/orders/${delivery.groups[0]!.stops[0]!.orderId}/delivery`,
      {
        mark: 'delivered',
      },
    );
    expect(mark.statusCode, mark.body).toBe(200);
  });

  it('bills the month per diner, split between her and the subsidy, and reconciles to the fen', async () => {
    const bills = (await clerk.get(`/api/v1/canteens/${canteenId}/bills?month=2026-12`)).json<{
      subsidyAccount: string;
      items: { name: string; meals: number; costFen: number; paidByDinerFen: number; paidBySubsidyFen: number }[];
    }>();
    expect(bills.subsidyAccount).toBe('皋兰县民政局老年助餐补贴');
    expect(bills.items.find((b) => b.name === '马秀兰')).toMatchObject({
      meals: 2,
      costFen: 1800,
      paidByDinerFen: 1000,
      paidBySubsidyFen: 800,
    });
    const rec = (await clerk.get(`/api/v1/canteens/${canteenId}/reconciliation?month=2026-12`)).json<{
      isBalanced: boolean;
      mealCostFen: number;
      paidByDinersFen: number;
      paidBySubsidyFen: number;
      prepaid: { topUpsFen: number; closingFen: number };
    }>();
    expect(rec).toMatchObject({ isBalanced: true, mealCostFen: 1800 + 1000 + 1000, paidByDinersFen: 1000 + 500 + 300 });
    expect(rec.prepaid.topUpsFen).toBe(11000);
    expect(rec.prepaid.closingFen).toBe(11000 - 1800);
  });
});
