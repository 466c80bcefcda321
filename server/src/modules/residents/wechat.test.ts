import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { CODES, DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';

/**
 * A local server speaking WeChat's 网页授权 API as documented: GET /sns/oauth2/access_token with appid,
 * secret, code and grant_type=authorization_code; an unknown code answers errcode 40029 (invalid code),
 * a used one 40163 (code been used), a wrong secret 40125; a code is good once.
 */
async function startWechatOAuthServer(appId: string, secret: string) {
  const codes = new Map<string, { openid: string; isSnapshot?: boolean }>();
  const used = new Set<string>();
  const requests: URL[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url);
    // WeChat labels its JSON text/plain
    const answer = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/sns/oauth2/access_token') return answer({ errcode: 40001, errmsg: 'invalid path' });
    if (url.searchParams.get('appid') !== appId) return answer({ errcode: 40013, errmsg: 'invalid appid' });
    if (url.searchParams.get('secret') !== secret) return answer({ errcode: 40125, errmsg: 'invalid appsecret' });
    if (url.searchParams.get('grant_type') !== 'authorization_code')
      return answer({ errcode: 40002, errmsg: 'invalid grant_type' });
    const code = url.searchParams.get('code') ?? '';
    if (used.has(code)) return answer({ errcode: 40163, errmsg: 'code been used, rid: 1' });
    const grant = codes.get(code);
    if (grant === undefined) return answer({ errcode: 40029, errmsg: 'invalid code, rid: 2' });
    used.add(code);
    answer({
      access_token: 'ACCESS_TOKEN',
      expires_in: 7200,
      refresh_token: 'REFRESH_TOKEN',
      openid: grant.openid,
      scope: 'snsapi_base',
      ...(grant.isSnapshot === true ? { is_snapshotuser: 1 } : {}),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    codes,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(DIALECTS)('WeChat sign-in on %s', (dialect) => {
  let t: TestContext;
  let app: FastifyInstance;
  let wx: Awaited<ReturnType<typeof startWechatOAuthServer>>;

  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet });
    wx = await startWechatOAuthServer('wx1234567890abcdef', 'app-secret-1');
    app = await buildApp({
      ...t.deps,
      config: {
        ...t.deps.config,
        residents: {
          smsNumbersPerSourceHour: 10,
          wechatOAuth: {
            appId: 'wx1234567890abcdef',
            appSecret: 'app-secret-1',
            apiEndpoint: wx.url,
            authorizeUrl: 'https://open.weixin.qq.com/connect/oauth2/authorize',
            publicUrl: 'https://gov.example.cn',
          },
        },
      },
    });
  });
  afterAll(async () => {
    await app.close();
    await wx.close();
    await t.close();
  });

  /** Starts a sign-in as her browser would: the redirect to WeChat and the state cookie it set. */
  const start = async (next?: string) => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/auth/wechat/start${next === undefined ? '' : `?next=${encodeURIComponent(next)}`}`,
    });
    expect(res.statusCode).toBe(302);
    const location = res.headers.location as string;
    const cookie = res.cookies.find((c) => c.name === 'tz_wx_state')!;
    const state = new URL(location.replace('#wechat_redirect', '')).searchParams.get('state')!;
    return { location, cookie: cookie.value, state };
  };
  const callback = (query: string, cookie?: string) =>
    app.inject({
      method: 'GET',
      url: `/api/v1/auth/wechat/callback?${query}`,
      ...(cookie === undefined ? {} : { cookies: { tz_wx_state: cookie } }),
    });

  it('offers WeChat only where it is configured', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/options' })).json()).toEqual({
      sms: true,
      wechat: true,
    });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/options' })).json()).toEqual({
      sms: true,
      wechat: false,
    });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/wechat/start' })).statusCode).toBe(404);
  });

  it('sends her to WeChat’s authorize page with snsapi_base and a state bound to her browser', async () => {
    const { location, cookie, state } = await start();
    expect(location).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx1234567890abcdef' +
        `&redirect_uri=${encodeURIComponent('https://gov.example.cn/api/v1/auth/wechat/callback')}` +
        `&response_type=code&scope=snsapi_base&state=${state}#wechat_redirect`,
    );
    expect(state.length).toBeGreaterThan(16);
    expect(cookie.startsWith(`${state}~`)).toBe(true);
  });

  it('signs her in with the code WeChat hands back, creating her account once', async () => {
    wx.codes.set('CODE_A1', { openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M' });
    wx.codes.set('CODE_A2', { openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M' });
    const first = await start('/m/cases/new');
    const res = await callback(`code=CODE_A1&state=${first.state}`, first.cookie);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/m/cases/new');
    const session = res.cookies.find((c) => c.name === 'tz_session')!;
    const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { tz_session: session.value } });
    const user = (me.json() as { user: { id: string; permissions: string[] } }).user;
    expect(user.permissions).toEqual(['case.report']);
    const account = await app.inject({
      method: 'GET',
      url: '/api/v1/my/account',
      cookies: { tz_session: session.value },
    });
    expect(account.json()).toMatchObject({ hasWechat: true, phone: null, isBound: false });

    const second = await start();
    const again = await callback(`code=CODE_A2&state=${second.state}`, second.cookie);
    expect(again.headers.location).toBe('/m/me');
    const session2 = again.cookies.find((c) => c.name === 'tz_session')!;
    const me2 = await app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { tz_session: session2.value } });
    expect((me2.json() as { user: { id: string } }).user.id).toBe(user.id);
    // the openid is kept only encrypted and as a blind index
    const row = await t.deps.db
      .selectFrom('resident_accounts')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('o6_bmjrPTlm6_2sgVt7hMZOPfL2M');
  });

  it('refuses a used code (40163), an invalid one (40029) and a snapshot-page user, sending her back to sign-in', async () => {
    const used = await start();
    const replay = await callback(`code=CODE_A1&state=${used.state}`, used.cookie);
    expect(replay.headers.location).toBe('/m/login?wechat=code_used');
    expect(replay.cookies.find((c) => c.name === 'tz_session')).toBeUndefined();
    const bad = await start();
    expect((await callback(`code=NO_SUCH_CODE&state=${bad.state}`, bad.cookie)).headers.location).toBe(
      '/m/login?wechat=code_invalid',
    );
    wx.codes.set('CODE_SNAP', { openid: 'o6_snapshot', isSnapshot: true });
    const snap = await start();
    expect((await callback(`code=CODE_SNAP&state=${snap.state}`, snap.cookie)).headers.location).toBe(
      '/m/login?wechat=snapshot',
    );
    const failures = await t.deps.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'auth.login_failed')
      .execute();
    expect(failures.map((f) => JSON.parse(f.detail!) as { reason: string }).map((d) => d.reason)).toEqual(
      expect.arrayContaining(['code_used', 'code_invalid', 'snapshot']),
    );
  });

  it('refuses a callback whose state is not the one her browser holds, without asking WeChat', async () => {
    wx.codes.set('CODE_B', { openid: 'o6_other' });
    const mine = await start();
    const asked = wx.requests.length;
    const forged = await callback(`code=CODE_B&state=${'x'.repeat(mine.state.length)}`, mine.cookie);
    expect(forged.headers.location).toBe('/m/login?wechat=state');
    const noCookie = await callback(`code=CODE_B&state=${mine.state}`);
    expect(noCookie.headers.location).toBe('/m/login?wechat=state');
    expect(wx.requests.length).toBe(asked);
    // and never sends her to another site afterwards
    const evil = await start('https://evil.example/');
    expect(evil.cookie.endsWith('~/m/me')).toBe(true);
  });
});
