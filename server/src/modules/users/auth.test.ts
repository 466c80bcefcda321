import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE, HOUR } from '../../platform/clock.ts';
import { CODES, DIALECTS, TEST_PASSWORD, type TestContext, createTestContext } from '../../test/harness.ts';

describe.each(DIALECTS)('sign-in, sessions and API keys on %s', (dialect) => {
  let t: TestContext;
  const login = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet });
    await t.createUser({ username: 'lock_me', role: 'community_staff', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'worker', role: 'grid_worker', orgCode: CODES.yingMenTan });
  });
  afterAll(() => t.close());

  it('signs in with the right password and answers /me with permissions and scope', async () => {
    const client = await t.login('worker');
    const me = (await client.get('/api/v1/auth/me')).json() as {
      user: { username: string; permissions: string[]; assignments: { orgName: string }[] };
    };
    expect(me.user.username).toBe('worker');
    expect(me.user.permissions).toContain('org.read');
    expect(me.user.permissions).not.toContain('user.manage');
    expect(me.user.assignments[0]!.orgName).toContain('营门滩社区');
  });

  it('rejects a wrong password with 401 in both languages and does not say whether the user exists', async () => {
    const wrong = await login('worker', 'Wrong-pass-1');
    const unknown = await login('nobody', 'Wrong-pass-1');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toMatchObject({ code: 'BAD_CREDENTIALS', message_zh: '用户名或密码错误' });
  });

  it('after 5 failures within 15 minutes refuses even the right password from that source, for 15 minutes', async () => {
    for (let i = 0; i < 5; i++) expect((await login('lock_me', `Wrong-pass-${i}`)).statusCode).toBe(401);
    expect((await login('lock_me', TEST_PASSWORD)).statusCode).toBe(401);
    t.clock.advance(14 * MINUTE);
    expect((await login('lock_me', TEST_PASSWORD)).statusCode).toBe(401);
    t.clock.advance(2 * MINUTE);
    expect((await login('lock_me', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('does not lock for failures spread beyond 15 minutes', async () => {
    await t.createUser({ username: 'slow_typist', role: 'grid_worker', orgCode: CODES.yingMenTan });
    for (let i = 0; i < 6; i++) {
      expect((await login('slow_typist', 'Wrong-pass-1')).statusCode).toBe(401);
      t.clock.advance(4 * MINUTE);
    }
    expect((await login('slow_typist', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('ends a session after 30 idle minutes', async () => {
    const client = await t.login('worker');
    t.clock.advance(29 * MINUTE);
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(200);
    t.clock.advance(29 * MINUTE);
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(200);
    t.clock.advance(31 * MINUTE);
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('ends an active session after 12 hours', async () => {
    const client = await t.login('worker');
    for (let elapsed = 0; elapsed < 12 * HOUR - 20 * MINUTE; elapsed += 20 * MINUTE) {
      t.clock.advance(20 * MINUTE);
      expect((await client.get('/api/v1/auth/me')).statusCode).toBe(200);
    }
    t.clock.advance(25 * MINUTE);
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('logs out: the cookie no longer works', async () => {
    const client = await t.login('worker');
    expect((await client.post('/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('refuses a state-changing request without the CSRF token', async () => {
    const res = await login('worker', TEST_PASSWORD);
    const session = res.cookies.find((c) => c.name === 'tz_session')!.value;
    const noToken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/apikeys',
      cookies: { tz_session: session },
      payload: { name: 'x' },
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json()).toMatchObject({ code: 'CSRF' });
  });

  it('sets HttpOnly session cookies and security headers', async () => {
    const res = await login('worker', TEST_PASSWORD);
    const cookie = res.cookies.find((c) => c.name === 'tz_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBeDefined();
  });

  it('forces a user with a generated password to change it before anything else', async () => {
    const admin = await t.createUser({ username: 'boss', role: 'community_secretary', orgCode: CODES.yingMenTan });
    expect(admin.id).toBeDefined();
    const boss = await t.login('boss');
    const community = await t.org(CODES.yingMenTan);
    const created = await boss.post('/api/v1/users', {
      username: 'newbie',
      displayName: '新人',
      homeOrgId: community.id,
      roles: [{ role: 'grid_worker', orgId: community.id }],
    });
    expect(created.statusCode).toBe(201);
    const initial = (created.json() as { initialPassword: string }).initialPassword;
    const newbie = await t.login('newbie', initial);
    const blocked = await newbie.get('/api/v1/orgs/roots');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json()).toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED' });
    const weak = await newbie.post('/api/v1/auth/password', { currentPassword: initial, newPassword: 'password' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ errors: [{ field: 'newPassword', code: 'weak_password' }] });
    expect(
      (await newbie.post('/api/v1/auth/password', { currentPassword: initial, newPassword: 'Grid-worker-9' }))
        .statusCode,
    ).toBe(204);
    expect((await newbie.get('/api/v1/orgs/roots')).statusCode).toBe(200);
    expect((await login('newbie', 'Grid-worker-9')).statusCode).toBe(200);
  });

  it('accepts an API key as a bearer token acting as its user, without CSRF, until revoked', async () => {
    const client = await t.login('worker');
    const created = await client.post('/api/v1/apikeys', { name: '巡查系统' });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json() as { key: string; id: string };
    const list = (await client.get('/api/v1/apikeys')).json() as { items: Record<string, unknown>[] };
    expect(JSON.stringify(list)).not.toContain(key);
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/orgs/roots',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(me.statusCode).toBe(200);
    expect(JSON.stringify(me.json())).toContain('营门滩社区');
    expect((await client.delete(`/api/v1/apikeys/${id}`)).statusCode).toBe(204);
    const after = await t.app.inject({
      method: 'GET',
      url: '/api/v1/orgs/roots',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(after.statusCode).toBe(401);
  });
});
