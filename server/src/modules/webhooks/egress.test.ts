import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { INSIDE_YINGMENTAN, setUpCaseWorld } from '../cases/fixture.ts';
import { WebhookDispatcher } from './dispatcher.ts';
import { emitCaseEvent } from './events.ts';
import { egressProblem, isForbiddenAddress } from './egress.ts';

/**
 * Webhooks and SSRF (issue 20 probe). The rule (docs/webhooks.md): a receiver may sit in a private
 * network or on this host, but never at the cloud's metadata service or a link-local, unspecified,
 * multicast or reserved address — however the address is written, and whatever a name resolves to
 * when a delivery goes.
 */
const FORBIDDEN_URLS = [
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'http://100.100.100.200/latest/meta-data/ram/security-credentials/',
  'http://169.254.0.23/meta-data/',
  'http://2852039166/latest/meta-data/',
  'http://0xa9.0xfe.0xa9.0xfe/',
  'http://[::ffff:169.254.169.254]/',
  'http://[fe80::1]/hook',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://0.0.0.0:8080/hook',
  'http://[::]/hook',
  'http://224.0.0.1/hook',
];

describe('which addresses a delivery may go to', () => {
  it('refuses metadata, link-local, unspecified and multicast addresses in any spelling, and allows private ones', () => {
    for (const a of [
      '169.254.169.254',
      '100.100.100.200',
      '::ffff:a9fe:a9fe',
      'fe80::1',
      '0.0.0.0',
      '255.255.255.255',
    ]) {
      expect(isForbiddenAddress(a), a).toBe(true);
    }
    for (const a of [
      '127.0.0.1',
      '::1',
      '10.20.30.40',
      '192.168.1.10',
      '172.16.0.5',
      '202.100.64.10',
      '2400:da00::1',
    ]) {
      expect(isForbiddenAddress(a), a).toBe(false);
    }
  });

  it('checks the addresses a name resolves to when a delivery goes', async () => {
    const resolvesTo = (address: string) => () => Promise.resolve([{ address: '10.0.0.8' }, { address }]);
    expect(await egressProblem('https://hooks.example.cn/x', resolvesTo('169.254.169.254'))).toMatch(/169\.254/);
    expect(await egressProblem('https://metadata.tencentyun.com/', resolvesTo('169.254.0.23'))).not.toBeNull();
    expect(await egressProblem('https://hooks.example.cn/x', resolvesTo('10.0.0.9'))).toBeNull();
    expect(await egressProblem('http://127.0.0.1:8080/x')).toBeNull();
  });
});

describe.each(DIALECTS)('webhook receivers named by district staff on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpCaseWorld>>;
  let district: Client;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpCaseWorld(ctx);
    district = await ctx.login('district');
  }, 120_000);
  afterAll(() => ctx.close());

  it('refuses a receiver at the cloud metadata service or a link-local address, on create and on edit, naming url', async () => {
    for (const url of FORBIDDEN_URLS) {
      const res = await district.post('/api/v1/webhooks', {
        name: '探测',
        url,
        events: ['case.created'],
        orgId: world.community.id,
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toMatchObject({ errors: [{ field: 'url', code: 'forbidden_address' }] });
    }
    const ok = await district.post('/api/v1/webhooks', {
      name: '区 12345 平台（政务外网）',
      url: 'http://10.62.1.20:8080/hooks/tianzige',
      events: ['case.created'],
      orgId: world.community.id,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const id = ok.json<{ id: string }>().id;
    const edit = await district.patch(`/api/v1/webhooks/${id}`, { url: 'http://169.254.169.254/' });
    expect(edit.statusCode).toBe(400);
    expect(edit.json()).toMatchObject({ errors: [{ field: 'url', code: 'forbidden_address' }] });
    const after = await district.get(`/api/v1/webhooks/${id}`);
    expect(after.json()).toMatchObject({ url: 'http://10.62.1.20:8080/hooks/tianzige' });
  });
  it('does not deliver to a receiver saved before the rule that points at the metadata service', async () => {
    const ok = await district.post('/api/v1/webhooks', {
      name: '旧订阅',
      url: 'https://hooks.example.cn/tianzige',
      events: ['case.created'],
      orgId: world.community.id,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const id = ok.json<{ id: string }>().id;
    await ctx.deps.db
      .updateTable('webhook_subscribers')
      .set({ url: 'http://169.254.169.254/latest/meta-data/' })
      .where('id', '=', id)
      .execute();
    const resident = await ctx.login('resident');
    const filed = await resident.post('/api/v1/my/cases', {
      ...INSIDE_YINGMENTAN,
      dutyCode: 'LL-002',
      description: '楼道灯坏了',
      force: true,
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const dispatcher = new WebhookDispatcher(ctx.deps, { timeoutMs: 300, maxAttempts: 1, retryBaseMs: 60_000 });
    await dispatcher.drain();
    const rows = await ctx.deps.db
      .selectFrom('webhook_deliveries')
      .select(['status', 'last_error', 'delivered_at'])
      .where('subscriber_id', '=', id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.delivered_at).toBeNull();
    expect(rows[0]!.last_error).toContain('forbidden address 169.254.169.254');
  });

  it('tells a partner of a 家庭暴力 case without its place or any words, and of a noise case with both', async () => {
    const hook = await district.post('/api/v1/webhooks', {
      name: '合作方',
      url: 'https://partner.example.cn/hook',
      events: ['case.created', 'case.resolved'],
      orgId: world.community.id,
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const hookId = hook.json<{ id: string }>().id;
    const resident = await ctx.login('resident');
    const payloads = async () =>
      (
        await ctx.deps.db
          .selectFrom('webhook_deliveries')
          .select('payload')
          .where('subscriber_id', '=', hookId)
          .orderBy('created_at')
          .orderBy('id')
          .execute()
      ).map(
        (r) =>
          JSON.parse(r.payload) as {
            case: { number: string; place: { lat: number | null } };
            data: Record<string, unknown>;
          },
      );
    for (const [dutyCode, isPlaced] of [
      ['LL-005', false],
      ['LL-002', true],
    ] as const) {
      const filed = await resident.post('/api/v1/my/cases', {
        ...INSIDE_YINGMENTAN,
        dutyCode,
        description: '丈夫又动手了，住 3 单元 502',
        force: true,
      });
      expect(filed.statusCode, filed.body).toBe(201);
      const c = filed.json<{ case: { id: string; number: string } }>().case;
      // the resolve step as the workflow tells it (whoever handles this item)
      const row = await ctx.deps.db.selectFrom('cases').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
      await ctx.deps.db.transaction().execute((trx) =>
        emitCaseEvent(trx, {
          row: { ...row, status: 'resolved' },
          kind: 'resolved',
          text: '已联系 3 单元 502 李某，民警上门',
          at: ctx.clock.now().toISOString(),
        }),
      );
      const mine = (await payloads()).filter((p) => p.case.number === c.number);
      expect(mine.length).toBe(2);
      for (const p of mine) {
        expect(p.case.place.lat === null).toBe(!isPlaced);
        expect(JSON.stringify(p)).not.toContain('丈夫');
      }
      const result = mine.find((p) => 'result' in p.data)!.data.result;
      if (isPlaced) expect(result).toContain('民警上门');
      else expect(result).toBeNull();
    }
  });
});
