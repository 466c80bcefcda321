import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, type Client, DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';
import { idNumberFor, registerResident, signInBySms } from './fixture.ts';

/**
 * Issue 20, "an unbound one sees nothing of the registry", tried on every route: a resident who signed
 * up by SMS (unbound, and with a binding request pending for a real registry record) calls every GET
 * route of the route table, each id in its path set to that record's household, resident and unit ids,
 * and finds nothing of the record (name, address, ID number's region + birth) in any answer, and no 500.
 */
describe.each(DIALECTS)('an unbound resident walks every GET route on %s', (dialect) => {
  let t: TestContext;
  const NAME = '欧阳翠花';
  const ADDRESS = '营门滩路 88 号 7 单元';
  const ID = idNumberFor('1961-09-09', 515);
  let ids: { householdId: string; residentId: string; orgId: string };

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'walk_staff', role: 'community_staff', orgCode: CODES.yingMenTan });
    const staff = await t.login('walk_staff');
    const ymt = await t.org(CODES.yingMenTan);
    const rec = await registerResident(
      staff,
      { orgId: ymt.id, address: ADDRESS },
      { name: NAME, idNumber: ID, phone: '13900008888' },
    );
    ids = { ...rec, orgId: ymt.id };
  }, 120_000);
  afterAll(() => t.close());

  /** Every GET route with its ids set to the record's; what each answer gives away of it. */
  const walk = async (client: Client) => {
    const seen: string[] = [];
    for (const route of t.app.routeTable.filter((r) => r.method === 'GET')) {
      const url = route.url.replace(/:(\w+)/g, (_, name: string) =>
        /household/i.test(name) ? ids.householdId : /org|unit/i.test(name) ? ids.orgId : ids.residentId,
      );
      for (const u of [url, `${url}?orgId=${ids.orgId}&householdId=${ids.householdId}&residentId=${ids.residentId}`]) {
        const res = await client.get(u);
        expect(res.statusCode, `${u}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
        for (const marker of [NAME, '营门滩路 88', ID.slice(0, 10), ID.slice(0, 6) + '1961']) {
          if (res.body.includes(marker)) seen.push(`${u} → ${marker}`);
        }
      }
    }
    return seen;
  };

  it("finds the record as her community's staff (the walk can see it)", async () => {
    expect((await walk(await t.login('walk_staff'))).length).toBeGreaterThan(0);
  });

  it('finds nothing of the registry record through any route, before and while her request is pending', async () => {
    for (const [phone, pending] of [
      ['13900007777', false],
      ['13900007778', true],
    ] as const) {
      const her = await signInBySms(t, phone, `198.51.100.${pending ? 2 : 1}`);
      if (pending) {
        const asked = await her.post('/api/v1/my/binding', { name: NAME, idNumber: ID });
        expect(asked.json()).toMatchObject({ binding: { status: 'pending' } });
      }
      const seen = await walk(her);
      expect(seen).toEqual([]);
    }
  });
});
