import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { setUpCaseWorld } from '../cases/fixture.ts';
import { findConfirmedRegistration } from './double-registration.ts';
import { shanghaiDay } from '../../platform/calendar.ts';

interface Registration {
  id: string;
  status: string;
  posts: { id: string; name: string }[];
  confirmedMinutes: number;
  loggedMinutes: number;
}

describe.each(DIALECTS)('双报到 and 党建联盟 on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpCaseWorld>>;
  let secretary: Client;
  let member: Client;
  let other: Client;
  let memberId: string;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpCaseWorld(ctx);
    secretary = await ctx.login('secretary');
    memberId = (await ctx.createUser({ username: 'lihong', role: 'resident', orgCode: CODES.yingMenTan })).id;
    await ctx.createUser({ username: 'wangfang', role: 'resident', orgCode: CODES.yingMenTan });
    member = await ctx.login('lihong');
    other = await ctx.login('wangfang');
  });
  afterAll(() => ctx.close());

  const register = (client: Client, communityCode: string = CODES.yingMenTan) =>
    client.post('/api/v1/my/dual-registrations', { communityCode, name: '李红', workUnit: '安宁区教育局' });

  it('registers a party member with the community where she lives; the community confirms; she picks posts and logs hours staff confirm', async () => {
    const posted = await secretary.post(`/api/v1/orgs/${world.community.id}/service-posts`, { name: '政策宣讲员' });
    expect(posted.statusCode, posted.body).toBe(201);
    const post = posted.json<{ id: string }>();

    const res = await register(member);
    expect(res.statusCode, res.body).toBe(201);
    const reg = res.json<Registration>();
    expect(reg.status).toBe('pending');
    expect(await findConfirmedRegistration(ctx.deps.db, memberId, world.community.path)).toBeUndefined();

    const waiting = await secretary.get(`/api/v1/orgs/${world.community.id}/dual-registrations?status=pending`);
    expect(waiting.json<{ items: Registration[] }>().items.map((r) => r.id)).toEqual([reg.id]);
    const early = await member.post('/api/v1/my/service-hours', {
      registrationId: reg.id,
      sourceKind: 'post',
      sourceId: post.id,
      servedOn: '2026-12-01',
      minutes: 60,
    });
    expect(early.statusCode).toBe(400);

    const decided = await secretary.post(`/api/v1/dual-registrations/${reg.id}/decide`, { isConfirmed: true });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json<Registration>().status).toBe('confirmed');
    expect(await findConfirmedRegistration(ctx.deps.db, memberId, world.community.path)).toMatchObject({ id: reg.id });
    const told = await ctx.deps.db
      .selectFrom('outbox_messages')
      .select('kind')
      .where('recipient_user_id', '=', memberId)
      .execute();
    expect(told.map((m) => m.kind)).toContain('dual.confirmed');

    const picked = await member.request('PUT', `/api/v1/my/dual-registrations/${reg.id}/posts`, { postIds: [post.id] });
    expect(picked.statusCode, picked.body).toBe(200);
    expect(picked.json<Registration>().posts.map((p) => p.name)).toEqual(['政策宣讲员']);

    const hours = (minutes: number) =>
      member.post('/api/v1/my/service-hours', {
        registrationId: reg.id,
        sourceKind: 'post',
        sourceId: post.id,
        servedOn: shanghaiDay(ctx.clock.now()),
        minutes,
      });
    const logged = await hours(120);
    expect(logged.statusCode, logged.body).toBe(201);
    const tooMuch = await hours(1400);
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('minutes');
    const toConfirm = await secretary.get(`/api/v1/orgs/${world.community.id}/service-hours`);
    const [entry] = toConfirm.json<{ items: { id: string; minutes: number }[] }>().items;
    expect(entry!.minutes).toBe(120);
    expect((await secretary.post(`/api/v1/service-hours/${entry!.id}/decide`, { isConfirmed: true })).statusCode).toBe(
      200,
    );
    expect((await secretary.post(`/api/v1/service-hours/${entry!.id}/decide`, { isConfirmed: false })).statusCode).toBe(
      409,
    );
    const mine = await member.get('/api/v1/my/dual-registrations');
    expect(mine.json<{ items: Registration[] }>().items[0]).toMatchObject({ confirmedMinutes: 120, loggedMinutes: 0 });
  });

  it('refuses a 双报到 to a community outside the platform, and a second one with the same community, naming the field', async () => {
    const outside = await register(other, '990101001001');
    expect(outside.statusCode).toBe(400);
    expect(outside.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('communityCode');
    const street = await register(other, `${CODES.yinTanLuStreet}000`);
    expect(street.statusCode).toBe(400);
    expect((await register(other)).statusCode).toBe(201);
    const twice = await register(other);
    expect(twice.statusCode).toBe(409);
    expect(twice.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('communityCode');
    const rows = await ctx.deps.db.selectFrom('dual_registrations').select('id').where('name', '=', '李红').execute();
    expect(rows).toHaveLength(2);
  });

  it('lets one 双报到 member claim a case the community opened to volunteers; a second claim, hers or another’s, is refused', async () => {
    const staff = await ctx.login('staff');
    const created = await staff.post('/api/v1/cases', {
      channel: 'phone',
      description: '外地孩子入学需要协助办理材料',
      orgId: world.community.id,
    });
    expect(created.statusCode, created.body).toBe(201);
    const caseId = created.json<{ case: { id: string } }>().case.id;
    const opened = await secretary.post(`/api/v1/cases/${caseId}/volunteer-opening`, {
      title: '协助办理入学材料',
      helpWanted: '熟悉教育局入学流程的党员',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const openingId = opened.json<{ id: string }>().id;

    // wangfang's registration is still pending: the opening is none of hers
    expect((await other.post(`/api/v1/volunteer-openings/${openingId}/claim`)).statusCode).toBe(404);
    const list = await member.get('/api/v1/my/volunteer-openings');
    expect(list.json<{ items: { id: string }[] }>().items.map((o) => o.id)).toEqual([openingId]);
    const claim = await member.post(`/api/v1/volunteer-openings/${openingId}/claim`);
    expect(claim.statusCode, claim.body).toBe(200);
    const again = await member.post(`/api/v1/volunteer-openings/${openingId}/claim`);
    expect(again.statusCode).toBe(409);
    expect(again.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('id');
  });

  it('keeps an alliance’s units, 大党委 members and three lists, visible to the street’s communities', async () => {
    const street = await ctx.login('street');
    const streetOrg = await ctx.org(CODES.yinTanLuStreet);
    const created = await street.post('/api/v1/alliances', { orgId: streetOrg.id, name: '银滩路街道党建联盟' });
    expect(created.statusCode, created.body).toBe(201);
    const alliance = created.json<{ id: string }>();
    await street.post(`/api/v1/alliances/${alliance.id}/units`, { name: '安宁区第一中学', kind: 'school' });
    const withUnits = await street.post(`/api/v1/alliances/${alliance.id}/units`, {
      name: '万达超市',
      kind: 'enterprise',
    });
    const units = withUnits.json<{ units: { id: string; name: string }[] }>().units;
    expect(units.map((u) => u.name).sort()).toEqual(['万达超市', '安宁区第一中学'].sort());
    const school = units.find((u) => u.name === '安宁区第一中学')!;
    expect(
      (
        await street.post(`/api/v1/alliances/${alliance.id}/council`, {
          unitId: school.id,
          name: '张校长',
          post: '兼职委员',
        })
      ).statusCode,
    ).toBe(201);
    const need = (await street.post(`/api/v1/alliances/${alliance.id}/needs`, { title: '课后托管场地' })).json<{
      id: string;
    }>();
    const resource = (
      await street.post(`/api/v1/alliances/${alliance.id}/resources`, { unitId: school.id, title: '周末开放操场' })
    ).json<{ id: string }>();
    const project = await street.post(`/api/v1/alliances/${alliance.id}/projects`, {
      title: '四点半课堂',
      ownerUnitId: school.id,
      needId: need.id,
      resourceId: resource.id,
      milestones: [{ title: '签订共建协议' }, { title: '首期开班', dueOn: '2027-01-10' }],
    });
    expect(project.statusCode, project.body).toBe(201);

    const seen = await secretary.get(`/api/v1/alliances/${alliance.id}/lists`);
    expect(seen.statusCode, seen.body).toBe(200);
    const lists = seen.json<{
      needs: { status: string }[];
      resources: { unitName: string }[];
      projects: { id: string; status: string; version: number; ownerName: string; milestones: { id: string }[] }[];
    }>();
    expect(lists.needs[0]!.status).toBe('matched');
    expect(lists.resources[0]!.unitName).toBe('安宁区第一中学');
    expect(lists.projects[0]).toMatchObject({ status: 'planned', ownerName: '安宁区第一中学' });
    expect(lists.projects[0]!.milestones).toHaveLength(2);
    // the community sees its street's alliance but does not run it
    expect((await secretary.post(`/api/v1/alliances/${alliance.id}/needs`, { title: '别的' })).statusCode).toBe(404);
    expect((await (await ctx.login('otherstaff')).get(`/api/v1/alliances/${alliance.id}/lists`)).statusCode).toBe(404);

    const p = lists.projects[0]!;
    const moved = await street.post(`/api/v1/alliance-projects/${p.id}/status`, { status: 'done', version: p.version });
    expect(moved.statusCode).toBe(400);
    const started = await street.post(`/api/v1/alliance-projects/${p.id}/status`, {
      status: 'in_progress',
      version: p.version,
    });
    expect(started.statusCode, started.body).toBe(200);
    const stale = await street.post(`/api/v1/alliance-projects/${p.id}/status`, { status: 'done', version: p.version });
    expect(stale.statusCode).toBe(409);
    expect((await street.post(`/api/v1/alliance-milestones/${p.milestones[0]!.id}/done`)).statusCode).toBe(200);
  });

  it('keeps a village’s 党支部 and a 党小组 under it, with a registry resident as member once', async () => {
    const branch = await secretary.post('/api/v1/party-orgs', {
      orgId: world.community.id,
      kind: 'branch',
      name: '营门滩社区党支部',
    });
    expect(branch.statusCode, branch.body).toBe(201);
    const group = await secretary.post('/api/v1/party-orgs', {
      orgId: world.grid.id,
      kind: 'group',
      name: '第一党小组',
      parentId: branch.json<{ id: string }>().id,
    });
    expect(group.statusCode, group.body).toBe(201);
    const wrongLevel = await secretary.post('/api/v1/party-orgs', {
      orgId: world.grid.id,
      kind: 'committee',
      name: 'x',
    });
    expect(wrongLevel.statusCode).toBe(400);
    const h = await secretary.post('/api/v1/households', { orgId: world.grid.id, address: '营门滩路 5 号' });
    const r = await secretary.post('/api/v1/residents', {
      householdId: h.json<{ id: string }>().id,
      name: '赵党员',
      noIdReason: '外籍人员',
      gender: 'male',
      birthDate: '1960-05-01',
      relation: '户主',
      residenceType: 'permanent',
    });
    const residentId = r.json<{ id: string }>().id;
    const groupId = group.json<{ id: string }>().id;
    expect((await secretary.post(`/api/v1/party-orgs/${groupId}/members`, { residentId })).statusCode).toBe(201);
    const again = await secretary.post(`/api/v1/party-orgs/${branch.json<{ id: string }>().id}/members`, {
      residentId,
    });
    expect(again.statusCode).toBe(409);
    const tree = await secretary.get(`/api/v1/orgs/${world.community.id}/party-orgs`);
    expect(tree.json<{ items: { name: string; members: number }[] }>().items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: '营门滩社区党支部', members: 0 }),
        expect.objectContaining({ name: '第一党小组', members: 1 }),
      ]),
    );
  });
});
