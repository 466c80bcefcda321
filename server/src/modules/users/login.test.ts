import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isCommonPassword, verifyPassword } from '../../platform/auth/password.ts';
import { MINUTE } from '../../platform/clock.ts';
import {
  CODES,
  DIALECTS,
  TEST_PASSWORD,
  type Client,
  type TestContext,
  createTestContext,
} from '../../test/harness.ts';
import { DEMO_PASSWORD } from '../../cli/demo.ts';

// Every password check the sign-in makes is recorded, so the test can see that a locked account and an
// unknown name cost the same argon2 verification (timing itself is measured by no test: it would flake).
vi.mock('../../platform/auth/password.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../platform/auth/password.ts')>();
  return { ...original, verifyPassword: vi.fn(original.verifyPassword) };
});

const IP_A = '203.0.113.7';
const IP_B = '198.51.100.9';

describe.each(DIALECTS)('sign-in that tells an outsider nothing on %s', (dialect) => {
  let t: TestContext;
  let secretary: Client;
  let community: { id: string };
  const login = (username: string, password: string, ip = IP_A) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
      remoteAddress: ip,
    });
  const failFiveTimes = async (username: string, ip = IP_A) => {
    for (let i = 0; i < 5; i++) expect((await login(username, `Wrong-pass-${i}`, ip)).statusCode).toBe(401);
  };
  /** the stored hashes the password checks of one sign-in compared against */
  const hashesChecked = async (username: string, password: string) => {
    const verify = vi.mocked(verifyPassword);
    verify.mockClear();
    await login(username, password);
    return verify.mock.calls.map(([stored]) => stored);
  };

  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet });
    community = await t.org(CODES.yingMenTan);
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    secretary = await t.login('ymt_sj');
  });
  afterAll(() => t.close());

  it('answers a locked known username exactly like an unknown one: status, body and an argon2 check', async () => {
    await t.createUser({ username: 'locked_out', role: 'grid_worker', orgCode: CODES.yingMenTan });
    await failFiveTimes('locked_out');
    const locked = await login('locked_out', TEST_PASSWORD);
    const unknown = await login('no_such_person', TEST_PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect(locked.statusCode).toBe(unknown.statusCode);
    expect(locked.body).toBe(unknown.body);
    expect(locked.json()).toMatchObject({ code: 'BAD_CREDENTIALS' });
    // Same time: each runs exactly one argon2 verification, against a real argon2id hash.
    const lockedHashes = await hashesChecked('locked_out', TEST_PASSWORD);
    const unknownHashes = await hashesChecked('no_such_person', TEST_PASSWORD);
    expect(lockedHashes).toHaveLength(1);
    expect(unknownHashes).toHaveLength(1);
    expect(lockedHashes[0]).toMatch(/^\$argon2id\$/);
    expect(unknownHashes[0]).toMatch(/^\$argon2id\$/);
  });

  it('lets the owner sign in from another address while the one that failed 5 times is locked out', async () => {
    await t.createUser({ username: 'target', role: 'grid_worker', orgCode: CODES.yingMenTan });
    await failFiveTimes('target', IP_A);
    expect((await login('target', TEST_PASSWORD, IP_A)).statusCode).toBe(401);
    const fromB = await login('target', TEST_PASSWORD, IP_B);
    expect(fromB.statusCode, fromB.body).toBe(200);
    // signing in from B does not unlock A
    expect((await login('target', TEST_PASSWORD, IP_A)).statusCode).toBe(401);
    t.clock.advance(16 * MINUTE);
    expect((await login('target', TEST_PASSWORD, IP_A)).statusCode).toBe(200);
  });

  it('shows an administrator that the account is locked somewhere, and a reset unlocks it', async () => {
    const { id } = await t.createUser({ username: 'reset_me', role: 'grid_worker', orgCode: CODES.yingMenTan });
    await failFiveTimes('reset_me');
    expect(((await secretary.get(`/api/v1/users/${id}`)).json() as { isLocked: boolean }).isLocked).toBe(true);
    const reset = await secretary.post(`/api/v1/users/${id}/reset-password`);
    const { initialPassword } = reset.json() as { initialPassword: string };
    expect((await login('reset_me', initialPassword)).statusCode).toBe(200);
  });

  it('refuses common passwords, also with digits or symbols added, on password change and on user create', async () => {
    for (const common of ['Password1', 'PASSWORD2026!', 'Qwerty@2026', 'Admin@123', 'Woaini1314!']) {
      expect(isCommonPassword(common), common).toBe(true);
    }
    const created = await secretary.post('/api/v1/users', {
      username: 'weak_one',
      displayName: '弱密码',
      homeOrgId: community.id,
      password: 'Password1',
    });
    expect(created.statusCode).toBe(400);
    expect(created.json()).toMatchObject({
      errors: [{ field: 'password', code: 'common_password' }],
    });
    expect(created.body).toContain('常见密码');
    await t.createUser({ username: 'changer', role: 'grid_worker', orgCode: CODES.yingMenTan });
    const changer = await t.login('changer');
    for (const newPassword of ['Password1', 'Sunshine#2026']) {
      const res = await changer.post('/api/v1/auth/password', { currentPassword: TEST_PASSWORD, newPassword });
      expect(res.statusCode, newPassword).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'VALIDATION',
        errors: [{ field: 'newPassword', code: 'common_password' }],
      });
      expect(res.body).toContain('common password');
    }
    const fine = await changer.post('/api/v1/auth/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'Huanghe-qiao-1909',
    });
    expect(fine.statusCode).toBe(204);
  });

  it('still accepts the demo password for accounts the demo seed creates, and the test password', async () => {
    expect(isCommonPassword(DEMO_PASSWORD)).toBe(false);
    expect(isCommonPassword(TEST_PASSWORD)).toBe(false);
    const created = await secretary.post('/api/v1/users', {
      username: 'demo_like',
      displayName: '演示',
      homeOrgId: community.id,
      password: DEMO_PASSWORD,
    });
    expect(created.statusCode, created.body).toBe(201);
  });

  it('does not honour the API key of a user who must change her password until she has', async () => {
    const { id } = await t.createUser({ username: 'key_holder', role: 'grid_worker', orgCode: CODES.yingMenTan });
    const holder = await t.login('key_holder');
    const { key } = (await holder.post('/api/v1/apikeys', { name: '巡查系统' })).json() as { key: string };
    const withKey = (method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
    expect((await withKey('GET', '/api/v1/orgs/roots')).statusCode).toBe(200);

    const reset = await secretary.post(`/api/v1/users/${id}/reset-password`);
    const { initialPassword } = reset.json() as { initialPassword: string };
    const refused = await withKey('GET', '/api/v1/orgs/roots');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED' });
    // Open311 takes the key as a parameter: refused there too
    const open311 = await t.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload: { api_key: key },
    });
    expect(open311.statusCode).toBe(403);
    expect(open311.body).toContain('请先修改初始密码');

    const fresh = await t.login('key_holder', initialPassword);
    const changed = await fresh.post('/api/v1/auth/password', {
      currentPassword: initialPassword,
      newPassword: 'Huanghe-qiao-1909',
    });
    expect(changed.statusCode).toBe(204);
    expect((await withKey('GET', '/api/v1/orgs/roots')).statusCode).toBe(200);
  });
});
