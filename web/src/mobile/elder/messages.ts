/** UI strings of elder mode (大字模式), voice input and kept drafts, in both languages. */
export const elderMessages = {
  'elder.switch': { zh: '大字', en: 'Large text' },
  'elder.switch.aria': { zh: '大字模式', en: 'Large text mode' },
  'elder.voice.start': { zh: '语音输入', en: 'Speak' },
  'elder.voice.stop': { zh: '正在听，点此结束', en: 'Listening: tap to stop' },
  'elder.voice.aria': { zh: '语音输入：说话后文字会加到框里', en: 'Voice input: what you say is added to the box' },
  'elder.voice.denied': {
    zh: '无法使用麦克风，请在浏览器设置中允许，或直接打字',
    en: 'The microphone is not allowed; allow it in the browser settings, or type instead',
  },
  'elder.voice.failed': { zh: '没有听清，请再说一次', en: 'Did not catch that; please try again' },
  'elder.draft.restored': {
    zh: '已恢复您上次没提交的内容',
    en: 'What you wrote last time and did not send is back',
  },
  'elder.draft.discard': { zh: '清空重写', en: 'Start over' },
} as const;
