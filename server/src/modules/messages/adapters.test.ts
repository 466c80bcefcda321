import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.ts';
import { AliyunSmsAdapter } from './adapters/aliyun.ts';
import { TencentSmsAdapter } from './adapters/tencent.ts';
import { WechatSubscribeAdapter } from './adapters/wechat.ts';
import { startAliyunServer, startBareStatusServer, startTencentServer, startWechatServer } from './test-providers.ts';

const PHONE = '13812345678';
const message = {
  id: '0193a000-0000-7000-8000-000000000001',
  kind: 'case.progress',
  to: PHONE,
  params: { number: 'A-1', state: '办理中' },
};

describe('Aliyun SMS adapter against a local dysmsapi', () => {
  let server: Awaited<ReturnType<typeof startAliyunServer>>;
  let adapter: AliyunSmsAdapter;
  beforeAll(async () => {
    server = await startAliyunServer('secret-ali');
    adapter = new AliyunSmsAdapter(
      {
        accessKeyId: 'LTAI-test',
        accessKeySecret: 'secret-ali',
        signName: '田字格',
        endpoint: server.url,
        regionId: 'cn-hangzhou',
        templates: { 'case.progress': 'SMS_100' },
      },
      new ManualClock(),
    );
  });
  afterAll(() => server.close());

  it('sends SendSms signed with HMAC-SHA1 over the canonicalized query, as Aliyun verifies it', async () => {
    expect(await adapter.send(message)).toEqual({ status: 'sent', providerId: 'biz-1' });
    expect(server.rejected).toBe(0);
    expect(server.accepted[0]).toMatchObject({
      PhoneNumbers: PHONE,
      SignName: '田字格',
      TemplateCode: 'SMS_100',
      TemplateParam: JSON.stringify(message.params),
    });
  });

  it('is refused by the server when signed with another secret (the check is real)', async () => {
    const wrong = new AliyunSmsAdapter(
      {
        accessKeyId: 'x',
        accessKeySecret: 'other',
        signName: 's',
        endpoint: server.url,
        regionId: 'cn-hangzhou',
        templates: { 'case.progress': 'SMS_1' },
      },
      new ManualClock(),
    );
    expect(await wrong.send(message)).toEqual({ status: 'failed', error: 'aliyun SignatureDoesNotMatch' });
    expect(server.rejected).toBe(1);
  });

  it('answers throttling (isv.BUSINESS_LIMIT_CONTROL) with retry and a bad number with failed', async () => {
    server.script.push(
      { status: 200, Code: 'isv.BUSINESS_LIMIT_CONTROL' },
      { status: 200, Code: 'isv.MOBILE_NUMBER_ILLEGAL' },
    );
    expect(await adapter.send(message)).toEqual({ status: 'retry', error: 'aliyun isv.BUSINESS_LIMIT_CONTROL' });
    expect(await adapter.send(message)).toEqual({ status: 'failed', error: 'aliyun isv.MOBILE_NUMBER_ILLEGAL' });
  });

  it('fails a kind with no template without calling Aliyun, and retries when Aliyun cannot be reached', async () => {
    const before = server.accepted.length;
    expect(await adapter.send({ ...message, kind: 'task.deadline' })).toMatchObject({ status: 'failed' });
    expect(server.accepted.length).toBe(before);
    const unreachable = new AliyunSmsAdapter(
      {
        accessKeyId: 'x',
        accessKeySecret: 'y',
        signName: 's',
        endpoint: 'http://127.0.0.1:1',
        regionId: 'cn-hangzhou',
        templates: { 'case.progress': 'SMS_1' },
      },
      new ManualClock(),
    );
    const outcome = await unreachable.send(message);
    expect(outcome.status).toBe('retry');
    expect(JSON.stringify(outcome)).not.toContain(PHONE);
  });
});

describe('Tencent Cloud SMS adapter against a local SendSms 2021-01-11', () => {
  let server: Awaited<ReturnType<typeof startTencentServer>>;
  let adapter: TencentSmsAdapter;
  beforeAll(async () => {
    server = await startTencentServer('AKID-test', 'secret-tc');
    adapter = new TencentSmsAdapter(
      {
        secretId: 'AKID-test',
        secretKey: 'secret-tc',
        sdkAppId: '1400000000',
        signName: '田字格',
        region: 'ap-guangzhou',
        endpoint: server.url,
        templates: { 'case.progress': { id: '200', params: ['number', 'state'] } },
      },
      new ManualClock(),
    );
  });
  afterAll(() => server.close());

  it('sends with a TC3-HMAC-SHA256 signature that verifies, the number in E.164 and the parameters in order', async () => {
    expect(await adapter.send(message)).toEqual({ status: 'sent', providerId: 'serial-1' });
    expect(server.rejected).toBe(0);
    expect(server.accepted[0]).toMatchObject({
      PhoneNumberSet: [`+86${PHONE}`],
      SmsSdkAppId: '1400000000',
      TemplateId: '200',
      TemplateParamSet: ['A-1', '办理中'],
    });
  });

  it('retries LimitExceeded (request or per number) and fails a permanent error', async () => {
    server.script.push(
      { error: 'RequestLimitExceeded' },
      { status: 'LimitExceeded.PhoneNumberThirtySecondLimit' },
      { error: 'InvalidParameterValue.IncorrectPhoneNumber' },
    );
    expect(await adapter.send(message)).toEqual({ status: 'retry', error: 'tencent RequestLimitExceeded' });
    expect(await adapter.send(message)).toEqual({
      status: 'retry',
      error: 'tencent LimitExceeded.PhoneNumberThirtySecondLimit',
    });
    expect(await adapter.send(message)).toEqual({
      status: 'failed',
      error: 'tencent InvalidParameterValue.IncorrectPhoneNumber',
    });
  });

  it('is refused by the server when signed with another key', async () => {
    const wrong = new TencentSmsAdapter(
      {
        secretId: 'AKID-test',
        secretKey: 'other',
        sdkAppId: '1',
        signName: 's',
        region: 'ap-guangzhou',
        endpoint: server.url,
        templates: { 'case.progress': { id: '1', params: [] } },
      },
      new ManualClock(),
    );
    expect(await wrong.send(message)).toEqual({ status: 'failed', error: 'tencent AuthFailure.SignatureFailure' });
  });
});

describe('WeChat subscribe-message adapter against a local api.weixin.qq.com', () => {
  let server: Awaited<ReturnType<typeof startWechatServer>>;
  let adapter: WechatSubscribeAdapter;
  const clock = new ManualClock();
  const wx = { ...message, to: 'oOPENID-test' };
  beforeAll(async () => {
    server = await startWechatServer('wx-app', 'wx-secret');
    adapter = new WechatSubscribeAdapter(
      {
        appId: 'wx-app',
        appSecret: 'wx-secret',
        endpoint: server.url,
        templates: { 'case.progress': { id: 'TPL-1', data: { number: 'character_string1', state: 'phrase2' } } },
      },
      clock,
    );
  });
  afterAll(() => server.close());

  it('fetches an access token once, caches it, and sends the template data', async () => {
    expect(await adapter.send(wx)).toEqual({ status: 'sent', providerId: '1001' });
    expect(await adapter.send(wx)).toEqual({ status: 'sent', providerId: '1002' });
    expect(server.tokensIssued).toBe(1);
    expect(server.accepted[0]).toMatchObject({
      touser: 'oOPENID-test',
      template_id: 'TPL-1',
      data: { character_string1: { value: 'A-1' }, phrase2: { value: '办理中' } },
    });
  });

  it('refreshes the token once when WeChat says it expired (42001), and again when its time is up', async () => {
    server.expireTokens();
    expect(await adapter.send(wx)).toMatchObject({ status: 'sent' });
    expect(server.tokensIssued).toBe(2);
    clock.advance(2 * 3_600_000);
    expect(await adapter.send(wx)).toMatchObject({ status: 'sent' });
    expect(server.tokensIssued).toBe(3);
  });

  it('retries the API limit (45009) and fails an unsubscribed user (43101)', async () => {
    server.script.push({ errcode: 45009 }, { errcode: 43101 });
    expect(await adapter.send(wx)).toEqual({ status: 'retry', error: 'wechat 45009' });
    expect(await adapter.send(wx)).toEqual({ status: 'failed', error: 'wechat 43101' });
  });

  it('fails for good with a wrong app secret', async () => {
    const wrong = new WechatSubscribeAdapter(
      {
        appId: 'wx-app',
        appSecret: 'nope',
        endpoint: server.url,
        templates: { 'case.progress': { id: 'T', data: {} } },
      },
      clock,
    );
    expect(await wrong.send(wx)).toEqual({ status: 'failed', error: 'wechat token 40125' });
  });
});

describe('every adapter before a gateway that answers a bare HTTP status', () => {
  it('retries a 429 or 503 with no provider code, and fails a 404', async () => {
    const clock = new ManualClock();
    for (const [status, expected] of [
      [429, 'retry'],
      [503, 'retry'],
      [404, 'failed'],
    ] as const) {
      const gateway = await startBareStatusServer(status);
      try {
        const adapters = [
          new AliyunSmsAdapter(
            {
              accessKeyId: 'x',
              accessKeySecret: 'y',
              signName: 's',
              endpoint: gateway.url,
              regionId: 'cn-hangzhou',
              templates: { 'case.progress': 'SMS_1' },
            },
            clock,
          ),
          new TencentSmsAdapter(
            {
              secretId: 'x',
              secretKey: 'y',
              sdkAppId: '1',
              signName: 's',
              region: 'ap-guangzhou',
              endpoint: gateway.url,
              templates: { 'case.progress': { id: '1', params: [] } },
            },
            clock,
          ),
          new WechatSubscribeAdapter(
            {
              appId: 'a',
              appSecret: 'b',
              endpoint: gateway.url,
              templates: { 'case.progress': { id: 'T', data: {} } },
            },
            clock,
          ),
        ];
        for (const adapter of adapters) {
          const outcome = await adapter.send(
            adapter instanceof WechatSubscribeAdapter ? { ...message, to: 'oX' } : message,
          );
          expect(outcome, `${adapter.name} ${status}`).toMatchObject({ status: expected });
          expect(JSON.stringify(outcome)).toContain(`HTTP ${status}`);
        }
      } finally {
        await gateway.close();
      }
    }
  });
});
