import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';

describe.each(DIALECTS)('users and delegated administration on %s', (dialect) => {
  let t: TestContext;
  let secretary: Client;
  let street: Client;
  let community: { id: string };
  let otherCommunity: { id: string };

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'ytl', role: 'street', orgCode: CODES.yinTanLuStreet });
    await t.createUser({
      username: 'szs_sj',
      role: 'community_secretary',
      orgCode: CODES.shanZiShi,
      phone: '13900001111',
    });
    secretary = await t.login('ymt_sj');
    street = await t.login('ytl');
    community = await t.org(CODES.yingMenTan);
    otherCommunity = await t.org(CODES.shanZiShi);
  });
  afterAll(() => t.close());

  it('lets a secretary create a grid worker in her community with a generated password shown once', async () => {
    const res = await secretary.post('/api/v1/users', {
      username: 'wang_wgy',
      displayName: '王网格员',
      phone: '138 1234 5678',
      homeOrgId: community.id,
      roles: [{ role: 'grid_worker', orgId: community.id }],
    });
    expect(res.statusCode).toBe(201);
    const body = res.json() as {
      user: { phone: string; mustChangePassword: boolean; assignments: { role: string }[] };
      initialPassword: string;
    };
    expect(body.initialPassword).toMatch(/.{8,}/);
    expect(body.user).toMatchObject({ phone: '138****5678', mustChangePassword: true });
    expect(body.user.assignments.map((a) => a.role)).toEqual(['grid_worker']);
  });

  it('answers 409 for a login name already taken, whatever its case', async () => {
    const res = await secretary.post('/api/v1/users', {
      username: 'Wang_WGY',
      displayName: '重名',
      homeOrgId: community.id,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'USERNAME_TAKEN', errors: [{ field: 'username' }] });
  });

  it('answers 400 naming the field for a bad phone number', async () => {
    const res = await secretary.post('/api/v1/users', {
      username: 'li_si',
      displayName: '李四',
      phone: '12345',
      homeOrgId: community.id,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ errors: [{ field: 'phone', code: 'invalid_phone' }] });
  });

  it('does not let a secretary create users in another community (404)', async () => {
    const res = await secretary.post('/api/v1/users', {
      username: 'intruder',
      displayName: 'x',
      homeOrgId: otherCommunity.id,
    });
    expect(res.statusCode).toBe(404);
  });

  it('does not let a street user grant a role carrying permissions she lacks (pii.reveal)', async () => {
    const res = await street.post('/api/v1/users', {
      username: 'new_sj',
      displayName: '新书记',
      homeOrgId: community.id,
      roles: [{ role: 'community_secretary', orgId: community.id }],
    });
    expect(res.statusCode).toBe(403);
    expect((await t.deps.db.selectFrom('users').select('id').where('username', '=', 'new_sj').execute()).length).toBe(
      0,
    );
    const ok = await street.post('/api/v1/users', {
      username: 'new_staff',
      displayName: '新社工',
      homeOrgId: community.id,
      roles: [{ role: 'community_staff', orgId: community.id }],
    });
    expect(ok.statusCode).toBe(201);
  });

  it('does not let a secretary grant a role above her community', async () => {
    const streetUnit = await t.org(CODES.yinTanLuStreet);
    const users = (await secretary.get('/api/v1/users?q=wang')).json() as { items: { id: string }[] };
    const res = await secretary.post(`/api/v1/users/${users.items[0]!.id}/roles`, {
      role: 'grid_worker',
      orgId: streetUnit.id,
    });
    expect(res.statusCode).toBe(404);
  });

  it('grants and revokes roles, each change audited', async () => {
    const users = (await secretary.get('/api/v1/users?q=wang')).json() as { items: { id: string }[] };
    const id = users.items[0]!.id;
    const granted = await secretary.post(`/api/v1/users/${id}/roles`, { role: 'community_staff', orgId: community.id });
    expect(granted.statusCode).toBe(201);
    const assignmentId = (granted.json() as { id: string }).id;
    expect((await secretary.delete(`/api/v1/users/${id}/roles/${assignmentId}`)).statusCode).toBe(204);
    const audit = (await secretary.get('/api/v1/audit?pageSize=200')).json() as {
      items: { action: string; targetId: string }[];
    };
    const actions = audit.items.filter((a) => a.targetId === id).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['user.create', 'role.grant', 'role.revoke']));
  });

  it('lists only users within scope; another community’s user is 404', async () => {
    const list = (await secretary.get('/api/v1/users?pageSize=200')).json() as { items: { username: string }[] };
    const names = list.items.map((u) => u.username);
    expect(names).toContain('wang_wgy');
    expect(names).not.toContain('szs_sj');
    const other = await t.deps.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'szs_sj')
      .executeTakeFirstOrThrow();
    expect((await secretary.get(`/api/v1/users/${other.id}`)).statusCode).toBe(404);
  });

  it('stores phones encrypted, masks them, and reveals one only through an audited call with a reason', async () => {
    const admin = await t.createUser({ username: 'root', role: 'admin', orgCode: 'nation' });
    expect(admin.id).toBeDefined();
    const root = await t.login('root');
    const other = await t.deps.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', 'szs_sj')
      .executeTakeFirstOrThrow();
    expect(other.phone_enc).not.toContain('13900001111');
    const shown = (await root.get(`/api/v1/users/${other.id}`)).json() as { phone: string };
    expect(shown.phone).toBe('139****1111');
    expect((await root.post(`/api/v1/users/${other.id}/reveal-phone`, {})).statusCode).toBe(400);
    const revealed = await root.post(`/api/v1/users/${other.id}/reveal-phone`, { reason: '核实联系方式' });
    expect(revealed.json()).toEqual({ phone: '13900001111' });
    const audit = (await root.get('/api/v1/audit?action=pii.reveal')).json() as {
      items: { targetId: string; detail: { reason: string } }[];
    };
    expect(audit.items[0]).toMatchObject({ targetId: other.id, detail: { reason: '核实联系方式' } });
    expect(JSON.stringify(audit)).not.toContain('13900001111');
    if (dialect === 'sqlite') {
      t.deps.database.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
      const bytes = fs.readFileSync(t.deps.database.sqlite!.name);
      expect(bytes.includes(Buffer.from('13900001111'))).toBe(false);
      expect(bytes.includes(Buffer.from('13812345678'))).toBe(false);
    }
  });

  it('resets a password: old sessions end and the new one must be changed', async () => {
    await t.createUser({ username: 'forgetful', role: 'grid_worker', orgCode: CODES.yingMenTan });
    const victim = await t.login('forgetful');
    const u = await t.deps.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'forgetful')
      .executeTakeFirstOrThrow();
    const reset = await secretary.post(`/api/v1/users/${u.id}/reset-password`);
    expect(reset.statusCode).toBe(200);
    expect((await victim.get('/api/v1/auth/me')).statusCode).toBe(401);
    const fresh = await t.login('forgetful', (reset.json() as { initialPassword: string }).initialPassword);
    expect((await fresh.get('/api/v1/orgs/roots')).json()).toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED' });
  });
});
