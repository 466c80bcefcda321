import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, TEST_PASSWORD, type TestContext, createTestContext } from '../../test/harness.ts';
import { multipartBody } from '../../test/http.ts';
import { setUpCaseWorld } from './fixture.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADERS = ['工单号', '事项编码', '诉求内容', '紧急程度', '经度', '纬度', '联系人', '联系电话', '受理时间'];

/** A 12345 export as the hotline system writes it: one ticket per row. */
async function hotlineWorkbook(rows: (string | number)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('工单');
  sheet.addRow(HEADERS);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe.each(DIALECTS)('12345 hotline tickets from a spreadsheet on %s', (dialect) => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await setUpCaseWorld(ctx);
  }, 120_000);
  afterAll(() => ctx.close());

  const upload = async (data: Buffer) => {
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'street', password: TEST_PASSWORD },
    });
    const session = login.cookies.find((c) => c.name === 'tz_session')!.value;
    const form = multipartBody({}, [{ field: 'file', fileName: '12345工单.xlsx', data, contentType: XLSX }]);
    return ctx.app.inject({
      method: 'POST',
      url: '/api/v1/cases/hotline-imports',
      payload: form.payload,
      headers: {
        'content-type': form.contentType,
        cookie: `tz_session=${session}`,
        'x-csrf-token': (login.json() as { csrfToken: string }).csrfToken,
      },
    });
  };
  const countCases = async () => (await ctx.deps.db.selectFrom('cases').select('id').execute()).length;
  const received = new Date(Date.now() - 3_600_000).toISOString();

  it('opens one case per ticket, routed by item and place, and a re-sent file creates nothing', async () => {
    const file = await hotlineWorkbook([
      ['H2026-0001', 'LL-002', '楼上夜间噪音扰民', '一般', 103.72, 36.1, '王女士', '13912345678', received],
      ['H2026-0002', 'JY-001', '孩子入学报名遇到困难', '紧急', 103.7235, 36.1035, '李先生', '13812345678', received],
    ]);
    const first = await upload(file);
    expect(first.statusCode, first.body).toBe(200);
    const body = first.json() as { created: number; cases: { ticketNo: string; caseId: string }[] };
    expect(body.created).toBe(2);
    const street = await ctx.login('street');
    const school = (await street.get(`/api/v1/cases/${body.cases[1]!.caseId}`)).json() as {
      handlerName: string;
      priority: string;
      channel: string;
      contactPhone: string;
    };
    expect(school.handlerName).toContain('教育局');
    expect(school.priority).toBe('urgent');
    expect(school.channel).toBe('hotline');
    expect(school.contactPhone).toBe('138****5678');
    const before = await countCases();
    const again = await upload(file);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: 0, existing: 2 });
    expect(await countCases()).toBe(before);
  });

  it('refuses the whole file when one ticket is bad, naming it, and stores nothing', async () => {
    const before = await countCases();
    const res = await upload(
      await hotlineWorkbook([
        ['H2026-0101', 'LL-002', '小区广场舞噪音', '一般', 103.72, 36.1, '赵女士', '13700000000', received],
        ['H2026-0102', 'XX-999', '不存在的事项', '一般', 103.72, 36.1, '钱先生', '13700000001', received],
        ['H2026-0103', 'LL-002', '', '一般', 0, 0, '孙先生', '13700000002', received],
      ]),
    );
    expect(res.statusCode).toBe(400);
    const errors = (res.json() as { errors: { field: string; message_zh: string }[] }).errors;
    // the unknown item of row 3 and the empty description of row 4 are both named, by their Excel rows
    expect(errors.some((e) => e.field.startsWith('第3行.') && e.field.includes('dutyCode'))).toBe(true);
    expect(errors.some((e) => e.field.startsWith('第4行.'))).toBe(true);
    expect(errors.every((e) => e.message_zh.length > 0)).toBe(true);
    expect(await countCases()).toBe(before);
  });
});
