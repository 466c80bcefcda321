/** UI strings of the public page's 议事公开 section. */
export const publicDecisionMessages = {
  'public.decisions': { zh: '议事决定与落实', en: 'Council decisions and follow-up' },
  'public.decision.adopted': { zh: '表决通过', en: 'Adopted' },
  'public.decision.rejected': { zh: '表决未通过', en: 'Rejected' },
  'public.decision.votes': {
    zh: '{council}：表决单位应到 {eligible}、实到 {present}；同意 {yes}、反对 {no}、弃权 {abstain}',
    en: '{council}: {present} of {eligible} voting units present; yes {yes}, no {no}, abstain {abstain}',
  },
  'public.decision.funding': {
    zh: '资金分担：业主自筹 {owners} 元 · 政府补贴 {subsidy} 元 · 物业公司调配 {company} 元',
    en: 'Funding: owners ¥{owners} · government subsidy ¥{subsidy} · property company ¥{company}',
  },
} as const satisfies Record<string, { zh: string; en: string }>;
