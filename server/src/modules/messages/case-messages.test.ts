import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';
import { INSIDE_YINGMENTAN, setUpCaseWorld } from '../cases/fixture.ts';
import { AliyunSmsAdapter } from './adapters/aliyun.ts';
import { LogAdapter } from './adapters/log.ts';
import { MessageDispatcher } from './dispatcher.ts';
import { startAliyunServer } from './test-providers.ts';

const PHONE = '13900001111';

/** A case's progress reaches its reporter through the outbox: in the bell, and by SMS when she chose it. */
describe.each(DIALECTS)('case progress through the outbox on %s', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await setUpCaseWorld(ctx);
  });
  afterAll(() => ctx.close());

  it('tells the reporter her case was accepted, in-app and by SMS through Aliyun', async () => {
    const server = await startAliyunServer('case-secret');
    try {
      const resident = await ctx.login('resident');
      const me = await ctx.deps.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'resident')
        .executeTakeFirstOrThrow();
      await ctx.deps.db
        .updateTable('users')
        .set({ phone_enc: ctx.deps.pii.encrypt(PHONE) })
        .where('id', '=', me.id)
        .execute();
      expect(
        (
          await resident.request('PUT', '/api/v1/messages/preferences', {
            kinds: { 'case.progress': ['in_app', 'sms'] },
          })
        ).statusCode,
      ).toBe(200);

      const created = await resident.post('/api/v1/my/cases', {
        dutyCode: 'HJ-002',
        description: '楼下垃圾堆了一周没人清运',
        ...INSIDE_YINGMENTAN,
      });
      expect(created.statusCode, created.body).toBe(201);
      const c = (created.json() as { case: { id: string; number: string } }).case;
      const staff = await ctx.login('staff');
      const detail = (await staff.get(`/api/v1/cases/${c.id}`)).json() as { version: number };
      expect((await staff.post(`/api/v1/cases/${c.id}/accept`, { version: detail.version })).statusCode).toBe(200);

      const bell = (await resident.get('/api/v1/messages/mine')).json() as { items: { kind: string; title: string }[] };
      expect(bell.items[0]).toMatchObject({ kind: 'case.progress' });
      expect(bell.items[0]!.title).toContain(c.number);

      const aliyun = new AliyunSmsAdapter(
        {
          accessKeyId: 'id',
          accessKeySecret: 'case-secret',
          signName: '田字格',
          endpoint: server.url,
          regionId: 'cn-hangzhou',
          templates: { 'case.progress': 'SMS_9' },
        },
        ctx.clock,
      );
      const dispatcher = new MessageDispatcher(ctx.deps, { sms: aliyun, wechat: new LogAdapter('wechat', () => {}) });
      expect(await dispatcher.drain()).toBe(1);
      expect(server.accepted).toHaveLength(1);
      expect(server.accepted[0]).toMatchObject({ PhoneNumbers: PHONE, TemplateCode: 'SMS_9' });
      // the provider's Chinese template gets the state's Chinese name, not its code
      expect(JSON.parse(server.accepted[0]!.TemplateParam as string)).toEqual({
        number: c.number,
        state: '已签收',
      });
    } finally {
      await server.close();
    }
  });

  it('asks her to read a reply, and to rate her case once it is resolved, in her language', async () => {
    const resident = await ctx.login('resident');
    const created = await resident.post('/api/v1/my/cases', {
      dutyCode: 'WY-001',
      description: '楼道灯坏了好几天',
      ...INSIDE_YINGMENTAN,
    });
    expect(created.statusCode, created.body).toBe(201);
    const c = (created.json() as { case: { id: string; number: string } }).case;
    const staff = await ctx.login('staff');
    let version = ((await staff.get(`/api/v1/cases/${c.id}`)).json() as { version: number }).version;
    version = ((await staff.post(`/api/v1/cases/${c.id}/accept`, { version })).json() as { version: number }).version;
    const replied = await staff.post(`/api/v1/cases/${c.id}/replies`, { text: '请问是几号楼几单元？' });
    expect(replied.statusCode, replied.body).toBeLessThan(300);
    version = ((await staff.get(`/api/v1/cases/${c.id}`)).json() as { version: number }).version;
    const resolved = await staff.post(`/api/v1/cases/${c.id}/resolve`, { version, result: '已更换灯泡' });
    expect(resolved.statusCode, resolved.body).toBe(200);

    type Bell = { items: { kind: string; caseId: string | null; title: string; titleEn: string; isRead: boolean }[] };
    const bell = (await resident.get('/api/v1/messages/mine')).json() as Bell;
    const about = bell.items.filter((m) => m.caseId === c.id);
    expect(about.map((m) => m.kind)).toEqual(['case.rate_request', 'case.reply_request', 'case.progress']);
    expect(about[0]).toMatchObject({
      title: `诉求 ${c.number} 已办结，请您评价`,
      titleEn: `Case ${c.number} is resolved: please rate it`,
    });
    expect(about[2]!.titleEn).toBe(`Your case ${c.number} has moved on: Accepted`);

    // opening the bell marks them read
    const read = await resident.post('/api/v1/messages/mine/read', {});
    expect(read.statusCode, read.body).toBe(204);
    const after = (await resident.get('/api/v1/messages/mine')).json() as Bell & { unread: number };
    expect(after.unread).toBe(0);
  });
});
