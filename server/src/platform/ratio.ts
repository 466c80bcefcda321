/**
 * How every rate and share leaves the server: a fraction rounded once, to a tenth of a percent
 * (0.689 = 68.9%). Screens show `ratio × 100` with one decimal and never round again, so a figure
 * reads the same in every table, chart, report and export (rounding twice made 68.8% in one table and
 * 68.9% in another).
 */

/** n ÷ d rounded to 0.001 (a tenth of a percent); null when there is nothing to divide by. */
export const ratio = (n: number, d: number): number | null => (d === 0 ? null : Math.round((n / d) * 1000) / 1000);

/** A mean of seconds as hours with one decimal; null when nothing was measured. */
export const meanHours = (sumSeconds: number, n: number): number | null =>
  n === 0 ? null : Math.round((sumSeconds / n / 3600) * 10) / 10;
