/**
 * Days and months as people in China count them (Asia/Shanghai, UTC+8 all year, no daylight saving).
 * Every figure that depends on "today", "this month" or "within 7 days" takes its days from here, so a
 * dashboard, a report, the coverage page and the phone cut the calendar at the same instants.
 * Instants are ISO-8601 UTC text, as stored (DESIGN.md rule 5).
 */

/** Asia/Shanghai is UTC+8, with no daylight saving time since 1991. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

const at = (instant: string | Date) => (typeof instant === 'string' ? Date.parse(instant) : instant.getTime());

/** 'YYYY-MM-DD' of an instant, in Asia/Shanghai. */
export const shanghaiDay = (instant: string | Date): string =>
  new Date(at(instant) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** 'YYYY-MM' of an instant, in Asia/Shanghai. */
export const shanghaiMonth = (instant: string | Date): string =>
  new Date(at(instant) + SHANGHAI_OFFSET_MS).toISOString().slice(0, 7);

/** Today in Asia/Shanghai. */
export const currentDay = (now: Date): string => shanghaiDay(now);
/** This month in Asia/Shanghai. */
export const currentMonth = (now: Date): string => shanghaiMonth(now);

/** The instant a Shanghai day ('YYYY-MM-DD') begins, as ISO UTC text. */
export const dayStart = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS).toISOString();

/** The Shanghai day `n` days after `day` (n may be negative). */
export const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Shanghai days `from` to `to` inclusive as a UTC range [start, end). */
export function dayRange(from: string, to: string): { start: string; end: string } {
  return { start: dayStart(from), end: dayStart(addDays(to, 1)) };
}

/** The month `delta` months after `month` ('YYYY-MM'; delta may be negative). */
export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** A Shanghai month ('YYYY-MM') as a UTC range [start, end). */
export function monthRange(month: string): { start: string; end: string } {
  return { start: dayStart(`${month}-01`), end: dayStart(`${addMonths(month, 1)}-01`) };
}

/** Months 'YYYY-MM' between two months inclusive (at most 1,200). */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let month = from; month <= to && out.length <= 1200; month = addMonths(month, 1)) out.push(month);
  return out;
}
