import { useEffect, useState } from 'react';
import { dayjs, DISPLAY_ZONE } from '../../../shared/time';

/** Today in Shanghai, YYYY-MM-DD. */
export const todayInShanghai = (): string => dayjs().tz(DISPLAY_ZONE).format('YYYY-MM-DD');

/** The Monday of the week holding `day` (YYYY-MM-DD). */
export function mondayOf(day: string): string {
  const d = dayjs.utc(day);
  const weekday = d.day() === 0 ? 7 : d.day();
  return d.subtract(weekday - 1, 'day').format('YYYY-MM-DD');
}

export const addDays = (day: string, n: number): string => dayjs.utc(day).add(n, 'day').format('YYYY-MM-DD');

/** The Shanghai day of an instant. */
export const dayOf = (iso: string): string => dayjs.utc(iso).tz(DISPLAY_ZONE).format('YYYY-MM-DD');

/** `19:00–21:00` in Shanghai time. */
export const hoursOf = (startsAt: string, endsAt: string): string =>
  `${dayjs.utc(startsAt).tz(DISPLAY_ZONE).format('HH:mm')}–${dayjs.utc(endsAt).tz(DISPLAY_ZONE).format('HH:mm')}`;

/** `12-01 19:00–21:00` in Shanghai time. */
export const spanOf = (startsAt: string, endsAt: string): string =>
  `${dayjs.utc(startsAt).tz(DISPLAY_ZONE).format('MM-DD')} ${hoursOf(startsAt, endsAt)}`;

/** The half hours of a day, 'HH:MM', 00:00–24:00 (what a room's hours are picked from). */
export const HALF_HOURS: string[] = Array.from({ length: 49 }, (_, i) => {
  const m = i * 30;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
});

/** The half hours from `opens` to `closes` ('HH:MM'). */
export function halfHoursBetween(opens: string, closes: string): string[] {
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  const out: string[] = [];
  for (let m = toMin(opens); m <= toMin(closes); m += 30)
    out.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  return out;
}

/** The time now, refreshed every 30 seconds: what the check-in buttons and the calendar compare with. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
