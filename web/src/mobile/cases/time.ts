import { dayjs, DISPLAY_ZONE } from '../../shared/time';
import type { Lang } from '../i18n';

/** A short time for a phone line: 今天 14:05, 11月28日 09:30, or the year when it is not this one. */
export function shortTime(iso: string, lang: Lang): string {
  const at = dayjs.utc(iso).tz(DISPLAY_ZONE);
  const now = dayjs().tz(DISPLAY_ZONE);
  if (at.isSame(now, 'day')) return `${lang === 'zh' ? '今天' : 'Today'} ${at.format('HH:mm')}`;
  if (at.isSame(now, 'year')) return at.format(lang === 'zh' ? 'M月D日 HH:mm' : 'MMM D, HH:mm');
  return at.format(lang === 'zh' ? 'YYYY年M月D日' : 'MMM D, YYYY');
}
