import { venueVocabularyMessages } from '../shared/venue-vocabulary';

/** UI strings of the public page's 阵地日历 section. */
export const publicVenueMessages = {
  ...venueVocabularyMessages,
  'public.venues': { zh: '党群服务中心 · 本周活动与活动室', en: 'Service centre · this week' },
  'public.venues.area': {
    zh: '活动室 {total} ㎡，{share}% 向居民开放',
    en: '{total} m² of rooms, {share}% open to residents',
  },
  'public.venues.rooms': { zh: '活动室', en: 'Rooms' },
  'public.venues.room': {
    zh: '{name} · {capacity} 人 · {opens}–{closes}',
    en: '{name} · {capacity} people · {opens}–{closes}',
  },
  'public.venues.closed': { zh: '{days}闭馆', en: 'closed {days}' },
  'public.venues.free': { zh: '空闲', en: 'Free' },
  'public.venues.dayClosed': { zh: '闭馆', en: 'Closed' },
  'public.venues.roomsClosed': { zh: '{rooms}闭馆', en: 'closed: {rooms}' },
  'public.venues.pending': { zh: '待审核', en: 'pending' },
  'public.venues.activity.places': { zh: '名额 {taken}/{capacity}', en: '{taken}/{capacity} places' },
  'public.venues.signUp': {
    zh: '报名请在手机上登录后进入“活动室预约”',
    en: 'Sign in on your phone and open “Book a room” to sign up',
  },
  'public.venues.prev': { zh: '上一周', en: 'Previous week' },
  'public.venues.next': { zh: '下一周', en: 'Next week' },
} as const satisfies Record<string, { zh: string; en: string }>;
