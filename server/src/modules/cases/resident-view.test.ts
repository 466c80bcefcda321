import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { TINY_PNG, multipartBody } from '../../test/http.ts';
import { setUpCaseWorld } from './fixture.ts';

interface Detail {
  id: string;
  number: string;
  status: string;
  version: number;
  viewer: string;
  description: string | null;
  address: string | null;
  lng: number | null;
  contactName: string | null;
  contactPhone: string | null;
  photoIds: string[];
  ratingComment: string | null;
  actions: string[];
  timeline: { kind: string; isPublic: boolean; actorName: string | null; text: string | null; photoIds: string[] }[];
}
interface Intake {
  case: Detail | null;
  duplicates: Record<string, unknown>[];
}

/** A point in 营门滩社区 and one 60 m east of it (still within the 200 m offer). */
const SPOT = { lng: 103.7195, lat: 36.1015 };
const NEARBY = { lng: 103.72017, lat: 36.1015 };
const FAR = { lng: 103.7245, lat: 36.1035 };
const PRIVATE_WORDS = '我是3栋2单元401的王秀兰，独居，腿脚不便，楼下垃圾堆了一周';

/**
 * Residents see only their own cases: a case offered or followed shows its public summary and public
 * steps, never the reporter, her words or her photos; rating and reopening are the reporter's alone;
 * an anonymous reporter is hidden from everyone but staff holding the reveal permission (and that is audited).
 */
describe.each(DIALECTS)('what a resident sees of other people’s cases on %s', (dialect) => {
  let ctx: TestContext;
  let resident: Client;
  let staff: Client;
  let secretary: Client;
  let outsider: Client;
  let original: Detail;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await setUpCaseWorld(ctx);
    // a resident of another community (山字石), walking past 营门滩
    await ctx.createUser({ username: 'outsider', role: 'resident', orgCode: CODES.shanZiShi });
    resident = await ctx.login('resident');
    staff = await ctx.login('staff');
    secretary = await ctx.login('secretary');
    outsider = await ctx.login('outsider');
    const form = multipartBody(
      {
        payload: JSON.stringify({
          dutyCode: 'HJ-002',
          description: PRIVATE_WORDS,
          ...SPOT,
          address: '营门滩路 3 栋 2 单元 401',
          contactPhone: '13812345678',
          isAnonymous: true,
        }),
      },
      [{ field: 'photos', fileName: 'rubbish.png', data: TINY_PNG, contentType: 'image/png' }],
    );
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'resident', password: 'Test-pass-2026' },
    });
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/my/cases',
      payload: form.payload,
      headers: {
        'content-type': form.contentType,
        cookie: `tz_session=${login.cookies.find((c) => c.name === 'tz_session')!.value}`,
        'x-csrf-token': (login.json() as { csrfToken: string }).csrfToken,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    original = (res.json() as Intake).case!;
    expect(original.viewer).toBe('reporter');
    expect(original.photoIds).toHaveLength(1);
  }, 120_000);
  afterAll(() => ctx.close());

  it('offers a resident of another community filing nearby only the public summary: no words, photos or people', async () => {
    const res = await outsider.post('/api/v1/my/cases', { dutyCode: 'HJ-002', description: '这里有垃圾', ...NEARBY });
    expect(res.statusCode, res.body).toBe(201);
    const offered = res.json() as Intake;
    expect(offered.case).toBeNull();
    const dup = offered.duplicates.find((d) => d.id === original.id)!;
    expect(dup).toBeDefined();
    expect(Object.keys(dup).sort()).toEqual(
      ['createdAt', 'description', 'distanceMeters', 'dutyName', 'id', 'number', 'status'].sort(),
    );
    expect(dup.description).toBeNull();
    expect(dup.distanceMeters as number).toBeLessThanOrEqual(200);
    expect(res.body).not.toContain('王秀兰');
    expect(res.body).not.toContain('2 单元 401');
    // her own case is offered to the reporter whole
    const own = (
      await resident.post('/api/v1/my/cases', { dutyCode: 'HJ-002', description: '还是没人管', ...NEARBY })
    ).json() as Intake;
    expect(own.duplicates.find((d) => d.id === original.id)!.description).toBe(PRIVATE_WORDS);
  });

  it('lets her follow only a case she could have been offered: far away or out of her area is 404', async () => {
    const noPlace = await outsider.post(`/api/v1/my/cases/${original.id}/follow`, {});
    expect(noPlace.statusCode, noPlace.body).toBe(404);
    const far = await outsider.post(`/api/v1/my/cases/${original.id}/follow`, FAR);
    expect(far.statusCode, far.body).toBe(404);
    const unknown = await outsider.post(`/api/v1/my/cases/${crypto.randomUUID()}/follow`, NEARBY);
    expect(unknown.statusCode).toBe(404);
    // a case whose item is not public (about a person) is never followable, even in her own community
    const item = await ctx.deps.db
      .selectFrom('duty_items')
      .select('code')
      .where('is_public', '=', 0)
      .where('is_current', '=', 1)
      .where('is_retired', '=', 0)
      .executeTakeFirstOrThrow();
    const hidden = await staff.post('/api/v1/cases', {
      channel: 'phone',
      dutyCode: item.code,
      description: '来电反映邻居家的情况',
      ...SPOT,
      force: true,
    });
    expect(hidden.statusCode, hidden.body).toBe(201);
    const hiddenId = (hidden.json() as Intake).case!.id;
    const neighbour = await ctx.login('neighbour');
    expect((await neighbour.post(`/api/v1/my/cases/${hiddenId}/follow`, SPOT)).statusCode).toBe(404);
    expect((await outsider.get(`/api/v1/my/cases/${original.id}`)).statusCode).toBe(404);
    // within her own area she may follow without giving a place
    const inArea = await neighbour.post(`/api/v1/my/cases/${original.id}/follow`, {});
    expect(inArea.statusCode, inArea.body).toBe(200);
    expect((inArea.json() as Detail).viewer).toBe('follower');
  });

  it('shows a follower the public summary and public steps only: never the reporter, her words or photos', async () => {
    const res = await outsider.post(`/api/v1/my/cases/${original.id}/follow`, NEARBY);
    expect(res.statusCode, res.body).toBe(200);
    const seen = res.json() as Detail;
    expect(seen.viewer).toBe('follower');
    expect(seen).toMatchObject({
      description: null,
      address: null,
      lng: null,
      contactName: null,
      contactPhone: null,
      photoIds: [],
      actions: [],
    });
    expect(seen.timeline.every((e) => e.isPublic && e.actorName === null && e.photoIds.length === 0)).toBe(true);
    expect(JSON.stringify(seen)).not.toMatch(/王秀兰|138\*{4}5678|2 单元 401/);
    const photo = await outsider.get(`/api/v1/cases/${original.id}/photos/${original.photoIds[0]}`);
    expect(photo.statusCode).toBe(404);
    const list = (await outsider.get('/api/v1/my/cases')).json() as {
      items: { id: string; description: string | null }[];
    };
    expect(list.items.find((c) => c.id === original.id)!.description).toBeNull();
    // the reporter still sees her own case whole, with her photo
    const own = (await resident.get(`/api/v1/my/cases/${original.id}`)).json() as Detail;
    expect(own).toMatchObject({ viewer: 'reporter', description: PRIVATE_WORDS, contactPhone: '138****5678' });
    expect((await resident.get(`/api/v1/cases/${original.id}/photos/${original.photoIds[0]}`)).statusCode).toBe(200);
  });

  it('shows a follower the handlers’ public words without the reporter’s name or numbers they wrote in them', async () => {
    const neighbour = await ctx.login('neighbour');
    const filed = await neighbour.post('/api/v1/my/cases', {
      dutyCode: 'WY-001',
      description: '楼道灯坏了',
      ...SPOT,
      contactName: '李建国',
      contactPhone: '13900001111',
      force: true,
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const id = (filed.json() as Intake).case!.id;
    const reply = await staff.post(`/api/v1/cases/${id}/replies`, {
      text: '李建国您好，已按13900001111回电，明天派人维修',
    });
    expect(reply.statusCode, reply.body).toBe(200);
    const followed = await outsider.post(`/api/v1/my/cases/${id}/follow`, NEARBY);
    expect(followed.statusCode, followed.body).toBe(200);
    const seen = followed.json() as Detail;
    const replied = seen.timeline.find((e) => e.kind === 'reply')!;
    expect(replied.text).toContain('明天派人维修');
    expect(JSON.stringify(seen)).not.toMatch(/李建国|13900001111/);
    // the reporter reads the reply as it was written
    const own = (await neighbour.get(`/api/v1/my/cases/${id}`)).json() as Detail;
    expect(own.timeline.find((e) => e.kind === 'reply')!.text).toBe('李建国您好，已按13900001111回电，明天派人维修');
  });

  it('keeps rating, reopening and the call to rate for the original reporter alone', async () => {
    let d = (await staff.get(`/api/v1/cases/${original.id}`)).json() as Detail;
    d = (await staff.post(`/api/v1/cases/${original.id}/accept`, { version: d.version })).json() as Detail;
    const resolved = await staff.post(`/api/v1/cases/${original.id}/resolve`, { version: d.version, result: '已清运' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const followed = (await outsider.get(`/api/v1/my/cases/${original.id}`)).json() as Detail;
    expect(followed.actions).toEqual([]);
    const notes = (await outsider.get('/api/v1/messages/mine')).json() as {
      items: { caseId: string; title: string }[];
    };
    const told = notes.items.filter((n) => n.caseId === original.id);
    expect(told.length).toBeGreaterThan(0);
    expect(told.some((n) => n.title.includes('请您评价'))).toBe(false);
    const rate = await outsider.post(`/api/v1/my/cases/${original.id}/rating`, { rating: 1, isSolved: false });
    expect(rate.statusCode, rate.body).toBe(403);
    const reopen = await outsider.post(`/api/v1/my/cases/${original.id}/reopen`, { reason: '根本没清理' });
    expect(reopen.statusCode, reopen.body).toBe(403);
    expect(((await staff.get(`/api/v1/cases/${original.id}`)).json() as Detail).status).toBe('resolved');
    const mine = (await resident.get(`/api/v1/my/cases/${original.id}`)).json() as Detail;
    expect(mine.actions.sort()).toEqual(['rate', 'reopen']);
    const rated = await resident.post(`/api/v1/my/cases/${original.id}/rating`, {
      rating: 4,
      isSolved: true,
      comment: '王秀兰谢谢社区',
    });
    expect(rated.statusCode, rated.body).toBe(200);
    const after = (await outsider.get(`/api/v1/my/cases/${original.id}`)).json() as Detail;
    expect(after.ratingComment).toBeNull();
    expect(JSON.stringify(after)).not.toContain('王秀兰');
  });

  it('hides an anonymous reporter from staff without the reveal permission; the reveal is audited', async () => {
    const d = (await staff.get(`/api/v1/cases/${original.id}`)).json() as Detail;
    expect(d.viewer).toBe('staff');
    expect(d.contactName).toBeNull();
    expect(d.contactPhone).toBeNull();
    // her own steps (the rating) carry no name either
    expect(d.timeline.find((e) => e.kind === 'rated')!.actorName).toBeNull();
    expect(JSON.stringify(d)).not.toContain('138****5678');
    const refused = await staff.post(`/api/v1/cases/${original.id}/reveal-contact`, { reason: '回访核实' });
    expect([403, 404]).toContain(refused.statusCode);
    const bySecretary = (await secretary.get(`/api/v1/cases/${original.id}`)).json() as Detail;
    expect(bySecretary.contactName).toBeNull();
    const revealed = await secretary.post(`/api/v1/cases/${original.id}/reveal-contact`, { reason: '回访核实' });
    expect(revealed.statusCode, revealed.body).toBe(200);
    expect(revealed.json()).toMatchObject({ contactPhone: '13812345678' });
    const audit = await ctx.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', original.id)
      .where('action', '=', 'pii.reveal')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('names an anonymous reporter in the audit log only to readers who may reveal her', async () => {
    const me = await ctx.deps.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'resident')
      .executeTakeFirstOrThrow();
    type AuditOut = { items: { actorId: string | null; actorName: string | null; action: string; targetId: string }[] };
    // the street's staff read the audit log but may not reveal people
    const street = await ctx.login('street');
    const rows = (await street.get('/api/v1/audit?pageSize=200')).json() as AuditOut;
    const hers = rows.items.filter(
      (r) => r.targetId === original.id && ['case.create', 'case.rate'].includes(r.action),
    );
    expect(hers.map((r) => r.action).sort()).toEqual(['case.create', 'case.rate']);
    expect(hers.every((r) => r.actorId === null && r.actorName === null)).toBe(true);
    // nor can they find her records by asking for what she did
    const byHer = (await street.get(`/api/v1/audit?actorId=${me.id}&pageSize=200`)).json() as AuditOut;
    expect(byHer.items.some((r) => r.targetId === original.id)).toBe(false);
    // the secretary, who may reveal, sees who filed it
    const bySecretary = (await secretary.get('/api/v1/audit?action=case.create&pageSize=200')).json() as AuditOut;
    expect(bySecretary.items.find((r) => r.targetId === original.id)!.actorId).toBe(me.id);
  });
});
