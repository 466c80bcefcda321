import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CODES,
  DIALECTS,
  TEST_PASSWORD,
  type Client,
  type TestContext,
  createTestContext,
} from '../../test/harness.ts';
import { AUTH_CACHE_MS } from './auth-cache.ts';

describe.each(DIALECTS)('signed-in users served from the in-process cache on %s', (dialect) => {
  let t: TestContext;
  let secretary: Client;

  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet });
    await t.createUser({ username: 'secretary', role: 'community_secretary', orgCode: CODES.yingMenTan });
    secretary = await t.login('secretary');
  });
  afterAll(() => t.close());

  /** Signs in and makes two requests, so that the session is certainly cached. */
  async function cachedLogin(username: string, password = TEST_PASSWORD): Promise<Client> {
    const client = await t.login(username, password);
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(200);
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(200);
    return client;
  }

  async function firstAssignmentId(userId: string): Promise<string> {
    const user = (await secretary.get(`/api/v1/users/${userId}`)).json() as { assignments: { id: string }[] };
    return user.assignments[0]!.id;
  }

  it("ends a disabled user's session and API key on their very next request", async () => {
    const { id } = await t.createUser({ username: 'leaving', role: 'grid_worker', orgCode: CODES.yingMenTan });
    const worker = await cachedLogin('leaving');
    const { key } = (await worker.post('/api/v1/apikeys', { name: '巡查系统' })).json() as { key: string };
    const viaKey = () =>
      t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${key}` } });
    expect((await viaKey()).statusCode).toBe(200);
    expect((await viaKey()).statusCode).toBe(200);

    expect((await secretary.patch(`/api/v1/users/${id}`, { isDisabled: true })).statusCode).toBe(200);
    expect((await worker.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await viaKey()).statusCode).toBe(401);
  });

  it('takes a revoked role away on the next request', async () => {
    const { id } = await t.createUser({ username: 'reassigned', role: 'grid_worker', orgCode: CODES.yingMenTan });
    const worker = await cachedLogin('reassigned');
    expect((await worker.post('/api/v1/residents/search', {})).statusCode).toBe(200);

    const revoked = await secretary.delete(`/api/v1/users/${id}/roles/${await firstAssignmentId(id)}`);
    expect(revoked.statusCode).toBe(204);
    expect((await worker.post('/api/v1/residents/search', {})).statusCode).toBe(403);
    const me = (await worker.get('/api/v1/auth/me')).json() as { user: { permissions: string[] } };
    expect(me.user.permissions).toEqual([]);
  });

  it('gives a granted role on the next request', async () => {
    const { id } = await t.createUser({ username: 'promoted', role: 'grid_worker', orgCode: CODES.yingMenTan });
    const worker = await cachedLogin('promoted');
    expect((await worker.get('/api/v1/users')).statusCode).toBe(403);

    const community = await t.org(CODES.yingMenTan);
    const granted = await secretary.post(`/api/v1/users/${id}/roles`, { role: 'community_staff', orgId: community.id });
    expect(granted.statusCode).toBe(201);
    expect((await worker.get('/api/v1/users')).statusCode).toBe(200);
  });

  it('ends her other sessions the moment she changes her password', async () => {
    await t.createUser({ username: 'two_phones', role: 'grid_worker', orgCode: CODES.yingMenTan });
    const desk = await cachedLogin('two_phones');
    const phone = await cachedLogin('two_phones');
    const changed = await desk.post('/api/v1/auth/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'Another-pass-7',
    });
    expect(changed.statusCode).toBe(204);
    expect((await phone.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await desk.get('/api/v1/auth/me')).statusCode).toBe(200);
  });

  it('ends every session the moment an administrator resets the password', async () => {
    const { id } = await t.createUser({ username: 'forgetful', role: 'grid_worker', orgCode: CODES.yingMenTan });
    const worker = await cachedLogin('forgetful');
    expect((await secretary.post(`/api/v1/users/${id}/reset-password`)).statusCode).toBe(200);
    expect((await worker.get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('ends the session at sign-out although it was cached', async () => {
    await t.createUser({ username: 'leaves_early', role: 'grid_worker', orgCode: CODES.yingMenTan });
    const worker = await cachedLogin('leaves_early');
    expect((await worker.post('/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await worker.get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('audits each request with its own address, not that of the request that filled the cache', async () => {
    await t.createUser({ username: 'roaming', role: 'grid_worker', orgCode: CODES.yingMenTan });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'roaming', password: TEST_PASSWORD },
    });
    const cookies = { tz_session: login.cookies.find((c) => c.name === 'tz_session')!.value };
    const headers = { 'x-csrf-token': (login.json() as { csrfToken: string }).csrfToken };
    const from = (remoteAddress: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, cookies, headers, remoteAddress, ...(payload ? { payload } : {}) });
    expect((await from('10.0.0.1', 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    const created = await from('10.0.0.2', 'POST', '/api/v1/apikeys', { name: '第二台设备' });
    expect(created.statusCode).toBe(201);
    const record = await t.deps.db
      .selectFrom('audit_log')
      .select(['ip', 'actor_name'])
      .where('action', '=', 'apikey.create')
      .where('target_id', '=', (created.json() as { id: string }).id)
      .executeTakeFirstOrThrow();
    expect(record).toEqual({ ip: '10.0.0.2', actor_name: 'roaming' });
  });

  it('sees a change made by another process (the CLI, a second server) within five seconds', async () => {
    const { id } = await t.createUser({ username: 'elsewhere', role: 'grid_worker', orgCode: CODES.yingMenTan });
    const worker = await cachedLogin('elsewhere');
    // Another process disables her: this process learns of it only from the database.
    await t.deps.db.updateTable('users').set({ is_disabled: 1 }).where('id', '=', id).execute();
    expect((await worker.get('/api/v1/auth/me')).statusCode).toBe(200);
    t.clock.advance(AUTH_CACHE_MS);
    expect((await worker.get('/api/v1/auth/me')).statusCode).toBe(401);
  });
});
