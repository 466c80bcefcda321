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
      expect(JSON.parse(server.accepted[0]!.TemplateParam as string)).toMatchObject({ number: c.number });
    } finally {
      await server.close();
    }
  });
});
