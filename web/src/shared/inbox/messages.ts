/** UI strings of the message settings (消息设置), in both languages; both apps spread them into their dictionaries. */
export const inboxMessages = {
  'inbox.settings': { zh: '消息设置', en: 'Message settings' },
  'inbox.settings.hint': {
    zh: '选择每类消息通过哪些渠道提醒您。站内消息始终显示在“消息”中。',
    en: 'Choose how each kind of message reaches you. In-app messages always show under Messages.',
  },
  'inbox.channel.in_app': { zh: '站内', en: 'In-app' },
  'inbox.channel.sms': { zh: '短信', en: 'SMS' },
  'inbox.channel.wechat': { zh: '微信', en: 'WeChat' },
  'inbox.digested': {
    zh: '短信、微信只在每日待办汇总中提醒，不逐条发送',
    en: 'By SMS and WeChat only in the daily digest, never one by one',
  },
  'inbox.fixed': { zh: '不可更改', en: 'Fixed' },
  'inbox.quiet': { zh: '免打扰时段', en: 'Quiet hours' },
  'inbox.quiet.hint': {
    zh: '此时段内的短信、微信消息会等到结束后再发送（验证码除外）',
    en: 'SMS and WeChat messages wait until quiet hours end (sign-in codes excepted)',
  },
  'inbox.quiet.from': { zh: '从', en: 'From' },
  'inbox.quiet.to': { zh: '到', en: 'to' },
  'inbox.quiet.same': { zh: '开始和结束时间不能相同', en: 'Start and end must differ' },
  'inbox.saved': { zh: '已保存', en: 'Saved' },
} as const;

export type InboxMessageKey = keyof typeof inboxMessages;
