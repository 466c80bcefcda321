import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { expectErrorBody } from '../../test/http.ts';
import { countyKeyOf } from '../../db/county-key.ts';
import { setUpFieldWorld } from '../fieldwork/fixture.ts';
import { idNumberFor, registerResident, signInBySms } from '../residents/fixture.ts';

interface Detail {
  id: string;
  households: number;
  accounts: number;
  staff: number;
  staffRead: number;
  staffReceipts: { name: string; role: string; unitName: string; readAt: string | null }[];
}
interface Preview {
  households: number;
  accounts: number;
  staff: number;
}

const fieldOf = (body: string) => (JSON.parse(body) as { errors: { field: string }[] }).errors[0]!.field;

/**
 * 说文解策 by role (issue 15, item 9): a notice to the community's party members, 双报到 members,
 * volunteers and council members reaches the households holding the role — each role known from its own
 * module — and a notice to every 网格员 reaches those staff in their bell, with their own read receipts.
 */
describe.each(DIALECTS)('notices by role on %s', (dialect) => {
  let t: TestContext;
  let world: Awaited<ReturnType<typeof setUpFieldWorld>>;
  let secretary: Client;
  const phones: Record<string, Client> = {};
  const h: Record<'party' | 'dual' | 'volunteer' | 'council' | 'plain', string> = {
    party: '',
    dual: '',
    volunteer: '',
    council: '',
    plain: '',
  };

  beforeAll(async () => {
    t = await createTestContext(dialect);
    world = await setUpFieldWorld(t);
    secretary = await t.login('secretary');
    const people = [
      ['party', '赵党员', world.grid1.id, undefined],
      ['dual', '李双报', world.grid1.id, '13700004002'],
      ['volunteer', '王志愿', world.grid2.id, '13700004003'],
      ['council', '孙代表', world.grid2.id, undefined],
      ['plain', '周居民', world.grid1.id, '13700004005'],
    ] as const;
    const residentIds: Record<string, string> = {};
    let seq = 401;
    for (const [key, name, orgId, phone] of people) {
      const idNumber = idNumberFor('1975-06-01', seq++);
      const r = await registerResident(
        secretary,
        { orgId, address: `营门滩路 ${seq} 号` },
        { name, idNumber, ...(phone === undefined ? {} : { phone }) },
      );
      h[key] = r.householdId;
      residentIds[key] = r.residentId;
      if (phone !== undefined) {
        const client = await signInBySms(t, phone);
        expect((await client.post('/api/v1/my/binding', { name, idNumber })).json(), name).toMatchObject({
          isBound: true,
        });
        phones[key] = client;
        if (key === 'dual') {
          const reg = await client.post('/api/v1/my/dual-registrations', {
            communityCode: CODES.yingMenTan,
            name,
            workUnit: '安宁区教育局',
          });
          expect(reg.statusCode, reg.body).toBe(201);
          const decided = await secretary.post(`/api/v1/dual-registrations/${reg.json<{ id: string }>().id}/decide`, {
            isConfirmed: true,
          });
          expect(decided.statusCode, decided.body).toBe(200);
        }
        if (key === 'volunteer') {
          const inHours = (n: number) => new Date(t.clock.now().getTime() + n * 3_600_000).toISOString();
          const activity = await secretary.post('/api/v1/volunteer/activities', {
            orgId: world.community.id,
            kind: 'activity',
            title: '文明交通劝导',
            startsAt: inHours(-2),
            endsAt: inHours(1),
            slots: 5,
          });
          expect(activity.statusCode, activity.body).toBe(201);
          const activityId = activity.json<{ id: string }>().id;
          expect((await client.post(`/api/v1/my/volunteer/activities/${activityId}/signup`)).statusCode).toBe(201);
          const signupId = (await secretary.get(`/api/v1/volunteer/activities/${activityId}`)).json<{
            signups: { id: string }[];
          }>().signups[0]!.id;
          for (const [action, at] of [
            ['in', inHours(-1.5)],
            ['out', inHours(-0.5)],
          ] as const) {
            const checked = await secretary.post(`/api/v1/volunteer/signups/${signupId}/check`, { action, at });
            expect(checked.statusCode, checked.body).toBe(200);
          }
          const confirmed = await secretary.post(`/api/v1/volunteer/signups/${signupId}/confirm`, {});
          expect(confirmed.statusCode, confirmed.body).toBe(200);
        }
      }
    }
    const branch = await secretary.post('/api/v1/party-orgs', {
      orgId: world.community.id,
      kind: 'branch',
      name: '营门滩社区党支部',
    });
    expect(branch.statusCode, branch.body).toBe(201);
    const member = await secretary.post(`/api/v1/party-orgs/${branch.json<{ id: string }>().id}/members`, {
      residentId: residentIds.party,
    });
    expect(member.statusCode, member.body).toBe(201);
    const council = await secretary.post('/api/v1/councils', {
      orgId: world.community.id,
      name: '营门滩社区居民议事会',
      voteBasis: 'household',
      quorum: 'half',
      majority: 'half',
      supportThreshold: 20,
      supportDays: 30,
    });
    expect(council.statusCode, council.body).toBe(201);
    const rep = await secretary.post(`/api/v1/councils/${council.json<{ id: string }>().id}/members`, {
      kind: 'resident_rep',
      name: '孙代表',
      householdId: h.council,
    });
    expect(rep.statusCode, rep.body).toBe(201);
  }, 240_000);
  afterAll(() => t.close());

  const send = (audience: Record<string, unknown>, title = '关于开展冬季防火宣传的通知') =>
    secretary.post('/api/v1/notices', { orgId: world.community.id, title, body: '正文', audience });
  const receiptHouseholds = async (id: string) =>
    (await secretary.get(`/api/v1/notices/${id}/receipts`))
      .json<{ items: { householdId: string }[] }>()
      .items.map((r) => r.householdId)
      .sort();
  const countNotices = async () =>
    Number(
      (
        await t.deps.db
          .selectFrom('notices')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('reaches each resident role’s household, and only it, as the preview counted', async () => {
    const expected = { party_member: h.party, dual_member: h.dual, volunteer: h.volunteer, council_member: h.council };
    for (const [role, household] of Object.entries(expected)) {
      const audience = { roles: [role] };
      const preview = await secretary.post('/api/v1/notices/preview', { orgId: world.community.id, audience });
      expect(preview.json<Preview>(), role).toEqual({
        households: 1,
        accounts: role === 'dual_member' || role === 'volunteer' ? 1 : 0,
        staff: 0,
      });
      const sent = await send(audience, `致${role}`);
      expect(sent.statusCode, sent.body).toBe(201);
      expect(sent.json<Detail>()).toMatchObject({ ...preview.json<Preview>(), staffReceipts: [] });
      expect(await receiptHouseholds(sent.json<Detail>().id), role).toEqual([household]);
    }
    // several roles: any of them; a unit narrows them
    const all = await send({ roles: Object.keys(expected) });
    expect(await receiptHouseholds(all.json<Detail>().id)).toEqual(Object.values(expected).sort());
    const grid2 = await send({ unitIds: [world.grid2.id], roles: ['party_member', 'volunteer', 'council_member'] });
    expect(await receiptHouseholds(grid2.json<Detail>().id)).toEqual([h.volunteer, h.council].sort());
  });

  it('tells the 双报到 member on her phone, and follows up an unread role household with a visit', async () => {
    const sent = await send({ roles: ['dual_member', 'party_member'] }, '党员冬季学习安排');
    const id = sent.json<Detail>().id;
    const dual = phones.dual!;
    const mine = (await dual.get('/api/v1/my/notices')).json<{ items: { id: string; isRead: boolean }[] }>();
    expect(mine.items.find((n) => n.id === id)).toMatchObject({ isRead: false });
    expect((await dual.post(`/api/v1/my/notices/${id}/read`)).json()).toMatchObject({ isRead: true });
    const plain = phones.plain!;
    expect((await plain.get(`/api/v1/my/notices/${id}`)).statusCode).toBe(404);
    // the party member's household did not read it: it goes to its grid worker
    expect((await secretary.post(`/api/v1/notices/${id}/follow-up`)).json()).toEqual({
      requested: 1,
      alreadyRequested: 0,
    });
  });

  it('sends to every 网格员 of the units: their bell, their own receipts, no household follow-up', async () => {
    const audience = { roles: ['grid_worker'] };
    const preview = await secretary.post('/api/v1/notices/preview', { orgId: world.community.id, audience });
    expect(preview.json()).toEqual({ households: 0, accounts: 0, staff: 2 });
    const narrow = await secretary.post('/api/v1/notices/preview', {
      orgId: world.community.id,
      audience: { unitIds: [world.grid1.id], roles: ['grid_worker', 'community_staff'] },
    });
    expect(narrow.json()).toEqual({ households: 0, accounts: 0, staff: 1 });

    const sent = await send(audience, '关于做好入户走访安全工作的通知');
    expect(sent.statusCode, sent.body).toBe(201);
    const notice = sent.json<Detail>();
    expect(notice).toMatchObject({ households: 0, accounts: 0, staff: 2, staffRead: 0 });
    expect(notice.staffReceipts.map((s) => [s.name, s.role, s.readAt])).toEqual([
      [expect.any(String), 'grid_worker', null],
      [expect.any(String), 'grid_worker', null],
    ]);

    const wg1 = await t.login('wg1');
    const bell = (await wg1.get('/api/v1/messages/mine')).json<{ items: { kind: string; title: string }[] }>();
    expect(bell.items.find((m) => m.kind === 'notice.staff')?.title).toContain('关于做好入户走访安全工作的通知');
    const list = (await wg1.get('/api/v1/my/notices')).json<{ items: { id: string }[]; unread: number }>();
    expect(list).toMatchObject({ items: [expect.objectContaining({ id: notice.id })], unread: 1 });
    expect((await wg1.post(`/api/v1/my/notices/${notice.id}/read`)).json()).toMatchObject({ isRead: true });
    expect((await wg1.get('/api/v1/my/notices')).json()).toMatchObject({ unread: 0 });
    // staff it was not sent to cannot open it
    const staff = await t.login('staff');
    expect((await staff.get(`/api/v1/my/notices/${notice.id}`)).statusCode).toBe(404);

    const after = (await secretary.get(`/api/v1/notices/${notice.id}`)).json<Detail>();
    expect(after).toMatchObject({ staff: 2, staffRead: 1 });
    expect(after.staffReceipts.filter((s) => s.readAt !== null)).toHaveLength(1);
    // each staff receipt is stored with the county of the unit her role is held at
    const receipts = await t.deps.db
      .selectFrom('notice_accounts')
      .select(['org_path', 'county_key'])
      .where('notice_id', '=', notice.id)
      .execute();
    expect(receipts.map((r) => Number(r.county_key))).toEqual([
      countyKeyOf(world.community.path),
      countyKeyOf(world.community.path),
    ]);
    expect(countyKeyOf(world.community.path)).toBeGreaterThan(0);
    // staff have no household to visit: following up asks for nothing
    expect((await secretary.post(`/api/v1/notices/${notice.id}/follow-up`)).json()).toEqual({
      requested: 0,
      alreadyRequested: 0,
    });
  });

  it('refuses an unknown role, household criteria with staff roles alone, a role nobody holds there, a roster outside the role, and a unit beyond the sender — writing nothing', async () => {
    const before = await countNotices();
    const unknown = await send({ roles: ['mayor'] });
    expect(unknown.statusCode).toBe(400);
    expectErrorBody(unknown);
    expect(fieldOf(unknown.body)).toBe('audience.roles.0');

    const staffOnly = await send({ roles: ['grid_worker'], careTags: ['独居老人'] });
    expect(staffOnly.statusCode).toBe(400);
    expectErrorBody(staffOnly);
    expect(fieldOf(staffOnly.body)).toBe('audience.roles');

    const nobody = await send({ unitIds: [world.grid2.id], roles: ['party_member', 'dual_member'] });
    expect(nobody.statusCode).toBe(400);
    expect(fieldOf(nobody.body)).toBe('audience');
    const nobodyPreview = await secretary.post('/api/v1/notices/preview', {
      orgId: world.community.id,
      audience: { unitIds: [world.grid2.id], roles: ['party_member'] },
    });
    expect(nobodyPreview.statusCode).toBe(400);
    expect(fieldOf(nobodyPreview.body)).toBe('audience');

    const roster = await send({ householdIds: [h.party, h.plain], roles: ['party_member'] });
    expect(roster.statusCode).toBe(400);
    expect(fieldOf(roster.body)).toBe('audience.householdIds.1');

    const otherStaff = await t.login('otherstaff');
    const beyond = await otherStaff.post('/api/v1/notices', {
      orgId: world.community.id,
      title: '通知',
      body: '正文',
      audience: { roles: ['grid_worker'] },
    });
    expect(beyond.statusCode).toBe(404);
    expect(fieldOf(beyond.body)).toBe('orgId');
    expect(await countNotices()).toBe(before);
  });
});
