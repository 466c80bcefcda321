/**
 * 物业资金 words shared by the console and the phone: one label per source and per claim state, and
 * money shown from integer fen (never through floating yuan).
 */
export const fundVocabularyMessages = {
  'fund.source.owner': { zh: '业主自筹', en: 'Owners' },
  'fund.source.subsidy': { zh: '政府补贴', en: 'Government subsidy' },
  'fund.source.company': { zh: '物业调配', en: 'Property company' },
  'fund.source.spending': { zh: '支出', en: 'Spending' },
  'fund.claim.pending': { zh: '待社区确认', en: 'Waiting for the community' },
  'fund.claim.confirmed': { zh: '已入账', en: 'Entered in the ledger' },
  'fund.claim.rejected': { zh: '未确认', en: 'Turned down' },
  'fund.basis.per_household': { zh: '按户', en: 'Per household' },
  'fund.basis.per_area': { zh: '按面积', en: 'Per m²' },
  'fund.basis.flat': { zh: '总额均摊', en: 'Total split evenly' },
} as const;

export type FundSource = 'owner' | 'subsidy' | 'company' | 'spending';
export const SOURCE_COLORS: Record<FundSource, string> = {
  owner: 'blue',
  subsidy: 'green',
  company: 'purple',
  spending: 'orange',
};

/** `¥1,234.56` from fen, exact to the fen. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = Math.trunc(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** Fen from what a person types in yuan (`12`, `12.5`, `12.34`); null for anything else (a third decimal, text). */
export function fenFromYuan(text: string): number | null {
  const m = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (m === null) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
