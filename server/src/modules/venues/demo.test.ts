import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../cli/demo.ts';
import { DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';

describe.each(DIALECTS)('venue demo data on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
    await seedDemo(t.deps, () => undefined);
  }, 300_000);
  afterAll(() => t.close());

  it('gives 营门滩社区 a centre with the four rooms, 90% of its area open to residents, and the dance team’s evenings', async () => {
    const secretary = await t.login('yingmentan_sj', 'Tianzige@2026');
    const centres = (await secretary.get('/api/v1/venue-centres')).json() as {
      items: { name: string; residentShare: number; spaces: { id: string; name: string }[] }[];
    };
    expect(centres.items).toHaveLength(1);
    const centre = centres.items[0]!;
    expect(centre.spaces.map((s) => s.name)).toEqual(expect.arrayContaining(['书画室', '阅览室', '舞蹈室', '音乐室']));
    expect(Math.round(centre.residentShare * 100)).toBe(90);
    const dance = centre.spaces.find((s) => s.name === '舞蹈室')!;
    const bookings = (await secretary.get('/api/v1/venue-bookings?from=2026-11-01')).json() as {
      items: { spaceId: string; purpose: string }[];
    };
    expect(bookings.items.some((b) => b.spaceId === dance.id && b.purpose === '舞蹈队排练')).toBe(true);
    const all = await t.deps.db.selectFrom('venue_centres').select('name').execute();
    expect(all.length).toBe(4);
  });
});
