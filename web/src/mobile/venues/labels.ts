import { dayjs, DISPLAY_ZONE } from '../../shared/time';
import type { Lang, MessageKey } from '../i18n';
import type { Booking } from './api';

/** One label and colour per booking state, wherever the phone shows a booking. */
export function bookingState(b: Booking): { label: MessageKey; color: string } {
  if (b.checkedInAt !== null) return { label: 'venues.status.checkedIn', color: 'green' };
  if (b.isNoShow) return { label: 'venues.status.noShow', color: 'red' };
  return {
    pending: { label: 'venues.status.pending' as const, color: 'gold' },
    approved: { label: 'venues.status.approved' as const, color: 'blue' },
    rejected: { label: 'venues.status.rejected' as const, color: 'default' },
    cancelled: { label: 'venues.status.cancelled' as const, color: 'default' },
  }[b.status];
}

/** `12月1日 周二 19:00–21:00` in Shanghai time. */
export function spanLabel(startsAt: string, endsAt: string, lang: Lang): string {
  const a = dayjs.utc(startsAt).tz(DISPLAY_ZONE);
  const b = dayjs.utc(endsAt).tz(DISPLAY_ZONE);
  const weekday = (
    lang === 'zh'
      ? ['周日', '周一', '周二', '周三', '周四', '周五', '周六']
      : ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
  )[a.day()];
  const day = lang === 'zh' ? a.format('M月D日') : a.format('MMM D');
  return `${day} ${weekday} ${a.format('HH:mm')}–${b.format('HH:mm')}`;
}

/** Today in Shanghai, YYYY-MM-DD. */
export const todayInShanghai = (): string => dayjs().tz(DISPLAY_ZONE).format('YYYY-MM-DD');

/** The half hours from `opens` to `closes` ('HH:MM'). */
export function halfHours(opens: string, closes: string): string[] {
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  const out: string[] = [];
  for (let m = toMin(opens); m <= toMin(closes); m += 30)
    out.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  return out;
}
