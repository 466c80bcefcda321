import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { idNumberFor, signInBySms } from '../residents/fixture.ts';
import { sweepCanteenAbsences } from './care.ts';

const SHAGANG = '620122105203';
const HER_PHONE = '13700003101';

interface Cached {
  households: { id: string; requests: { reasonZh: string; source: { kind: string }; dueOn: string }[] }[];
}
interface DinerRow {
  id: string;
  name: string;
  householdId: string;
  absence: { visit: string | null; lastSeenDay: string } | null;
}

/**
 * 关爱 (issue 13, item 10): a regular diner who misses the canteen's last three meal days is handed to
 * her grid worker as a visit due — once, however often the job runs — and the visit is withdrawn when
 * she comes back; days the canteen did not open do not count. A food-safety complaint from her phone
 * becomes a case under 食品安全与无证餐饮, routed by the duty list like any case, once per tap.
 */
describe.each(DIALECTS)('canteen care on %s', (dialect) => {
  let t: TestContext;
  let clerk: Client;
  let worker: Client;
  let her: Client;
  let canteenId: string;
  const residents: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date('2026-12-07T00:00:00.000Z')); // Monday 08:00 in Lanzhou
    await t.createUser({ username: 'sg_clerk', role: 'canteen_clerk', orgCode: SHAGANG });
    await t.createUser({ username: 'sg_sj', role: 'community_secretary', orgCode: SHAGANG });
    await t.createUser({ username: 'sg_wg', role: 'grid_worker', orgCode: SHAGANG });
    clerk = await t.login('sg_clerk');
    const secretary = await t.login('sg_sj');
    const village = await t.org(SHAGANG);
    for (const [i, [name, birth]] of (
      [
        ['马秀兰', '1951-03-02'],
        ['杨德福', '1940-05-06'],
        ['魏桂英', '1945-09-09'],
        ['牛大爷', '1944-01-01'],
      ] as const
    ).entries()) {
      const h = await secretary.post('/api/v1/households', { orgId: village.id, address: `砂岗村${i + 1}号` });
      const r = await secretary.post('/api/v1/residents', {
        householdId: h.json<{ id: string }>().id,
        name,
        idNumber: idNumberFor(birth, 31 + i * 2),
        ...(i === 0 ? { phone: HER_PHONE } : {}),
        relation: '户主',
        residenceType: 'registered',
      });
      expect(r.statusCode, r.body).toBe(201);
      residents[name] = r.json<{ id: string }>().id;
    }
    const made = await clerk.post('/api/v1/canteens', {
      orgId: village.id,
      name: '砂岗村幸福食堂',
      address: '砂岗村村委会院内',
      subsidyAccount: '皋兰县民政局老年助餐补贴',
      allowsWalkIns: true,
    });
    expect(made.statusCode, made.body).toBe(201);
    canteenId = made.json<{ id: string }>().id;
    for (const name of ['马秀兰', '杨德福', '魏桂英', '牛大爷']) {
      const d = await clerk.post(`/api/v1/canteens/${canteenId}/diners`, {
        residentId: residents[name],
        isRegular: name !== '牛大爷',
      });
      expect(d.statusCode, d.body).toBe(201);
      await clerk.post(`/api/v1/canteens/${canteenId}/topups`, {
        dinerId: d.json<{ id: string }>().id,
        amountFen: 10_000,
        clientKey: `care-topup-${d.json<{ id: string }>().id}`,
      });
    }
    worker = await t.login('sg_wg');
    her = await signInBySms(t, HER_PHONE);
    const bound = await her.post('/api/v1/my/binding', { name: '马秀兰', idNumber: idNumberFor('1951-03-02', 31) });
    expect(bound.json()).toMatchObject({ isBound: true });
  }, 120_000);
  afterAll(() => t.close());

  const at = async (iso: string) => {
    t.clock.set(new Date(iso));
    clerk = await t.login('sg_clerk');
    worker = await t.login('sg_wg');
  };
  const diners = async () =>
    (await clerk.get(`/api/v1/canteens/${canteenId}/diners`)).json<{ items: DinerRow[] }>().items;
  const dinerOf = async (name: string) => (await diners()).find((d) => d.name === name)!;
  const requestsAt = async (householdId: string) =>
    (await worker.get('/api/v1/my/field-cache')).json<Cached>().households.find((h) => h.id === householdId)
      ?.requests ?? [];

  /** a day's lunch: the menu set at 07:00, orders for `eaters`, each signed in at noon */
  const lunchDay = async (day: string, eaters: string[]) => {
    await at(`${day}T07:00:00+08:00`);
    const menu = await clerk.request('PUT', `/api/v1/canteens/${canteenId}/menus`, {
      day,
      meal: 'lunch',
      dishes: '臊子面',
      costFen: 1000,
      prices: { standard: 700, senior: 600, dibao: 300 },
    });
    expect(menu.statusCode, menu.body).toBe(200);
    const menuId = menu.json<{ menu: { id: string } }>().menu.id;
    for (const name of eaters)
      expect(
        (await clerk.post(`/api/v1/canteens/${canteenId}/orders`, { dinerId: (await dinerOf(name)).id, menuId }))
          .statusCode,
      ).toBe(201);
    await at(`${day}T12:00:00+08:00`);
    for (const name of eaters)
      expect(
        (
          await clerk.post(`/api/v1/canteens/${canteenId}/sign-in`, {
            meal: 'lunch',
            dinerId: (await dinerOf(name)).id,
          })
        ).statusCode,
      ).toBe(200);
  };

  it('asks her grid worker to call on a regular diner who missed the last three meal days, once', async () => {
    await lunchDay('2026-12-07', ['马秀兰', '杨德福']);
    await lunchDay('2026-12-08', ['马秀兰']);
    // Wednesday the canteen is closed (no menu): it counts against nobody
    await lunchDay('2026-12-10', ['马秀兰']);
    await at('2026-12-11T06:30:00+08:00'); // Friday early: the days before are done
    expect(await sweepCanteenAbsences(t.deps)).toEqual({ raised: 1 });
    const wei = await dinerOf('魏桂英');
    const requests = await requestsAt(wei.householdId);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ source: { kind: 'canteen_absence' }, dueOn: '2026-12-12' });
    expect(requests[0]!.reasonZh).toContain('魏桂英');
    expect(requests[0]!.reasonZh).toContain('3 个开餐日');
    expect(wei.absence).toMatchObject({ visit: 'open' });
    // 杨德福 missed two meal days only; 牛大爷 is not on the regular list
    expect(await requestsAt((await dinerOf('杨德福')).householdId)).toEqual([]);
    expect(await requestsAt((await dinerOf('牛大爷')).householdId)).toEqual([]);
    expect((await dinerOf('马秀兰')).absence).toBeNull();

    // the job runs again (or on a second server): nothing more is asked
    expect(await sweepCanteenAbsences(t.deps)).toEqual({ raised: 0 });
    expect(await requestsAt(wei.householdId)).toHaveLength(1);
  });

  it('withdraws the visit when she comes back, and asks again only after a new absence', async () => {
    await lunchDay('2026-12-11', ['马秀兰', '魏桂英']);
    const wei = await dinerOf('魏桂英');
    expect(await requestsAt(wei.householdId)).toEqual([]);
    expect(wei.absence).toBeNull();
    // Saturday morning (closed at weekends): 杨德福 has now missed Tuesday, Thursday and Friday
    await at('2026-12-12T08:00:00+08:00');
    expect(await sweepCanteenAbsences(t.deps)).toEqual({ raised: 1 });
    const yang = await requestsAt((await dinerOf('杨德福')).householdId);
    expect(yang).toHaveLength(1);
    expect(yang[0]!.reasonZh).toContain('最近一次 2026-12-07');
  });

  it('turns a food-safety complaint from her phone into a case routed by the duty list, once per tap', async () => {
    her = await signInBySms(t, HER_PHONE);
    const mine = (await her.get('/api/v1/my/canteen')).json<{ items: { dinerId: string }[] }>();
    const dinerId = mine.items[0]!.dinerId;
    const body = { dinerId, description: '今天午饭的凉拌菜有异味，吃后肚子疼', clientKey: 'complaint-0001' };
    const filed = await her.post('/api/v1/my/canteen/complaints', body);
    expect(filed.statusCode, filed.body).toBe(201);
    const again = await her.post('/api/v1/my/canteen/complaints', body);
    expect(again.statusCode).toBe(200);
    expect(again.json<{ caseId: string }>().caseId).toBe(filed.json<{ caseId: string }>().caseId);
    const detail = await her.get(`/api/v1/my/cases/${filed.json<{ caseId: string }>().caseId}`);
    expect(detail.statusCode, detail.body).toBe(200);
    const c = detail.json<{ description: string; dutyCode: string | null; status: string }>();
    expect(c.description).toContain('砂岗村幸福食堂');
    expect(c.description).toContain('凉拌菜有异味');
    const row = await t.deps.db
      .selectFrom('cases')
      .innerJoin('org_units', 'org_units.id', 'cases.handler_org_id')
      .select(['cases.duty_code', 'cases.channel', 'cases.is_fallback', 'org_units.level'])
      .where('cases.id', '=', filed.json<{ caseId: string }>().caseId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ duty_code: 'AQ-005', channel: 'resident_app' });
    const cases = await t.deps.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('duty_code', '=', 'AQ-005')
      .executeTakeFirstOrThrow();
    expect(Number(cases.n)).toBe(1);
  });

  it('refuses a complaint too short, for a diner record not hers, or from someone who dines nowhere', async () => {
    const mine = (await her.get('/api/v1/my/canteen')).json<{ items: { dinerId: string }[] }>();
    const short = await her.post('/api/v1/my/canteen/complaints', {
      dinerId: mine.items[0]!.dinerId,
      description: '难吃',
      clientKey: 'complaint-0002',
    });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ errors: [{ field: 'description' }] });
    const notHers = await her.post('/api/v1/my/canteen/complaints', {
      dinerId: (await dinerOf('杨德福')).id,
      description: '饭菜变质发酸了',
      clientKey: 'complaint-0003',
    });
    expect(notHers.statusCode).toBe(404);
    const stranger = await signInBySms(t, '13700003199');
    const byStranger = await stranger.post('/api/v1/my/canteen/complaints', {
      dinerId: mine.items[0]!.dinerId,
      description: '饭菜变质发酸了',
      clientKey: 'complaint-0004',
    });
    expect(byStranger.statusCode).toBe(404);
    const cases = await t.deps.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('duty_code', '=', 'AQ-005')
      .executeTakeFirstOrThrow();
    expect(Number(cases.n)).toBe(1);
  });
});
