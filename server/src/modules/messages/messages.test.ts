import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { AliyunSmsAdapter } from './adapters/aliyun.ts';
import { LogAdapter } from './adapters/log.ts';
import { MessageDispatcher } from './dispatcher.ts';
import { enqueueMessage } from './outbox.ts';
import { TencentSmsAdapter } from './adapters/tencent.ts';
import { startAliyunServer, startTencentServer } from './test-providers.ts';

const PHONE = '13812345678';
const HOUR = 3_600_000;

/**
 * The outbox: a message commits with its event or not at all; in-app is delivered at once, SMS waits
 * out quiet hours; throttled sends retry with backoff then park; a restart or a second dispatcher
 * sends each message exactly once; the bell, preferences and delivery status over HTTP.
 */
describe.each(DIALECTS)('messages on %s', (dialect) => {
  let ctx: TestContext;
  let residentId: string;
  // sessions time out as the clock moves on: each request signs in afresh
  const resident = {
    get: async (u: string) => (await ctx.login('resident')).get(u),
    post: async (u: string) => (await ctx.login('resident')).post(u),
    request: async (m: string, u: string, b?: unknown) => (await ctx.login('resident')).request(m, u, b),
  } as Client;
  const staff = {
    get: async (u: string) => (await ctx.login('staff')).get(u),
    post: async (u: string) => (await ctx.login('staff')).post(u),
  } as Client;
  const outsider = { get: async (u: string) => (await ctx.login('outsider')).get(u) } as Client;
  let sms: LogAdapter;
  let wechat: LogAdapter;
  const dispatcher = (options: ConstructorParameters<typeof MessageDispatcher>[2] = {}) =>
    new MessageDispatcher(ctx.deps, { sms, wechat }, { random: () => 0.5, ...options });
  const statusOf = async (id: string) =>
    ctx.deps.db.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    residentId = (
      await ctx.createUser({ username: 'resident', role: 'resident', orgCode: CODES.yingMenTan, phone: PHONE })
    ).id;
    await ctx.createUser({ username: 'staff', role: 'community_staff', orgCode: CODES.yingMenTan });
    await ctx.createUser({ username: 'outsider', role: 'street', orgCode: CODES.zhangYeLuStreet });
    sms = new LogAdapter('sms', () => {}, 1000);
    wechat = new LogAdapter('wechat', () => {});
  });
  afterAll(() => ctx.close());

  it('sends nothing for a message whose transaction rolled back', async () => {
    await expect(
      ctx.deps.db.transaction().execute(async (trx) => {
        await enqueueMessage(trx, {
          now: ctx.clock.now(),
          kind: 'auth.sms_code',
          recipientUserId: null,
          phoneEnc: ctx.deps.pii.encrypt(PHONE),
          params: { code: '111111', minutes: '5' },
        });
        throw new Error('the event failed');
      }),
    ).rejects.toThrow('the event failed');
    expect(await dispatcher().drain()).toBe(0);
    expect(sms.recent).toHaveLength(0);
    const rows = await ctx.deps.db.selectFrom('outbox_messages').select('id').execute();
    expect(rows).toHaveLength(0);
  });

  it('delivers in-app at once but holds SMS until quiet hours end; an urgent code goes at once', async () => {
    // 23:00 in Shanghai
    ctx.clock.set(new Date('2026-11-28T15:00:00.000Z'));
    const put = await resident.request('PUT', '/api/v1/messages/preferences', {
      kinds: { 'case.progress': ['in_app', 'sms'] },
    });
    expect(put.statusCode, put.body).toBe(200);
    const ids = await ctx.deps.db.transaction().execute((trx) =>
      enqueueMessage(trx, {
        now: ctx.clock.now(),
        kind: 'case.progress',
        recipientUserId: residentId,
        params: { number: 'YMT-1', state: '已受理' },
      }),
    );
    expect(ids).toHaveLength(2);
    const bell = (await resident.get('/api/v1/messages/mine')).json() as { items: { title: string }[]; unread: number };
    expect(bell.items[0]!.title).toBe('您反映的诉求 YMT-1 有新进展：已受理');
    expect(bell.unread).toBe(1);

    await enqueueMessage(ctx.deps.db, {
      now: ctx.clock.now(),
      kind: 'auth.sms_code',
      recipientUserId: residentId,
      params: { code: '424242', minutes: '5' },
    });
    expect(await dispatcher().drain()).toBe(1);
    expect(sms.recent.map((m) => m.kind)).toEqual(['auth.sms_code']);
    expect(sms.recent[0]!.to).toBe(PHONE);

    ctx.clock.set(new Date('2026-11-28T23:59:00.000Z')); // 07:59
    expect(await dispatcher().drain()).toBe(0);
    ctx.clock.set(new Date('2026-11-29T00:00:00.000Z')); // 08:00
    expect(await dispatcher().drain()).toBe(1);
    expect(sms.recent.at(-1)).toMatchObject({ kind: 'case.progress', to: PHONE });
    const rows = await Promise.all(ids.map(statusOf));
    expect(rows.map((r) => [r.channel, r.status]).sort()).toEqual([
      ['in_app', 'sent'],
      ['sms', 'sent'],
    ]);
  });

  it('retries a throttled SMS with growing delays, then parks it; a permanent refusal fails at once', async () => {
    const server = await startAliyunServer('s3cret');
    try {
      server.fallback = { status: 200, Code: 'isv.BUSINESS_LIMIT_CONTROL' };
      const aliyun = new AliyunSmsAdapter(
        {
          accessKeyId: 'id',
          accessKeySecret: 's3cret',
          signName: '田字格',
          endpoint: server.url,
          regionId: 'cn-hangzhou',
          templates: { 'auth.sms_code': 'SMS_1', 'case.progress': 'SMS_2' },
        },
        ctx.clock,
      );
      const d = new MessageDispatcher(
        ctx.deps,
        { sms: aliyun, wechat },
        { maxAttempts: 3, baseDelayMs: 30_000, random: () => 0.5 },
      );
      ctx.clock.set(new Date('2026-11-29T02:00:00.000Z')); // 10:00 in Shanghai
      const [id] = await enqueueMessage(ctx.deps.db, {
        now: ctx.clock.now(),
        kind: 'auth.sms_code',
        recipientUserId: residentId,
        params: { code: '1', minutes: '5' },
      });
      expect(await d.drain()).toBe(1);
      let row = await statusOf(id!);
      expect(row).toMatchObject({ status: 'queued', attempts: 1, last_error: 'aliyun isv.BUSINESS_LIMIT_CONTROL' });
      expect(Date.parse(row.next_attempt_at) - ctx.clock.now().getTime()).toBe(30_000);
      expect(await d.drain()).toBe(0); // not due yet
      ctx.clock.advance(30_000);
      expect(await d.drain()).toBe(1);
      row = await statusOf(id!);
      expect(Date.parse(row.next_attempt_at) - ctx.clock.now().getTime()).toBe(60_000);
      ctx.clock.advance(60_000);
      expect(await d.drain()).toBe(1);
      row = await statusOf(id!);
      expect(row).toMatchObject({ status: 'parked', attempts: 3 });
      // a parked code is erased as a sent one is
      expect(JSON.parse(row.payload)).toEqual({ params: {}, isErased: true });
      ctx.clock.advance(HOUR);
      expect(await d.drain()).toBe(0);
      expect(server.accepted).toHaveLength(3);
      expect(row.last_error).not.toContain(PHONE);

      server.script.push({ status: 200, Code: 'isv.MOBILE_NUMBER_ILLEGAL' });
      const [bad] = await enqueueMessage(ctx.deps.db, {
        now: ctx.clock.now(),
        kind: 'auth.sms_code',
        recipientUserId: residentId,
        params: { code: '2', minutes: '5' },
      });
      expect(await d.drain()).toBe(1);
      expect(await statusOf(bad!)).toMatchObject({
        status: 'failed',
        attempts: 1,
        last_error: 'aliyun isv.MOBILE_NUMBER_ILLEGAL',
      });
    } finally {
      await server.close();
    }
  });

  it('sends what a stopped dispatcher left queued once, after a restart, and reclaims a send cut off midway', async () => {
    ctx.clock.set(new Date('2026-11-29T03:00:00.000Z'));
    const before = sms.recent.length;
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push(
        ...(await enqueueMessage(ctx.deps.db, {
          now: ctx.clock.now(),
          kind: 'auth.sms_code',
          recipientUserId: residentId,
          params: { code: `r${i}`, minutes: '5' },
        })),
      );
    }
    expect(await dispatcher({ batchSize: 10 }).runOnce()).toBe(10); // then the process stops
    // a dispatcher that died between claiming and recording: the row stays `sending`
    await ctx.deps.db
      .updateTable('outbox_messages')
      .set({ status: 'sending', claim_token: 'dead', claimed_at: ctx.clock.now().toISOString() })
      .where('id', '=', ids[29]!)
      .execute();
    expect(await dispatcher({ batchSize: 10 }).drain()).toBe(19);
    ctx.clock.advance(5 * 60_000 + 1);
    expect(await dispatcher({ batchSize: 10 }).drain()).toBe(1);
    const codes = sms.recent.slice(before).map((m) => m.params.code);
    expect(codes).toHaveLength(30);
    expect(new Set(codes).size).toBe(30);
  });

  it('two dispatchers draining at once send every message exactly once', async () => {
    const before = sms.recent.length;
    for (let i = 0; i < 120; i++) {
      await enqueueMessage(ctx.deps.db, {
        now: ctx.clock.now(),
        kind: 'auth.sms_code',
        recipientUserId: residentId,
        params: { code: `c${i}`, minutes: '5' },
      });
    }
    const [a, b] = await Promise.all([dispatcher({ batchSize: 7 }).drain(), dispatcher({ batchSize: 7 }).drain()]);
    expect(a + b).toBe(120);
    const codes = sms.recent.slice(before).map((m) => m.params.code);
    expect(codes).toHaveLength(120);
    expect(new Set(codes).size).toBe(120);
  });

  it('pages the bell and marks a message read; another person’s message is 404', async () => {
    for (let i = 0; i < 3; i++) {
      await enqueueMessage(ctx.deps.db, {
        now: ctx.clock.now(),
        kind: 'case.rate_request',
        recipientUserId: residentId,
        params: { number: `N-${i}` },
      });
    }
    const page1 = (await resident.get('/api/v1/messages/mine?pageSize=2')).json() as {
      items: { id: string; title: string; isRead: boolean }[];
      hasMore: boolean;
      unread: number;
    };
    expect(page1.items.map((m) => m.title)).toEqual(['诉求 N-2 已办结，请您评价', '诉求 N-1 已办结，请您评价']);
    expect(page1.hasMore).toBe(true);
    const unread = page1.unread;
    expect((await resident.post(`/api/v1/messages/mine/${page1.items[0]!.id}/read`)).statusCode).toBe(204);
    const after = (await resident.get('/api/v1/messages/mine?pageSize=2')).json() as {
      unread: number;
      items: { isRead: boolean }[];
    };
    expect(after.unread).toBe(unread - 1);
    expect(after.items[0]!.isRead).toBe(true);
    const theirs = await staff.post(`/api/v1/messages/mine/${page1.items[1]!.id}/read`);
    expect(theirs.statusCode).toBe(404);
    expect((await staff.get('/api/v1/messages/mine')).json()).toMatchObject({ items: [], unread: 0 });
  });

  it('keeps preferences and quiet hours, and refuses bad ones naming the field in zh and en', async () => {
    const put = await resident.request('PUT', '/api/v1/messages/preferences', {
      kinds: { 'case.rate_request': ['wechat'] },
      quietHours: { start: '21:30', end: '07:00' },
    });
    expect(put.statusCode).toBe(200);
    const prefs = (await resident.get('/api/v1/messages/preferences')).json() as {
      kinds: { kind: string; channels: string[] }[];
      quietHours: { start: string; end: string } | null;
    };
    expect(prefs.kinds.find((k) => k.kind === 'case.rate_request')!.channels).toEqual(['wechat']);
    expect(prefs.quietHours).toEqual({ start: '21:30', end: '07:00' });

    const cases: [unknown, string][] = [
      [{ kinds: { 'case.nothing': ['sms'] } }, 'kinds'],
      [{ kinds: { 'case.progress': ['fax'] } }, 'kinds.case.progress.0'],
      [{ kinds: { 'auth.sms_code': ['in_app'] } }, 'kinds.auth.sms_code'],
      [{ kinds: { 'case.progress': ['sms', 'sms'] } }, 'kinds.case.progress'],
      [{ quietHours: { start: '25:00', end: '07:00' } }, 'quietHours.start'],
      [{ quietHours: { start: '07:00', end: '07:00' } }, 'quietHours.end'],
      [{}, 'kinds'],
      [{ colour: 'red' }, ''],
    ];
    for (const [body, field] of cases) {
      const res = await resident.request('PUT', '/api/v1/messages/preferences', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      const error = res.json() as { errors: { field: string; message_zh: string; message_en: string }[] };
      expect(error.errors.length).toBeGreaterThan(0);
      if (field !== '') expect(error.errors.map((e) => e.field).join('|'), JSON.stringify(body)).toContain(field);
      expect(error.errors[0]!.message_zh).toMatch(/[\u4e00-\u9fff]/);
      expect(error.errors[0]!.message_en.length).toBeGreaterThan(0);
    }
    expect((await resident.get('/api/v1/messages/mine?pageSize=0')).statusCode).toBe(400);
    expect((await resident.post('/api/v1/messages/mine/not-a-uuid/read')).statusCode).toBe(400);
  });

  it('sends a sign-up code to a number with no account, by the log adapter, Aliyun and Tencent, then erases it', async () => {
    const clerk = await ctx.createUser({
      username: 'clerk',
      role: 'community_staff',
      orgCode: CODES.yingMenTan,
      phone: '13700002222',
    });
    ctx.clock.set(new Date('2026-11-30T02:00:00.000Z')); // 10:00 in Shanghai
    await enqueueMessage(ctx.deps.db, {
      now: ctx.clock.now(),
      kind: 'case.progress',
      recipientUserId: clerk.id,
      channels: ['sms'],
      params: { number: 'YMT-9', state: 'accepted' },
    });
    const SIGNUP = '13600001234';
    // as the sign-up helper does: no account yet, the number given encrypted, SMS only
    const enqueueCode = (code: string) =>
      ctx.deps.db.transaction().execute((trx) =>
        enqueueMessage(trx, {
          now: ctx.clock.now(),
          kind: 'auth.sms_code',
          recipientUserId: null,
          phoneEnc: ctx.deps.pii.encrypt(SIGNUP),
          channels: ['sms'],
          params: { code, minutes: '5' },
        }),
      );
    const [viaLog] = await enqueueCode('731904');
    expect((await statusOf(viaLog!)).payload).toContain('731904');
    const lines: string[] = [];
    const logSms = new LogAdapter('sms', (line) => lines.push(line), 10);
    await new MessageDispatcher(ctx.deps, { sms: logSms, wechat }).drain();
    // the laptop demo reads the code from the log, the number masked
    expect(lines.find((l) => l.includes('auth.sms_code'))).toContain('731904');
    expect(lines.join('\n')).not.toContain(SIGNUP);
    expect(logSms.recent.find((m) => m.kind === 'auth.sms_code')).toMatchObject({ to: SIGNUP });
    // the case progress went in Chinese words, not as a state code
    expect(logSms.recent.find((m) => m.kind === 'case.progress')!.text).toBe('您反映的诉求 YMT-9 有新进展：已签收');
    const sent = await statusOf(viaLog!);
    expect(sent.status).toBe('sent');
    expect(sent.payload).not.toContain('731904');

    const aliyunServer = await startAliyunServer('signup-secret');
    const tencentServer = await startTencentServer('AKID-signup', 'tc-secret');
    try {
      const aliyun = new AliyunSmsAdapter(
        {
          accessKeyId: 'id',
          accessKeySecret: 'signup-secret',
          signName: '田字格',
          endpoint: aliyunServer.url,
          regionId: 'cn-hangzhou',
          templates: { 'auth.sms_code': 'SMS_1' },
        },
        ctx.clock,
      );
      const [viaAliyun] = await enqueueCode('580112');
      await new MessageDispatcher(ctx.deps, { sms: aliyun, wechat }).drain();
      expect(aliyunServer.accepted).toHaveLength(1);
      expect(aliyunServer.accepted[0]).toMatchObject({ PhoneNumbers: SIGNUP, TemplateCode: 'SMS_1' });
      expect(JSON.parse(aliyunServer.accepted[0]!.TemplateParam as string)).toEqual({ code: '580112', minutes: '5' });
      expect(await statusOf(viaAliyun!)).toMatchObject({ status: 'sent' });
      expect((await statusOf(viaAliyun!)).payload).not.toContain('580112');

      const tencent = new TencentSmsAdapter(
        {
          secretId: 'AKID-signup',
          secretKey: 'tc-secret',
          sdkAppId: '1400000000',
          signName: '田字格',
          region: 'ap-guangzhou',
          endpoint: tencentServer.url,
          templates: { 'auth.sms_code': { id: '100', params: ['code', 'minutes'] } },
        },
        ctx.clock,
      );
      const [viaTencent] = await enqueueCode('264531');
      await new MessageDispatcher(ctx.deps, { sms: tencent, wechat }).drain();
      expect(tencentServer.accepted).toHaveLength(1);
      expect(tencentServer.accepted[0]).toMatchObject({
        PhoneNumberSet: ['+86' + SIGNUP],
        TemplateParamSet: ['264531', '5'],
      });
      expect(await statusOf(viaTencent!)).toMatchObject({ status: 'sent' });
      expect((await statusOf(viaTencent!)).payload).not.toContain('264531');
    } finally {
      await aliyunServer.close();
      await tencentServer.close();
    }
    // no code is left anywhere in the outbox, and none is listed in a bell
    const left = await ctx.deps.db
      .selectFrom('outbox_messages')
      .select('payload')
      .where('kind', '=', 'auth.sms_code')
      .execute();
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((r) => !/\d{4,}/.test(r.payload))).toBe(true);
    expect(
      (await resident.get('/api/v1/messages/mine?pageSize=100'))
        .json<{ items: { kind: string }[] }>()
        .items.map((m) => m.kind),
    ).not.toContain('auth.sms_code');
  });

  it('shows staff the delivery status of messages to people in their scope, never the text or number', async () => {
    const list = await staff.get('/api/v1/messages/deliveries?channel=sms&pageSize=100');
    expect(list.statusCode).toBe(200);
    const body = list.json() as { items: { recipientUserId: string; status: string; lastError: string | null }[] };
    expect(body.items.length).toBeGreaterThan(0);
    // everyone they were sent to is homed in 营门滩 (the resident, the clerk)
    const clerkId = (
      await ctx.deps.db.selectFrom('users').select('id').where('username', '=', 'clerk').executeTakeFirstOrThrow()
    ).id;
    expect(body.items.every((d) => d.recipientUserId === residentId || d.recipientUserId === clerkId)).toBe(true);
    const parked = (await staff.get('/api/v1/messages/deliveries?status=parked')).json() as typeof body;
    expect(parked.items).toMatchObject([{ status: 'parked', lastError: 'aliyun isv.BUSINESS_LIMIT_CONTROL' }]);
    expect(list.body).not.toContain(PHONE);
    expect(list.body).not.toContain('424242');

    const theirs = (await outsider.get('/api/v1/messages/deliveries')).json() as { items: unknown[] };
    expect(theirs.items).toHaveLength(0);
    const ymt = await ctx.org(CODES.yingMenTan);
    expect((await outsider.get(`/api/v1/messages/deliveries?orgId=${ymt.id}`)).statusCode).toBe(404);
    expect((await resident.get('/api/v1/messages/deliveries')).statusCode).toBe(403);
  });

  it('holds SMS for her own quiet hours, not the default, and for none once she turns them off', async () => {
    const prefs = '/api/v1/messages/preferences';
    expect((await resident.request('PUT', prefs, { kinds: { 'case.progress': ['sms'] } })).statusCode).toBe(200);
    const enqueue = async (number: string) =>
      (
        await enqueueMessage(ctx.deps.db, {
          now: ctx.clock.now(),
          kind: 'case.progress',
          recipientUserId: residentId,
          params: { number, state: '办理中' },
        })
      )[0]!;
    const before = sms.recent.length;
    // her hours are 21:30–07:00 (set above): at 07:30 it leaves at once, where the default would hold it to 08:00
    ctx.clock.set(new Date('2026-12-01T23:30:00.000Z'));
    const early = await enqueue('Q-early');
    expect((await statusOf(early)).next_attempt_at).toBe('2026-12-01T23:30:00.000Z');
    ctx.clock.set(new Date('2026-12-02T15:00:00.000Z')); // 23:00
    const late = await enqueue('Q-late');
    expect((await statusOf(late)).next_attempt_at).toBe('2026-12-02T23:00:00.000Z'); // 07:00
    expect((await resident.request('PUT', prefs, { quietHours: null })).statusCode).toBe(200);
    const anyTime = await enqueue('Q-any');
    expect((await statusOf(anyTime)).next_attempt_at).toBe('2026-12-02T15:00:00.000Z');
    await dispatcher().drain();
    expect(
      sms.recent
        .slice(before)
        .map((m) => m.params.number)
        .sort(),
    ).toEqual(['Q-any', 'Q-early']);
  });
});
