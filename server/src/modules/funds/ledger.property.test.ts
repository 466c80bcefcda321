import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LedgerMovement, balanceOf, splitLevy, statementOf } from './ledger.ts';

const months = ['2026-10', '2026-11', '2026-12', '2027-01'];
const movement = fc
  .record({
    source: fc.constantFrom('owner', 'subsidy', 'company', 'spending') as fc.Arbitrary<LedgerMovement['source']>,
    fen: fc.integer({ min: 1, max: 10_000_000 }),
    month: fc.constantFrom(...months),
    decisionId: fc.constantFrom('d1', 'd2', 'd3'),
  })
  .map((m): LedgerMovement => ({
    source: m.source,
    amountFen: m.source === 'spending' ? -m.fen : m.fen,
    month: m.month,
    decisionId: m.source === 'spending' ? m.decisionId : null,
  }));
const owners = fc.uniqueArray(
  fc.record({ householdId: fc.uuid(), areaCentiM2: fc.integer({ min: 1, max: 10_000_000 }) }),
  { minLength: 1, maxLength: 60, selector: (o) => o.householdId },
);

describe('the fund ledger (property-based)', () => {
  it('balances: the whole statement closes at the sum of the movements, income less spending', () => {
    fc.assert(
      fc.property(fc.array(movement, { maxLength: 80 }), (ms) => {
        const s = statementOf(ms, null);
        expect(s.closingFen).toBe(balanceOf(ms));
        expect(s.incomeTotalFen - s.spendingFen).toBe(balanceOf(ms));
        expect(s.spendingByDecision.reduce((sum, d) => sum + d.spentFen, 0)).toBe(s.spendingFen);
        expect(s.isBalanced).toBe(true);
        expect(Number.isInteger(s.closingFen)).toBe(true);
      }),
    );
  });

  it('chains months: each month opens where the one before closed, and the last closes at the balance', () => {
    fc.assert(
      fc.property(fc.array(movement, { maxLength: 80 }), (ms) => {
        let opening = 0;
        for (const month of months) {
          const s = statementOf(ms, month);
          expect(s.openingFen).toBe(opening);
          expect(s.closingFen).toBe(
            s.openingFen + s.incomeFen.owner + s.incomeFen.subsidy + s.incomeFen.company - s.spendingFen,
          );
          expect(s.isBalanced).toBe(true);
          opening = s.closingFen;
        }
        expect(opening).toBe(balanceOf(ms));
      }),
    );
  });

  it('splits a flat levy into dues that add up to exactly the total, none more than a fen apart', () => {
    fc.assert(
      fc.property(owners, fc.integer({ min: 1, max: 1_000_000_000 }), (os, total) => {
        const dues = [...splitLevy('flat', total, os).values()];
        expect(dues).toHaveLength(os.length);
        expect(dues.reduce((s, d) => s + d, 0)).toBe(total);
        expect(Math.max(...dues) - Math.min(...dues)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('charges per m² to the nearest fen, in whole fen, and per household the same to every owner', () => {
    fc.assert(
      fc.property(owners, fc.integer({ min: 1, max: 100_000 }), (os, rate) => {
        const byArea = splitLevy('per_area', rate, os);
        for (const o of os) {
          const due = byArea.get(o.householdId)!;
          expect(Number.isInteger(due)).toBe(true);
          // |due − rate × area| ≤ ½ fen, compared in integers (×100)
          expect(Math.abs(due * 100 - rate * o.areaCentiM2)).toBeLessThanOrEqual(50);
        }
        const perHousehold = splitLevy('per_household', rate, os);
        expect([...perHousehold.values()].every((d) => d === rate)).toBe(true);
      }),
    );
  });
});
