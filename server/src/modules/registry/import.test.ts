import ExcelJS from 'exceljs';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { snapshotCounters } from '../insights/fixture.ts';
import { rebuildRollups } from '../insights/rollups.ts';
import { checkCharacter } from './id-number.ts';
import { indexSetAside } from './import/run.ts';

const idNumber = (birth: string, seq: number) => {
  const first17 = `620105${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};

const HEADER = '社区,网格,地址,姓名,身份证号码,联系电话,与户主关系,人口类型,关爱标签';
/** A community ledger of 20 people; `broken` rows get a wrong check character or a bad phone. */
function ledger(options: { broken?: boolean; seqBase?: number } = {}): string {
  const lines = [HEADER];
  for (let i = 0; i < 20; i++) {
    let id = idNumber(`19${String(40 + i).padStart(2, '0')}0315`, (options.seqBase ?? 0) + i);
    let phone = `1380000${String(1000 + i)}`;
    if (options.broken === true && i === 5) id = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
    if (options.broken === true && i === 12) phone = '12345';
    lines.push(
      `营门滩社区,第${1 + (i % 2)}网格,营门滩路${10 + Math.floor(i / 3)}号,居民${i},${id},${phone},${i % 3 === 0 ? '户主' : '配偶'},户籍,${i % 7 === 0 ? '独居老人' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function multipart(fields: Record<string, string>, file: { name: string; content: Buffer | string }) {
  const boundary = `----tianzige${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
  );
  parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

interface Job {
  id: string;
  status: string;
  rowsTotal: number;
  imported: number;
  updated: number;
  skipped: number;
  rejected: number;
  error: { code: string; message_zh: string } | null;
}

/** 营门滩社区's secretary, signed in: her session for the multipart upload and her client for the rest. */
interface Desk {
  t: TestContext;
  staff: Client;
  session: string;
  csrf: string;
  communityId: string;
}

async function signInDesk(t: TestContext): Promise<Desk> {
  const community = await t.org(CODES.yingMenTan);
  await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
  const login = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'ymt_sj', password: 'Test-pass-2026' },
  });
  return {
    t,
    staff: await t.login('ymt_sj'),
    session: login.cookies.find((c) => c.name === 'tz_session')!.value,
    csrf: (login.json() as { csrfToken: string }).csrfToken,
    communityId: community.id,
  };
}

/** Uploads a ledger as she does and waits for the job to end (or `polls` looks at it). */
async function uploadAs(
  desk: Desk,
  file: { name: string; content: Buffer | string },
  fields: Record<string, string> = {},
  polls = 2000,
): Promise<Job> {
  const { payload, headers } = multipart({ orgId: desk.communityId, ...fields }, file);
  const res = await desk.t.app.inject({
    method: 'POST',
    url: '/api/v1/residents/imports',
    payload,
    headers: { ...headers, 'x-csrf-token': desk.csrf },
    cookies: { tz_session: desk.session },
  });
  expect(res.statusCode, res.body).toBe(202);
  let job = res.json() as Job;
  for (let i = 0; i < polls && job.status === 'running'; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    job = (await desk.staff.get(`/api/v1/residents/imports/${job.id}`)).json() as Job;
  }
  return job;
}

/** The indexes of the residents' tables, each with what identifies the one built (SQLite's rowid, PostgreSQL's oid). */
async function residentIndexes(t: TestContext, dialect: string) {
  return dialect === 'sqlite'
    ? (t.deps.database
        .sqlite!.prepare(
          `select m.name, m.sql, m.rowid as built,
                  m.sql is null or (m.sql like 'CREATE UNIQUE INDEX%'
                    and exists (select 1 from pragma_index_info(m.name) i where i.name = 'id')) as isKey
             from sqlite_master m where m.type = 'index' and m.tbl_name in ('residents', 'resident_tags') order by m.name`,
        )
        .all() as { name: string; sql: string | null; built: number; isKey: unknown }[])
    : ((
        await t.deps.database.pool!.query(
          `select indexname as name, indexdef as sql, (quote_ident(indexname))::regclass::oid::int as built,
                  exists (select 1 from pg_constraint c where c.conindid = quote_ident(indexname)::regclass) as "isKey"
             from pg_indexes where tablename in ('residents', 'resident_tags') order by indexname`,
        )
      ).rows as { name: string; sql: string | null; built: number; isKey: unknown }[]);
}

describe.each(DIALECTS)('ledger import and export on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let session: string;
  let csrf: string;
  let communityId: string;

  const upload = (
    file: { name: string; content: Buffer | string },
    fields: Record<string, string> = {},
    polls = 2000,
  ) => uploadAs({ t, staff, session, csrf, communityId }, file, fields, polls);
  const count = async () =>
    Number(
      (
        await t.deps.db
          .selectFrom('residents')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const readXlsx = async (body: Buffer) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as unknown as ArrayBuffer);
    return wb.worksheets[0]!.getSheetValues()
      .slice(1)
      .map((r) =>
        (r as ExcelJS.CellValue[]).slice(1).map((c) => (c === null || c === undefined ? '' : String(c as string))),
      );
  };

  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet });
    ({ staff, session, csrf, communityId } = await signInDesk(t));
    const square = (x: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [x, 36.1],
          [x + 0.005, 36.1],
          [x + 0.005, 36.105],
          [x, 36.105],
          [x, 36.1],
        ],
      ],
    });
    expect(
      (
        await staff.post('/api/v1/orgs', {
          parentId: communityId,
          level: 'grid',
          name: '第1网格',
          geometry: square(103.72),
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await staff.post('/api/v1/orgs', {
          parentId: communityId,
          level: 'grid',
          name: '第2网格',
          geometry: square(103.725),
        })
      ).statusCode,
    ).toBe(201);
  });
  afterAll(() => t.close());

  it('offers a template with the Chinese headers, required ones marked', async () => {
    const res = await staff.get('/api/v1/residents/import-template');
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const [headers] = await readXlsx(res.rawPayload);
    expect(headers).toEqual(expect.arrayContaining(['地址*', '姓名*', '身份证号', '与户主关系*', '人口类型*']));
  });

  it('rejects a ledger with 2 bad rows as a whole, reports row, column and reason, and stores nothing', async () => {
    const job = await upload({ name: '营门滩台账.csv', content: ledger({ broken: true }) });
    expect(job).toMatchObject({ status: 'failed', rowsTotal: 20, imported: 0, rejected: 2 });
    expect(await count()).toBe(0);
    const report = await readXlsx((await staff.get(`/api/v1/residents/imports/${job.id}/report`)).rawPayload);
    expect(report.slice(1).map((r) => [r[0], r[1], r[2]])).toEqual([
      ['7', '身份证号', '身份证号校验位不正确，请核对'],
      ['14', '联系电话', '电话号码格式不正确（11 位手机号或带区号的固定电话）'],
    ]);
  });

  it('imports the fixed ledger (in GBK, as Chinese Excel saves CSV), placing people in their grids and households', async () => {
    const job = await upload({ name: '营门滩台账.csv', content: iconv.encode(ledger(), 'gb18030') });
    expect(job).toMatchObject({ status: 'succeeded', imported: 20, rejected: 0 });
    const found = (await staff.post('/api/v1/residents/search', { q: '居民0' })).json() as {
      items: { orgName: string; careTags: { name: string }[]; idNumber: string }[];
    };
    expect(found.items[0]).toMatchObject({ orgName: '第1网格', careTags: [{ name: '独居老人' }, { name: '高龄' }] });
    expect(found.items[0]!.idNumber).toContain('********');
    const households = (await staff.get('/api/v1/households?pageSize=100')).json() as { total: number };
    expect(households.total).toBe(7 + 7); // 7 addresses, each split over the two grids
  });

  it("shows an imported resident's creation in the history: by whom, when, at which address", async () => {
    const found = (await staff.post('/api/v1/residents/search', { q: '居民4' })).json() as {
      items: { id: string; householdId: string }[];
    };
    const resident = found.items[0]!;
    const history = (await staff.get(`/api/v1/residents/${resident.id}/history`)).json() as {
      items: { kind: string; field: string | null; actorName: string | null; newValue: string | null }[];
    };
    expect(history.items).toEqual([
      expect.objectContaining({ kind: 'create', field: 'import', actorName: 'ymt_sj', newValue: '营门滩路11号' }),
    ]);
    const household = (await staff.get(`/api/v1/households/${resident.householdId}`)).json() as {
      history: { kind: string; residentName: string; actorName: string | null }[];
    };
    expect(household.history).toContainEqual(
      expect.objectContaining({ kind: 'create', residentName: '居民4', actorName: 'ymt_sj' }),
    );
  });

  it('skips or updates people already registered, as chosen', async () => {
    const skipped = await upload({ name: 'again.csv', content: ledger() }, { onDuplicate: 'skip' });
    expect(skipped).toMatchObject({ status: 'succeeded', imported: 0, skipped: 20 });
    const updated = await upload(
      { name: 'again.csv', content: ledger().replace('居民3,', '居民三,') },
      { onDuplicate: 'update' },
    );
    expect(updated).toMatchObject({ status: 'succeeded', imported: 0, updated: 20 });
    expect(((await staff.post('/api/v1/residents/search', { q: '居民三' })).json() as { total: number }).total).toBe(1);
    expect(await count()).toBe(20);
  });

  it('imports the valid rows only when asked to, reporting the rest', async () => {
    const job = await upload(
      { name: 'mixed.csv', content: ledger({ broken: true, seqBase: 100 }) },
      { mode: 'valid-rows' },
    );
    expect(job).toMatchObject({ status: 'succeeded', imported: 18, rejected: 2 });
    expect(await count()).toBe(38);
  });

  it("imports a large ledger with the residents' indexes set aside: rolled back or written, every index is as the schema has it", async () => {
    const indexes = async (): Promise<unknown[]> =>
      dialect === 'sqlite'
        ? t.deps.database
            .sqlite!.prepare(
              "select name, sql from sqlite_master where type = 'index' and tbl_name in ('residents', 'resident_tags') order by name",
            )
            .all()
        : ((
            await t.deps.database.pool!.query(
              "select indexname, indexdef from pg_indexes where tablename in ('residents', 'resident_tags') order by indexname",
            )
          ).rows as unknown[]);
    const before = await indexes();
    const rows = 12_000;
    const lines = [HEADER];
    for (let i = 0; i < rows; i++) {
      const birth = new Date(Date.UTC(1950, 0, 1) + (i % 10_000) * 86_400_000).toISOString().slice(0, 10);
      lines.push(
        `营门滩社区,第${1 + (i % 2)}网格,滩尖子路${Math.floor(i / 3)}号,住户${i},${idNumber(birth.replace(/-/g, ''), 500 + Math.floor(i / 10_000))},139${String(i).padStart(8, '0')},${i % 3 === 0 ? '户主' : '配偶'},户籍,${i % 50 === 0 ? '独居老人' : ''}`,
      );
    }
    const residentsBefore = await count();
    const remembered = indexSetAside.fromRows;
    indexSetAside.fromRows = 10_000; // the residents' non-unique indexes are set aside while it writes
    try {
      // one bad row at the very end: everything before it was written, then rolled back
      const broken = [...lines.slice(0, -1), lines.at(-1)!.replace(/,139\d{8},/, ',12345,')];
      const doomed = await upload({ name: 'large.csv', content: `${broken.join('\n')}\n` }, {}, 60_000);
      expect(doomed).toMatchObject({ status: 'failed', imported: 0, rejected: 1 });
      expect(await count()).toBe(residentsBefore);
      expect(await indexes()).toEqual(before);
      const job = await upload({ name: 'large.csv', content: `${lines.join('\n')}\n` }, {}, 60_000);
      expect(job).toMatchObject({ status: 'succeeded', imported: rows, rejected: 0 });
    } finally {
      indexSetAside.fromRows = remembered;
    }
    expect(await indexes()).toEqual(before);
    const found = (body: object) =>
      staff.post('/api/v1/residents/search', body).then((r) => r.json() as { total: number });
    expect((await found({ phone: '13900001234' })).total).toBe(1);
    expect((await found({ q: '住户1234' })).total).toBe(1);
  });

  it('moves the live insight counters with every import, exactly as a recount from the tables would', async () => {
    const live = await snapshotCounters(t.deps.db);
    expect(Object.keys(live).length).toBeGreaterThan(0);
    await rebuildRollups(t.deps.db, t.deps.database.sqlite, null);
    expect(await snapshotCounters(t.deps.db)).toEqual(live);
  });

  it('reads .xlsx ledgers and places a household by its coordinates', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('台账');
    ws.addRow(['地址', '姓名', '身份证号', '与户主关系', '人口类型', '经度', '纬度']);
    ws.addRow([
      '营门滩路 99 号',
      '<script>alert(1)</script>',
      idNumber('19500101', 900),
      '户主',
      '常住',
      103.727,
      36.102,
    ]);
    const job = await upload({ name: 'ledger.xlsx', content: Buffer.from(await wb.xlsx.writeBuffer()) });
    expect(job).toMatchObject({ status: 'succeeded', imported: 1 });
    const found = (await staff.post('/api/v1/residents/search', { address: '营门滩路 99 号' })).json() as {
      items: { name: string; orgName: string }[];
    };
    expect(found.items[0]).toEqual(expect.objectContaining({ name: '<script>alert(1)</script>', orgName: '第2网格' }));
  });

  it('refuses files that are not ledgers with a clear reason and stores nothing', async () => {
    const before = await count();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect((await upload({ name: 'photo.csv', content: png })).error?.code).toBe('not_spreadsheet');
    expect((await upload({ name: 'header.csv', content: `${HEADER}\n` })).error?.code).toBe('no_rows');
    const missing = await upload({ name: 'missing.csv', content: '地址,电话\n营门滩路 1 号,13800000000\n' });
    expect(missing.error).toMatchObject({ code: 'missing_columns' });
    expect(missing.error!.message_zh).toContain('姓名');
    const huge = await upload({
      name: 'huge.csv',
      content: `${HEADER}\n营门滩社区,第1网格,${'长'.repeat(3000)},x,,,户主,户籍,\n`,
    });
    expect(huge.error?.code).toBe('cell_too_long');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('台账');
    ws.addRow(['地址', '姓名', '身份证号', '与户主关系', '人口类型']);
    ws.addRow([
      '营门滩路 1 号',
      { formula: 'CONCAT("张","三")', result: '张三' },
      idNumber('19500101', 901),
      '户主',
      '户籍',
    ]);
    expect(
      (await upload({ name: 'formula.xlsx', content: Buffer.from(await wb.xlsx.writeBuffer()) })).error?.code,
    ).toBe('formula');
    const zipBomb = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 0x41)]);
    expect((await upload({ name: 'bomb.xlsx', content: zipBomb })).error?.code).toBe('unreadable');
    expect(await count()).toBe(before);
  });

  it('never crashes on random rows: each row is imported or reported', async () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('', '男', '户主', '户籍', "'; drop table residents; --", '=1+1', '<b>x</b>', '19500101'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 9, maxLength: 9 }), { minLength: 1, maxLength: 8 }),
        async (rows) => {
          const csv = [HEADER, ...rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(','))].join('\n');
          const job = await upload({ name: 'random.csv', content: csv }, { mode: 'valid-rows' });
          expect(['succeeded', 'failed']).toContain(job.status);
          if (job.error === null) expect(job.imported + job.updated + job.skipped + job.rejected).toBe(job.rowsTotal);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('exports masked by default and neutralises formula-like cells; the export is audited', async () => {
    await staff.post('/api/v1/residents', {
      householdId: ((await staff.get('/api/v1/households?pageSize=1')).json() as { items: { id: string }[] }).items[0]!
        .id,
      name: '=HYPERLINK("x")',
      noIdReason: '外籍人员',
      gender: 'male',
      birthDate: '1960-01-01',
      relation: '非亲属',
      residenceType: 'floating',
    });
    const res = await staff.request('POST', '/api/v1/residents/export', { q: '居民1' });
    expect(res.statusCode).toBe(200);
    const rows = await readXlsx(res.rawPayload);
    expect(rows[0]).toContain('身份证号');
    expect(rows.slice(1).every((r) => r[3] === '' || r[3]!.includes('********'))).toBe(true);
    const unmasked = await readXlsx(
      (await staff.request('POST', '/api/v1/residents/export', { q: '居民1', isUnmasked: true })).rawPayload,
    );
    expect(unmasked.slice(1).some((r) => /^\d{17}[\dX]$/.test(r[3]!))).toBe(true);
    const formula = await readXlsx(
      (await staff.request('POST', '/api/v1/residents/export', { q: 'HYPERLINK' })).rawPayload,
    );
    expect(formula[1]![2]).toBe(`'=HYPERLINK("x")`);
    const audit = (await staff.get('/api/v1/audit?action=resident.export')).json() as {
      items: { detail: { isUnmasked: boolean } }[];
    };
    expect(audit.items.map((a) => a.detail.isUnmasked)).toEqual([false, true, false]);
  });
});

describe.each(DIALECTS)("a city's first load into an empty registry on %s", (dialect) => {
  let desk: Desk;
  const count = async () =>
    Number(
      (
        await desk.t.deps.db
          .selectFrom('residents')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    desk = await signInDesk(await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet }));
  });
  afterAll(() => desk.t.close());

  it('builds every index once at the end, the unique one too; a number twice in the file is still refused', async () => {
    expect(await count()).toBe(0);
    const before = await residentIndexes(desk.t, dialect);
    expect(before.map((i) => i.name)).toContain('residents_id_number');
    const rows = 12_000;
    const lines = [HEADER];
    for (let i = 0; i < rows; i++) {
      // row 7,002 (i = 7,000) repeats row 2's number (i = 0)
      const day = i === 7_000 ? 0 : i % 9_000;
      const birth = new Date(Date.UTC(1945, 0, 1) + day * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
      const seq = i === 7_000 ? 300 : 300 + Math.floor(i / 9_000);
      lines.push(
        `营门滩社区,,滩尖子路${Math.floor(i / 3)}号,住户${i},${idNumber(birth, seq)},,${i % 3 === 0 ? '户主' : '配偶'},户籍,${i % 50 === 0 ? '独居老人' : ''}`,
      );
    }
    const remembered = indexSetAside.fromRows;
    indexSetAside.fromRows = 10_000;
    try {
      const job = await uploadAs(
        desk,
        { name: 'city.csv', content: `${lines.join('\n')}\n` },
        { mode: 'valid-rows' },
        60_000,
      );
      expect(job).toMatchObject({ status: 'succeeded', imported: rows - 1, rejected: 1 });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(
        (await desk.staff.get(`/api/v1/residents/imports/${job.id}/report`)).rawPayload as unknown as ArrayBuffer,
      );
      const reported = wb.worksheets[0]!.getSheetValues()
        .slice(2)
        .map((r) => (r as ExcelJS.CellValue[]).slice(1, 4).map(String));
      expect(reported).toEqual([['7002', '身份证号', '与第 2 行的身份证号重复']]);
    } finally {
      indexSetAside.fromRows = remembered;
    }
    expect(await count()).toBe(rows - 1);
    // the same indexes as the schema has them, each built anew (set aside while the rows went in)
    const after = await residentIndexes(desk.t, dialect);
    expect(after.map(({ name, sql }) => ({ name, sql }))).toEqual(before.map(({ name, sql }) => ({ name, sql })));
    expect(after.filter((i) => !i.isKey).map((i) => i.name)).toContain('residents_id_number');
    // (keys stay — primary keys and the unique id, the foreign keys' targets; her care tags went in against them)
    const isKey = (index: { isKey: unknown }) => Boolean(index.isKey);
    for (const index of after.filter((i) => !isKey(i)))
      expect(index.built, index.name).not.toBe(before.find((b) => b.name === index.name)!.built);
    for (const index of after.filter(isKey))
      expect(index.built, index.name).toBe(before.find((b) => b.name === index.name)!.built);

    // and the unique one holds again: a number already registered is found, not added twice
    const again = await uploadAs(
      desk,
      { name: 'again.csv', content: `${[HEADER, lines[1]].join('\n')}\n` },
      { onDuplicate: 'skip' },
    );
    expect(again).toMatchObject({ status: 'succeeded', imported: 0, skipped: 1 });
    expect(await count()).toBe(rows - 1);
    const found = (await desk.staff.post('/api/v1/residents/search', { q: '住户1234' })).json() as { total: number };
    expect(found.total).toBe(1);
  });
});
