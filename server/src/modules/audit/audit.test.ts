import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';

describe.each(DIALECTS)('audit on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'szs_sj', role: 'community_secretary', orgCode: CODES.shanZiShi });
  });
  afterAll(() => t.close());

  it('records successful and failed sign-ins with IP and user agent', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ymt_sj', password: 'Wrong-pass-1' },
      headers: { 'user-agent': 'test-agent/1' },
    });
    const client = await t.login('ymt_sj');
    const res = (await client.get('/api/v1/audit?pageSize=50')).json() as {
      items: { action: string; ip: string; userAgent: string | null; orgName: string }[];
    };
    const actions = res.items.map((i) => i.action);
    expect(actions).toContain('auth.login');
    expect(actions).toContain('auth.login_failed');
    const failed = res.items.find((i) => i.action === 'auth.login_failed')!;
    expect(failed.ip).toBe('127.0.0.1');
    expect(failed.userAgent).toBe('test-agent/1');
    expect(failed.orgName).toContain('营门滩社区');
  });

  it('shows each secretary only the audit of her own community', async () => {
    const other = await t.login('szs_sj');
    const res = (await other.get('/api/v1/audit?pageSize=200')).json() as { items: { actorName: string }[] };
    expect(res.items.length).toBeGreaterThan(0);
    expect(res.items.map((i) => i.actorName)).not.toContain('ymt_sj');
  });

  it('filters by action and time range', async () => {
    const client = await t.login('ymt_sj');
    const from = new Date(t.clock.now().getTime() - 60_000).toISOString();
    const res = (await client.get(`/api/v1/audit?action=auth.login&from=${from}`)).json() as {
      items: { action: string }[];
      total: number;
    };
    expect(res.total).toBeGreaterThan(0);
    expect(res.items.every((i) => i.action === 'auth.login')).toBe(true);
  });

  it('cannot be changed or deleted, even by SQL run against the database', async () => {
    const before = await t.deps.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await expect(sql`update audit_log set action = 'tampered'`.execute(t.deps.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(t.deps.db)).rejects.toThrow(/append-only/);
    const after = await t.deps.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
