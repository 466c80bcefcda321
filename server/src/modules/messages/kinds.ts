/**
 * Every kind of message the platform sends, in one table: its name on the settings page, its text in
 * the bell (zh-CN and English, `{param}` filled from the message's parameters), the channels it goes
 * out on unless the person chose otherwise, and whether it may wait for the end of quiet hours. Adding
 * a kind: one entry here (`ordinary` unless it is urgent, fixed or secret), the provider templates for it
 * in the environment (docs/messages.md), and a call to enqueueMessage.
 *
 * Parameters carry codes, not words, where a word depends on the reader's language: `state` is a case
 * state (cases/states.ts names it), `event` a unit notice's event, `sections` the digest's counts. The
 * words are put in when a message is read (renderMessage) — in the reader's language for the bell, in
 * Chinese for the providers' templates (localizeParams).
 */
import { CASE_STATE_LABELS, type CaseStatus } from '../cases/states.ts';

export const CHANNELS = ['in_app', 'sms', 'wechat'] as const;
export type Channel = (typeof CHANNELS)[number];

export type Language = 'zh' | 'en';
type Words = Readonly<Record<Language, string>>;

export interface MessageKindDefinition {
  /** what the settings page calls this kind */
  name: Words;
  zh: string;
  en: string;
  /** the parameters every message of this kind carries (checked at enqueue) */
  params: readonly string[];
  defaultChannels: readonly Channel[];
  /** who receives it, so the phone's and the console's settings pages each show their own kinds */
  audience: 'resident' | 'staff' | 'anyone' | 'none';
  /** sent at once, quiet hours or not (a sign-up code) */
  isUrgent: boolean;
  /** the person may change its channels (a sign-up code's channel is fixed) */
  isChoosable: boolean;
  /**
   * Staff hear of these in the bell at once and otherwise once a day, in the staff digest (digest.ts):
   * they never leave one by one by SMS or WeChat, whatever channels she chose.
   */
  isDigested: boolean;
  /**
   * Its parameters are a secret (a sign-up code): the dispatcher erases them in the same update that
   * records the message sent, failed or parked; it is never listed in the bell.
   */
  isSensitive: boolean;
}

/**
 * The usual kind: not urgent, her choice of channels, nothing secret, one by one (not digested) in the
 * in-app bell unless the entry says otherwise. An entry states only what sets it apart.
 */
function ordinary(kind: {
  name: Words;
  zh: string;
  en: string;
  params: readonly string[];
  audience: MessageKindDefinition['audience'];
  defaultChannels?: readonly Channel[];
  isDigested?: boolean;
}): MessageKindDefinition {
  return {
    defaultChannels: ['in_app'],
    isDigested: false,
    ...kind,
    isUrgent: false,
    isChoosable: true,
    isSensitive: false,
  };
}

export const MESSAGE_KINDS = {
  'case.progress': ordinary({
    name: { zh: '诉求进展', en: 'Progress of my requests' },
    zh: '您反映的诉求 {number} 有新进展：{state}',
    en: 'Your case {number} has moved on: {state}',
    params: ['number', 'state'],
    audience: 'resident',
  }),
  'case.reply_request': ordinary({
    name: { zh: '工作人员回复', en: 'Replies from staff' },
    zh: '工作人员回复了您的诉求 {number}，请查看，需要时补充信息',
    en: 'Staff replied on your case {number}: please read it and add what they ask for',
    params: ['number'],
    audience: 'resident',
  }),
  'case.rate_request': ordinary({
    name: { zh: '办结评价邀请', en: 'Requests to rate a resolved case' },
    zh: '诉求 {number} 已办结，请您评价',
    en: 'Case {number} is resolved: please rate it',
    params: ['number'],
    audience: 'resident',
  }),
  'visit.appointment': ordinary({
    name: { zh: '走访预约', en: 'Visit appointments' },
    zh: '网格员{worker}将于 {time} 上门走访',
    en: 'Your grid worker {worker} will visit at {time}',
    params: ['worker', 'time'],
    audience: 'resident',
  }),
  'visit.appointment_cancelled': ordinary({
    name: { zh: '走访预约取消', en: 'Visit appointments called off' },
    zh: '网格员{worker}原定 {time} 的上门走访取消了',
    en: 'Your grid worker {worker} will not come at {time} as planned',
    params: ['worker', 'time'],
    audience: 'resident',
  }),
  'notice.new': ordinary({
    name: { zh: '社区通知与政策解读', en: 'Notices and policy explainers' },
    zh: '{from}发来通知《{title}》，请在“我的 → 通知”查看',
    en: '{from} sent you a notice: “{title}” (Me → Notices)',
    params: ['title', 'from'],
    defaultChannels: ['in_app', 'sms'],
    audience: 'resident',
  }),
  'notice.staff': ordinary({
    name: { zh: '工作通知', en: 'Notices to staff' },
    zh: '{from}发来工作通知《{title}》，请在手机“通知”中查看',
    en: '{from} sent you a notice: “{title}” (phone → Notices)',
    params: ['title', 'from'],
    audience: 'staff',
  }),
  'notice.answer': ordinary({
    name: { zh: '通知提问的答复', en: 'Answers to my questions on notices' },
    zh: '您就通知《{title}》的提问已有答复',
    en: 'Your question on “{title}” has been answered',
    params: ['title'],
    audience: 'resident',
  }),
  'case.unit_notice': ordinary({
    name: { zh: '本单位诉求提醒', en: "My unit's case notices" },
    // the text is the event's (UNIT_EVENTS), filled with the same parameters
    zh: '{event}',
    en: '{event}',
    params: ['number', 'event'],
    audience: 'staff',
    isDigested: true,
  }),
  'task.deadline': ordinary({
    name: { zh: '任务到期提醒', en: 'Task deadlines' },
    zh: '任务“{title}”{stage}（{due}）',
    en: 'Task "{title}" {stage} ({due})',
    params: ['title', 'due', 'stage'],
    audience: 'staff',
    isDigested: true,
  }),
  'task.received': ordinary({
    name: { zh: '收到任务', en: 'Tasks received' },
    zh: '{from}下发任务“{title}”，已通过准入，请按要求办理',
    en: '{from} sent the task "{title}"; it was admitted, please carry it out',
    params: ['title', 'from'],
    audience: 'staff',
    isDigested: true,
  }),
  'task.returned': ordinary({
    name: { zh: '报表被退回', en: 'Reports returned' },
    zh: '报表“{title}”被退回：{comment}',
    en: 'The report "{title}" was returned: {comment}',
    params: ['title', 'comment'],
    audience: 'staff',
  }),
  'staff.digest': ordinary({
    name: { zh: '每日待办汇总', en: 'Daily to-do digest' },
    zh: '今日待办：共 {count} 项（{sections}）',
    en: 'Your to-dos today: {count} ({sections})',
    params: ['count', 'sections'],
    defaultChannels: ['in_app', 'sms'],
    audience: 'staff',
  }),
  'auth.sms_code': {
    name: { zh: '验证码', en: 'Sign-in codes' },
    zh: '您的验证码为 {code}，{minutes} 分钟内有效',
    en: 'Your code is {code}, valid for {minutes} minutes',
    params: ['code', 'minutes'],
    defaultChannels: ['sms'],
    audience: 'anyone',
    isUrgent: true,
    isChoosable: false,
    isDigested: false,
    isSensitive: true,
  },
  'case.notice': {
    // the cases module's notifications from before the outbox (migration 0018), kept as they were written
    name: { zh: '旧通知', en: 'Earlier notifications' },
    zh: '{zh}',
    en: '{en}',
    params: ['zh', 'en'],
    defaultChannels: ['in_app'],
    audience: 'none',
    isUrgent: false,
    isChoosable: false,
    isDigested: false,
    isSensitive: false,
  },
  'dual.confirmed': ordinary({
    name: { zh: '双报到确认', en: 'Community registration (双报到) confirmed' },
    zh: '{community}已确认您的双报到，欢迎参与社区志愿服务',
    en: '{community} confirmed your registration (双报到): welcome to its volunteer service',
    params: ['community'],
    audience: 'anyone',
  }),
  'dual.refused': ordinary({
    name: { zh: '双报到未通过', en: 'Community registration (双报到) declined' },
    zh: '{community}未确认您的双报到，请查看说明',
    en: '{community} did not confirm your registration (双报到): see its note',
    params: ['community'],
    audience: 'anyone',
  }),
  'points.expired': ordinary({
    name: { zh: '积分到期', en: 'Points expired' },
    zh: '您 {month} 以前获得的积分有 {points} 分已按本社区规则到期',
    en: "{points} of your points earned before {month} expired under your community's rules",
    params: ['points', 'month'],
    audience: 'resident',
  }),
  'council.topic_agenda': ordinary({
    name: { zh: '议题上议程', en: 'My topics put on the agenda' },
    zh: '您提出的议题"{title}"已有 {supporters} 户附议，列入议事会议程',
    en: 'Your topic "{title}" has the support of {supporters} households and goes on the council\'s agenda',
    params: ['title', 'supporters'],
    audience: 'anyone',
  }),
  'council.topic_closed': ordinary({
    name: { zh: '议题未上议程', en: 'My topics not put on the agenda' },
    zh: '您提出的议题"{title}"未列入议程：{reason}',
    en: 'Your topic "{title}" did not go on the agenda: {reason}',
    params: ['title', 'reason'],
    audience: 'anyone',
  }),
  'council.topic_decided': ordinary({
    name: { zh: '议题表决结果', en: 'Decisions on my topics' },
    zh: '议事会已就"{title}"作出决定：{result}',
    en: 'The council decided on "{title}": {result}',
    params: ['title', 'result'],
    audience: 'anyone',
  }),
  'council.meeting_notice': ordinary({
    name: { zh: '议事会议通知', en: 'Council meeting notices' },
    zh: '{council}定于 {time} 在{place}召开"{title}"，请准时参加',
    en: '{council} meets at {time} in {place}: "{title}"',
    params: ['council', 'title', 'time', 'place'],
    defaultChannels: ['in_app', 'sms'],
    audience: 'anyone',
  }),
  'venue.booking_approved': ordinary({
    name: { zh: '活动室预约通过', en: 'Room bookings approved' },
    zh: '您预约的{space}（{time}）已通过审核，请按时到场签到',
    en: 'Your booking of {space} ({time}) is approved: please check in on time',
    params: ['space', 'time'],
    audience: 'resident',
  }),
  'venue.booking_rejected': ordinary({
    name: { zh: '活动室预约未通过', en: 'Room bookings refused' },
    zh: '您预约的{space}（{time}）未通过审核，请查看说明',
    en: 'Your booking of {space} ({time}) was refused: see the note',
    params: ['space', 'time'],
    audience: 'resident',
  }),
  'venue.booking_cancelled': ordinary({
    name: { zh: '活动室预约被取消', en: 'Room bookings called off' },
    zh: '您预约的{space}（{time}）已被工作人员取消',
    en: 'Staff called off your booking of {space} ({time})',
    params: ['space', 'time'],
    audience: 'resident',
  }),
  'venue.booking_reminder': ordinary({
    name: { zh: '活动室预约提醒', en: 'Room booking reminders' },
    zh: '提醒：您预约了{space}，时间 {time}，请按时到场签到',
    en: 'Reminder: you booked {space} for {time}; please check in on time',
    params: ['space', 'time'],
    audience: 'resident',
  }),
  'venue.activity_reminder': ordinary({
    name: { zh: '活动开始提醒', en: 'Activity reminders' },
    zh: '提醒：您报名的活动“{title}”将于 {time} 在{place}开始，请按时到场签到',
    en: 'Reminder: {title} starts {time} at {place}; please come and check in',
    params: ['title', 'place', 'time'],
    audience: 'resident',
  }),
  'venue.signup_promoted': ordinary({
    name: { zh: '活动候补转正', en: 'Activity waiting list: a place for you' },
    zh: '活动有了空位，您已从候补转为正式报名：{title}（{time}）',
    en: 'A place came free: you are now signed up for {title} ({time})',
    params: ['title', 'time'],
    audience: 'resident',
  }),
  'venue.activity_changed': ordinary({
    name: { zh: '活动变更', en: 'Activity changes' },
    zh: '您报名的活动“{title}”有变更：时间 {time}，地点 {place}',
    en: '{title}, which you signed up for, has changed: {time} at {place}',
    params: ['title', 'time', 'place'],
    defaultChannels: ['in_app', 'sms'],
    audience: 'resident',
  }),
  'venue.activity_called_off': ordinary({
    name: { zh: '活动取消', en: 'Activities called off' },
    zh: '您报名的活动“{title}”（{time}）已取消：{reason}',
    en: '{title} ({time}), which you signed up for, is called off: {reason}',
    params: ['title', 'time', 'reason'],
    defaultChannels: ['in_app', 'sms'],
    audience: 'resident',
  }),
  'venue.pause_lifted': ordinary({
    name: { zh: '预约恢复', en: 'Booking restored' },
    zh: '工作人员已恢复您的活动室预约权限，欢迎预约',
    en: 'Staff restored your right to book rooms',
    params: [],
    audience: 'resident',
  }),
} as const satisfies Record<string, MessageKindDefinition>;

export type MessageKind = keyof typeof MESSAGE_KINDS;
export const MESSAGE_KIND_NAMES = Object.keys(MESSAGE_KINDS) as MessageKind[];

export function isMessageKind(value: string): value is MessageKind {
  return Object.hasOwn(MESSAGE_KINDS, value);
}

/** The kinds whose parameters are secret: erased once final, never listed. */
export const SENSITIVE_KINDS: readonly MessageKind[] = MESSAGE_KIND_NAMES.filter(
  (k) => (MESSAGE_KINDS[k] as MessageKindDefinition).isSensitive,
);

export function isSensitiveKind(kind: string): boolean {
  return isMessageKind(kind) && (MESSAGE_KINDS[kind] as MessageKindDefinition).isSensitive;
}

export function isDigestedKind(kind: string): boolean {
  return isMessageKind(kind) && (MESSAGE_KINDS[kind] as MessageKindDefinition).isDigested;
}

/** What a unit's staff are told about one of its cases (`case.unit_notice`'s `event`). */
export const UNIT_EVENTS = {
  new: { zh: '新诉求 {number} 待签收', en: 'New case {number} to accept' },
  new_fallback: {
    zh: '新诉求 {number} 待签收（兜底，待核定事项）',
    en: 'New case {number} to accept (fallback; duty list to review)',
  },
  informed: { zh: '知悉：诉求 {number} 已交其他单位办理', en: 'For your information: case {number}' },
  returned: { zh: '诉求 {number} 被退回，请重新派单', en: 'Case {number} returned: dispatch it again' },
  reassigned: { zh: '诉求 {number} 已改派至贵单位', en: 'Case {number} reassigned to your unit' },
  supervised: { zh: '督办：诉求 {number}', en: 'Supervision: case {number}' },
  reopened: { zh: '诉求 {number} 已重新打开', en: 'Case {number} reopened' },
  rated: { zh: '诉求 {number} 获评 {rating} 星', en: 'Case {number} rated {rating}' },
  due_soon_accept: { zh: '诉求 {number} 即将超期（签收）', en: 'Case {number} is due soon (accept)' },
  due_soon_resolve: { zh: '诉求 {number} 即将超期（办结）', en: 'Case {number} is due soon (resolve)' },
  overdue_accept: { zh: '诉求 {number} 已超期未签收', en: 'Case {number} is overdue to accept' },
  overdue_resolve: { zh: '诉求 {number} 已超期未办结', en: 'Case {number} is overdue to resolve' },
  escalated: { zh: '超期上报：诉求 {number} 请求协调', en: 'Escalated: case {number} is overdue' },
} as const satisfies Record<string, Words>;
export type UnitEvent = keyof typeof UNIT_EVENTS;

/** A task's deadline stage (`task.deadline`'s `stage`). */
export const TASK_STAGES = {
  due_soon: { zh: '即将到期', en: 'is due soon' },
  overdue: { zh: '已逾期', en: 'is overdue' },
  meeting_soon: { zh: '即将召开，请安排参会', en: 'starts soon: arrange who attends' },
  record_due: { zh: '已结束，请登记参会情况', en: 'has ended: record the attendance' },
  overdue_sent: { zh: '有接收单位逾期未办结', en: 'is overdue at some of the units it was sent to' },
} as const satisfies Record<string, Words>;
export type TaskStage = keyof typeof TASK_STAGES;

/** The digest's sections, named as the workbench names them (`staff.digest`'s `sections`: `key:count,…`). */
export const DIGEST_SECTIONS: Readonly<Record<string, Words>> = {
  cases_to_accept: { zh: '待签收诉求', en: 'cases to accept' },
  cases_due_soon: { zh: '即将超期诉求', en: 'cases due soon' },
  cases_overdue: { zh: '已超期诉求', en: 'cases overdue' },
  household_changes: { zh: '待确认住户变更', en: 'household changes to confirm' },
  visits_overdue: { zh: '走访逾期住户', en: 'households overdue for a visit' },
  tasks_to_answer: { zh: '待报任务', en: 'tasks to answer' },
  refusals_to_review: { zh: '待复核拒收', en: 'refusals to review' },
  refusals_sent: { zh: '被拒收任务', en: 'refused tasks sent' },
  move_requests: { zh: '迁入申请', en: 'move requests' },
  resident_bindings: { zh: '居民绑定申请', en: 'residents’ binding requests' },
};

/** A council's result on a topic (`council.topic_decided`'s `result`) and why a topic closed (`council.topic_closed`'s `reason` when a code). */
export const COUNCIL_WORDS = {
  adopted: { zh: '通过', en: 'adopted' },
  rejected: { zh: '未通过', en: 'rejected' },
  lapsed: { zh: '附议期限内附议户数未达到上议程的要求', en: 'too few households supported it in time' },
} as const satisfies Record<string, Words>;

const fill = (template: string, params: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? '');

function wordsOf<T extends Record<string, Words>>(table: T, code: string | undefined): Words | undefined {
  return code !== undefined && Object.hasOwn(table, code) ? table[code as keyof T] : undefined;
}

/**
 * A message's parameters with its codes put into words of one language: the case state by its one name
 * (cases/states.ts), a unit notice's event, a task's stage, the digest's sections. A code it does not know
 * (a message written before codes were stored) stays as written.
 */
export function localizeParams(
  kind: string,
  params: Record<string, string>,
  language: Language,
): Record<string, string> {
  const out = { ...params };
  const state = params.state;
  if (state !== undefined && Object.hasOwn(CASE_STATE_LABELS, state)) {
    out.state = CASE_STATE_LABELS[state as CaseStatus][language];
  }
  if (kind === 'case.unit_notice') {
    const words = wordsOf(UNIT_EVENTS, params.event);
    if (words !== undefined) out.event = fill(words[language], params);
  }
  if (kind === 'task.deadline') {
    const words = wordsOf(TASK_STAGES, params.stage);
    if (words !== undefined) out.stage = words[language];
  }
  if (kind === 'council.topic_decided' || kind === 'council.topic_closed') {
    const key = kind === 'council.topic_decided' ? 'result' : 'reason';
    const words = wordsOf(COUNCIL_WORDS, params[key]);
    if (words !== undefined) out[key] = words[language];
  }
  // `key:count,…` (already words when localized once: the log adapter renders what the dispatcher localized)
  if (
    kind === 'staff.digest' &&
    params.sections !== undefined &&
    /^(\w+:\d+\+?)(,\w+:\d+\+?)*$/.test(params.sections)
  ) {
    out.sections = params.sections
      .split(',')
      .filter((part) => part !== '')
      .map((part) => {
        const [key = '', count = ''] = part.split(':');
        const name = DIGEST_SECTIONS[key]?.[language] ?? key;
        return language === 'zh' ? `${name} ${count}` : `${count} ${name}`;
      })
      .join(language === 'zh' ? '，' : ', ');
  }
  return out;
}

/**
 * What a provider's template gets: the kind's declared parameters only (a message's `caseId` is for the
 * bell), codes put into Chinese words — the templates are Chinese.
 */
export function providerParams(kind: string, params: Record<string, string>): Record<string, string> {
  if (!isMessageKind(kind)) return params;
  const words = localizeParams(kind, params, 'zh');
  return Object.fromEntries(MESSAGE_KINDS[kind].params.map((name) => [name, words[name] ?? '']));
}

/** A kind's text in one language with its parameters filled in, codes put into words. */
export function renderMessage(kind: string, params: Record<string, string>, language: Language): string {
  if (!isMessageKind(kind)) return kind;
  const template: string = MESSAGE_KINDS[kind][language];
  return fill(template, localizeParams(kind, params, language));
}

/** The staff digest's default time: 08:30 in Asia/Shanghai (TIANZIGE_MESSAGES_DIGEST_AT). */
export const DIGEST_MINUTE = 8 * 60 + 30;
