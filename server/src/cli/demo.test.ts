import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bornOnOrBefore } from '../modules/registry/id-number.ts';
import { DIALECTS, type TestContext, createTestContext } from '../test/harness.ts';
import { seedDemo } from './demo.ts';

describe.each(DIALECTS)('demo data on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await seedDemo(t.deps, () => undefined);
  });
  afterAll(() => t.close());

  const residentsOf = async (code: string) => {
    const unit = await t.org(code);
    return t.deps.db
      .selectFrom('residents')
      .select(['birth_date', 'notes'])
      .where('org_path', '>=', unit.path)
      .where('org_path', '<', `${unit.path.slice(0, -1)}0`)
      .execute();
  };

  it('gives 砂岗村 its 343 residents aged 60 and over, most of them over 70, the young working away', async () => {
    const people = await residentsOf('620122105203');
    const now = t.clock.now();
    const over60 = people.filter((p) => p.birth_date <= bornOnOrBefore(60, now));
    const over70 = people.filter((p) => p.birth_date <= bornOnOrBefore(70, now));
    expect(over60).toHaveLength(343);
    expect(over70.length).toBeGreaterThan(343 / 2);
    expect(people.filter((p) => p.notes?.includes('外出务工')).length).toBeGreaterThan(20);
  });

  it('fills the three city communities with households and the demo accounts can sign in', async () => {
    for (const code of ['620102002002', '620103003004', '620105006010'])
      expect((await residentsOf(code)).length).toBeGreaterThan(300);
    const secretary = await t.login('yingmentan_sj', 'Tianzige@2026');
    const found = (await secretary.post('/api/v1/residents/search', { careTag: 'living_alone' })).json() as {
      total: number;
    };
    expect(found.total).toBeGreaterThan(5);
  });

  it('runs once: seeding again adds nothing', async () => {
    const before = (
      await t.deps.db
        .selectFrom('residents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    await seedDemo(t.deps, () => undefined);
    const after = (
      await t.deps.db
        .selectFrom('residents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    expect(Number(after)).toBe(Number(before));
  });
});
