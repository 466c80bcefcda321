import { DAY_MS, SHANGHAI_OFFSET_MS } from '../../platform/calendar.ts';

/** Quiet hours as minutes of the Asia/Shanghai day; start > end spans midnight (22:00–08:00). */
export interface QuietHours {
  startMin: number;
  endMin: number;
}

export const DEFAULT_QUIET_HOURS: QuietHours = { startMin: 22 * 60, endMin: 8 * 60 };

export const minutesToClock = (m: number): string =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

export function clockToMinutes(text: string): number {
  const [h, m] = text.split(':').map(Number);
  return h! * 60 + m!;
}

/**
 * The earliest instant at or after `at` outside the quiet hours: `at` itself when it is not quiet,
 * else the end of the quiet hours it falls in (Shanghai has no daylight saving, so minutes are exact).
 */
export function deferPastQuietHours(at: Date, quiet: QuietHours | null): Date {
  if (quiet === null || quiet.startMin === quiet.endMin) return at;
  const local = at.getTime() + SHANGHAI_OFFSET_MS;
  const dayStartLocal = Math.floor(local / DAY_MS) * DAY_MS;
  const minute = Math.floor((local - dayStartLocal) / 60_000);
  const { startMin, endMin } = quiet;
  const spansMidnight = startMin > endMin;
  const isQuiet = spansMidnight ? minute >= startMin || minute < endMin : minute >= startMin && minute < endMin;
  if (!isQuiet) return at;
  const endsTomorrow = spansMidnight && minute >= startMin;
  const endLocal = dayStartLocal + (endsTomorrow ? DAY_MS : 0) + endMin * 60_000;
  return new Date(endLocal - SHANGHAI_OFFSET_MS);
}

/** The first instant at or after `at` that is `minute` minutes into a Shanghai day. */
export function nextTimeOfDay(at: Date, minute: number): Date {
  const local = at.getTime() + SHANGHAI_OFFSET_MS;
  const dayStartLocal = Math.floor(local / DAY_MS) * DAY_MS;
  const today = dayStartLocal + minute * 60_000;
  return new Date((today >= local ? today : today + DAY_MS) - SHANGHAI_OFFSET_MS);
}
