import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanHours, ratio } from './ratio.ts';

describe('ratio: every rate and share rounded once', () => {
  it('reads the same percentage however a screen turns it into one (68.8% in one table and 68.9% in another was two roundings)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (n, d) => {
        const r = ratio(n, d)!;
        // the ways screens have shown a ratio: toFixed of ×100, and rounding ×1000 then ÷10
        expect((r * 100).toFixed(1)).toBe((Math.round(r * 1000) / 10).toFixed(1));
        // half a thousandth at most, give or take the float error of numbers this large (up to a million)
        expect(Math.abs(r - n / d)).toBeLessThanOrEqual(0.0005 + 1e-9 * Math.max(1, n / d));
      }),
      { numRuns: 20_000 },
    );
    expect(ratio(6885, 10_000)).toBe(0.689);
    expect(ratio(1, 0)).toBeNull();
  });

  it('gives mean hours with one decimal, none when nothing was measured', () => {
    expect(meanHours(5400, 1)).toBe(1.5);
    expect(meanHours(0, 0)).toBeNull();
  });
});
