import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

export const DISPLAY_ZONE = 'Asia/Shanghai';

/** An ISO UTC instant from the server, shown in China Standard Time. */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  return dayjs.utc(iso).tz(DISPLAY_ZONE).format('YYYY-MM-DD HH:mm:ss');
}

export { dayjs };
