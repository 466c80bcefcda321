import type { LevyBasis, MovementSource } from './tables.ts';

/**
 * The fund's arithmetic, kept apart from the database so that property tests can drive it: what each
 * owner owes under a levy, and a statement that adds up to the fen. Every amount is an integer in fen.
 */

export interface OwnerShare {
  householdId: string;
  areaCentiM2: number;
}

/**
 * What each household owes under a levy: the rate per household; the rate per m² times its area
 * (rounded half up to the fen); or a total split evenly, the fen left over going one each to the first
 * households by id, so that the dues add up to exactly the total.
 */
export function splitLevy(basis: LevyBasis, rateFen: number, owners: OwnerShare[]): Map<string, number> {
  const sorted = [...owners].sort((a, b) => (a.householdId < b.householdId ? -1 : 1));
  const dues = new Map<string, number>();
  if (basis === 'per_household') {
    for (const o of sorted) dues.set(o.householdId, rateFen);
  } else if (basis === 'per_area') {
    for (const o of sorted) {
      // rate × area / 100, half up, in integers (rate and area can be large enough to lose digits in floats)
      const due = (BigInt(rateFen) * BigInt(o.areaCentiM2) + 50n) / 100n;
      dues.set(o.householdId, Number(due));
    }
  } else {
    const n = sorted.length;
    if (n === 0) return dues;
    const base = Math.floor(rateFen / n);
    const left = rateFen - base * n;
    sorted.forEach((o, i) => dues.set(o.householdId, base + (i < left ? 1 : 0)));
  }
  return dues;
}

export interface LedgerMovement {
  source: MovementSource;
  /** signed: income positive, spending negative */
  amountFen: number;
  month: string;
  decisionId: string | null;
}

export interface StatementFigures {
  month: string | null;
  openingFen: number;
  incomeFen: { owner: number; subsidy: number; company: number };
  incomeTotalFen: number;
  spendingFen: number;
  spendingByDecision: { decisionId: string; spentFen: number; movements: number }[];
  closingFen: number;
  movementCount: number;
  /** the closing balance computed from the parts equals the sum of every movement up to the month's end */
  isBalanced: boolean;
}

/** The balance: the sum of the movements. */
export function balanceOf(movements: Pick<LedgerMovement, 'amountFen'>[]): number {
  return movements.reduce((sum, m) => sum + m.amountFen, 0);
}

/**
 * The statement of one month (`YYYY-MM`), or of the fund's whole life (`null`): the opening balance,
 * income by source, spending by decision and the closing balance.
 */
export function statementOf(movements: LedgerMovement[], month: string | null): StatementFigures {
  const before = month === null ? [] : movements.filter((m) => m.month < month);
  const within = month === null ? movements : movements.filter((m) => m.month === month);
  const upToEnd = month === null ? movements : movements.filter((m) => m.month <= month);
  const incomeFen = { owner: 0, subsidy: 0, company: 0 };
  const byDecision = new Map<string, { spentFen: number; movements: number }>();
  let spendingFen = 0;
  for (const m of within) {
    if (m.source === 'spending') {
      spendingFen += -m.amountFen;
      const key = m.decisionId ?? '';
      const d = byDecision.get(key) ?? { spentFen: 0, movements: 0 };
      d.spentFen += -m.amountFen;
      d.movements += 1;
      byDecision.set(key, d);
    } else {
      incomeFen[m.source] += m.amountFen;
    }
  }
  const openingFen = balanceOf(before);
  const incomeTotalFen = incomeFen.owner + incomeFen.subsidy + incomeFen.company;
  const closingFen = openingFen + incomeTotalFen - spendingFen;
  return {
    month,
    openingFen,
    incomeFen,
    incomeTotalFen,
    spendingFen,
    spendingByDecision: [...byDecision.entries()]
      .map(([decisionId, d]) => ({ decisionId, ...d }))
      .sort((a, b) => b.spentFen - a.spentFen || (a.decisionId < b.decisionId ? -1 : 1)),
    closingFen,
    movementCount: within.length,
    isBalanced: closingFen === balanceOf(upToEnd),
  };
}

/** A month in Asia/Shanghai of a `YYYY-MM-DD` day: its first seven characters. */
export const monthOf = (day: string): string => day.slice(0, 7);
