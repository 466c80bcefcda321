import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { idNumberFor, registerResident, signInBySms } from '../residents/fixture.ts';
import { awardPoints } from './award.ts';
import { expirePoints, expiryCut } from './expiry.ts';
import { memberAccount, memberOf, verifyLedger } from './ledger.ts';

const HER_PHONE = '13700003101';
const HER_ID = idNumberFor('1981-06-02', 218);

interface Field {
  field: string;
}
const fieldOf = (body: string) => (JSON.parse(body) as { errors?: Field[] }).errors?.[0]?.field;

interface MyPoints {
  balance: number;
  statement: {
    month: string;
    opening: number;
    closing: number;
    movements: {
      kind: string;
      amount: number;
      journalId: string;
      reason: string;
      appeal: { id: string; status: string } | null;
    }[];
  };
}

/**
 * A resident's points over a year (issue 14, item 6): the published negative list takes points, her
 * appeal is reviewed by staff and an upheld one gives them back by a compensating movement; her
 * statements month by month; points older than the policy allows expire once — by a job run twice, or
 * on two servers at once — and she is told; the ranking of her grid lists only those who opted in.
 */
describe.each(DIALECTS)('points over a year on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let her: Client;
  let ymtId: string;
  let residentId: string;
  let source = 0;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date('2025-03-10T02:00:00Z'));
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    staff = await t.login('ymt_sj');
    ymtId = (await t.org(CODES.yingMenTan)).id;
    ({ residentId } = await registerResident(
      staff,
      { orgId: ymtId, address: '营门滩路 30 号 1 单元 101' },
      { name: '赵春燕', idNumber: HER_ID, phone: HER_PHONE },
    ));
    her = await signInBySms(t, HER_PHONE);
    expect((await her.post('/api/v1/my/binding', { name: '赵春燕', idNumber: HER_ID })).json()).toMatchObject({
      isBound: true,
    });
  }, 120_000);
  afterAll(() => t.close());

  /** months pass: both sign in again (a session ends after 30 idle minutes) */
  const moveTo = async (iso: string) => {
    t.clock.set(new Date(iso));
    staff = await t.login('ymt_sj');
    her = await signInBySms(t, HER_PHONE);
  };
  const award = (count: number) =>
    t.deps.db.transaction().execute((trx) =>
      awardPoints(trx, t.clock.now(), {
        residentId,
        rule: 'good_deed',
        count,
        source: { kind: 'lifecycle_test', id: `s${source++}` },
        actor: { id: null, name: 'test' },
      }),
    );
  const mine = async (month?: string) =>
    (await her.get(`/api/v1/my/points${month === undefined ? '' : `?month=${month}`}`)).json<MyPoints>();

  it('a deduction from the negative list can be appealed once; upheld, a compensating movement gives it back', async () => {
    await award(3); // 60 in March 2025
    const litter = await staff.post('/api/v1/points/events', { residentId, ruleCode: 'litter', note: '楼道堆放垃圾' });
    expect(litter.statusCode, litter.body).toBe(201);
    expect(litter.json()).toMatchObject({ amount: -10 });
    const deductionId = litter.json<{ journalId: string }>().journalId;
    const parking = await staff.post('/api/v1/points/events', { residentId, ruleCode: 'illegal_parking' });
    const parkingId = parking.json<{ journalId: string }>().journalId;
    expect((await mine()).balance).toBe(40);

    // a rule not on the list, an award or someone else's entry cannot be appealed
    const unknownRule = await staff.post('/api/v1/points/events', { residentId, ruleCode: 'no_such_rule' });
    expect(unknownRule.statusCode).toBe(400);
    expect(fieldOf(unknownRule.body)).toBe('ruleCode');
    const awardId = (await mine()).statement.movements.find((m) => m.kind === 'award')!.journalId;
    const notDeduction = await her.post('/api/v1/my/points/appeals', { journalId: awardId, reason: '不对' });
    expect(notDeduction.statusCode).toBe(400);
    expect(fieldOf(notDeduction.body)).toBe('journalId');

    const appealOn = async (journalId: string) =>
      (await mine()).statement.movements.find((m) => m.journalId === journalId)?.appeal;
    expect(await appealOn(deductionId)).toBeNull();
    const appeal = await her.post('/api/v1/my/points/appeals', { journalId: deductionId, reason: '垃圾不是我家的' });
    expect(appeal.statusCode, appeal.body).toBe(201);
    // her statement shows the deduction's appeal and its state
    expect(await appealOn(deductionId)).toEqual({ id: appeal.json<{ id: string }>().id, status: 'open' });
    const twice = await her.post('/api/v1/my/points/appeals', { journalId: deductionId, reason: '再申诉一次' });
    expect(twice.statusCode).toBe(409);
    expect(fieldOf(twice.body)).toBe('journalId');
    const refusedOne = (
      await her.post('/api/v1/my/points/appeals', { journalId: parkingId, reason: '车不是我的' })
    ).json<{ id: string }>();

    const queue = (await staff.get('/api/v1/points/appeals')).json<{
      items: { id: string; status: string; who: string }[];
    }>();
    expect(queue.items.map((a) => a.status)).toEqual(['open', 'open']);
    expect(queue.items.map((a) => a.who)).toEqual(['赵春燕', '赵春燕']);
    const upheld = await staff.post(`/api/v1/points/appeals/${appeal.json<{ id: string }>().id}/decide`, {
      grant: true,
      note: '经核实非本人',
    });
    expect(upheld.statusCode, upheld.body).toBe(200);
    expect(upheld.json()).toMatchObject({ status: 'granted' });
    const again = await staff.post(`/api/v1/points/appeals/${appeal.json<{ id: string }>().id}/decide`, {
      grant: true,
    });
    expect(again.statusCode).toBe(409);
    const refused = await staff.post(`/api/v1/points/appeals/${refusedOne.id}/decide`, { grant: false });
    expect(refused.json()).toMatchObject({ status: 'refused' });

    expect(await appealOn(deductionId)).toMatchObject({ status: 'granted' });
    expect(await appealOn(parkingId)).toMatchObject({ status: 'refused' });
    const after = await mine();
    expect(after.balance).toBe(50);
    expect(after.statement.movements.map((m) => [m.kind, m.amount])).toEqual([
      ['refund', 10],
      ['deduct', -10],
      ['deduct', -10],
      ['award', 60],
    ]);
    expect(await verifyLedger(t.deps.db)).toEqual([]);
  });

  it('her statements go month by month: each opens where the last closed', async () => {
    await moveTo('2025-06-15T02:00:00Z');
    await award(1); // 20 in June
    const june = await mine();
    expect(june.statement).toMatchObject({ month: '2025-06', opening: 50, closing: 70 });
    const march = await mine('2025-03');
    expect(march.statement).toMatchObject({ month: '2025-03', opening: 0, closing: 50 });
    const april = await mine('2025-04');
    expect(april.statement).toMatchObject({ opening: 50, closing: 50, movements: [] });
    // a month still ahead has no statement: a 400 naming month, not an empty page that looks real
    const ahead = await her.get('/api/v1/my/points?month=2025-07');
    expect(ahead.statusCode).toBe(400);
    expect(fieldOf(ahead.body)).toBe('month');
  });

  it('points older than the policy allows expire once, however often and wherever the job runs, and she is told', async () => {
    const policy = await staff.request('PUT', '/api/v1/points/policy', {
      orgId: ymtId,
      pool: 'resident',
      expiryMonths: 12,
      expiryAt: 'rolling',
    });
    expect(policy.statusCode, policy.body).toBe(200);
    // she spends 15 in June 2025: counted against her oldest points
    const item = (await staff.post('/api/v1/store/items', { orgId: ymtId, name: '香皂', price: 15, stock: 3 })).json<{
      id: string;
    }>();
    const redeemed = await her.post('/api/v1/my/store/redemptions', {
      itemId: item.id,
      quantity: 1,
      clientKey: 'lifecycle-soap-1',
    });
    expect(redeemed.statusCode, redeemed.body).toBe(201);
    // 2026-03: nothing is 12 months old yet
    await moveTo('2026-03-20T02:00:00Z');
    expect(await expirePoints(t.deps.db, t.clock.now())).toEqual({ accounts: 0, points: 0 });

    // 2026-04: March 2025's points (60 earned, 20 deducted, 10 refunded; 15 spent since) expire: 60 + 10 − 20 − 15 = 35
    await moveTo('2026-04-01T01:00:00Z');
    const runs = await Promise.all([expirePoints(t.deps.db, t.clock.now()), expirePoints(t.deps.db, t.clock.now())]);
    expect(runs.reduce((n, r) => n + r.points, 0)).toBe(35);
    expect(await expirePoints(t.deps.db, t.clock.now())).toEqual({ accounts: 0, points: 0 });
    const now = await mine();
    expect(now.balance).toBe(20);
    expect(now.statement.movements.map((m) => [m.kind, m.amount])).toEqual([['expire', -35]]);
    // the month after, June 2025's 20 are still hers until 2026-07
    await moveTo('2026-05-02T01:00:00Z');
    expect(await expirePoints(t.deps.db, t.clock.now())).toEqual({ accounts: 0, points: 0 });
    await moveTo('2026-07-01T01:00:00Z');
    expect(await expirePoints(t.deps.db, t.clock.now())).toEqual({ accounts: 1, points: 20 });
    expect((await mine()).balance).toBe(0);

    const bell = (await her.get('/api/v1/messages/mine')).json<{ items: { kind: string; title: string }[] }>();
    const told = bell.items.filter((m) => m.kind === 'points.expired');
    expect(told).toHaveLength(2);
    expect(told.map((m) => m.title).join(' ')).toContain('35');
    expect(await verifyLedger(t.deps.db)).toEqual([]);
    const report = (await staff.get(`/api/v1/points/report?orgId=${ymtId}&month=2026-04`)).json<{ expired: number }>();
    expect(report).toMatchObject({ expired: 35 });
  });

  it('year-end expiry: a 12-month policy expires what was earned before last January when the year turns', () => {
    const policy = { expiry_months: 12, expiry_at: 'year_end' as const };
    expect(expiryCut(policy, new Date('2026-12-31T15:59:00Z'))).toBe('2025-01');
    expect(expiryCut(policy, new Date('2026-12-31T16:00:00Z'))).toBe('2026-01'); // 2027-01-01 in Shanghai
    expect(expiryCut({ expiry_months: 12, expiry_at: 'rolling' }, new Date('2026-04-01T01:00:00Z'))).toBe('2025-04');
    expect(expiryCut({ expiry_months: null, expiry_at: 'rolling' }, new Date())).toBeNull();
  });

  it('the ranking of her grid lists only those who opted in', async () => {
    const before = (await her.get('/api/v1/my/points/ranking')).json<{ ranked: boolean; items: unknown[] }>();
    expect(before).toMatchObject({ ranked: false, items: [] });
    await award(1);
    expect((await her.request('PUT', '/api/v1/my/points/ranking', { optIn: true })).statusCode).toBe(200);
    const ranked = (await her.get('/api/v1/my/points/ranking')).json<{
      ranked: boolean;
      items: { name: string; earned: number; isMe: boolean }[];
    }>();
    expect(ranked).toMatchObject({ ranked: true, items: [{ name: '赵春燕', earned: 20, isMe: true }] });
    const member = (await memberOf(t.deps.db, residentId))!;
    const account = await t.deps.db.transaction().execute((trx) => memberAccount(trx, t.clock.now(), member));
    expect(account.ranked).toBe(1);
  });
});
