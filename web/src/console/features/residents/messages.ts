/** UI strings of the console's resident-account pages (居民绑定申请), in both languages. */
export const residentAccountMessages = {
  'nav.residentBindings': { zh: '居民绑定申请', en: 'Residents’ binding requests' },
  'binding.intro': {
    zh: '居民在手机上用姓名和身份证号申请绑定本户；姓名、证件号与登记一致但手机号不同或未登记时，需要社区核实后确认。',
    en: 'Residents ask on their phone to be bound to their household; where name and ID number match but the phone differs or is missing, the community confirms.',
  },
  'binding.tab.pending': { zh: '待核实', en: 'To confirm' },
  'binding.tab.bound': { zh: '已绑定', en: 'Bound' },
  'binding.tab.rejected': { zh: '未通过', en: 'Not confirmed' },
  'binding.resident': { zh: '登记居民', en: 'Registered resident' },
  'binding.account': { zh: '申请账号', en: 'Account' },
  'binding.accountPhone': { zh: '账号手机', en: 'Account phone' },
  'binding.registryPhone': { zh: '登记手机', en: 'Registered phone' },
  'binding.match': { zh: '核验', en: 'Check' },
  'binding.match.exact': { zh: '手机号一致', en: 'Phone matches' },
  'binding.match.phone_differs': { zh: '手机号不一致', en: 'Phone differs' },
  'binding.match.phone_absent': { zh: '未登记手机号', en: 'No phone on record' },
  'binding.createdAt': { zh: '申请时间', en: 'Asked' },
  'binding.confirm': { zh: '确认绑定', en: 'Confirm' },
  'binding.confirmTitle': {
    zh: '确认 {name} 的绑定申请？请先电话或上门核实本人。',
    en: 'Confirm {name}? Check in person or by phone first.',
  },
  'binding.reject': { zh: '驳回', en: 'Reject' },
  'binding.end': { zh: '解除绑定', en: 'End binding' },
  'binding.done': { zh: '已处理', en: 'Done' },
} as const satisfies Record<string, { zh: string; en: string }>;
