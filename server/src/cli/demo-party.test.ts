import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../test/harness.ts';
import { DEMO_PASSWORD, seedDemo } from './demo.ts';
import { DEMO_ALLIANCE_UNITS, seedDemoParty } from './demo-party.ts';
import { seedDemoResidents } from './demo-residents.ts';

const YINGMENTAN = '620105006010';

/**
 * Issue 14's "the demo data has" line, as 营门滩's secretary (yingmentan_sj) finds it after `npm start`:
 * 营门滩社区's 党支部 with members, a few 双报到 members, an alliance with two units, and a stocked 积分超市
 * whose groceries an alliance unit donated — seeded in the server's order (points before party work).
 */
describe.each(DIALECTS)('demo party work on %s', (dialect) => {
  let t: TestContext;
  let secretary: Client;
  let ymtId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await seedDemo(t.deps, () => undefined);
    await seedDemoResidents(t.deps, () => undefined);
    await seedDemoParty(t.deps, () => undefined);
    await seedDemoParty(t.deps, () => undefined); // a second run changes nothing
    secretary = await t.login('yingmentan_sj', DEMO_PASSWORD);
    ymtId = (await t.org(YINGMENTAN)).id;
  }, 300_000);
  afterAll(() => t.close());

  it('gives 营门滩社区 its 党支部 with members, a 党小组 per grid under it', async () => {
    const res = await secretary.get(`/api/v1/orgs/${ymtId}/party-orgs`);
    expect(res.statusCode, res.body).toBe(200);
    const orgs = res.json<{ items: { id: string; kind: string; name: string; members: number }[] }>().items;
    const branch = orgs.find((o) => o.kind === 'branch');
    expect(branch).toMatchObject({ name: '营门滩社区党支部' });
    expect(orgs.filter((o) => o.kind === 'group').length).toBeGreaterThan(0);
    expect(orgs.reduce((n, o) => n + o.members, 0)).toBeGreaterThanOrEqual(2);
    const members = (await secretary.get(`/api/v1/party-orgs/${branch!.id}/members`)).json<{
      items: { name: string; duty: string; residentId: string | null }[];
    }>();
    // its 支部书记 is a resident of the registry
    const leader = members.items.find((m) => m.duty === 'secretary');
    expect(leader?.residentId).toBeTypeOf('string');
  });

  it('has 双报到 members at 营门滩: two confirmed, one waiting', async () => {
    const res = await secretary.get(`/api/v1/orgs/${ymtId}/dual-registrations`);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ items: { name: string; status: string }[] }>().items;
    expect(
      items
        .filter((r) => r.status === 'confirmed')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['李红', '马建国'].sort());
    expect(items.filter((r) => r.status === 'pending').map((r) => r.name)).toEqual(['张敏']);
  });

  it('has an alliance with two member units, whose supermarket stocked 营门滩’s 积分超市', async () => {
    const alliances = (await secretary.get('/api/v1/alliances')).json<{
      items: { name: string; units: { id: string; name: string }[] }[];
    }>().items;
    expect(alliances).toHaveLength(1);
    expect(alliances[0]!.units.map((u) => u.name).sort()).toEqual(
      [DEMO_ALLIANCE_UNITS.school, DEMO_ALLIANCE_UNITS.market].sort(),
    );
    const market = alliances[0]!.units.find((u) => u.name === DEMO_ALLIANCE_UNITS.market)!;
    const shelf = (await secretary.get(`/api/v1/store/items?orgId=${ymtId}`)).json<{
      items: { name: string; stock: number; donorUnitId: string | null; resourceId: string | null }[];
    }>().items;
    expect(shelf.length).toBeGreaterThanOrEqual(5);
    expect(shelf.every((i) => i.stock > 0)).toBe(true);
    const donated = shelf.filter((i) => i.donorUnitId === market.id);
    expect(donated).toHaveLength(3);
    expect(donated.every((i) => i.resourceId !== null)).toBe(true);
  });
});
