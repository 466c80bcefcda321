import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { setUpCaseWorld } from '../cases/fixture.ts';
import { DEMO_TEMPLATES } from '../../cli/demo-insights.ts';

const ALONE_TEMPLATE = DEMO_TEMPLATES[0]!;

async function readWorkbook(data: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  return wb.worksheets[0]!;
}

describe.each(DIALECTS)('reports (一表通) on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpCaseWorld>>;
  let street: Client;
  let secretary: Client;
  let staff: Client;
  let templateId: string;
  let rosterId: string;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpCaseWorld(ctx);
    street = await ctx.login('street');
    secretary = await ctx.login('secretary');
    staff = await ctx.login('staff');
    const h = await secretary.post('/api/v1/households', { orgId: world.grid.id, address: '营门滩路 8 号' });
    const householdId = h.json<{ id: string }>().id;
    const people = [
      { name: '王淑芬', birthDate: '1941-01-01', careTags: ['living_alone'], phone: '13800138001' },
      { name: '刘桂珍', birthDate: '1955-01-01', careTags: ['living_alone'], phone: '13800138002' },
      { name: '陈志强', birthDate: '1948-01-01', gender: 'male', careTags: ['living_alone'], phone: '13800138003' },
      { name: '周小红', birthDate: '1990-01-01', careTags: [], phone: '13800138004' },
    ];
    for (const p of people) {
      const res = await secretary.post('/api/v1/residents', {
        householdId,
        noIdReason: '外籍人员',
        gender: 'female',
        relation: '户主',
        residenceType: 'permanent',
        ...p,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const t = await street.post('/api/v1/report-templates', ALONE_TEMPLATE);
    expect(t.statusCode, t.body).toBe(201);
    templateId = t.json<{ id: string }>().id;
    const r = await street.post('/api/v1/report-templates/import', DEMO_TEMPLATES[2]);
    expect(r.statusCode, r.body).toBe(201);
    rosterId = r.json<{ id: string }>().id;
  }, 120_000);
  afterAll(() => ctx.close());

  it('names the problem of a bad template: unknown metric, a cycle, a personal-number filter without the right', async () => {
    const unknown = await street.post('/api/v1/report-templates', {
      ...ALONE_TEMPLATE,
      columns: [{ key: 'x', label: '某数', metric: 'residents.shoeSize' }],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ errors: { code: string; field: string }[] }>().errors[0]).toMatchObject({
      code: 'unknown_metric',
      field: 'columns.0.metric',
    });
    const cyclic = await street.post('/api/v1/report-templates', {
      ...ALONE_TEMPLATE,
      headerGroups: [],
      columns: [
        { key: 'a', label: 'A', derived: { op: 'sum', args: ['b'] } },
        { key: 'b', label: 'B', derived: { op: 'sum', args: ['a'] } },
      ],
    });
    expect(cyclic.statusCode).toBe(400);
    const err = cyclic.json<{ errors: { code: string; message_zh: string }[] }>().errors[0]!;
    expect(err.code).toBe('cyclic_reference');
    expect(err.message_zh).toContain('a → b → a');
    const forbidden = await street.post('/api/v1/report-templates', {
      name: '按身份证号筛选',
      title: '名单',
      rowKind: 'roster',
      filter: { idNumberPrefix: '620105' },
      fields: ['name'],
    });
    expect(forbidden.statusCode).toBe(400);
    expect(forbidden.json<{ errors: { code: string; field: string }[] }>().errors[0]).toMatchObject({
      code: 'forbidden_field',
      field: 'filter.idNumberPrefix',
    });
    const notAllowed = await street.post('/api/v1/report-templates', {
      ...ALONE_TEMPLATE,
      headerGroups: [],
      columns: [{ key: 'h', label: '户数', metric: 'households.count', filter: { ageMin: 80 } }],
    });
    expect(notAllowed.json<{ errors: { code: string }[] }>().errors[0]!.code).toBe('filter_not_allowed');
    const versions = await street.request('PUT', `/api/v1/report-templates/${templateId}`, ALONE_TEMPLATE);
    expect(versions.json<{ version: number }>().version).toBe(2);
  });

  it('generates "elderly living alone by community" as an official .xlsx with merged headers, totals and no typed cells', async () => {
    const res = await street.post('/api/v1/reports', { templateId, orgId: world.community.id, period: '2026-11' });
    expect(res.statusCode, res.body).toBe(201);
    const report = res.json<{
      id: string;
      filledCells: number;
      typedCells: number;
      rows: number;
      downloadUrl: string;
    }>();
    expect(report.rows).toBe(1);
    expect(report.typedCells).toBe(0);
    expect(report.filledCells).toBe(6);
    const file = await street.get(report.downloadUrl);
    expect(file.statusCode).toBe(200);
    const ws = await readWorkbook(file.rawPayload);
    expect(ws.getCell('A1').value).toBe('独居老人分社区统计表');
    expect(ws.getCell('A2').text).toContain('营门滩社区');
    const merges = (ws.model as unknown as { merges: string[] }).merges;
    expect(merges).toContain('A1:H1');
    expect(merges).toContain('E3:G3'); // 独居老人 over its three columns
    expect(merges).toContain('A3:A4');
    expect(ws.getCell('E3').value).toBe('独居老人');
    expect(ws.getCell('E4').value).toBe('合计（人）');
    const row = ws.getRow(5).values as unknown[];
    // 序号, 名称, residents, 60+, alone, alone 80+, alone female, share
    expect(row.slice(1, 8)).toEqual([1, '营门滩社区', 4, 3, 3, 1, 2]);
    expect(ws.getRow(5).getCell(8).value).toBe(1);
    expect(ws.getRow(6).getCell(1).value).toBe('合计');
    expect(ws.getRow(6).getCell(5).value).toBe(3);
  });

  it('lists a street by community, and 404s a unit out of scope', async () => {
    const streetUnit = await ctx.org(CODES.yinTanLuStreet);
    const res = await street.post('/api/v1/reports', { templateId, orgId: streetUnit.id, period: '2026-11' });
    expect(res.statusCode, res.body).toBe(201);
    const rows = res.json<{ rows: number; preview: { totals: unknown[] } }>();
    expect(rows.rows).toBeGreaterThan(1);
    expect(rows.preview.totals[4]).toBe(3);
    const other = await ctx.org(CODES.shanZiShi);
    const out = await staff.post('/api/v1/reports', { templateId, orgId: other.id, period: '2026-11' });
    expect(out.statusCode).toBe(404);
    const generated = await staff.get(`/api/v1/reports/${res.json<{ id: string }>().id}`);
    expect(generated.statusCode).toBe(404);
  });

  it('masks phone numbers in a roster, and audits an unmasked export by a holder of pii.reveal', async () => {
    const masked = await staff.post('/api/v1/reports', {
      templateId: rosterId,
      orgId: world.community.id,
      period: '2026-11',
    });
    expect(masked.statusCode, masked.body).toBe(201);
    const ws = await readWorkbook((await staff.get(masked.json<{ downloadUrl: string }>().downloadUrl)).rawPayload);
    // only 王淑芬 (born 1941) is 80 or over in 2026
    expect(ws.getCell('A3').value).toBe('序号');
    expect(ws.getRow(4).getCell(2).value).toBe('王淑芬');
    expect(ws.getRow(4).getCell(8).text).toBe('138****8001');
    expect(ws.getRow(5).getCell(1).value).toBe('合计 1 人');
    const refused = await staff.post('/api/v1/reports', {
      templateId: rosterId,
      orgId: world.community.id,
      period: '2026-11',
      reveal: { reason: '上门发放慰问金需核对电话' },
    });
    expect(refused.statusCode).toBe(403);
    const open = await secretary.post('/api/v1/reports', {
      templateId: rosterId,
      orgId: world.community.id,
      period: '2026-11',
      reveal: { reason: '上门发放慰问金需核对电话' },
    });
    expect(open.statusCode, open.body).toBe(201);
    const wsOpen = await readWorkbook(
      (await secretary.get(open.json<{ downloadUrl: string }>().downloadUrl)).rawPayload,
    );
    expect(wsOpen.getRow(4).getCell(8).text).toBe('13800138001');
    const stored = await ctx.deps.db
      .selectFrom('reports')
      .select('file')
      .where('id', '=', open.json<{ id: string }>().id)
      .executeTakeFirstOrThrow();
    expect(Buffer.from(stored.file, 'base64').subarray(0, 2).toString()).not.toBe('PK');
    const staffDownload = await staff.get(open.json<{ downloadUrl: string }>().downloadUrl);
    expect(staffDownload.statusCode).toBe(403);
    const audit = await ctx.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'in', ['report.export.unmasked', 'report.download.unmasked'])
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['report.download.unmasked', 'report.export.unmasked']);
  });

  it('never answers a template with a 500, whatever the input', async () => {
    const column = fc.oneof(
      fc.record({
        key: fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.string()),
        label: fc.string({ maxLength: 5 }),
        metric: fc.oneof(fc.constantFrom('residents.count', 'cases.received', 'nope'), fc.string()),
        filter: fc.option(
          fc.record(
            {
              ageMin: fc.integer({ min: -5, max: 200 }),
              ageMax: fc.integer({ min: -5, max: 200 }),
              careTag: fc.constantFrom('living_alone', 'over_80', 'x'),
              dutyItemCode: fc.constantFrom('YL-002', 'ZZ-999'),
              gender: fc.constantFrom('male', 'x'),
            },
            { requiredKeys: [] },
          ),
          { nil: undefined },
        ),
      }),
      fc.record({
        key: fc.constantFrom('a', 'b', 'c'),
        label: fc.constant('D'),
        derived: fc.record({
          op: fc.constantFrom('sum', 'ratio', 'bad'),
          args: fc.array(fc.constantFrom('a', 'b', 'c', 'z'), { maxLength: 3 }),
        }),
      }),
      fc.record({ key: fc.constantFrom('a', 'b', 'c'), label: fc.constant('M'), manual: fc.constant(true) }),
      fc.anything(),
    );
    const template = fc.record(
      {
        name: fc.string({ maxLength: 8 }),
        title: fc.string({ maxLength: 8 }),
        rowKind: fc.constantFrom('units', 'roster', 'x'),
        rowLevel: fc.constantFrom('community', 'grid', 'province'),
        columns: fc.array(column, { maxLength: 4 }),
        headerGroups: fc.array(
          fc.record({ label: fc.constant('G'), from: fc.constantFrom('a', 'b', 'q'), to: fc.constantFrom('a', 'c') }),
          {
            maxLength: 2,
          },
        ),
        filter: fc.object({ maxDepth: 1 }),
        fields: fc.array(fc.constantFrom('name', 'phone', 'idNumber', 'shoe'), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(template, async (body) => {
        const res = await street.post('/api/v1/report-templates', body);
        expect(res.statusCode, res.body).toBeLessThan(500);
        if (res.statusCode === 201) {
          const gen = await street.post('/api/v1/reports', {
            templateId: res.json<{ id: string }>().id,
            orgId: world.community.id,
            period: '2026-11',
          });
          expect(gen.statusCode, gen.body).toBeLessThan(500);
        }
      }),
      { numRuns: dialect === 'sqlite' ? 150 : 50 },
    );
  }, 120_000);
});
