import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { checkCharacter } from './id-number.ts';
import { importTarget, runImportJob } from './import/jobs.ts';
import { TOTAL_COUNT_CAP } from './search.ts';

const WANG = 1010; // more than the count cap
const LI = 20;

/** A ledger of one community: 1,010 people named 王伟…, then 20 named 李娜… (two with care tags), each in her own household. */
function ledger(): string {
  const lines = ['社区,网格,地址,姓名,身份证号码,联系电话,与户主关系,人口类型,关爱标签'];
  for (let i = 0; i < WANG + LI; i++) {
    const birth = new Date(Date.UTC(1950, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    const first17 = `620105${birth}${String(i % 1000).padStart(3, '0')}`;
    const name = i < WANG ? `王伟${String(i).padStart(4, '0')}` : `李娜${String(i - WANG).padStart(2, '0')}`;
    const tags = i === WANG ? '独居老人、残疾人' : i === WANG + 1 ? '低保户' : '';
    lines.push(`营门滩社区,,营门滩路${i}号,${name},${first17}${checkCharacter(first17)},,户主,户籍,${tags}`);
  }
  return `${lines.join('\n')}\n`;
}

interface Page {
  items: { id: string; name: string; address: string; careTags: { name: string }[] }[];
  total: number;
  isTotalExact: boolean;
  hasMore: boolean;
}

describe.each(DIALECTS)('resident search pages on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let communityId: string;
  const search = async (body: object): Promise<Page> => {
    const res = await staff.post('/api/v1/residents/search', body);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Page;
  };

  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet });
    communityId = (await t.org(CODES.yingMenTan)).id;
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    staff = await t.login('ymt_sj');
    const file = path.join(t.deps.config.dataDir, 'ledger.csv');
    fs.writeFileSync(file, ledger());
    const { job } = await runImportJob(t.deps, null, {
      file,
      fileName: 'ledger.csv',
      target: await importTarget(t.deps, null, { code: CODES.yingMenTan }),
      options: { mode: 'all-or-nothing', onDuplicate: 'skip' },
    });
    expect(job.rows_imported).toBe(WANG + LI);
  });
  afterAll(() => t.close());

  it('counts a broad match only up to 1,000 and says that there are more', async () => {
    const page = await search({ orgId: communityId, q: '王伟', pageSize: 50 });
    expect(page.items).toHaveLength(50);
    expect(page).toMatchObject({ total: TOTAL_COUNT_CAP, isTotalExact: false, hasMore: true });
  });

  it('gives the exact total when the match is smaller than the cap', async () => {
    expect(await search({ orgId: communityId, q: '李娜', pageSize: 5, page: 2 })).toMatchObject({
      total: LI,
      isTotalExact: true,
      hasMore: true,
    });
    const all = await search({ orgId: communityId, q: '李娜', pageSize: 50 });
    expect(all).toMatchObject({ total: LI, isTotalExact: true, hasMore: false });
    expect(all.items).toHaveLength(LI);
  });

  it('shows each resident once, with her address and every care tag, however many tags she has', async () => {
    const page = await search({ orgId: communityId, q: '李娜', pageSize: 3 });
    expect(page.items.map((r) => [r.name, r.address, r.careTags.map((tag) => tag.name).sort()])).toEqual([
      ['李娜00', `营门滩路${WANG}号`, ['残疾人', '独居老人'].sort()],
      ['李娜01', `营门滩路${WANG + 1}号`, ['低保户']],
      ['李娜02', `营门滩路${WANG + 2}号`, []],
    ]);
    expect(page).toMatchObject({ total: LI, isTotalExact: true, hasMore: true });
  });

  it('walks every match exactly once, in name order, until hasMore is false', async () => {
    const seen: Page['items'] = [];
    let last: Page | undefined;
    for (let page = 1; page <= 20 && last?.hasMore !== false; page++) {
      last = await search({ orgId: communityId, q: '王伟', pageSize: 200, page });
      seen.push(...last.items);
    }
    expect(seen).toHaveLength(WANG);
    expect(new Set(seen.map((r) => r.id)).size).toBe(WANG);
    expect(seen.map((r) => r.name)).toEqual([...seen.map((r) => r.name)].sort());
    // the last page knows where the match ends, so its total is exact although past the cap
    expect(last).toMatchObject({ total: WANG, isTotalExact: true, hasMore: false });
  });

  it('counts a deep page at least to its own end, so that the console can still offer the next one', async () => {
    const page = await search({ orgId: communityId, q: '王伟', pageSize: 50, page: 20 });
    expect(page.items).toHaveLength(50);
    expect(page).toMatchObject({ total: 1000, isTotalExact: false, hasMore: true });
  });

  it('answers a page past the end with no rows and the exact total', async () => {
    expect(await search({ orgId: communityId, q: '李娜', pageSize: 10, page: 9 })).toEqual({
      items: [],
      total: LI,
      isTotalExact: true,
      hasMore: false,
    });
  });

  it('finds by pinyin initials and by status "any" through the same paging', async () => {
    const byInitials = await search({ orgId: communityId, q: 'ln', pageSize: 50 });
    expect(byInitials.items.map((r) => r.name)).toEqual(
      Array.from({ length: LI }, (_, i) => `李娜${String(i).padStart(2, '0')}`),
    );
    const anyStatus = await search({ q: '李娜', status: 'any', pageSize: 50 });
    expect(anyStatus).toMatchObject({ total: LI, isTotalExact: true, hasMore: false });
  });
});
