/**
 * Every kind of message the platform sends, in one table: its text in the bell (zh-CN and English,
 * `{param}` filled from the message's parameters), the channels it goes out on unless the person
 * chose otherwise, and whether it may wait for the end of quiet hours. Adding a kind: one entry here,
 * the provider templates for it in the environment (docs/messages.md), and a call to enqueueMessage.
 */

export const CHANNELS = ['in_app', 'sms', 'wechat'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface MessageKindDefinition {
  zh: string;
  en: string;
  /** the parameters every message of this kind carries (checked at enqueue) */
  params: readonly string[];
  defaultChannels: readonly Channel[];
  /** sent at once, quiet hours or not (a sign-up code) */
  isUrgent: boolean;
  /** the person may change its channels (a sign-up code's channel is fixed) */
  isChoosable: boolean;
  /**
   * Staff hear of these once a day: by SMS and WeChat they wait for the morning digest (08:30 Shanghai)
   * and leave as one `staff.digest` message per person and channel; in-app they show at once.
   */
  isDigested: boolean;
}

export const MESSAGE_KINDS = {
  'case.progress': {
    zh: '您反映的诉求 {number} 有新进展：{state}',
    en: 'Your case {number} has moved on: {state}',
    params: ['number', 'state'],
    defaultChannels: ['in_app'],
    isUrgent: false,
    isChoosable: true,
    isDigested: false,
  },
  'case.reply_request': {
    zh: '诉求 {number} 需要您补充信息',
    en: 'Case {number} needs more information from you',
    params: ['number'],
    defaultChannels: ['in_app'],
    isUrgent: false,
    isChoosable: true,
    isDigested: false,
  },
  'case.rate_request': {
    zh: '诉求 {number} 已办结，请您评价',
    en: 'Case {number} is resolved: please rate it',
    params: ['number'],
    defaultChannels: ['in_app'],
    isUrgent: false,
    isChoosable: true,
    isDigested: false,
  },
  'visit.appointment': {
    zh: '网格员将于 {time} 上门走访',
    en: 'Your grid worker will visit at {time}',
    params: ['time'],
    defaultChannels: ['in_app'],
    isUrgent: false,
    isChoosable: true,
    isDigested: false,
  },
  'task.deadline': {
    zh: '任务“{title}”将于 {due} 到期',
    en: 'Task "{title}" is due {due}',
    params: ['title', 'due'],
    defaultChannels: ['in_app'],
    isUrgent: false,
    isChoosable: true,
    isDigested: true,
  },
  'auth.sms_code': {
    zh: '您的验证码为 {code}，{minutes} 分钟内有效',
    en: 'Your code is {code}, valid for {minutes} minutes',
    params: ['code', 'minutes'],
    defaultChannels: ['sms'],
    isUrgent: true,
    isChoosable: false,
    isDigested: false,
  },
  'staff.digest': {
    zh: '今日待办提醒：共 {count} 条，包括：{first}',
    en: 'Your to-dos today: {count}, including: {first}',
    params: ['count', 'first'],
    // made by the dispatcher from digested kinds, never enqueued itself
    defaultChannels: [],
    isUrgent: false,
    isChoosable: false,
    isDigested: false,
  },
} as const satisfies Record<string, MessageKindDefinition>;

export type MessageKind = keyof typeof MESSAGE_KINDS;
export const MESSAGE_KIND_NAMES = Object.keys(MESSAGE_KINDS) as MessageKind[];

export function isMessageKind(value: string): value is MessageKind {
  return Object.hasOwn(MESSAGE_KINDS, value);
}

/** A kind's text with its parameters filled in. */
export function renderMessage(kind: string, params: Record<string, string>, language: 'zh' | 'en'): string {
  if (!isMessageKind(kind)) return kind;
  const template: string = MESSAGE_KINDS[kind][language];
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? '');
}

/** The morning digest's time: 08:30 in Asia/Shanghai. */
export const DIGEST_MINUTE = 8 * 60 + 30;
