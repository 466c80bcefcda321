import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, TEST_PASSWORD, type TestContext, createTestContext } from '../../test/harness.ts';
import { multipartBody } from '../../test/http.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface ErrorBody {
  errors: { field: string; message_zh: string; message_en: string }[];
}

describe.each(DIALECTS)('duty list as a spreadsheet on %s', (dialect) => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await ctx.createUser({ username: 'dutyadmin', role: 'admin', orgCode: 'nation' });
    await ctx.createUser({ username: 'staff', role: 'community_staff', orgCode: '620105006010' });
  }, 120_000);
  afterAll(() => ctx.close());

  const headersOf = async (username: string) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: TEST_PASSWORD },
    });
    const session = res.cookies.find((c) => c.name === 'tz_session')!.value;
    return { cookie: `tz_session=${session}`, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
  };

  const exportList = async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/duties/export',
      headers: await headersOf('staff'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    return workbook;
  };

  const importList = async (workbook: ExcelJS.Workbook, username = 'dutyadmin'): Promise<LightMyRequestResponse> => {
    const data = Buffer.from(await workbook.xlsx.writeBuffer());
    const form = multipartBody({}, [{ field: 'file', fileName: '权责清单.xlsx', data, contentType: XLSX }]);
    return ctx.app.inject({
      method: 'POST',
      url: '/api/v1/duties/import',
      payload: form.payload,
      headers: { 'content-type': form.contentType, ...(await headersOf(username)) },
    });
  };

  const column = (sheet: ExcelJS.Worksheet, header: string) => {
    const values = sheet.getRow(1).values as ExcelJS.CellValue[];
    return values.findIndex((v) => v === header);
  };

  it('exports every current item with Chinese headers, and reads its own export back unchanged', async () => {
    const workbook = await exportList();
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('事项编码');
    const codes: string[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) codes.push(row.getCell(1).text);
    });
    const listed = (await (await ctx.login('staff')).get('/api/v1/duties')).json() as { items: { code: string }[] };
    expect(codes.sort()).toEqual(listed.items.map((i) => i.code).sort());
    const res = await importList(workbook);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 0, revised: 0, unchanged: codes.length });
  });

  it('revises an edited item as a new version and adds a new one', async () => {
    const workbook = await exportList();
    const sheet = workbook.worksheets[0]!;
    const resolveColumn = column(sheet, '办结时限（小时）');
    const row = sheet.getRow(2);
    const code = row.getCell(1).text;
    const hours = Number(row.getCell(resolveColumn).value);
    row.getCell(resolveColumn).value = hours + 24;
    const added = sheet.addRow([...(sheet.getRow(2).values as ExcelJS.CellValue[]).slice(1)]);
    added.getCell(1).value = 'ZZ-901';
    added.getCell(column(sheet, '事项名称')).value = '楼院公共照明损坏报修';
    const res = await importList(workbook);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 1, revised: 1 });
    const admin = await ctx.login('dutyadmin');
    const items = (await admin.get('/api/v1/duties')).json() as {
      items: { code: string; revision: number; resolveHours: number; name: string }[];
    };
    const revised = items.items.find((i) => i.code === code)!;
    expect(revised.resolveHours).toBe(hours + 24);
    expect(revised.revision).toBeGreaterThan(1);
    expect(items.items.find((i) => i.code === 'ZZ-901')?.name).toBe('楼院公共照明损坏报修');
  });

  it('refuses a file with bad rows, naming row and column, and changes nothing', async () => {
    const admin = await ctx.login('dutyadmin');
    const before = (await admin.get('/api/v1/duties')).json() as { items: unknown[] };
    const workbook = await exportList();
    const sheet = workbook.worksheets[0]!;
    sheet.getRow(3).getCell(column(sheet, '责任类型')).value = '随便什么';
    sheet.getRow(4).getCell(column(sheet, '签收时限（小时）')).value = -5;
    sheet.getRow(5).getCell(column(sheet, '事项名称')).value = '街巷路灯不亮';
    const res = await importList(workbook);
    expect(res.statusCode).toBe(400);
    const fields = (res.json() as ErrorBody).errors.map((e) => e.field);
    expect(fields).toContain('第3行.责任类型');
    expect(fields).toContain('第4行.签收时限（小时）');
    for (const e of (res.json() as ErrorBody).errors) {
      expect(e.message_zh.length).toBeGreaterThan(0);
      expect(e.message_en.length).toBeGreaterThan(0);
    }
    const after = (await admin.get('/api/v1/duties')).json() as { items: unknown[] };
    expect(after).toEqual(before);
  });

  it('refuses something that is not a workbook, and staff without the permission', async () => {
    const form = multipartBody({}, [
      { field: 'file', fileName: 'list.xlsx', data: Buffer.from('not a workbook at all'), contentType: XLSX },
    ]);
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/duties/import',
      payload: form.payload,
      headers: { 'content-type': form.contentType, ...(await headersOf('dutyadmin')) },
    });
    expect(res.statusCode).toBe(415);
    const denied = await importList(await exportList(), 'staff');
    expect(denied.statusCode).toBe(403);
  });
});
