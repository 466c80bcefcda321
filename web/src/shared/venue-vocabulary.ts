/**
 * The words of 阵地与活动 every app shows the same way (phone, console, public page): room kinds,
 * weekdays, booking states, audiences, who books — one label per state everywhere.
 */
export const venueVocabularyMessages = {
  'venues.kind.calligraphy': { zh: '书画室', en: 'Calligraphy' },
  'venues.kind.reading': { zh: '阅览室', en: 'Reading room' },
  'venues.kind.dance': { zh: '舞蹈室', en: 'Dance studio' },
  'venues.kind.music': { zh: '音乐室', en: 'Music room' },
  'venues.kind.council': { zh: '议事厅', en: 'Meeting hall' },
  'venues.kind.multipurpose': { zh: '多功能厅', en: 'Multi-purpose hall' },
  'venues.kind.other': { zh: '其他', en: 'Other' },
  'venues.weekday.1': { zh: '周一', en: 'Mon' },
  'venues.weekday.2': { zh: '周二', en: 'Tue' },
  'venues.weekday.3': { zh: '周三', en: 'Wed' },
  'venues.weekday.4': { zh: '周四', en: 'Thu' },
  'venues.weekday.5': { zh: '周五', en: 'Fri' },
  'venues.weekday.6': { zh: '周六', en: 'Sat' },
  'venues.weekday.7': { zh: '周日', en: 'Sun' },
  'venues.status.pending': { zh: '待审核', en: 'Pending' },
  'venues.status.approved': { zh: '已通过', en: 'Approved' },
  'venues.status.rejected': { zh: '未通过', en: 'Refused' },
  'venues.status.cancelled': { zh: '已取消', en: 'Cancelled' },
  'venues.status.checkedIn': { zh: '已签到', en: 'Checked in' },
  'venues.status.noShow': { zh: '未到场', en: 'No-show' },
  'venues.audience.all': { zh: '所有居民', en: 'Everyone' },
  'venues.audience.elderly': { zh: '老年人', en: 'Older people' },
  'venues.audience.youth': { zh: '青少年', en: 'Young people' },
  'venues.audience.children': { zh: '儿童', en: 'Children' },
  'venues.audience.women': { zh: '妇女', en: 'Women' },
  'venues.audience.families': { zh: '家庭', en: 'Families' },
  'venues.bookerKind.resident': { zh: '居民', en: 'Resident' },
  'venues.bookerKind.team': { zh: '团队', en: 'Team' },
  'venues.bookerKind.partner': { zh: '共建单位', en: 'Partner unit' },
  'venues.bookerKind.staff': { zh: '工作人员', en: 'Staff' },
  'venues.booked': { zh: '已预约', en: 'Booked' },
  'venues.activity.calledOff': { zh: '已取消', en: 'Called off' },
} as const satisfies Record<string, { zh: string; en: string }>;

export const SPACE_KIND_KEYS = [
  'calligraphy',
  'reading',
  'dance',
  'music',
  'council',
  'multipurpose',
  'other',
] as const;
export const AUDIENCE_KEYS = ['all', 'elderly', 'youth', 'children', 'women', 'families'] as const;
export const BOOKER_KIND_KEYS = ['resident', 'team', 'partner', 'staff'] as const;
export const WEEKDAY_KEYS = [1, 2, 3, 4, 5, 6, 7] as const;

export type VenueVocabularyKey = keyof typeof venueVocabularyMessages;
