import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { addMember, idNumberFor, registerResident, signInBySms } from './fixture.ts';

const HER_PHONE = '13700001001';
const HER_ID = idNumberFor('1980-03-15', 122);
const SON_ID = idNumberFor('2008-07-01', 131);
const NEIGHBOUR_ID = idNumberFor('1975-10-02', 142);

/**
 * Binding a resident account to the registry: an exact match (ID number, name and phone) binds at once;
 * ID and name with another or no phone wait for her community's staff; anything else is one and the same
 * refusal, audited and counted. A bound resident sees her household masked; an unbound one nothing.
 */
describe.each(DIALECTS)('binding to the registry on %s', (dialect) => {
  let t: TestContext;
  let ymtStaff: Client;
  let szsStaff: Client;
  let household: { householdId: string; residentId: string };

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_staff', role: 'community_staff', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'szs_staff', role: 'community_staff', orgCode: CODES.shanZiShi });
    ymtStaff = await t.login('ymt_staff');
    const ymt = await t.org(CODES.yingMenTan);
    household = await registerResident(
      ymtStaff,
      { orgId: ymt.id, address: '营门滩路 12 号 3 单元 502' },
      { name: '王秀兰', idNumber: HER_ID, phone: HER_PHONE },
    );
    await addMember(ymtStaff, household.householdId, { name: '李明', idNumber: SON_ID, relation: '子' });
    await registerResident(
      ymtStaff,
      { orgId: ymt.id, address: '营门滩路 14 号' },
      { name: '赵建国', idNumber: NEIGHBOUR_ID, phone: '13700009999' },
    );
  });
  afterAll(() => t.close());

  const freshStaff = async () => {
    ymtStaff = await t.login('ymt_staff');
    szsStaff = await t.login('szs_staff');
  };

  it('shows an unbound resident nothing of the registry', async () => {
    const her = await signInBySms(t, '13700005555');
    const res = await her.get('/api/v1/my/household');
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('营门滩');
    expect((await her.get('/api/v1/my/account')).json()).toMatchObject({ isBound: false, binding: null });
  });

  it('binds at once when ID number, name and the registry’s phone all match, and shows her household masked', async () => {
    const her = await signInBySms(t, HER_PHONE);
    const res = await her.post('/api/v1/my/binding', { name: '王秀兰', idNumber: HER_ID.toLowerCase() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ isBound: true, binding: { status: 'bound' } });
    const home = await her.get('/api/v1/my/household');
    expect(home.statusCode).toBe(200);
    const body = home.json() as {
      address: string;
      communityName: string;
      members: { name: string; idNumber: string; phone: string | null; birthYear: number; isSelf: boolean }[];
    };
    expect(body.communityName).toBe('营门滩社区');
    expect(body.members.map((m) => m.name).sort()).toEqual(['李明', '王秀兰']);
    const self = body.members.find((m) => m.isSelf)!;
    expect(self.idNumber).toBe(`${HER_ID.slice(0, 10)}********`);
    expect(self.phone).toBe('137****1001');
    expect(home.body).not.toContain(HER_ID);
    expect(home.body).not.toContain(SON_ID);
    expect(home.body).not.toContain('03-15');
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('action', '=', 'resident.bind')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).not.toContain(HER_ID);
    // she may unbind herself
    const unbound = await her.delete('/api/v1/my/binding');
    expect(unbound.json()).toMatchObject({ isBound: false, binding: { status: 'ended' } });
    expect((await her.get('/api/v1/my/household')).statusCode).toBe(404);
  });

  it('refuses someone else’s ID number exactly as an unknown one, audits and counts every attempt', async () => {
    const stranger = await signInBySms(t, '13700006666');
    const wrongName = await stranger.post('/api/v1/my/binding', { name: '王秀', idNumber: HER_ID });
    const unknown = await stranger.post('/api/v1/my/binding', {
      name: '王秀兰',
      idNumber: idNumberFor('1990-01-01', 1),
    });
    const neighbour = await stranger.post('/api/v1/my/binding', { name: '王秀兰', idNumber: NEIGHBOUR_ID });
    expect(wrongName.statusCode).toBe(400);
    expect(unknown.statusCode).toBe(wrongName.statusCode);
    expect(neighbour.statusCode).toBe(wrongName.statusCode);
    expect(unknown.body).toBe(wrongName.body);
    expect(neighbour.body).toBe(wrongName.body);
    expect(wrongName.body).not.toContain('营门滩');
    const badCheck = `${HER_ID.slice(0, 17)}${HER_ID[17] === '1' ? '2' : '1'}`;
    const malformed = await stranger.post('/api/v1/my/binding', { name: '王秀兰', idNumber: badCheck });
    expect(malformed.statusCode).toBe(400);
    expect((malformed.json() as { errors: { field: string; code: string }[] }).errors[0]).toMatchObject({
      field: 'idNumber',
      code: 'check_character',
    });

    const userId = ((await stranger.get('/api/v1/auth/me')).json() as { user: { id: string } }).user.id;
    const rows = await t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('actor_id', '=', userId)
      .where('action', 'like', 'resident.bind%')
      .execute();
    expect(rows.filter((r) => r.action === 'resident.bind_attempt')).toHaveLength(3);
    expect(rows.filter((r) => r.action === 'resident.bind_refused')).toHaveLength(3);

    // five attempts a day: the sixth is refused before any look-up, even a right one
    await stranger.post('/api/v1/my/binding', { name: 'x', idNumber: NEIGHBOUR_ID });
    await stranger.post('/api/v1/my/binding', { name: 'y', idNumber: NEIGHBOUR_ID });
    const sixth = await stranger.post('/api/v1/my/binding', { name: '赵建国', idNumber: NEIGHBOUR_ID });
    expect(sixth.statusCode).toBe(429);
    expect((await stranger.get('/api/v1/my/account')).json()).toMatchObject({ bindAttemptsLeft: 0, binding: null });
    t.clock.advance(24 * 3_600_000 + 1000);
    const again = await signInBySms(t, '13700006666');
    expect((await again.get('/api/v1/my/account')).json()).toMatchObject({ bindAttemptsLeft: 5 });
  });

  it('asks her community to confirm when the phone differs; another community’s staff get 404', async () => {
    const son = await signInBySms(t, '13700007777');
    const res = await son.post('/api/v1/my/binding', { name: '李明', idNumber: SON_ID });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ isBound: false, binding: { status: 'pending' } });
    expect(res.body).not.toContain('营门滩');
    expect((await son.get('/api/v1/my/household')).statusCode).toBe(404);
    const twice = await son.post('/api/v1/my/binding', { name: '李明', idNumber: SON_ID });
    expect(twice.statusCode).toBe(409);

    await freshStaff();
    const list = await ymtStaff.get('/api/v1/resident-bindings?status=pending');
    const items = (
      list.json() as { items: { id: string; residentName: string; match: string; accountPhone: string }[] }
    ).items;
    const request = items.find((i) => i.residentName === '李明')!;
    expect(request).toMatchObject({ match: 'phone_absent', accountPhone: '137****7777' });
    expect((await szsStaff.get('/api/v1/resident-bindings?status=pending')).json()).toEqual({ items: [] });
    const bench = (await ymtStaff.get('/api/v1/workbench')).json<{
      sections: { key: string; count: number; items: { id: string; title: string }[] }[];
    }>();
    const section = bench.sections.find((x) => x.key === 'resident_bindings')!;
    expect(section.count).toBe(items.length);
    expect(section.items.map((i) => i.id)).toContain(request.id);
    const otherBench = (await szsStaff.get('/api/v1/workbench')).json<{ sections: { key: string; count: number }[] }>();
    expect(otherBench.sections.find((x) => x.key === 'resident_bindings')?.count).toBe(0);
    const outside = await szsStaff.post(`/api/v1/resident-bindings/${request.id}/confirm`, {});
    expect(outside.statusCode).toBe(404);
    const nothing = await szsStaff.post(`/api/v1/resident-bindings/${crypto.randomUUID()}/confirm`, {});
    expect(outside.body).toBe(nothing.body);

    const confirmed = await ymtStaff.post(`/api/v1/resident-bindings/${request.id}/confirm`, { note: '电话核实' });
    expect(confirmed.json()).toMatchObject({ status: 'bound' });
    expect((await ymtStaff.post(`/api/v1/resident-bindings/${request.id}/reject`, {})).statusCode).toBe(409);
    const home = await son.get('/api/v1/my/household');
    expect(home.statusCode).toBe(200);
    expect((home.json() as { members: { isSelf: boolean; name: string }[] }).members.find((m) => m.isSelf)?.name).toBe(
      '李明',
    );
    const actions = await t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', request.id)
      .execute();
    expect(actions.map((a) => a.action).sort()).toEqual(['resident.bind_confirm', 'resident.bind_requested']);

    // staff end it; she sees nothing again
    expect((await ymtStaff.post(`/api/v1/resident-bindings/${request.id}/end`, {})).json()).toMatchObject({
      status: 'ended',
    });
    expect((await son.get('/api/v1/my/household')).statusCode).toBe(404);
  });

  it('lets staff reject a request, and tells her why', async () => {
    const other = await signInBySms(t, '13700008888');
    await other.post('/api/v1/my/binding', { name: '赵建国', idNumber: NEIGHBOUR_ID });
    await freshStaff();
    const items = (
      (await ymtStaff.get('/api/v1/resident-bindings')).json() as { items: { id: string; residentName: string }[] }
    ).items;
    const request = items.find((i) => i.residentName === '赵建国')!;
    const rejected = await ymtStaff.post(`/api/v1/resident-bindings/${request.id}/reject`, { note: '非本人' });
    expect(rejected.json()).toMatchObject({ status: 'rejected' });
    expect((await other.get('/api/v1/my/account')).json()).toMatchObject({
      isBound: false,
      binding: { status: 'rejected', note: '非本人' },
    });
  });

  it('does not let a staff account bind', async () => {
    await freshStaff();
    const res = await ymtStaff.post('/api/v1/my/binding', { name: '王秀兰', idNumber: HER_ID });
    expect(res.statusCode).toBe(403);
  });

  it('lets a resident account staff made for her (the resident role alone) see her account and ask to bind', async () => {
    await t.createUser({ username: 'made_by_staff', role: 'resident', orgCode: CODES.yingMenTan });
    const her = await t.login('made_by_staff');
    const account = await her.get('/api/v1/my/account');
    expect(account.statusCode, account.body).toBe(200);
    expect(account.json()).toMatchObject({ isBound: false, binding: null, hasWechat: false });
    const res = await her.post('/api/v1/my/binding', { name: '赵建国', idNumber: NEIGHBOUR_ID });
    // her account has no phone the registry could match: her community confirms
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ isBound: false, binding: { status: 'pending' } });
  });
});
