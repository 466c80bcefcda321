import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';
import { expectErrorBody } from '../../test/http.ts';
import { type Session, councilDecision, setUpFundWorld } from './fixture.ts';

type Errors = { errors?: { field: string; code: string; message_zh: string; message_en: string }[] };

/**
 * Bad input to the console's fund set-up (开设小区资金, 登记业主户, 业主筹资): a levy of 0 or in fractions of
 * a fen, on a fund with no owners, under a decision that was not adopted; an owner's area in thousandths
 * of a m², a household listed twice or from another community; a second fund for a compound — each a 4xx
 * naming the field in zh and en, and nothing written.
 */
describe.each(DIALECTS)('fund set-up input on %s', (dialect) => {
  let t: TestContext;
  let world: Awaited<ReturnType<typeof setUpFundWorld>>;
  let staff: Session;
  let fundId: string;

  const count = async (table: 'fund_owners' | 'fund_levies' | 'fund_dues' | 'funds') =>
    Number(
      (
        await t.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const counts = async () => ({
    funds: await count('funds'),
    owners: await count('fund_owners'),
    levies: await count('fund_levies'),
    dues: await count('fund_dues'),
  });
  const expectField = (res: { statusCode: number; body: string; json: () => unknown }, field: string) => {
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expect(res.statusCode, res.body).toBeLessThan(500);
    expectErrorBody(res as never);
    const first = (res.json() as Errors).errors?.[0];
    expect(first?.field, res.body).toBe(field);
    expect(first?.message_zh).toBeTruthy();
    expect(first?.message_en).toBeTruthy();
  };
  const levy = (body: Record<string, unknown>) =>
    staff.client.post(`/api/v1/funds/${fundId}/levies`, {
      title: '物业启动金',
      basis: 'per_household',
      rateFen: 10_000,
      dueOn: '2027-01-31',
      ...body,
    });

  beforeAll(async () => {
    t = await createTestContext(dialect);
    world = await setUpFundWorld(t);
    staff = world.staff;
    const made = await staff.client.post('/api/v1/funds', { compoundId: world.compound.id });
    expect(made.statusCode, made.body).toBe(201);
    fundId = made.json<{ id: string }>().id;
  }, 120_000);
  afterAll(() => t.close());

  it('refuses a levy on a fund without owners, naming the basis, and writes nothing', async () => {
    const before = await counts();
    expectField(await levy({}), 'basis');
    expect(await counts()).toEqual(before);
  });

  it('refuses owners listed twice, in thousandths of a m², of no area or from elsewhere, writing nothing', async () => {
    const [a, b] = world.households as [string, string];
    const before = await counts();
    for (const [owners, field] of [
      [
        [
          { householdId: a, areaM2: 80 },
          { householdId: a, areaM2: 81 },
        ],
        'owners',
      ],
      [
        [
          { householdId: a, areaM2: 80 },
          { householdId: b, areaM2: 88.555 },
        ],
        'owners.1.areaM2',
      ],
      [[{ householdId: a, areaM2: 0 }], 'owners.0.areaM2'],
      [[{ householdId: a, areaM2: '80' }], 'owners.0.areaM2'],
      [[], 'owners'],
    ] as const) {
      expectField(await staff.client.post(`/api/v1/funds/${fundId}/owners`, { owners }), field);
    }
    // a household of another community is out of her reach: 404, as every id she cannot see
    const elsewhere = await staff.client.post(`/api/v1/funds/${fundId}/owners`, {
      owners: [{ householdId: crypto.randomUUID(), areaM2: 80 }],
    });
    expect(elsewhere.statusCode).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it('refuses a levy of 0, in fractions of a fen, of an unknown basis or under a rejected decision', async () => {
    const owners = await staff.client.post(`/api/v1/funds/${fundId}/owners`, {
      owners: world.households.map((householdId) => ({ householdId, areaM2: 70.5 })),
    });
    expect(owners.statusCode, owners.body).toBe(200);
    const rejected = await councilDecision(t, world.community, '加装电梯', 'rejected');
    const before = await counts();
    for (const [body, field] of [
      [{ rateFen: 0 }, 'rateFen'],
      [{ rateFen: 12.5 }, 'rateFen'],
      [{ rateFen: -100 }, 'rateFen'],
      [{ rateFen: '100' }, 'rateFen'],
      [{ basis: 'per_person' }, 'basis'],
      [{ dueOn: '2027-02-30' }, 'dueOn'],
      [{ title: '   ' }, 'title'],
      [{ decisionId: rejected }, 'decisionId'],
    ] as const) {
      expectField(await levy(body), field);
    }
    expect(await counts()).toEqual(before);
    // and a good one still goes through: 3 households, 100 yuan each
    const good = await levy({});
    expect(good.statusCode, good.body).toBe(201);
    expect(good.json()).toMatchObject({
      households: world.households.length,
      totalFen: 10_000 * world.households.length,
    });
  });

  it('refuses a second fund for the compound and a fund at a unit that is no compound', async () => {
    const before = await counts();
    expectField(await staff.client.post('/api/v1/funds', { compoundId: world.compound.id }), 'compoundId');
    expectField(await staff.client.post('/api/v1/funds', { compoundId: world.community.id }), 'compoundId');
    expect(await counts()).toEqual(before);
  });
});
