import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { RATING_WINDOW_MS } from '../cases/deadlines-math.ts';
import { sweepDeadlines } from '../cases/deadlines.ts';
import { INSIDE_YINGMENTAN, setUpCaseWorld } from '../cases/fixture.ts';
import { WebhookDispatcher } from './dispatcher.ts';
import { closedPortUrl, startReceiver } from './receiver.ts';

interface SubscriberOut {
  id: string;
  secret?: string;
  counts: { queued: number; delivered: number; parked: number };
}
interface DeliveryOut {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  payload: string;
}

/** The receiver's check, exactly as docs/webhooks.md tells receivers to write it. */
function isSignedBy(secret: string, headers: Record<string, string | string[] | undefined>, rawBody: string) {
  const timestamp = String(headers['x-tianzige-timestamp']);
  const expected = `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  const given = Buffer.from(String(headers['x-tianzige-signature']));
  return given.length === expected.length && crypto.timingSafeEqual(given, Buffer.from(expected));
}

const MINUTE = 60_000;

describe.each(DIALECTS)('webhooks on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpCaseWorld>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let district: Client;
  let otherDistrict: Client;
  let staff: Client;
  let resident: Client;
  /** a short time limit, so a receiver that hangs costs the test a third of a second; jitter fixed at ×1 */
  let dispatcher: WebhookDispatcher;

  const signIn = async () => {
    district = await ctx.login('district');
    otherDistrict = await ctx.login('cg_district');
    staff = await ctx.login('staff');
    resident = await ctx.login('resident');
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpCaseWorld(ctx);
    // 城关区's district staff: another district, beside 安宁区
    await ctx.createUser({ username: 'cg_district', role: 'district', orgCode: '620102' });
    receiver = await startReceiver();
    dispatcher = new WebhookDispatcher(ctx.deps, {
      timeoutMs: 300,
      maxAttempts: 3,
      retryBaseMs: MINUTE,
      random: () => 0.5,
    });
    await signIn();
  }, 120_000);
  // each test's subscribers are switched off after it, so no later test hears of its cases
  afterEach(async () => {
    await ctx.deps.db.updateTable('webhook_subscribers').set({ is_active: 0 }).execute();
  });
  afterAll(async () => {
    await receiver.close();
    await ctx.close();
  });

  const subscribe = async (url: string, events: string[], orgId = world.community.id, client = district) => {
    const res = await client.post('/api/v1/webhooks', { name: '12345 热线平台', url, events, orgId });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as SubscriberOut & { secret: string };
  };
  const deliveriesOf = async (id: string) => {
    const res = await district.get(`/api/v1/webhooks/${id}/deliveries`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: DeliveryOut[] }).items;
  };
  /** A resident's noise report in 营门滩社区, signed with her name and number. */
  const reportCase = async () => {
    const res = await resident.post('/api/v1/my/cases', {
      ...INSIDE_YINGMENTAN,
      dutyCode: 'LL-002',
      description: '楼上每天深夜拖动家具，噪音很大',
      contactName: '王秀英',
      contactPhone: '13812345678',
      force: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { case: { id: string; number: string; version: number } }).case;
  };
  const caseVersion = async (id: string) =>
    ((await staff.get(`/api/v1/cases/${id}`)).json() as { version: number }).version;

  it('signs every delivery so the documented recipe verifies it, sends only the events asked for, and never the reporter', async () => {
    const hook = await subscribe(`${receiver.base}/ok`, ['case.created', 'case.resolved', 'case.rated']);
    expect(hook.secret).toMatch(/^whsec_/);
    // the secret is shown once: neither the subscriber nor the list shows it again
    expect((await district.get(`/api/v1/webhooks/${hook.id}`)).body).not.toContain(hook.secret);
    expect((await district.get('/api/v1/webhooks')).body).not.toContain(hook.secret);

    const c = await reportCase();
    const accepted = await staff.post(`/api/v1/cases/${c.id}/accept`, { version: c.version });
    expect(accepted.statusCode, accepted.body).toBe(200);
    // 签收 is not one of its events: nothing is owed for it
    expect((await deliveriesOf(hook.id)).map((d) => d.eventType)).toEqual(['case.created']);
    // the delivery is stored with its case's county (written in the case step's transaction)
    const { county_key: caseCounty } = await ctx.deps.db
      .selectFrom('cases')
      .select('county_key')
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(Number(caseCounty)).toBeGreaterThan(0);
    const stored = await ctx.deps.db
      .selectFrom('webhook_deliveries')
      .select('county_key')
      .where('subscriber_id', '=', hook.id)
      .execute();
    expect(stored.map((d) => Number(d.county_key))).toEqual([Number(caseCounty)]);
    const resolved = await staff.post(`/api/v1/cases/${c.id}/resolve`, {
      version: await caseVersion(c.id),
      result: '王秀英您好，已上门调解，如再有噪音请拨 13812345678 以外的物业电话 09318888888',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const rated = await resident.post(`/api/v1/my/cases/${c.id}/rating`, {
      rating: 4,
      isSolved: true,
      comment: '处理及时，我是王秀英',
    });
    expect(rated.statusCode, rated.body).toBe(200);

    const sent = receiver.received.length;
    expect(await dispatcher.drain()).toBe(3);
    const requests = receiver.received.slice(sent);
    expect(requests.map((r) => r.headers['x-tianzige-event'])).toEqual(
      expect.arrayContaining(['case.created', 'case.resolved', 'case.rated']),
    );
    const log = await deliveriesOf(hook.id);
    for (const r of requests) {
      expect(isSignedBy(hook.secret, r.headers, r.body)).toBe(true);
      // a body changed on the way fails the same check
      expect(isSignedBy(hook.secret, r.headers, r.body.replace(c.number, 'SQ0'))).toBe(false);
      const body = JSON.parse(r.body) as { type: string; id: string; case: { number: string } };
      expect(r.headers['x-tianzige-event']).toBe(body.type);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(log.find((d) => d.id === r.headers['x-tianzige-delivery'])?.eventId).toBe(body.id);
      expect(body.case.number).toBe(c.number);
      // no reporter's name or number, not even masked
      for (const secret of ['王秀英', '13812345678', '5678', '09318888888']) expect(r.body).not.toContain(secret);
    }
    expect(log.every((d) => d.status === 'delivered' && d.lastStatusCode === 200 && d.attempts === 1)).toBe(true);
    const byType = Object.fromEntries(
      requests.map((r) => [r.headers['x-tianzige-event'], JSON.parse(r.body)]),
    ) as Record<string, { data: Record<string, unknown>; case: { status: string } }>;
    expect(byType['case.resolved']!.data.result).toBe('***您好，已上门调解，如再有噪音请拨 *** 以外的物业电话 ***');
    expect(byType['case.rated']!.data).toEqual({ rating: 4, isSolved: true, comment: '处理及时，我是***' });
    expect(byType['case.rated']!.case.status).toBe('closed');
    // nothing more is owed
    expect(await dispatcher.drain()).toBe(0);
  });

  it('tells of a case the deadline job closes when nobody rated it, and of a rejected one, as case.closed with its outcome', async () => {
    await signIn();
    const hook = await subscribe(`${receiver.base}/ok`, ['case.closed']);
    const unrated = await reportCase();
    expect((await staff.post(`/api/v1/cases/${unrated.id}/accept`, { version: unrated.version })).statusCode).toBe(200);
    const resolved = await staff.post(`/api/v1/cases/${unrated.id}/resolve`, {
      version: await caseVersion(unrated.id),
      result: '已处理',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const rejected = await reportCase();
    expect(
      (await staff.post(`/api/v1/cases/${rejected.id}/reject`, { version: rejected.version, reason: '不属于诉求范围' }))
        .statusCode,
    ).toBe(200);
    ctx.clock.advance(RATING_WINDOW_MS + MINUTE);
    expect(await sweepDeadlines(ctx.deps)).toBeGreaterThan(0);
    // a week on, everyone signs in again
    await signIn();
    const sent = receiver.received.length;
    expect(await dispatcher.drain()).toBe(2);
    const bodies = receiver.received
      .slice(sent)
      .map((r) => JSON.parse(r.body) as { case: { number: string }; data: { outcome: string; reason: string } });
    const byNumber = Object.fromEntries(bodies.map((b) => [b.case.number, b.data]));
    expect(byNumber[rejected.number]).toEqual({ outcome: 'rejected', reason: '不属于诉求范围' });
    expect(byNumber[unrated.number]).toEqual({ outcome: 'closed', reason: '超过评价期限，自动关闭' });
    expect((await deliveriesOf(hook.id)).every((d) => d.status === 'delivered')).toBe(true);
  });

  it('carries the 12345 ticket number of a hotline case', async () => {
    await signIn();
    await subscribe(`${receiver.base}/ok`, ['case.created']);
    const street = await ctx.login('street');
    const res = await street.post('/api/v1/cases/hotline-imports', {
      tickets: [
        {
          ticketNo: 'GS12345-20261128-0007',
          dutyCode: 'LL-002',
          description: '小区广场舞噪音扰民',
          ...INSIDE_YINGMENTAN,
          contactName: '赵女士',
          contactPhone: '13700000000',
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const sent = receiver.received.length;
    await dispatcher.drain();
    const bodies = receiver.received
      .slice(sent)
      .map((r) => JSON.parse(r.body) as { case: { hotlineTicketNo: string } });
    expect(bodies.map((b) => b.case.hotlineTicketNo)).toEqual(['GS12345-20261128-0007']);
    expect(JSON.stringify(bodies)).not.toMatch(/赵女士|13700000000/);
  });

  it.each([
    ['answers 500', '/fail', 'HTTP 500'],
    ['does not answer in time', '/hang', 'no answer within 300 ms'],
    ['closes the connection without answering', '/drop', 'connection failed'],
    ['never answers: nothing listens', null, 'connection failed: ECONNREFUSED'],
  ])(
    'retries a receiver that %s with growing delays, then parks it; redelivered, it arrives once the receiver is back',
    async (_what, path, error) => {
      await signIn();
      const url = path === null ? await closedPortUrl() : `${receiver.base}${path}`;
      const hook = await subscribe(url, ['case.created']);
      await reportCase();
      const at = ctx.clock.now().getTime();
      expect(await dispatcher.drain()).toBe(1);
      let [d] = await deliveriesOf(hook.id);
      expect(d).toMatchObject({ status: 'queued', attempts: 1, lastStatusCode: path === '/fail' ? 500 : null });
      expect(d!.lastError).toContain(error);
      // backoff: nothing is tried again before the delay, a minute, then two
      expect(new Date(d!.nextAttemptAt!).getTime() - at).toBe(MINUTE);
      expect(await dispatcher.drain()).toBe(0);
      ctx.clock.advance(MINUTE);
      expect(await dispatcher.drain()).toBe(1);
      [d] = await deliveriesOf(hook.id);
      expect(d).toMatchObject({ status: 'queued', attempts: 2 });
      expect(new Date(d!.nextAttemptAt!).getTime() - ctx.clock.now().getTime()).toBe(2 * MINUTE);
      ctx.clock.advance(2 * MINUTE);
      expect(await dispatcher.drain()).toBe(1);
      [d] = await deliveriesOf(hook.id);
      // the third attempt was the last: parked, and no more tries however long one waits
      expect(d).toMatchObject({ status: 'parked', attempts: 3, nextAttemptAt: null });
      ctx.clock.advance(60 * MINUTE);
      expect(await dispatcher.drain()).toBe(0);
      await signIn();
      expect((await district.get(`/api/v1/webhooks/${hook.id}`)).json()).toMatchObject({ counts: { parked: 1 } });

      // the receiver is mended: point the subscriber at it and redeliver the parked delivery
      expect((await district.patch(`/api/v1/webhooks/${hook.id}`, { url: `${receiver.base}/ok` })).statusCode).toBe(
        200,
      );
      const again = await district.post(`/api/v1/webhook-deliveries/${d!.id}/redeliver`);
      expect(again.statusCode, again.body).toBe(204);
      // a queued delivery needs no redelivery
      expect((await district.post(`/api/v1/webhook-deliveries/${d!.id}/redeliver`)).statusCode).toBe(409);
      expect(await dispatcher.drain()).toBe(1);
      [d] = await deliveriesOf(hook.id);
      expect(d).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null });
    },
  );

  it('answers a case step while a receiver hangs: the step writes rows, the dispatcher asks receivers outside any transaction', async () => {
    await signIn();
    const patient = new WebhookDispatcher(ctx.deps, { timeoutMs: 30_000 });
    const hook = await subscribe(`${receiver.base}/hold`, ['case.created', 'case.accepted']);
    const c = await reportCase();
    const delivering = patient.drain();
    await receiver.waitForHeld();
    // the receiver holds its answer; staff accept the case meanwhile
    const accepted = await staff.post(`/api/v1/cases/${c.id}/accept`, { version: c.version });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect((await deliveriesOf(hook.id)).map((d) => d.status).sort()).toEqual(['queued', 'sending']);
    receiver.release();
    expect(await delivering).toBe(1);
  });

  it("keeps another district's subscribers and events apart: 404 for its subscriber, none of its cases' events", async () => {
    await signIn();
    const ours = await subscribe(`${receiver.base}/ok`, ['case.created']);
    const theirs = await subscribe(
      `${receiver.base}/ok`,
      ['case.created'],
      (await ctx.org('620102')).id,
      otherDistrict,
    );
    await reportCase();
    // a 营门滩 case is 安宁区's: 城关区's subscriber hears nothing of it
    expect(await deliveriesOf(ours.id)).toHaveLength(1);
    expect((await otherDistrict.get(`/api/v1/webhooks/${theirs.id}/deliveries`)).json()).toMatchObject({ items: [] });
    const [delivery] = await deliveriesOf(ours.id);
    const missing = await otherDistrict.get(`/api/v1/webhooks/${crypto.randomUUID()}`);
    expect(missing.statusCode).toBe(404);
    for (const res of [
      await otherDistrict.get(`/api/v1/webhooks/${ours.id}`),
      await otherDistrict.get(`/api/v1/webhooks/${ours.id}/deliveries`),
      await otherDistrict.patch(`/api/v1/webhooks/${ours.id}`, { isActive: false }),
      await otherDistrict.post(`/api/v1/webhooks/${ours.id}/secret`),
      await otherDistrict.delete(`/api/v1/webhooks/${ours.id}`),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.body).toBe(missing.body);
    }
    const redeliver = await otherDistrict.post(`/api/v1/webhook-deliveries/${delivery!.id}/redeliver`);
    const noDelivery = await otherDistrict.post(`/api/v1/webhook-deliveries/${crypto.randomUUID()}/redeliver`);
    expect([redeliver.statusCode, redeliver.body]).toEqual([404, noDelivery.body]);
    // nor may it set one up over 营门滩, nor list ours
    expect(
      (
        await otherDistrict.post('/api/v1/webhooks', {
          name: 'x',
          url: 'https://a.example/h',
          events: ['case.created'],
          orgId: world.community.id,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      ((await otherDistrict.get('/api/v1/webhooks')).json() as { items: { id: string }[] }).items.map((s) => s.id),
    ).toEqual([theirs.id]);
    // community staff hold no webhook.manage at all
    expect((await staff.get('/api/v1/webhooks')).statusCode).toBe(403);
    // ours is still there, untouched
    expect((await district.get(`/api/v1/webhooks/${ours.id}`)).json()).toMatchObject({ isActive: true });
    await dispatcher.drain();
  });

  it('refuses a receiver URL that is not http(s), carries credentials, or is no URL, naming the field', async () => {
    for (const [url, code] of [
      ['ftp://12345.example.gov.cn/hooks', 'unsupported_scheme'],
      ['https://user:pass@12345.example.gov.cn/hooks', 'credentials_in_url'],
      ['12345 平台', 'invalid_url'],
    ] as const) {
      const res = await district.post('/api/v1/webhooks', {
        name: '12345',
        url,
        events: ['case.created'],
        orgId: world.community.id,
      });
      expect(res.statusCode, url).toBe(400);
      const [e] = (res.json() as { errors: { field: string; code: string; message_zh: string; message_en: string }[] })
        .errors;
      expect(e).toMatchObject({ field: 'url', code });
      expect(e!.message_zh.length).toBeGreaterThan(0);
    }
    const noEvents = await district.post('/api/v1/webhooks', {
      name: '12345',
      url: 'https://a.example/h',
      events: [],
      orgId: world.community.id,
    });
    expect(noEvents.statusCode).toBe(400);
    const unknown = await district.post('/api/v1/webhooks', {
      name: '12345',
      url: 'https://a.example/h',
      events: ['case.deleted'],
      orgId: world.community.id,
    });
    expect(unknown.statusCode).toBe(400);
  });

  it('answers any receiver URL and name as JSON carries them with a subscriber whose URL is http(s), or a 400 naming the field, never a 500', async () => {
    await signIn();
    const url = fc.oneof(
      fc.webUrl({
        validSchemes: ['http', 'https', 'ftp', 'javascript'],
        withFragments: true,
        withQueryParameters: true,
      }),
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        ' https://a.example/h ',
        'https://用户:密@a.example',
        'http://[::1]:8080/x',
        'https://a.example/' + 'x'.repeat(2100),
      ),
    );
    const name = fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom('  12345  ', '\u0000', '平台'));
    await fc.assert(
      fc.asyncProperty(url, name, async (u, n) => {
        // the body as the server receives it: through JSON
        const body = JSON.parse(
          JSON.stringify({ name: n, url: u, events: ['case.created'], orgId: world.community.id }),
        ) as object;
        const res = await district.post('/api/v1/webhooks', body);
        if (res.statusCode === 201) {
          const created = res.json() as { url: string; name: string };
          expect(new URL(created.url).protocol).toMatch(/^https?:$/);
          expect(created.name).toBe(n.trim());
          return;
        }
        expect(res.statusCode, res.body).toBe(400);
        const errors = (res.json() as { errors: { field: string; message_zh: string; message_en: string }[] }).errors;
        expect(errors.length).toBeGreaterThan(0);
        for (const e of errors) {
          expect(['url', 'name']).toContain(e.field);
          expect(e.message_zh.length * e.message_en.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('rotates the secret: later deliveries are signed with the new one only, and the change is audited', async () => {
    await signIn();
    const hook = await subscribe(`${receiver.base}/ok`, ['case.created']);
    const rotated = await district.post(`/api/v1/webhooks/${hook.id}/secret`);
    expect(rotated.statusCode, rotated.body).toBe(200);
    const { secret } = rotated.json() as { secret: string };
    expect(secret).not.toBe(hook.secret);
    await reportCase();
    const sent = receiver.received.length;
    await dispatcher.drain();
    const [r] = receiver.received.slice(sent);
    expect(isSignedBy(secret, r!.headers, r!.body)).toBe(true);
    expect(isSignedBy(hook.secret, r!.headers, r!.body)).toBe(false);
    const audit = await ctx.deps.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('target_id', '=', hook.id)
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['webhook.create', 'webhook.rotate_secret']);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });
});
