import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { currentMonth } from '../../platform/calendar.ts';
import { idNumberFor, registerResident, signInBySms } from '../residents/fixture.ts';
import { snapshotCounters } from './fixture.ts';
import { rebuildRollups } from './rollups.ts';

type Op =
  | { kind: 'earn'; who: number; rule: 'good_deed' | 'garbage_sorting' }
  | { kind: 'deduct'; who: number }
  | { kind: 'redeem'; who: number; quantity: number }
  | { kind: 'pickup'; which: number }
  | { kind: 'reverse'; which: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('earn' as const),
    who: fc.nat(1),
    rule: fc.constantFrom('good_deed' as const, 'garbage_sorting' as const),
  }),
  fc.record({ kind: fc.constant('deduct' as const), who: fc.nat(1) }),
  fc.record({ kind: fc.constant('redeem' as const), who: fc.nat(1), quantity: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('pickup' as const), which: fc.nat(5) }),
  fc.record({ kind: fc.constant('reverse' as const), which: fc.nat(5) }),
);

/**
 * Points and the 积分超市 under any sequence of awards, deductions, redemptions (more than the balance or
 * the stock too), pickups and reversals, each through its route: the services panel's points and
 * redemptions equal what the ledger and the redemptions table hold, counted directly, and rebuilding the
 * counters from the raw tables changes none of them (no drift).
 */
describe.each(DIALECTS)('service figures of points under random sequences on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let ymt: { id: string; path: string };
  const residents: string[] = [];
  const phones: Client[] = [];
  const redemptions: string[] = [];
  let itemId: string;
  let keyNo = 0;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    staff = await t.login('ymt_sj');
    ymt = await t.org(CODES.yingMenTan);
    for (const [i, name] of ['甲', '乙'].entries()) {
      const person = { name: `居民${name}`, idNumber: idNumberFor('1966-02-0' + String(i + 1), 410 + i) };
      const phone = `1370000510${i}`;
      const made = await registerResident(staff, { orgId: ymt.id, address: `营门滩路 9${i} 号` }, { ...person, phone });
      residents.push(made.residentId);
      const client = await signInBySms(t, phone);
      const bound = await client.post('/api/v1/my/binding', person);
      expect(bound.json()).toMatchObject({ isBound: true });
      phones.push(client);
    }
    const item = await staff.post('/api/v1/store/items', { orgId: ymt.id, name: '抽纸', price: 7, stock: 12 });
    expect(item.statusCode, item.body).toBe(201);
    itemId = item.json<{ id: string }>().id;
  }, 120_000);
  afterAll(() => t.close());

  /** Points and redemptions of the month, counted straight from the raw tables. */
  const direct = async () => {
    const month = currentMonth(t.clock.now());
    const moved = await t.deps.db
      .selectFrom('points_movements')
      .select(['kind', (eb) => eb.fn.sum<number | string>('amount').as('n')])
      .where('account_role', '=', 'member')
      .where('month', '=', month)
      .groupBy('kind')
      .execute();
    const by = new Map(moved.map((m) => [m.kind, Number(m.n)]));
    const kept = await t.deps.db
      .selectFrom('store_redemptions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '<>', 'reversed')
      .executeTakeFirstOrThrow();
    return {
      pointsEarned: by.get('award') ?? 0,
      pointsDeducted: 0 - (by.get('deduct') ?? 0) + 0,
      pointsSpent: 0 - (by.get('redeem') ?? 0) - (by.get('reverse') ?? 0) + 0,
      redemptions: Number(kept.n),
    };
  };

  it('keeps the counters equal to a rebuild and to the raw tables', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        for (const o of ops) {
          switch (o.kind) {
            case 'earn':
              await staff.post('/api/v1/points/events', { residentId: residents[o.who], ruleCode: o.rule });
              break;
            case 'deduct':
              await staff.post('/api/v1/points/events', { residentId: residents[o.who], ruleCode: 'litter' });
              break;
            case 'redeem': {
              const res = await phones[o.who]!.post('/api/v1/my/store/redemptions', {
                itemId,
                quantity: o.quantity,
                clientKey: `property-${String(keyNo++).padStart(4, '0')}`,
              });
              expect([201, 400, 409], res.body).toContain(res.statusCode);
              if (res.statusCode === 201) redemptions.push(res.json<{ redemption: { id: string } }>().redemption.id);
              break;
            }
            case 'pickup':
            case 'reverse': {
              const id = redemptions[o.which % Math.max(1, redemptions.length)];
              if (id === undefined) break;
              const res =
                o.kind === 'pickup'
                  ? await staff.post(`/api/v1/store/redemptions/${id}/pickup`)
                  : await staff.post(`/api/v1/store/redemptions/${id}/reverse`, { reason: '不要了' });
              expect([200, 409], res.body).toContain(res.statusCode);
              break;
            }
          }
        }
        const panel = await staff.get(`/api/v1/insights/${ymt.id}/services`);
        expect(panel.statusCode, panel.body).toBe(200);
        const shown = panel.json<{ figures: { volunteering: Record<string, number> } }>().figures.volunteering;
        expect({
          pointsEarned: shown.pointsEarned,
          pointsDeducted: shown.pointsDeducted,
          pointsSpent: shown.pointsSpent,
          redemptions: shown.redemptions,
        }).toEqual(await direct());
        const live = await snapshotCounters(t.deps.db);
        await rebuildRollups(t.deps.db, t.deps.database.sqlite, null);
        expect(await snapshotCounters(t.deps.db)).toEqual(live);
      }),
      { numRuns: dialect === 'sqlite' ? 20 : 8, seed: 20261207 },
    );
  }, 300_000);
});
