/**
 * The UI strings both apps show (the brand, sign-in, the password change, the common buttons), in both
 * languages. Each app's dictionary spreads these and adds its own (console/app/messages.ts,
 * mobile/i18n.tsx).
 */
export const sharedMessages = {
  'app.name': { zh: '田字格', en: 'Tianzige' },
  'app.subtitle': { zh: '基层治理平台', en: 'Grassroots governance platform' },
  'app.loading': { zh: '加载中…', en: 'Loading…' },
  'app.language': { zh: '语言', en: 'Language' },
  'app.logout': { zh: '退出登录', en: 'Sign out' },
  'app.changePassword': { zh: '修改密码', en: 'Change password' },
  'app.notFound': { zh: '页面不存在', en: 'Page not found' },
  'common.search': { zh: '搜索', en: 'Search' },
  'common.reset': { zh: '重置', en: 'Reset' },
  'common.cancel': { zh: '取消', en: 'Cancel' },
  'common.confirm': { zh: '确定', en: 'OK' },
  'common.save': { zh: '保存', en: 'Save' },
  'common.create': { zh: '新建', en: 'Create' },
  'common.close': { zh: '关闭', en: 'Close' },
  'common.copy': { zh: '复制', en: 'Copy' },
  'common.copied': { zh: '已复制', en: 'Copied' },
  'common.actions': { zh: '操作', en: 'Actions' },
  'common.none': { zh: '无', en: 'None' },
  'common.total': { zh: '共 {n} 条', en: '{n} in total' },
  'common.totalMoreThan': { zh: '超过 {n} 条', en: 'more than {n}' },
  'common.saved': { zh: '已保存', en: 'Saved' },
  'common.required': { zh: '必填', en: 'Required' },
  'login.title': { zh: '登录', en: 'Sign in' },
  'login.username': { zh: '用户名', en: 'Username' },
  'login.password': { zh: '密码', en: 'Password' },
  'login.submit': { zh: '登录', en: 'Sign in' },
  'login.publicPage': {
    zh: '不登录，看看社区本月的诉求办理情况',
    en: "Without signing in: see your community's cases this month",
  },
  'login.footer': { zh: '会少了、文少了、表少了', en: 'Fewer meetings, fewer documents, fewer forms' },
  'password.title': { zh: '修改密码', en: 'Change your password' },
  'password.forcedHint': {
    zh: '为了账号安全，首次登录或密码被重置后须先修改密码。',
    en: 'For your account’s safety, set a new password before continuing.',
  },
  'password.current': { zh: '当前密码', en: 'Current password' },
  'password.new': { zh: '新密码', en: 'New password' },
  'password.confirm': { zh: '确认新密码', en: 'Confirm new password' },
  'password.mismatch': { zh: '两次输入的密码不一致', en: 'The passwords do not match' },
  'password.weak': { zh: '密码不符合要求', en: 'The password does not meet the rule' },
  'password.submit': { zh: '修改密码', en: 'Change password' },
  'password.changed': { zh: '密码已修改', en: 'Password changed' },
  'password.rule.length': { zh: '至少 8 个字符', en: 'At least 8 characters' },
  'password.rule.classes': {
    zh: '包含小写字母、大写字母、数字、符号中的至少 3 类（已满足 {n} 类）',
    en: 'At least 3 of: lowercase, uppercase, digit, symbol ({n} so far)',
  },
} as const;

export type SharedMessageKey = keyof typeof sharedMessages;
