import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { LogAdapter } from '../messages/adapters/log.ts';
import { MessageDispatcher } from '../messages/dispatcher.ts';
import { enqueueMessage } from '../messages/outbox.ts';
import {
  codesSentTo,
  countCodeMessages,
  idNumberFor,
  registerResident,
  requestCode,
  signInBySms,
  verifyCode,
} from './fixture.ts';

const HOUR = 60 * 60_000;

/**
 * The residents' front door tried as an attacker would (issue 20 probe): concurrent requests against
 * the per-number and per-source limits, racing verifies, a code of one number used for another, CSRF
 * on her POST routes, and a binding that outlives her place in the registry.
 */
describe.each(DIALECTS)('residents front door under attack on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let ymtId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_probe', role: 'community_staff', orgCode: CODES.yingMenTan });
    staff = await t.login('ymt_probe');
    ymtId = (await t.org(CODES.yingMenTan)).id;
  });
  afterAll(() => t.close());

  it('sends one code when a number asks twice at the same moment (a double tap, two app servers)', async () => {
    for (const [i, phone] of ['13600000001', '13600000002', '13600000003'].entries()) {
      const before = await countCodeMessages(t);
      const answers = await Promise.all(
        Array.from({ length: 4 }, (_, k) => requestCode(t, phone, `198.51.100.${10 + i * 4 + k}`)),
      );
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 429, 429, 429]);
      expect(await countCodeMessages(t)).toBe(before + 1);
    }
  });

  it('sends codes for at most the per-source number of numbers an hour, however many ask at once', async () => {
    t.clock.advance(2 * HOUR);
    const before = await countCodeMessages(t);
    const phones = Array.from({ length: 30 }, (_, i) => `1350000${String(1000 + i)}`);
    const answers = await Promise.all(phones.map((p) => requestCode(t, p, '203.0.113.77')));
    const sent = (await countCodeMessages(t)) - before;
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(sent);
    expect(sent).toBeLessThanOrEqual(10);
    expect(answers.every((a) => a.statusCode === 200 || a.statusCode === 429)).toBe(true);
  });

  it('opens one session when the right code is entered twice at once', async () => {
    t.clock.advance(2 * HOUR);
    const phone = '13600000010';
    expect((await requestCode(t, phone)).statusCode).toBe(200);
    const code = (await codesSentTo(t, phone)).at(-1)!;
    const answers = await Promise.all([1, 2, 3].map((k) => verifyCode(t, phone, code, `198.51.100.${40 + k}`)));
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.statusCode !== 200).every((a) => a.statusCode === 400)).toBe(true);
  });

  it('refuses a code sent to one number when it is entered for another', async () => {
    t.clock.advance(2 * HOUR);
    const a = '13600000020';
    const b = '13600000021';
    await requestCode(t, a, '198.51.100.50');
    await requestCode(t, b, '198.51.100.51');
    const codeA = (await codesSentTo(t, a)).at(-1)!;
    const codeB = (await codesSentTo(t, b)).at(-1)!;
    if (codeA === codeB) return; // one in a million: nothing to tell apart
    const res = await verifyCode(t, b, codeA, '198.51.100.52');
    expect(res.statusCode).toBe(400);
    expect(res.cookies.find((c) => c.name === 'tz_session')).toBeUndefined();
  });

  it('answers a number with an account and one without in the same words', async () => {
    t.clock.advance(2 * HOUR);
    await signInBySms(t, '13600000030', '198.51.100.60');
    t.clock.advance(2 * HOUR);
    const known = await requestCode(t, '13600000030', '198.51.100.61');
    const unknown = await requestCode(t, '13600000031', '198.51.100.62');
    expect(known.statusCode).toBe(unknown.statusCode);
    const shape = (body: string) => body.replace(/1\d{2}\*{4}\d{4}/g, 'PHONE');
    expect(shape(known.body)).toBe(shape(unknown.body));
  });

  it('refuses her POST routes without the CSRF token, and a sign-in sent as a form or plain text', async () => {
    t.clock.advance(2 * HOUR);
    await requestCode(t, '13600000040', '198.51.100.70');
    const code = (await codesSentTo(t, '13600000040')).at(-1)!;
    for (const [type, payload] of [
      ['application/x-www-form-urlencoded', `phone=13600000040&code=${code}`],
      ['text/plain', JSON.stringify({ phone: '13600000040', code })],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sms/verify',
        headers: { 'content-type': type },
        payload,
        remoteAddress: '198.51.100.70',
      });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.cookies.find((c) => c.name === 'tz_session')).toBeUndefined();
    }
    await requestCode(t, '13600000041', '198.51.100.71');
    const signedIn = await verifyCode(t, '13600000041', (await codesSentTo(t, '13600000041')).at(-1)!, '198.51.100.71');
    const session = `tz_session=${signedIn.cookies.find((c) => c.name === 'tz_session')!.value}`;
    for (const [method, url, payload] of [
      ['POST', '/api/v1/my/binding', { name: '王秀兰', idNumber: idNumberFor('1980-03-15', 222) }],
      ['DELETE', '/api/v1/my/binding', undefined],
      ['PUT', '/api/v1/messages/preferences', { kinds: [] }],
      ['POST', '/api/v1/messages/mine/read', { ids: [] }],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: { cookie: session },
        ...(payload === undefined ? {} : { payload }),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it('shows a bound resident no household she no longer lives in', async () => {
    t.clock.advance(2 * HOUR);
    const phone = '13600000050';
    const herId = idNumberFor('1970-05-05', 318);
    staff = await t.login('ymt_probe');
    const home = await registerResident(
      staff,
      { orgId: ymtId, address: '营门滩路 30 号' },
      { name: '孙桂芳', idNumber: herId, phone },
    );
    const other = await staff.post('/api/v1/households', { orgId: ymtId, address: '营门滩路 31 号' });
    expect(other.statusCode).toBe(201);
    const otherId = other.json<{ id: string }>().id;
    const her = await signInBySms(t, phone, '198.51.100.80');
    expect((await her.post('/api/v1/my/binding', { name: '孙桂芳', idNumber: herId })).json()).toMatchObject({
      isBound: true,
    });
    // the household she leaves behind gets a new member after she moves out of it
    const resident = (await staff.get(`/api/v1/residents/${home.residentId}`)).json<{ version: number }>();
    const moved = await staff.post(`/api/v1/residents/${home.residentId}/move`, {
      householdId: otherId,
      version: resident.version,
    });
    expect(moved.statusCode).toBe(200);
    const stranger = await staff.post('/api/v1/residents', {
      householdId: home.householdId,
      name: '陌生人',
      idNumber: idNumberFor('1990-01-01', 415),
      relation: '户主',
      residenceType: 'registered',
    });
    expect(stranger.statusCode).toBe(201);
    const binding = await t.deps.db
      .selectFrom('resident_bindings')
      .select(['household_id', 'org_path'])
      .where('resident_id', '=', home.residentId)
      .executeTakeFirstOrThrow();
    const target = await t.deps.db
      .selectFrom('households')
      .select('org_path')
      .where('id', '=', otherId)
      .executeTakeFirstOrThrow();
    expect(binding).toEqual({ household_id: otherId, org_path: target.org_path });
    const seen = await her.get('/api/v1/my/household');
    expect(seen.body).not.toContain('陌生人');
    expect(seen.body).not.toContain('营门滩路 30 号');
    if (seen.statusCode === 200) expect(seen.json()).toMatchObject({ address: '营门滩路 31 号' });

    // moved out of the registry altogether: nothing
    const now = (await staff.get(`/api/v1/residents/${home.residentId}`)).json<{ version: number }>();
    const out = await staff.patch(`/api/v1/residents/${home.residentId}`, {
      status: 'moved_out',
      statusDate: '2026-12-01',
      version: now.version,
    });
    expect(out.statusCode).toBe(200);
    const gone = await her.get('/api/v1/my/household');
    expect(gone.statusCode).toBe(404);
    expect(gone.body).not.toContain('营门滩路');
  });

  it('never opens a session by SMS code on an account that holds a staff role, even one granted to a resident account', async () => {
    t.clock.advance(2 * HOUR);
    await t.createUser({ username: 'root_admin', role: 'admin', orgCode: 'nation' });
    const admin = await t.login('root_admin');
    const phone = '13600000060';
    const her = await signInBySms(t, phone, '198.51.100.90');
    const me = (await her.get('/api/v1/auth/me')).json<{ user: { id: string } } & { id?: string }>();
    const userId = me.user?.id ?? me.id!;
    const granted = await admin.post(`/api/v1/users/${userId}/roles`, { role: 'community_staff', orgId: ymtId });
    if (granted.statusCode >= 400) {
      // refused at the grant: the account stays a resident's
      expect(granted.statusCode).toBeLessThan(500);
      return;
    }
    t.clock.advance(2 * HOUR);
    await requestCode(t, phone, '198.51.100.91');
    const again = await verifyCode(t, phone, (await codesSentTo(t, phone)).at(-1)!, '198.51.100.91');
    expect(again.statusCode).toBe(403);
    expect(again.cookies.find((c) => c.name === 'tz_session')).toBeUndefined();
  });

  it('keeps each resident’s messages and settings her own: another’s ids mark nothing, her settings change nobody else’s', async () => {
    t.clock.advance(2 * HOUR);
    const a = await signInBySms(t, '13600000070', '198.51.100.100');
    const b = await signInBySms(t, '13600000071', '198.51.100.101');
    const idOf = async (c: typeof a) => (await c.get('/api/v1/auth/me')).json<{ user: { id: string } }>().user.id;
    const aId = await idOf(a);
    const [aMessage] = await enqueueMessage(t.deps.db, {
      now: t.clock.now(),
      kind: 'case.rate_request',
      recipientUserId: aId,
      params: { number: 'SQ-PROBE-1' },
    });
    expect(aMessage).toBeDefined();
    expect((await b.post(`/api/v1/messages/mine/${aMessage}/read`)).statusCode).toBe(404);
    const all = await b.post('/api/v1/messages/mine/read', { ids: [aMessage] });
    expect(all.statusCode).toBeLessThan(500);
    expect((await b.get('/api/v1/messages/mine')).body).not.toContain('SQ-PROBE-1');
    const aBell = (await a.get('/api/v1/messages/mine')).json<{
      unread: number;
      items: { id: string; isRead: boolean }[];
    }>();
    expect(aBell.items.find((m) => m.id === aMessage)).toMatchObject({ isRead: false });
    const before = (await a.get('/api/v1/messages/preferences')).body;
    const bPrefs = (await b.get('/api/v1/messages/preferences')).json<Record<string, unknown>>();
    expect(
      (await b.request('PUT', '/api/v1/messages/preferences', { ...bPrefs, quietHours: null })).statusCode,
    ).toBeLessThan(500);
    expect((await a.get('/api/v1/messages/preferences')).body).toBe(before);
  });

  it('counts an IPv6 source by its /64: fresh addresses of one line get no more codes', async () => {
    t.clock.advance(2 * HOUR);
    const before = await countCodeMessages(t);
    const answers = [];
    for (let i = 0; i < 15; i++) {
      answers.push(await requestCode(t, `1350001${String(1000 + i)}`, `2001:db8:77:1::${(i + 1).toString(16)}`));
    }
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(10);
    expect((await countCodeMessages(t)) - before).toBe(10);
    // another line is another source
    expect((await requestCode(t, '13500019999', '2001:db8:77:2::1')).statusCode).toBe(200);
  });

  it('hands her pending binding to her new community when the registry moves her there', async () => {
    t.clock.advance(2 * HOUR);
    await t.createUser({ username: 'szs_probe', role: 'community_staff', orgCode: CODES.shanZiShi });
    staff = await t.login('ymt_probe');
    const szsStaff = await t.login('szs_probe');
    const szs = await t.org(CODES.shanZiShi);
    const herId = idNumberFor('1966-02-02', 611);
    const old = await registerResident(
      szsStaff,
      { orgId: szs.id, address: '山字石路 5 号' },
      { name: '钱玉兰', idNumber: herId, phone: '13900001212' },
    );
    const her = await signInBySms(t, '13600000080', '198.51.100.110');
    const asked = await her.post('/api/v1/my/binding', { name: '钱玉兰', idNumber: herId });
    expect(asked.json()).toMatchObject({ binding: { status: 'pending' } });
    const bindingId = asked.json<{ binding: { id: string } }>().binding.id;
    const pendingOf = async (c: Client) =>
      (await c.get('/api/v1/resident-bindings?status=pending'))
        .json<{ items: { id: string }[] }>()
        .items.map((i) => i.id);
    expect(await pendingOf(szsStaff)).toContain(bindingId);
    expect(await pendingOf(staff)).not.toContain(bindingId);

    const home = await staff.post('/api/v1/households', { orgId: ymtId, address: '营门滩路 60 号' });
    const sent = await staff.post('/api/v1/resident-move-requests', {
      idNumber: herId,
      householdId: home.json<{ id: string }>().id,
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const incoming = (await szsStaff.get('/api/v1/resident-move-requests?direction=incoming')).json<{
      items: { id: string }[];
    }>().items;
    const accepted = await szsStaff.post(`/api/v1/resident-move-requests/${incoming[0]!.id}/accept`, {});
    expect(accepted.statusCode, accepted.body).toBe(200);

    expect(await pendingOf(szsStaff)).not.toContain(bindingId);
    expect((await szsStaff.post(`/api/v1/resident-bindings/${bindingId}/confirm`, {})).statusCode).toBe(404);
    expect(await pendingOf(staff)).toContain(bindingId);
    expect((await staff.post(`/api/v1/resident-bindings/${bindingId}/confirm`, {})).statusCode).toBe(200);
    const seen = await her.get('/api/v1/my/household');
    expect(seen.json()).toMatchObject({ address: '营门滩路 60 号', communityName: '营门滩社区' });
    expect(seen.body).not.toContain('山字石路');
    void old;

    // the household itself is placed in a grid: the binding goes along
    const root = await t.login('root_admin');
    const grid = await root.post('/api/v1/orgs', {
      parentId: ymtId,
      level: 'grid',
      name: '探测网格',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [103.72, 36.1],
            [103.73, 36.1],
            [103.73, 36.11],
            [103.72, 36.11],
            [103.72, 36.1],
          ],
        ],
      },
    });
    expect(grid.statusCode, grid.body).toBe(201);
    const gridId = grid.json<{ id: string }>().id;
    const homeId = home.json<{ id: string }>().id;
    const version = (await staff.get(`/api/v1/households/${homeId}`)).json<{ version: number }>().version;
    const placed = await staff.patch(`/api/v1/households/${homeId}`, { orgId: gridId, version });
    expect(placed.statusCode, placed.body).toBe(200);
    const gridPath = (
      await t.deps.db.selectFrom('org_units').select('path').where('id', '=', gridId).executeTakeFirstOrThrow()
    ).path;
    const row = await t.deps.db
      .selectFrom('resident_bindings')
      .select('org_path')
      .where('id', '=', bindingId)
      .executeTakeFirstOrThrow();
    expect(row.org_path).toBe(gridPath);
  });

  it('leaves no sign-in code anywhere once it is sent and used: outbox, audit, code table, delivery list', async () => {
    t.clock.advance(2 * HOUR);
    const phone = '13600000090';
    await requestCode(t, phone, '198.51.100.120');
    const code = (await codesSentTo(t, phone)).at(-1)!;
    const wechat = new LogAdapter('wechat', () => undefined, 10);
    await new MessageDispatcher(t.deps, { sms: new LogAdapter('sms', () => undefined, 10), wechat }).drain();
    expect((await verifyCode(t, phone, code, '198.51.100.120')).statusCode).toBe(200);
    const dump = async (table: 'outbox_messages' | 'audit_log' | 'sms_codes') =>
      // ids, hashes and ciphertexts are long runs of letters and digits: a code cannot hide in them, and by
      // chance they may hold its six digits, so they go before the search
      JSON.stringify(await t.deps.db.selectFrom(table).selectAll().execute()).replace(/[A-Za-z0-9_+/=:-]{20,}/g, '');
    for (const table of ['outbox_messages', 'audit_log', 'sms_codes'] as const) {
      expect(await dump(table), table).not.toMatch(new RegExp(`(?<![0-9])${code}(?![0-9])`));
    }
    const admin = await t.login('root_admin');
    const listed = await admin.get('/api/v1/messages/deliveries?pageSize=100');
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain('auth.sms_code');
  });
});
