import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';
import { type Session, councilDecision, postWithReceipt, setUpFundWorld } from './fixture.ts';

interface Statement {
  month: string | null;
  openingFen: number;
  incomeFen: { owner: number; subsidy: number; company: number };
  spendingFen: number;
  closingFen: number;
  isBalanced: boolean;
}
interface Ledger {
  fund: { balanceFen: number };
  statement: Statement;
  months: string[];
  movements: { amountFen: number; occurredOn: string }[];
}

const DAY_MS = 86_400_000;

/**
 * The fund ledger through the API, property-based: whatever owners, subsidies and spendings staff
 * record on whatever days (a spending beyond the balance refused with 409 and nothing written), the
 * balance is the sum of what was accepted, to the fen; the whole statement and every monthly one add
 * up (opening + income − spending = closing, each month opening where the one before closed); the
 * balance never goes below zero. The model accumulates across runs on one fund.
 */
describe.each(DIALECTS)('the fund ledger over HTTP on %s (property-based)', (dialect) => {
  let t: TestContext;
  let staff: Session;
  let fundId: string;
  let decisionId: string;
  let household: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    const world = await setUpFundWorld(t);
    staff = world.staff;
    household = world.households[0]!;
    decisionId = await councilDecision(t, world.community, '引入物业，资金三方分担');
    const made = await staff.client.post('/api/v1/funds', { compoundId: world.compound.id });
    expect(made.statusCode, made.body).toBe(201);
    fundId = made.json<{ id: string }>().id;
    const owners = await staff.client.post(`/api/v1/funds/${fundId}/owners`, {
      owners: [{ householdId: household, areaM2: 80 }],
    });
    expect(owners.statusCode, owners.body).toBe(200);
  }, 120_000);
  afterAll(() => t.close());

  const step = fc.record({
    source: fc.constantFrom('owner', 'subsidy', 'spending'),
    fen: fc.integer({ min: 1, max: 5_000_000 }),
    daysAgo: fc.integer({ min: 0, max: 75 }),
  });

  it('keeps the balance at the sum of accepted movements, and every statement adds up to the fen', async () => {
    const model = { balance: 0, owner: 0, subsidy: 0, spending: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        for (const s of steps) {
          const occurredOn = new Date(t.clock.now().getTime() - s.daysAgo * DAY_MS).toISOString().slice(0, 10);
          const body =
            s.source === 'owner'
              ? { source: 'owner', amountFen: s.fen, occurredOn, householdId: household }
              : s.source === 'subsidy'
                ? { source: 'subsidy', amountFen: s.fen, occurredOn, payer: '七里河区住建局' }
                : { source: 'spending', amountFen: s.fen, occurredOn, decisionId, purpose: '楼道照明' };
          const res = await postWithReceipt(t, staff, `/api/v1/funds/${fundId}/movements`, body);
          if (s.source === 'spending' && s.fen > model.balance) {
            expect(res.statusCode, res.body).toBe(409);
            continue;
          }
          expect(res.statusCode, res.body).toBe(201);
          model.balance += s.source === 'spending' ? -s.fen : s.fen;
          model[s.source as 'owner' | 'subsidy' | 'spending'] += s.fen;
          expect(res.json<{ balanceFen: number }>().balanceFen).toBe(model.balance);
        }
        const whole = (await staff.client.get(`/api/v1/funds/${fundId}`)).json<Ledger>();
        expect(whole.fund.balanceFen).toBe(model.balance);
        expect(whole.statement).toMatchObject({
          openingFen: 0,
          incomeFen: { owner: model.owner, subsidy: model.subsidy, company: 0 },
          spendingFen: model.spending,
          closingFen: model.balance,
          isBalanced: true,
        });
        let opening = 0;
        for (const month of [...whole.months].sort()) {
          const s = (await staff.client.get(`/api/v1/funds/${fundId}?month=${month}`)).json<Ledger>().statement;
          expect(s.openingFen, month).toBe(opening);
          expect(s.closingFen, month).toBe(
            s.openingFen + s.incomeFen.owner + s.incomeFen.subsidy + s.incomeFen.company - s.spendingFen,
          );
          expect(s.isBalanced, month).toBe(true);
          opening = s.closingFen;
        }
        expect(opening).toBe(model.balance);
        expect(model.balance).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 25 },
    );
  }, 240_000);
});
