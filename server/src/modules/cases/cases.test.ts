import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../platform/clock.ts';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { TINY_PNG, expectErrorBody, multipartBody } from '../../test/http.ts';
import { INSIDE_YINGMENTAN, setUpCaseWorld } from './fixture.ts';

interface CaseOut {
  id: string;
  number: string;
  status: string;
  handlerName: string;
  handlerOrgId: string;
  isFallback: boolean;
  dueState: string;
  isEscalated: boolean;
  version: number;
  photoIds: string[];
  contactPhone: string | null;
  timeline: { kind: string; isPublic: boolean; text: string | null }[];
  actions: string[];
}
interface IntakeOut {
  case: CaseOut | null;
  duplicates: { id: string; distanceMeters: number }[];
}

describe.each(DIALECTS)('cases on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpCaseWorld>>;
  let resident: Client;
  let staff: Client;
  let street: Client;
  let edu: Client;

  const signIn = async () => {
    resident = await ctx.login('resident');
    staff = await ctx.login('staff');
    street = await ctx.login('street');
    edu = await ctx.login('edu');
  };
  /** Moves the injected clock; sessions idle past 30 minutes, so everyone signs in again. */
  const advance = async (ms: number) => {
    ctx.clock.advance(ms);
    await signIn();
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpCaseWorld(ctx);
    await signIn();
  }, 120_000);
  afterAll(() => ctx.close());

  const report = async (client: Client, body: Record<string, unknown>) => {
    const res = await client.post('/api/v1/my/cases', { ...INSIDE_YINGMENTAN, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as IntakeOut;
  };

  it('routes a school-enrolment case to the education department, not the community', async () => {
    const out = await report(resident, {
      dutyCode: 'JY-001',
      description: '孩子没有本地户口，报不上名，想在附近小学上学',
      lng: 103.7235,
      lat: 36.1035,
    });
    expect(out.case!.handlerName).toContain('教育局');
    expect(out.case!.isFallback).toBe(false);
    // intake answers from what it wrote; the answer is the same as reading the case back
    expect((await resident.get(`/api/v1/my/cases/${out.case!.id}`)).json()).toEqual(out.case);
    const eduQueue = (await edu.get('/api/v1/cases?queue=unit')).json() as { items: { id: string }[] };
    expect(eduQueue.items.map((c) => c.id)).toContain(out.case!.id);
    const communityQueue = (await staff.get('/api/v1/cases?queue=unit')).json() as { items: { id: string }[] };
    expect(communityQueue.items.map((c) => c.id)).not.toContain(out.case!.id);
    // the community is told, and may read it, but cannot handle it
    const seen = (await staff.get(`/api/v1/cases/${out.case!.id}`)).json() as CaseOut;
    expect(seen.actions).not.toContain('accept');
    expect((await staff.post(`/api/v1/cases/${out.case!.id}/accept`, { version: seen.version })).statusCode).toBe(403);
  });

  it('takes a noise report with a photo through accept, resolve and a 5-star rating, and the three rates move', async () => {
    const today = ctx.clock.now().toISOString().slice(0, 10);
    const ratesUrl = `/api/v1/case-rates?orgId=${world.community.id}&from=${today}&to=${today}`;
    const before = (await staff.get(ratesUrl)).json() as { total: { received: number; satisfied: number } };

    const form = multipartBody(
      {
        payload: JSON.stringify({
          dutyCode: 'LL-002',
          description: '楼上每天深夜拖动家具，噪音很大',
          ...INSIDE_YINGMENTAN,
          contactPhone: '13812345678',
        }),
      },
      [{ field: 'photos', fileName: 'noise.png', data: TINY_PNG, contentType: 'image/png' }],
    );
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/my/cases',
      payload: form.payload,
      headers: { 'content-type': form.contentType, ...(await sessionHeaders('resident')) },
    });
    expect(created.statusCode, created.body).toBe(201);
    const c = (created.json() as IntakeOut).case!;
    expect(c.handlerName).toBe('营门滩社区');
    expect(c.photoIds).toHaveLength(1);
    expect((await resident.get(`/api/v1/my/cases/${c.id}`)).json()).toEqual(c);

    const queue = (await staff.get('/api/v1/cases?queue=unit&status=submitted')).json() as { items: { id: string }[] };
    expect(queue.items.map((x) => x.id)).toContain(c.id);
    const detail = (await staff.get(`/api/v1/cases/${c.id}`)).json() as CaseOut;
    expect(detail.contactPhone).toBe('138****5678');
    const photo = await staff.get(`/api/v1/cases/${c.id}/photos/${c.photoIds[0]}`);
    expect(photo.headers['content-type']).toBe('image/png');

    await advance(HOUR);
    const accepted = await staff.post(`/api/v1/cases/${c.id}/accept`, { version: detail.version });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const resolved = await staff.post(`/api/v1/cases/${c.id}/resolve`, {
      version: (accepted.json() as CaseOut).version,
      result: '已上门调解，楼上住户承诺晚十点后不再搬动家具',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);

    const notes = (await resident.get('/api/v1/messages/mine')).json() as { items: { title: string }[] };
    expect(notes.items.some((n) => n.title === `诉求 ${c.number} 已办结，请您评价`)).toBe(true);
    // the community's staff notices (new cases, overdue warnings) are not hers
    expect(notes.items.some((n) => n.title.startsWith('新诉求'))).toBe(false);
    const staffNotes = (await staff.get('/api/v1/messages/mine')).json() as { items: { title: string }[] };
    expect(staffNotes.items.some((n) => n.title === `新诉求 ${c.number} 待签收`)).toBe(true);
    const rated = await resident.post(`/api/v1/my/cases/${c.id}/rating`, {
      rating: 5,
      isSolved: true,
      comment: '很及时',
    });
    expect(rated.statusCode, rated.body).toBe(200);
    expect((rated.json() as CaseOut).status).toBe('closed');

    const after = (await staff.get(ratesUrl)).json() as {
      total: { received: number; satisfied: number; satisfactionRate: number; responseRate: number };
    };
    expect(after.total.received).toBe(before.total.received + 1);
    expect(after.total.satisfied).toBe(before.total.satisfied + 1);
    expect(after.total.satisfactionRate).toBe(1);
    // one level up, the street's drill-down row for the community carries the same figures
    const streetRates = (
      await street.get(`/api/v1/case-rates?orgId=${(await ctx.org(CODES.yinTanLuStreet)).id}&from=${today}&to=${today}`)
    ).json() as {
      total: { received: number };
      children: { name: string; rates: { received: number; satisfied: number } }[];
    };
    const row = streetRates.children.find((c) => c.name === '营门滩社区')!;
    expect(row.rates.received).toBe(after.total.received);
    expect(row.rates.satisfied).toBe(after.total.satisfied);
    expect(streetRates.total.received).toBeGreaterThanOrEqual(after.total.received);

    // the resident's view keeps internal steps and staff names out
    const mine = (await resident.get(`/api/v1/my/cases/${c.id}`)).json() as CaseOut;
    expect(mine.timeline.every((e) => e.isPublic)).toBe(true);
    expect(mine.timeline.map((e) => e.kind)).toEqual(['submitted', 'accepted', 'resolved', 'rated']);
  });

  async function sessionHeaders(username: string) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: 'Test-pass-2026' },
    });
    const session = res.cookies.find((c) => c.name === 'tz_session')!.value;
    return { cookie: `tz_session=${session}`, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken };
  }

  it('sends a case with no matching item to the street as fallback, flagged for duty-list review', async () => {
    const res = await staff.post('/api/v1/cases', {
      channel: 'phone',
      description: '居民来电反映的问题不属于现有任何事项',
      orgId: world.community.id,
    });
    expect(res.statusCode, res.body).toBe(201);
    const c = (res.json() as IntakeOut).case!;
    expect(c.isFallback).toBe(true);
    expect(c.handlerName).toBe('银滩路街道');
    expect((await staff.get(`/api/v1/cases/${c.id}`)).json()).toEqual(c);
  });

  it('marks a case due soon, then overdue, and escalates it to the street (no sleeping: the clock is injected)', async () => {
    const out = await report(resident, {
      dutyCode: 'AQ-001',
      description: '楼道里堆满杂物，还有人给电动车充电',
      lng: 103.718,
      lat: 36.1,
    });
    const c = out.case!;
    expect(c.dueState).toBe('ok');
    await advance(20 * HOUR);
    await street.post('/api/v1/cases/deadline-sweeps');
    await advance(30 * 24 * HOUR);
    const swept = await street.post('/api/v1/cases/deadline-sweeps');
    expect(swept.statusCode, swept.body).toBe(200);
    const detail = (await street.get(`/api/v1/cases/${c.id}`)).json() as CaseOut;
    expect(detail.dueState).toBe('overdue');
    expect(detail.isEscalated).toBe(true);
    expect(detail.timeline.map((e) => e.kind)).toContain('escalated');
    const escalatedRes = await street.get('/api/v1/cases?queue=escalated');
    const escalated = escalatedRes.json() as { items: { id: string }[] };
    expect(escalated.items.map((x) => x.id)).toContain(c.id);
    const streetNotes = (await street.get('/api/v1/messages/mine')).json() as { items: { title: string }[] };
    expect(streetNotes.items.some((n) => n.title.includes(c.number))).toBe(true);
    // a late acceptance counts against the response rate
    const accepted = (await staff.post(`/api/v1/cases/${c.id}/accept`, { version: detail.version })).json() as CaseOut;
    expect(accepted.status).toBe('accepted');
  });

  it('pauses the clock only with a reason and moves the deadline by the pause', async () => {
    const c = (
      await report(resident, { dutyCode: 'WY-001', description: '楼道灯坏了好几天', lng: 103.7185, lat: 36.1005 })
    ).case!;
    let d = (await staff.post(`/api/v1/cases/${c.id}/accept`, { version: c.version })).json() as CaseOut & {
      resolveDueAt: string;
    };
    const noReason = await staff.post(`/api/v1/cases/${c.id}/pause`, { version: d.version });
    expect(noReason.statusCode).toBe(400);
    expectErrorBody(noReason);
    d = (
      await staff.post(`/api/v1/cases/${c.id}/pause`, { version: d.version, reason: '等待居民提供照片' })
    ).json() as typeof d;
    const due = d.resolveDueAt;
    await advance(48 * HOUR);
    d = (await staff.post(`/api/v1/cases/${c.id}/resume`, { version: d.version })).json() as typeof d;
    expect(new Date(d.resolveDueAt).getTime() - new Date(due).getTime()).toBe(48 * HOUR);
  });

  it('offers open cases of the same item within 200 m instead of a second one, and merging keeps both reporters told', async () => {
    const first = (
      await report(resident, { dutyCode: 'HJ-002', description: '路边绿化带有大量垃圾', lng: 103.7195, lat: 36.1015 })
    ).case!;
    const neighbour = await ctx.login('neighbour');
    const offered = await report(neighbour, {
      dutyCode: 'HJ-002',
      description: '绿化带里全是垃圾',
      lng: 103.7196,
      lat: 36.1016,
    });
    expect(offered.case).toBeNull();
    expect(offered.duplicates[0]!.id).toBe(first.id);
    expect(offered.duplicates[0]!.distanceMeters).toBeLessThan(200);
    const second = (
      await report(neighbour, {
        dutyCode: 'HJ-002',
        description: '绿化带里全是垃圾',
        lng: 103.7196,
        lat: 36.1016,
        force: true,
      })
    ).case!;
    const merged = await staff.post(`/api/v1/cases/${second.id}/merge`, {
      version: second.version,
      intoCaseId: first.id,
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const d = (await staff.get(`/api/v1/cases/${first.id}`)).json() as CaseOut;
    await staff.post(`/api/v1/cases/${first.id}/accept`, { version: d.version });
    const told = (await neighbour.get('/api/v1/messages/mine')).json() as {
      items: { caseId: string; title: string }[];
    };
    expect(told.items.some((n) => n.caseId === first.id)).toBe(true);
    // the neighbour now follows the first case
    expect((await neighbour.get(`/api/v1/my/cases/${first.id}`)).statusCode).toBe(200);
  });

  it('treats a hotline ticket seen before as the existing case', async () => {
    const ticket = {
      ticketNo: 'GS12345-20261128-0001',
      dutyCode: 'SZ-001',
      description: '12345 转办：路灯不亮',
      orgCode: CODES.yingMenTan,
    };
    const first = await street.post('/api/v1/cases/hotline-imports', { tickets: [ticket] });
    expect(first.statusCode, first.body).toBe(200);
    const again = await street.post('/api/v1/cases/hotline-imports', { tickets: [ticket] });
    const a = first.json() as { created: number; cases: { caseId: string }[] };
    const b = again.json() as { created: number; existing: number; cases: { caseId: string }[] };
    expect(a.created).toBe(1);
    expect(b.created).toBe(0);
    expect(b.existing).toBe(1);
    expect(b.cases[0]!.caseId).toBe(a.cases[0]!.caseId);
    const bad = await street.post('/api/v1/cases/hotline-imports', {
      tickets: [
        { ...ticket, ticketNo: 'X-1' },
        { ...ticket, ticketNo: 'X-2', dutyCode: 'NO-999' },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('tickets.1.dutyCode');
    const count = await ctx.deps.db
      .selectFrom('cases')
      .select('id')
      .where('external_ref', '=', 'hotline:X-1')
      .execute();
    expect(count).toHaveLength(0);
  });

  it('offers the departments above the place as reassignment targets, though they lie outside the community', async () => {
    const c = (
      await report(resident, {
        dutyCode: 'HJ-002',
        description: '小区门口有人占道经营，影响通行',
        lng: 103.7185,
        lat: 36.1005,
        force: true,
      })
    ).case!;
    const targets = await staff.get(`/api/v1/cases/${c.id}/reassign-targets`);
    expect(targets.statusCode, targets.body).toBe(200);
    const items = (targets.json() as { items: { id: string; name: string; level: string }[] }).items;
    expect(items.map((u) => u.id)).toContain(world.education.id);
    expect(items.map((u) => u.id)).not.toContain(c.handlerOrgId);
    const moved = await staff.post(`/api/v1/cases/${c.id}/reassign`, {
      version: c.version,
      toOrgId: world.education.id,
      reason: '涉及学校周边，属教育局职责',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((moved.json() as CaseOut).handlerName).toContain('教育局');
    const other = await ctx.login('otherstaff');
    expect((await other.get(`/api/v1/cases/${c.id}/reassign-targets`)).statusCode).toBe(404);
  });

  it('finds a case by the number a resident reads out on the phone, only within scope', async () => {
    const c = (
      await report(resident, {
        dutyCode: 'ZM-001',
        description: '单元门禁坏了',
        lng: 103.7178,
        lat: 36.0998,
        force: true,
      })
    ).case!;
    const spoken = ` ${c.number.toLowerCase().slice(0, 6)} ${c.number.slice(6)} `;
    const found = (await staff.get(`/api/v1/cases?number=${encodeURIComponent(spoken)}`)).json() as {
      items: { id: string }[];
      total: number;
    };
    expect(found.items.map((x) => x.id)).toEqual([c.id]);
    const other = await ctx.login('otherstaff');
    const hidden = (await other.get(`/api/v1/cases?number=${c.number}`)).json() as { total: number };
    expect(hidden.total).toBe(0);
  });

  it('refuses transitions that make no sense, and hides other people’s cases', async () => {
    const c = (await report(resident, { dutyCode: 'WY-002', description: '电梯经常停运', lng: 103.7175, lat: 36.0995 }))
      .case!;
    const resolveUnaccepted = await staff.post(`/api/v1/cases/${c.id}/resolve`, {
      version: c.version,
      result: '已处理',
    });
    expect(resolveUnaccepted.statusCode).toBe(409);
    expectErrorBody(resolveUnaccepted);
    const neighbour = await ctx.login('neighbour');
    expect((await neighbour.post(`/api/v1/my/cases/${c.id}/rating`, { rating: 1, isSolved: false })).statusCode).toBe(
      404,
    );
    expect((await resident.post(`/api/v1/my/cases/${c.id}/rating`, { rating: 5, isSolved: true })).statusCode).toBe(
      409,
    );
    const other = await ctx.login('otherstaff');
    expect((await other.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);
    expect((await other.post(`/api/v1/cases/${c.id}/accept`, { version: c.version })).statusCode).toBe(404);
    const stale = await staff.post(`/api/v1/cases/${c.id}/accept`, { version: c.version + 5 });
    expect(stale.statusCode).toBe(409);
  });

  it('refuses photos that are not images, too many photos, and points outside the territory, storing nothing', async () => {
    const before = await ctx.deps.db.selectFrom('cases').select('id').execute();
    const payload = JSON.stringify({ dutyCode: 'LL-002', description: '噪音扰民', ...INSIDE_YINGMENTAN, force: true });
    const headers = await sessionHeaders('resident');
    const notImage = multipartBody({ payload }, [
      { field: 'photos', fileName: 'x.jpg', data: Buffer.from('<script>alert(1)</script>'), contentType: 'image/jpeg' },
    ]);
    const r1 = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/my/cases',
      payload: notImage.payload,
      headers: { ...headers, 'content-type': notImage.contentType },
    });
    expect(r1.statusCode).toBe(400);
    expect((r1.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('photos.0');
    const tooMany = multipartBody(
      { payload },
      Array.from({ length: 10 }, (_, i) => ({ field: 'photos', fileName: `${i}.png`, data: TINY_PNG })),
    );
    const r2 = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/my/cases',
      payload: tooMany.payload,
      headers: { ...headers, 'content-type': tooMany.contentType },
    });
    expect(r2.statusCode).toBe(413);
    expectErrorBody(r2);
    const outside = await resident.post('/api/v1/my/cases', {
      dutyCode: 'LL-002',
      description: '噪音',
      lng: 116.4,
      lat: 39.9,
    });
    expect(outside.statusCode).toBe(400);
    expect((outside.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('lng');
    const after = await ctx.deps.db.selectFrom('cases').select('id').execute();
    expect(after.length).toBe(before.length);
  });
});
