import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellText } from '../../platform/spreadsheet.ts';
import { DIALECTS, TEST_PASSWORD, type TestContext, createTestContext } from '../../test/harness.ts';
import { multipartBody } from '../../test/http.ts';
import { INSIDE_YINGMENTAN, setUpCaseWorld } from './fixture.ts';
import { readHotlineWorkbook } from './hotline.ts';
import { HotlineTicket } from './schema.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe.each(DIALECTS)('12345 tickets back to the hotline on %s', (dialect) => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await setUpCaseWorld(ctx);
  }, 120_000);
  afterAll(() => ctx.close());

  /** Signs in as `username` and sends a raw request (a file upload or download). */
  const asUser = async (username: string) => {
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: TEST_PASSWORD },
    });
    const cookie = `tz_session=${login.cookies.find((c) => c.name === 'tz_session')!.value}`;
    const csrf = (login.json() as { csrfToken: string }).csrfToken;
    return {
      download: (url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie } }),
      upload: (data: Buffer) => {
        const form = multipartBody({}, [{ field: 'file', fileName: '回传.xlsx', data, contentType: XLSX }]);
        return ctx.app.inject({
          method: 'POST',
          url: '/api/v1/cases/hotline-imports',
          payload: form.payload,
          headers: { 'content-type': form.contentType, cookie, 'x-csrf-token': csrf },
        });
      },
    };
  };
  const rowsOf = async (data: Buffer) => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).map(cellText);
    const rows: Record<string, string>[] = [];
    for (let r = 2; r <= sheet.rowCount; r++) {
      const values = sheet.getRow(r).values as ExcelJS.CellValue[];
      const row: Record<string, string> = {};
      header.forEach((h, i) => {
        if (h !== '') row[h] = cellText(values[i]);
      });
      rows.push(row);
    }
    return rows;
  };

  it('exports the tickets of a period with reply, result and times in the import format, and importing the file again creates nothing', async () => {
    const street = await ctx.login('street');
    const staff = await ctx.login('staff');
    const received = new Date(ctx.clock.now().getTime() - 3_600_000).toISOString();
    const tickets = [
      {
        ticketNo: 'GS-20261128-0001',
        dutyCode: 'LL-002',
        description: '楼上夜间噪音扰民，联系人王女士 13912345678',
        priority: 'urgent',
        ...INSIDE_YINGMENTAN,
        contactName: '王女士',
        contactPhone: '13912345678',
        receivedAt: received,
      },
      {
        ticketNo: 'GS-20261128-0002',
        dutyCode: 'LL-002',
        description: '=HYPERLINK("http://evil.example","点此")',
        ...INSIDE_YINGMENTAN,
        contactName: '李先生',
        contactPhone: '13812345678',
        receivedAt: received,
      },
    ];
    const imported = await street.post('/api/v1/cases/hotline-imports', { tickets });
    expect(imported.statusCode, imported.body).toBe(200);
    const [first] = (imported.json() as { cases: { caseId: string }[] }).cases;
    const version = async () =>
      ((await staff.get(`/api/v1/cases/${first!.caseId}`)).json() as { version: number }).version;
    expect((await staff.post(`/api/v1/cases/${first!.caseId}/accept`, { version: await version() })).statusCode).toBe(
      200,
    );
    expect(
      (await staff.post(`/api/v1/cases/${first!.caseId}/replies`, { text: '王女士您好，已联系楼上住户' })).statusCode,
    ).toBe(200);
    const resolved = await staff.post(`/api/v1/cases/${first!.caseId}/resolve`, {
      version: await version(),
      result: '已上门调解，楼上承诺夜间不再搬动家具',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);

    const day = ctx.clock.now().toISOString().slice(0, 10);
    const streetFile = await asUser('street');
    const res = await streetFile.download(`/api/v1/cases/hotline-exports?from=${day}&to=${day}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX);
    const rows = await rowsOf(res.rawPayload);
    expect(rows.map((r) => r['工单号'])).toEqual(['GS-20261128-0001', 'GS-20261128-0002']);
    expect(rows[0]).toMatchObject({
      事项编码: 'LL-002',
      紧急程度: '紧急',
      状态: '已办结',
      答复: '***您好，已联系楼上住户',
      办结结果: '已上门调解，楼上承诺夜间不再搬动家具',
      办理单位: '营门滩社区',
    });
    expect(rows[0]!['签收时间']).toMatch(/\+08:00$/);
    expect(rows[0]!['办结时间']).toMatch(/\+08:00$/);
    // a formula-like cell reaches Excel as text
    expect(rows[1]!['诉求内容']).toBe(`'=HYPERLINK("http://evil.example","点此")`);
    // the caller's name and number are the hotline's: not in the file
    expect(JSON.stringify(rows)).not.toMatch(/李先生|13812345678/);

    // the file is read by the import's own reader, field for field
    const back = await readHotlineWorkbook(res.rawPayload);
    const parsed = back.tickets.map((t) => HotlineTicket.parse(t));
    expect(parsed[0]).toMatchObject({
      ticketNo: 'GS-20261128-0001',
      dutyCode: 'LL-002',
      priority: 'urgent',
      lng: INSIDE_YINGMENTAN.lng,
      lat: INSIDE_YINGMENTAN.lat,
    });
    expect(new Date(parsed[0]!.receivedAt!).toISOString()).toBe(received);
    // and importing it again creates nothing: every ticket is already a case
    const count = async () => (await ctx.deps.db.selectFrom('cases').select('id').execute()).length;
    const before = await count();
    const again = await streetFile.upload(res.rawPayload);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ created: 0, existing: 2 });
    expect(await count()).toBe(before);

    const audit = await ctx.deps.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'case.hotline_export')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it("gives another district's staff none of these tickets, and names a bad period", async () => {
    const day = ctx.clock.now().toISOString().slice(0, 10);
    const other = await asUser('otherstaff');
    const res = await other.download(`/api/v1/cases/hotline-exports?from=${day}&to=${day}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(await rowsOf(res.rawPayload)).toEqual([]);
    const street = await asUser('street');
    const backwards = await street.download(`/api/v1/cases/hotline-exports?from=${day}&to=2020-01-01`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toMatchObject({ errors: [{ field: 'to' }] });
    const resident = await asUser('resident');
    expect((await resident.download(`/api/v1/cases/hotline-exports?from=${day}&to=${day}`)).statusCode).toBe(403);
  });
});
