import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestContext, createTestContext } from '../test/harness.ts';
import { signInBySms } from '../modules/residents/fixture.ts';
import { seedDemo } from './demo.ts';
import { demoResidentPhones, seedDemoResidents } from './demo-residents.ts';

describe.each(DIALECTS)('demo residents on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
    await seedDemo(t.deps, () => undefined);
    await seedDemoResidents(t.deps, () => undefined);
    await seedDemoResidents(t.deps, () => undefined);
  });
  afterAll(() => t.close());

  it('has a bound resident and a waiting request in each of the four communities', async () => {
    const rows = await t.deps.db.selectFrom('resident_bindings').select('status').execute();
    expect(rows.filter((r) => r.status === 'bound')).toHaveLength(4);
    expect(rows.filter((r) => r.status === 'pending')).toHaveLength(4);
  });

  it('lets the bound demo resident of 营门滩 sign in by SMS and see her household masked', async () => {
    const her = await signInBySms(t, demoResidentPhones(2).bound);
    const home = await her.get('/api/v1/my/household');
    expect(home.statusCode).toBe(200);
    expect(home.json()).toMatchObject({ communityName: '营门滩社区' });
    const waiting = await signInBySms(t, demoResidentPhones(2).pending);
    expect((await waiting.get('/api/v1/my/account')).json()).toMatchObject({ binding: { status: 'pending' } });
  });
});
