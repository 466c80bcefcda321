/**
 * How every screen shows a rate or share (DESIGN.md rule 13). The server sends ratios already rounded
 * once to a tenth of a percent (server/src/platform/ratio.ts); screens multiply by 100 and never round
 * again, so a figure reads the same in every table, chart and card.
 */

/** A ratio (0.689) as a percentage number (68.9); null stays null. */
export const percentOf = (ratio: number | null | undefined): number | null =>
  ratio === null || ratio === undefined ? null : Math.round(ratio * 1000) / 10;

/** A ratio as text: '68.9%', or '—' when there is nothing to divide by. */
export const formatPercent = (ratio: number | null | undefined): string => {
  const p = percentOf(ratio);
  return p === null ? '—' : `${p.toFixed(1)}%`;
};

/**
 * part ÷ whole rounded as the server rounds ratios, for the few shares a screen makes from two counts
 * the server sent (households visited this month of all households); null when whole is 0.
 */
export const shareOf = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;

/** 'YYYY-MM-DD' of an instant in Asia/Shanghai (UTC+8, no daylight saving): the day figures count in. */
export const shanghaiDay = (at: string | number | Date): string =>
  new Date(new Date(at).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
