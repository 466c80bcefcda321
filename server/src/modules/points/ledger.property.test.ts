import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { AppError } from '../../platform/errors.ts';
import { idNumberFor, registerResident, signInBySms } from '../residents/fixture.ts';
import { awardPoints, deductPoints } from './award.ts';
import {
  communityAccount,
  memberAccount,
  memberBalance,
  memberOf,
  postJournal,
  summedBalance,
  verifyLedger,
} from './ledger.ts';
import { addMonths, shanghaiMonth } from '../../platform/calendar.ts';
import { expirePoints } from './expiry.ts';
import { ensureDefaultRules } from './service.ts';

type Op =
  | { kind: 'award'; who: number; count: number }
  | { kind: 'deduct'; who: number }
  | { kind: 'spend'; who: number; amount: number }
  | { kind: 'reverse'; who: number }
  | { kind: 'expire' }
  | { kind: 'noSource'; who: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('award' as const), who: fc.nat(2), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('deduct' as const), who: fc.nat(2) }),
  fc.record({ kind: fc.constant('spend' as const), who: fc.nat(2), amount: fc.integer({ min: 1, max: 120 }) }),
  fc.record({ kind: fc.constant('reverse' as const), who: fc.nat(2) }),
  fc.record({ kind: fc.constant('expire' as const) }),
  fc.record({ kind: fc.constant('noSource' as const), who: fc.nat(2) }),
);

/** Her points as the policy sees them: credits by the month earned, and everything taken since (oldest first). */
interface Held {
  credits: { month: string; amount: number }[];
  debits: number;
  /** redemptions not yet reversed: journal and amount */
  redeemed: { journalId: string; amount: number }[];
}
const balanceOf = (h: Held) => h.credits.reduce((n, c) => n + c.amount, 0) - h.debits;

/**
 * The ledger under any sequence of awards, deductions (negative list), spending (more than the balance
 * too), reversals of a redemption (a compensating movement), expiry by a one-month policy as months pass
 * (run twice each time) and movements without a source: every journal sums to zero, each member's running
 * balance equals the sum of her movements and a model kept beside it, and no balance ever goes below
 * zero; a refused journal leaves nothing behind. Then the store: concurrent redemptions of the last unit — one wins.
 */
describe.each(DIALECTS)('the points ledger on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  const residents: string[] = [];
  let communityPath: string;
  let sourceNo = 0;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    staff = await t.login('ymt_sj');
    const ymt = await t.org(CODES.yingMenTan);
    communityPath = ymt.path;
    for (const [i, name] of ['马兰花', '李建国', '张秀英'].entries()) {
      const { residentId } = await registerResident(
        staff,
        { orgId: ymt.id, address: `营门滩路 ${40 + i} 号` },
        { name, idNumber: idNumberFor('1970-01-0' + (i + 1), 300 + i), phone: `1370000410${i}` },
      );
      residents.push(residentId);
    }
    await ensureDefaultRules(t.deps.db, t.clock.now(), communityPath);
    // points expire one month after the month they were earned in (rolling)
    await t.deps.db
      .insertInto('points_policies')
      .values({
        org_path: communityPath,
        pool: 'resident',
        expiry_months: 1,
        expiry_at: 'rolling',
        updated_at: t.clock.now().toISOString(),
        updated_by_name: 'test',
      })
      .execute();
  }, 120_000);
  afterAll(() => t.close());

  it('sum of movements = balances, never negative, under any sequence of operations', async () => {
    const model = new Map<string, Held>();
    const heldOf = (id: string) => {
      let h = model.get(id);
      if (h === undefined) model.set(id, (h = { credits: [], debits: 0, redeemed: [] }));
      return h;
    };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        for (const o of ops) {
          const actor = { id: null, name: 'property test' };
          if (o.kind === 'expire') {
            // a month passes; the job runs twice: each account expires once
            t.clock.advance(31 * 86_400_000);
            const now = t.clock.now();
            const cut = addMonths(shanghaiMonth(now), -1);
            await expirePoints(t.deps.db, now);
            await expirePoints(t.deps.db, now);
            for (const h of model.values()) {
              const old = h.credits.filter((c) => c.month < cut).reduce((n, c) => n + c.amount, 0);
              const due = old - h.debits;
              if (due > 0) h.debits += due;
            }
            continue;
          }
          const residentId = residents[o.who]!;
          const now = t.clock.now();
          const month = shanghaiMonth(now);
          const held = heldOf(residentId);
          const before = balanceOf(held);
          const source = { kind: 'property_test', id: `s${sourceNo++}` };
          if (o.kind === 'reverse') {
            const last = held.redeemed.pop();
            if (last === undefined) continue;
            await t.deps.db.transaction().execute(async (trx) => {
              const member = (await memberOf(trx, residentId))!;
              const account = await memberAccount(trx, now, member);
              const store = await communityAccount(trx, now, communityPath, 'store');
              await postJournal(trx, now, {
                communityPath,
                kind: 'reverse',
                reason: 'property test reversal',
                source: { kind: 'property_reverse', id: last.journalId },
                reversesId: last.journalId,
                actor,
                postings: [
                  { accountId: store.id, amount: -last.amount },
                  { accountId: account.id, amount: last.amount },
                ],
              });
            });
            held.credits.push({ month, amount: last.amount });
            continue;
          }
          if (o.kind === 'award') {
            const out = await t.deps.db
              .transaction()
              .execute((trx) =>
                awardPoints(trx, now, { residentId, rule: 'good_deed', count: o.count, source, actor }),
              );
            expect(out.awarded).toBe(true);
            held.credits.push({ month, amount: 20 * o.count });
          } else if (o.kind === 'deduct') {
            try {
              const out = await t.deps.db
                .transaction()
                .execute((trx) => deductPoints(trx, now, { residentId, rule: 'litter', source, actor }));
              expect(out).not.toBeNull();
              held.debits += Math.min(before, 10);
            } catch (error) {
              // nothing to deduct from an empty account: refused, nothing written
              expect(before).toBe(0);
              expect((error as AppError).errors[0]?.field).toBe('residentId');
            }
          } else {
            const isNoSource = o.kind === 'noSource';
            const amount = isNoSource ? 1 : o.amount;
            try {
              const posted = await t.deps.db.transaction().execute(async (trx) => {
                const member = (await memberOf(trx, residentId))!;
                const account = await memberAccount(trx, now, member);
                const store = await communityAccount(trx, now, communityPath, 'store');
                return postJournal(trx, now, {
                  communityPath,
                  kind: 'redeem',
                  reason: 'property test',
                  source: isNoSource ? { kind: '', id: '' } : source,
                  actor,
                  balanceField: 'quantity',
                  postings: [
                    { accountId: account.id, amount: -amount },
                    { accountId: store.id, amount },
                  ],
                });
              });
              expect(isNoSource).toBe(false);
              expect(amount).toBeLessThanOrEqual(before);
              held.debits += amount;
              held.redeemed.push({ journalId: posted.journalId, amount });
            } catch (error) {
              expect(error).toBeInstanceOf(AppError);
              const field = (error as AppError).errors[0]?.field;
              if (isNoSource) expect(field).toBe('source');
              else {
                expect(amount).toBeGreaterThan(before);
                expect(field).toBe('quantity');
              }
            }
          }
        }
        for (const residentId of residents) {
          const member = (await memberOf(t.deps.db, residentId))!;
          const account = await t.deps.db.transaction().execute((trx) => memberAccount(trx, t.clock.now(), member));
          const { balance } = await memberBalance(t.deps.db, account.id);
          expect(balance).toBe(balanceOf(heldOf(residentId)));
          expect(await summedBalance(t.deps.db, account.id)).toBe(balance);
          expect(balance).toBeGreaterThanOrEqual(0);
        }
        expect(await verifyLedger(t.deps.db)).toEqual([]);
        // the whole ledger sums to zero: what members hold came from the community's accounts
        const total = await t.deps.db
          .selectFrom('points_movements')
          .select((eb) => eb.fn.sum<number | string>('amount').as('s'))
          .executeTakeFirstOrThrow();
        expect(Number(total.s)).toBe(0);
      }),
      { numRuns: 15 },
    );
  });

  it('concurrent redemptions of the last unit: exactly one wins, the same client key redeems once', async () => {
    const ymt = await t.org(CODES.yingMenTan);
    staff = await t.login('ymt_sj'); // months passed in the property above
    await t.deps.db.transaction().execute((trx) =>
      awardPoints(trx, t.clock.now(), {
        residentId: residents[0]!,
        rule: 'good_deed',
        count: 10,
        source: { kind: 'property_test', id: 'concurrency-seed' },
        actor: { id: null, name: 'test' },
      }),
    );
    const { idNumber } = { idNumber: idNumberFor('1970-01-01', 300) };
    const her = await signInBySms(t, '13700004100');
    expect((await her.post('/api/v1/my/binding', { name: '马兰花', idNumber })).json()).toMatchObject({
      isBound: true,
    });
    const item = (
      await staff.post('/api/v1/store/items', { orgId: ymt.id, name: '最后一袋面粉', price: 5, stock: 1 })
    ).json<{ id: string }>();
    const tries = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        her.post('/api/v1/my/store/redemptions', { itemId: item.id, quantity: 1, clientKey: `last-unit-${i}-key` }),
      ),
    );
    const codes = tries.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c !== 201).every((c) => c === 409)).toBe(true);

    const second = (await staff.post('/api/v1/store/items', { orgId: ymt.id, name: '毛巾', price: 5, stock: 5 })).json<{
      id: string;
    }>();
    const sameKey = await Promise.all(
      Array.from({ length: 6 }, () =>
        her.post('/api/v1/my/store/redemptions', { itemId: second.id, quantity: 1, clientKey: 'one-tap-0001' }),
      ),
    );
    const ids = new Set(sameKey.map((r) => r.json<{ redemption: { id: string } }>().redemption.id));
    expect(ids.size).toBe(1);
    const shelf = (await her.get('/api/v1/my/store')).json<{ items: { id: string; stock: number }[] }>();
    expect(shelf.items.find((i) => i.id === item.id)?.stock).toBe(0);
    expect(shelf.items.find((i) => i.id === second.id)?.stock).toBe(4);
    expect(await verifyLedger(t.deps.db)).toEqual([]);
  });
});
