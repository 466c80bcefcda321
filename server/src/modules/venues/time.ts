import { SHANGHAI_OFFSET_MS, addDays } from '../../platform/calendar.ts';
import { invalidField } from '../../platform/errors.ts';

/** Rooms are booked in whole slots of this length: the unit the database keeps unique per room. */
export const SLOT_MIN = 30;
const SLOT_MS = SLOT_MIN * 60_000;

/** 'HH:MM' → minutes after midnight; undefined when it is no time of day on a slot boundary. */
export function minutesOf(hhmm: string): number | undefined {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (m === null) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min !== 0) || min % SLOT_MIN !== 0) return undefined;
  return h * 60 + min;
}

/** Minutes after midnight → 'HH:MM'. */
export const hhmmOf = (min: number): string =>
  `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** True for a real calendar day written 'YYYY-MM-DD'. */
export function isDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === day;
}

/** The instant (ISO UTC) of minute `min` of a Shanghai day. */
export const instantOf = (day: string, min: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + min * 60_000 - SHANGHAI_OFFSET_MS).toISOString();

/** ISO weekday of a day: 1 Monday … 7 Sunday. */
export function weekdayOf(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The Shanghai day and minute of an instant. */
export function localOf(iso: string): { day: string; min: number } {
  const local = new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS);
  return { day: local.toISOString().slice(0, 10), min: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

/** The slot starts (ISO UTC) a booking from `startsAt` to `endsAt` holds. */
export function slotsOf(startsAt: string, endsAt: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(startsAt); t < Date.parse(endsAt); t += SLOT_MS) out.push(new Date(t).toISOString());
  return out;
}

/** 周一 … 周日 */
export const WEEKDAY_ZH = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const WEEKDAY_EN = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** How a booking's time reads in a message: `12月8日 19:00–21:00`. */
export function spanText(startsAt: string, endsAt: string): string {
  const a = localOf(startsAt);
  const b = localOf(endsAt);
  const [, mo, d] = a.day.split('-');
  return `${Number(mo)}月${Number(d)}日 ${hhmmOf(a.min)}–${hhmmOf(b.min === 0 ? 24 * 60 : b.min)}`;
}

export interface TimeInput {
  date: string;
  start: string;
  end: string;
}

export interface OpeningRules {
  opens_min: number;
  closes_min: number;
  closed_weekdays: string;
}

/** The closed weekdays as numbers. */
export const closedDays = (s: OpeningRules): number[] =>
  s.closed_weekdays === '' ? [] : s.closed_weekdays.split(',').map(Number);

/**
 * A day and times as the server receives them, checked against the room's opening hours and closed
 * days: each problem a 400 naming its field. Returns the minutes.
 */
export function checkTimes(input: TimeInput, rules: OpeningRules): { startMin: number; endMin: number } {
  if (!isDay(input.date))
    throw invalidField('date', 'invalid_day', { zh: '日期格式应为 YYYY-MM-DD', en: 'The date must be YYYY-MM-DD' });
  const startMin = minutesOf(input.start);
  if (startMin === undefined)
    throw invalidField('start', 'invalid_time', {
      zh: `开始时间应为整点或半点（HH:MM，每 ${SLOT_MIN} 分钟一段）`,
      en: `The start must be a time on the hour or half hour (HH:MM, ${SLOT_MIN}-minute slots)`,
    });
  const endMin = minutesOf(input.end);
  if (endMin === undefined)
    throw invalidField('end', 'invalid_time', {
      zh: `结束时间应为整点或半点（HH:MM，每 ${SLOT_MIN} 分钟一段）`,
      en: `The end must be a time on the hour or half hour (HH:MM, ${SLOT_MIN}-minute slots)`,
    });
  if (endMin <= startMin)
    throw invalidField('end', 'reversed_times', {
      zh: '结束时间必须晚于开始时间',
      en: 'The end must be after the start',
    });
  if (startMin < rules.opens_min || endMin > rules.closes_min)
    throw invalidField(startMin < rules.opens_min ? 'start' : 'end', 'outside_opening_hours', {
      zh: `超出开放时间（${hhmmOf(rules.opens_min)}–${hhmmOf(rules.closes_min)}）`,
      en: `Outside the opening hours (${hhmmOf(rules.opens_min)}–${hhmmOf(rules.closes_min)})`,
    });
  const weekday = weekdayOf(input.date);
  if (closedDays(rules).includes(weekday))
    throw invalidField('date', 'closed_day', {
      zh: `${WEEKDAY_ZH[weekday]}闭馆，不能预约`,
      en: `Closed on ${WEEKDAY_EN[weekday]}: no bookings that day`,
    });
  return { startMin, endMin };
}

/** The days of a weekly rule: `first`, then every 7 days up to and including `until`. */
export function weeklyDays(first: string, until: string): string[] {
  const out: string[] = [];
  for (let d = first; d <= until; d = addDays(d, 7)) out.push(d);
  return out;
}
