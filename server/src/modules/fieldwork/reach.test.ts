import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectRoutes } from '../../app.ts';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { type FieldHousehold, addHousehold, setUpFieldWorld, visitBody } from './fixture.ts';
import { LINKAGE_GRANTS } from './reach.ts';

/**
 * 一亲三心 made usable (issue 14, item 4). Before, a linkage was only a record: a linked 民政局 clerk and a
 * linked party member got 403 on their households and visits, because field work was reachable only
 * through a role over a unit. A linkage now grants field work at exactly its households, nothing else.
 */
interface Cache {
  households: { id: string; members: { phoneMasked: string | null; name: string }[] }[];
}
interface Coverage {
  visitedThisMonth: number;
  neverVisited: number;
}

describe.each(DIALECTS)('field work for people linked to households on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpFieldWorld>>;
  let secretary: Client;
  let district: Client;
  const h: FieldHousehold[] = [];
  let elsewhereInTown: FieldHousehold;
  let ids: { clerk: string; member: string; cadre: string };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpFieldWorld(ctx);
    secretary = await ctx.login('secretary');
    district = await ctx.login('district');
    for (let i = 1; i <= 4; i++) h.push(await addHousehold(secretary, world.grid1.id, `营门滩路 8 号 10${i}`, []));
    const civilAffairs = await ctx.deps.db
      .selectFrom('org_units')
      .select('id')
      .where('parent_id', '=', world.county.id)
      .where('department_kind', '=', 'civil_affairs')
      .executeTakeFirstOrThrow();
    const street = await ctx.org(CODES.yinTanLuStreet);
    const neighbourCommunity = await ctx.deps.db
      .selectFrom('org_units')
      .select('id')
      .where('parent_id', '=', street.id)
      .where('level', '=', 'community')
      .where('code', '!=', CODES.yingMenTan)
      .orderBy('code')
      .executeTakeFirstOrThrow();
    elsewhereInTown = await addHousehold(await ctx.login('street'), neighbourCommunity.id, '银滩路 99 号', []);
    ids = {
      clerk: (await ctx.createUser({ username: 'mzj', role: 'department', orgCode: '', orgId: civilAffairs.id })).id,
      member: (await ctx.createUser({ username: 'dangyuan', role: 'resident', orgCode: CODES.yingMenTan })).id,
      cadre: (await ctx.createUser({ username: 'town', role: 'street', orgCode: CODES.yinTanLuStreet })).id,
    };
  });
  afterAll(() => ctx.close());

  const link = async (by: Client, body: Record<string, unknown>) => {
    const res = await by.post(`/api/v1/orgs/${world.community.id}/linkages`, body);
    expect(res.statusCode, res.body).toBe(201);
  };
  const fieldCache = async (client: Client) => {
    const res = await client.get('/api/v1/my/field-cache');
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Cache>();
  };
  const coverage = async () => {
    const res = await secretary.get(`/api/v1/orgs/${world.community.id}/coverage`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Coverage>();
  };

  it('shows a 民政局 clerk linked to three households (返乡走亲) exactly those, members masked, and her visit counts in coverage and her load', async () => {
    const clerk = await ctx.login('mzj');
    expect((await clerk.get('/api/v1/my/field-cache')).statusCode).toBe(403);
    await link(district, { userId: ids.clerk, kind: 'fanxiang_zouqin', householdIds: [h[0]!.id, h[1]!.id, h[2]!.id] });

    const cache = await fieldCache(clerk);
    expect(cache.households.map((x) => x.id).sort()).toEqual([h[0]!.id, h[1]!.id, h[2]!.id].sort());
    const member = cache.households[0]!.members[0]!;
    expect(member.phoneMasked).toMatch(/^\d{3}\*{4}\d{4}$/);
    const me = (await clerk.get('/api/v1/auth/me')).json<{ user: { permissions: string[] } }>();
    expect(me.user.permissions).toEqual(expect.arrayContaining(['visit.record', 'visit.read']));
    // the field app names the care tags on her households
    expect((await clerk.get('/api/v1/care-tags')).statusCode).toBe(200);

    const before = await coverage();
    const visited = await clerk.post('/api/v1/visits', visitBody(h[0]!.id, ctx.clock.now()));
    expect(visited.statusCode, visited.body).toBe(201);
    const visitId = visited.json<{ visit: { id: string } }>().visit.id;
    expect((await clerk.get(`/api/v1/visits/${visitId}`)).statusCode).toBe(200);
    const history = await clerk.get(`/api/v1/households/${h[0]!.id}/visits`);
    expect(history.statusCode, history.body).toBe(200);
    expect(history.json<{ items: { id: string }[] }>().items.map((v) => v.id)).toContain(visitId);

    const after = await coverage();
    expect(after.visitedThisMonth).toBe(before.visitedThisMonth + 1);
    expect(after.neverVisited).toBe(before.neverVisited - 1);

    const load = await secretary.get(`/api/v1/orgs/${world.community.id}/linkage-load`);
    const mine = load
      .json<{ items: { userId: string; households: number; visitsThisMonth: number }[] }>()
      .items.find((i) => i.userId === ids.clerk);
    expect(mine).toMatchObject({ households: 3, visitsThisMonth: 1 });
  });

  it('grants a linked person nothing else: not another household of the village, not its registry pages, not unit figures', async () => {
    const clerk = await ctx.login('mzj');
    const other = await clerk.post('/api/v1/visits', visitBody(h[3]!.id, ctx.clock.now()));
    expect(other.statusCode, other.body).toBe(404);
    expect((await clerk.get(`/api/v1/households/${h[3]!.id}/visits`)).statusCode).toBe(404);
    expect((await clerk.get(`/api/v1/households/${h[0]!.id}`)).statusCode).toBe(404);
    expect((await clerk.get(`/api/v1/residents/${h[0]!.residentId}`)).statusCode).toBe(404);
    expect([403, 404]).toContain((await clerk.get(`/api/v1/orgs/${world.community.id}/coverage`)).statusCode);
    expect([403, 404]).toContain((await clerk.get(`/api/v1/orgs/${world.community.id}/linkages`)).statusCode);
    const visits = await ctx.deps.db
      .selectFrom('visits')
      .select('household_id')
      .where('recorded_by', '=', ids.clerk)
      .execute();
    expect(visits.map((v) => v.household_id)).toEqual([h[0]!.id]);
  });

  it('lets a linked party member (a resident account) see and visit her one household from the phone', async () => {
    await link(secretary, { userId: ids.member, kind: 'lianhu_jiaoxin', householdIds: [h[1]!.id] });
    const member = await ctx.login('dangyuan');
    const cache = await fieldCache(member);
    expect(cache.households.map((x) => x.id)).toEqual([h[1]!.id]);
    const res = await member.post('/api/v1/visits', visitBody(h[1]!.id, ctx.clock.now()));
    expect(res.statusCode, res.body).toBe(201);
    expect((await member.post('/api/v1/visits', visitBody(h[2]!.id, ctx.clock.now()))).statusCode).toBe(404);
  });

  it('shows a town cadre stationed in a village (驻村连心) that village on her phone, not the whole town', async () => {
    const cadre = await ctx.login('town');
    const wholeTown = (await fieldCache(cadre)).households.map((x) => x.id);
    expect(wholeTown).toContain(elsewhereInTown.id);
    await link(await ctx.login('street'), {
      userId: ids.cadre,
      kind: 'zhucun_lianxin',
      gridId: world.community.id,
    });
    const village = (await fieldCache(cadre)).households.map((x) => x.id);
    expect(village).not.toContain(elsewhereInTown.id);
    for (const x of h) expect(village).toContain(x.id);
    expect(village.every((id) => wholeTown.includes(id))).toBe(true);
  });

  it('answers every field-work route on a household to a linked person as it answers her grid worker', async () => {
    // the class of the old bug: a route on a household whose permission a linkage grants, reached only by role
    const routes = collectRoutes(ctx.deps).filter(
      (r) =>
        r.method === 'GET' &&
        typeof r.auth === 'string' &&
        (LINKAGE_GRANTS as readonly string[]).includes(r.auth) &&
        r.scope !== undefined &&
        'params' in r.scope &&
        r.scope.params?.id === 'household',
    );
    expect(routes.length).toBeGreaterThan(0);
    const clerk = await ctx.login('mzj');
    const grid = await ctx.login('wg1');
    for (const route of routes) {
      const url = route.url.replace(':id', h[0]!.id);
      const asGrid = await grid.get(url);
      const asLinked = await clerk.get(url);
      expect(asGrid.statusCode, `${url} as grid worker`).toBe(200);
      expect(asLinked.statusCode, `${url} as linked person: ${asLinked.body}`).toBe(200);
      const elsewhere = await clerk.get(route.url.replace(':id', h[3]!.id));
      expect(elsewhere.statusCode, `${route.url} for a household not linked to her`).toBe(404);
    }
  });
});
