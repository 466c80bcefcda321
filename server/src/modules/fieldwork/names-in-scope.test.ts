import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';

/**
 * Issue 19, item 4: a visit's companions and a linkage's person are accounts in the caller's scope. An
 * account of another community is answered exactly like an id of nobody (404 naming the field), and
 * her name never comes back — neither through the route (declared `user` ids, register.ts) nor through
 * the phone's sync queue (the service's own check).
 */
describe.each(DIALECTS)('visit companions and linkage users stay in scope on %s', (dialect) => {
  let t: TestContext;
  let secretary: Client;
  let householdId: string;
  let communityId: string;
  let colleagueId: string;
  let outsiderId: string;
  const outsiderName = 'szs_party_member';

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    colleagueId = (await t.createUser({ username: 'ymt_gw', role: 'grid_worker', orgCode: CODES.yingMenTan })).id;
    outsiderId = (await t.createUser({ username: outsiderName, role: 'grid_worker', orgCode: CODES.shanZiShi })).id;
    secretary = await t.login('ymt_sj');
    communityId = (await t.org(CODES.yingMenTan)).id;
    const h = await secretary.post('/api/v1/households', { orgId: communityId, address: '营门滩路 5 号' });
    expect(h.statusCode, h.body).toBe(201);
    householdId = h.json<{ id: string }>().id;
  });
  afterAll(() => t.close());

  const visit = (companionIds: string[]) => ({
    clientId: crypto.randomUUID(),
    householdId,
    visitedAt: t.clock.now().toISOString(),
    kind: 'routine',
    findings: [],
    companionIds,
  });

  it('refuses a companion from another community like one who does not exist, naming the field and not her', async () => {
    const outside = await secretary.post('/api/v1/visits', visit([colleagueId, outsiderId]));
    const nobody = await secretary.post('/api/v1/visits', visit([colleagueId, crypto.randomUUID()]));
    expect(outside.statusCode).toBe(404);
    expect(outside.json()).toMatchObject({ code: 'NOT_FOUND', errors: [{ field: 'companionIds.1' }] });
    expect(outside.body).toBe(nobody.body);
    expect(outside.body).not.toContain(outsiderName);
    expect(
      await t.deps.db.selectFrom('visit_visitors').select('user_id').where('user_id', '=', outsiderId).execute(),
    ).toEqual([]);

    const ok = await secretary.post('/api/v1/visits', visit([colleagueId]));
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.body).toContain('ymt_gw');
  });

  it('refuses the same companion through the phone’s sync queue, without her name', async () => {
    const { clientId, ...payload } = visit([outsiderId]);
    const res = await secretary.post('/api/v1/sync/batch', { ops: [{ clientId, kind: 'visit', payload }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ results: { status: string; error?: { field: string } }[] }>().results[0]).toMatchObject({
      status: 'rejected',
      error: { field: 'companionIds.0' },
    });
    expect(res.body).not.toContain(outsiderName);
  });

  it('links only a person of her own scope to households, answering one from elsewhere like nobody', async () => {
    const link = (userId: string) =>
      secretary.post(`/api/v1/orgs/${communityId}/linkages`, {
        userId,
        kind: 'lianhu_jiaoxin',
        householdIds: [householdId],
      });
    const outside = await link(outsiderId);
    const nobody = await link(crypto.randomUUID());
    expect(outside.statusCode).toBe(404);
    expect(outside.json()).toMatchObject({ errors: [{ field: 'userId' }] });
    expect(outside.body).toBe(nobody.body);
    expect(outside.body).not.toContain(outsiderName);
    expect(await t.deps.db.selectFrom('linkages').select('id').where('user_id', '=', outsiderId).execute()).toEqual([]);
    const list = await secretary.get(`/api/v1/orgs/${communityId}/linkages`);
    expect(list.body).not.toContain(outsiderName);

    expect((await link(colleagueId)).statusCode).toBe(201);
  });
});
