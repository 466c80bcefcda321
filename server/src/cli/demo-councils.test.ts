import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestContext, createTestContext } from '../test/harness.ts';
import { listPublicDecisions } from '../modules/councils/decisions.ts';
import { seedDemoCouncils } from './demo-councils.ts';
import { seedDemo } from './demo.ts';

/** The demo has 吴家园's council, one topic decided with its funding split, and its follow-up on the public page. */
describe.each(DIALECTS)('demo councils on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await seedDemo(t.deps, () => undefined);
    await seedDemoCouncils(t.deps, () => undefined); // a second run changes nothing
  }, 300_000);
  afterAll(() => t.close());

  it('gives 吴家园社区 its council with a decided topic, its funding split and progress', async () => {
    const wujiayuan = await t.org('620103003004');
    const councils = await t.deps.db.selectFrom('councils').selectAll().execute();
    expect(councils.map((c) => c.name)).toEqual(['吴家园社区居民议事会']);
    const decisions = await listPublicDecisions(t.deps.db, wujiayuan.path);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      title: '吴家园西街 3 号院引入物业',
      result: 'adopted',
      funding: { ownersFen: 6_000_000, subsidyFen: 3_000_000, companyFen: 1_000_000 },
      progress: 33,
    });
  });
});
