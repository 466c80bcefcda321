import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { EXACT_SEARCH_ACTION } from './exact-search.ts';
import { importLedger } from './fixture.ts';
import { checkCharacter } from './id-number.ts';

/**
 * A ledger row whose ID number is registered outside the importer's scope tells her the number exists:
 * an exact look-up (DESIGN rule 10), limited and audited like a search, so an upload is no oracle.
 */

const idNumber = (seq: number) => {
  const first17 = `62010219800101${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};

const ledger = (rows: { seq: number; name: string }[]) =>
  `${['地址,姓名,身份证号码,与户主关系,人口类型', ...rows.map((r) => `某路 ${r.seq} 号,${r.name},${idNumber(r.seq)},户主,户籍`)].join('\n')}\n`;

const range = (from: number, n: number, name: string) =>
  Array.from({ length: n }, (_, i) => ({ seq: from + i, name: `${name}${i}` }));

describe.each(DIALECTS)('ledger import rows found elsewhere are exact look-ups on %s', (dialect) => {
  let t: TestContext;
  let importer: Client;
  let ymt: { id: string };
  let szs: { id: string };
  let importerId: string;

  const lookups = () =>
    t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('actor_id', '=', importerId)
      .where('action', '=', EXACT_SEARCH_ACTION)
      .execute();

  beforeAll(async () => {
    t = await createTestContext(dialect);
    ymt = await t.org(CODES.yingMenTan);
    szs = await t.org(CODES.shanZiShi);
    importerId = (await t.createUser({ username: 'ymt_sg', role: 'community_secretary', orgCode: CODES.yingMenTan }))
      .id;
    await t.createUser({ username: 'szs_sg', role: 'community_secretary', orgCode: CODES.shanZiShi });
    importer = await t.login('ymt_sg');
    // 40 people registered in the other community
    const theirs = await importLedger(t, 'szs_sg', szs.id, ledger(range(100, 40, '山字石居民')));
    expect(theirs).toMatchObject({ status: 'succeeded', rows_imported: 40 });
  });
  afterAll(() => t.close());

  it('imports a ledger of her own residents whatever her allowance: new numbers and her own are not look-ups', async () => {
    for (let i = 0; i < 30; i++)
      expect((await importer.post('/api/v1/residents/search', { phone: `1390000${1000 + i}` })).statusCode).toBe(200);
    expect((await importer.post('/api/v1/residents/search', { phone: '13900002000' })).statusCode).toBe(429);
    const before = (await lookups()).length;
    const job = await importLedger(t, 'ymt_sg', ymt.id, ledger(range(1, 25, '营门滩居民')));
    expect(job).toMatchObject({ status: 'succeeded', rows_imported: 25, rows_rejected: 0 });
    const again = await importLedger(t, 'ymt_sg', ymt.id, ledger(range(1, 25, '营门滩居民')));
    expect(again).toMatchObject({ status: 'succeeded', rows_skipped: 25, rows_rejected: 0 });
    expect((await lookups()).length).toBe(before);
    t.clock.advance(25 * 60 * 60_000); // past both windows
  });

  it('charges each row found elsewhere, audits it without the number, and past the allowance answers every unknown number alike', async () => {
    // 35 numbers registered elsewhere, then 5 new ones
    const rows = [...range(100, 35, '冒名'), ...range(200, 5, '新居民')];
    const job = await importLedger(t, 'ymt_sg', ymt.id, ledger(rows));
    expect(job).toMatchObject({ status: 'succeeded', rows_imported: 0, rows_rejected: 40 });
    const reasons = job.problems.sort((a, b) => a.row - b.row).map((p) => p.reason_en);
    expect(reasons).toHaveLength(40);
    // the first 30 (the allowance of a minute) are told; the rest, registered elsewhere or new, read the same
    expect(new Set(reasons.slice(0, 30))).toEqual(new Set(['This ID number is registered outside your scope']));
    expect(new Set(reasons.slice(30)).size).toBe(1);
    expect(reasons[30]).toMatch(/^Not checked/);
    expect(job.problems.every((p) => p.column === '身份证号')).toBe(true);
    const audited = await lookups();
    const mine = audited.filter((r) => (JSON.parse(r.detail!) as { purpose: string }).purpose === 'import');
    // 30 answered and the one that found the allowance spent (a refused attempt stays on record)
    expect(mine).toHaveLength(31);
    expect(JSON.parse(mine[0]!.detail!)).toMatchObject({
      kinds: ['id_number'],
      purpose: 'import',
      importJobId: job.id,
    });
    const logged = JSON.stringify(mine);
    for (const r of rows) expect(logged).not.toContain(idNumber(r.seq));
    // the import spent the same allowance searches use
    importer = await t.login('ymt_sg');
    expect((await importer.post('/api/v1/residents/search', { idNumber: idNumber(1) })).statusCode).toBe(429);
    t.clock.advance(61_000);
    const later = await importLedger(t, 'ymt_sg', ymt.id, ledger(range(200, 5, '新居民')));
    expect(later).toMatchObject({ status: 'succeeded', rows_imported: 5, rows_rejected: 0 });
    t.clock.advance(25 * 60 * 60_000);
  });

  it('imports the rest of an all-or-nothing ledger and names its rows found elsewhere once it is written', async () => {
    const before = (await lookups()).length;
    const job = await importLedger(
      t,
      'ymt_sg',
      ymt.id,
      ledger([...range(300, 3, '甲'), ...range(120, 2, '乙')]),
      'all-or-nothing',
    );
    expect(job).toMatchObject({ status: 'succeeded', rows_imported: 3, rows_rejected: 2 });
    expect(job.problems.map((p) => [p.row, p.reason_en])).toEqual([
      [5, 'This ID number is registered outside your scope'],
      [6, 'This ID number is registered outside your scope'],
    ]);
    expect((await lookups()).length).toBe(before + 2);
  });

  it('says nothing of numbers outside her scope when the import is rolled back, and still charges the look-ups', async () => {
    const before = (await lookups()).length;
    // the probe: many candidate numbers, one of them registered elsewhere (row 11), and a bad row in a later
    // batch (the import writes 2,000 rows a batch) that undoes it all
    const candidate = (i: number) => {
      const first17 = `6201021981${String(1 + Math.floor(i / 900)).padStart(2, '0')}01${String(i % 900).padStart(3, '0')}`;
      return `某路 ${i} 号,丙${i},${first17 + checkCharacter(first17)},户主,户籍`;
    };
    const rows = Array.from({ length: 2200 }, (_, i) => candidate(i));
    rows.splice(9, 0, `某路 130 号,丁,${idNumber(130)},户主,户籍`);
    const bad = idNumber(999).slice(0, 17) + (idNumber(999).endsWith('1') ? '2' : '1');
    rows.push(`某路 999 号,坏行,${bad},户主,户籍`);
    const csv = `地址,姓名,身份证号码,与户主关系,人口类型\n${rows.join('\n')}\n`;
    const job = await importLedger(t, 'ymt_sg', ymt.id, csv, 'all-or-nothing');
    expect(job).toMatchObject({ status: 'failed', rows_imported: 0, rows_rejected: 1 });
    // only the bad row is named: the row found elsewhere answers exactly like its new neighbours
    expect(job.problems.map((p) => p.row)).toEqual([rows.length + 1]);
    expect(JSON.stringify(job.problems)).not.toContain('outside your scope');
    expect((await lookups()).length).toBe(before + 1);
    const people = await t.deps.db.selectFrom('residents').select('id').where('name', '=', '丙0').execute();
    expect(people).toEqual([]);
  });
});
