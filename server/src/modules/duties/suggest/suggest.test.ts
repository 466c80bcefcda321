import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../../test/harness.ts';
import { expectErrorBody } from '../../../test/http.ts';
import { INSIDE_YINGMENTAN, setUpCaseWorld } from '../../cases/fixture.ts';
import { MIN_REBUILD_MS } from './service.ts';

interface SuggestOut {
  items: { code: string; name: string; category: [string, string]; score: number }[];
}

describe.each(DIALECTS)('duty item suggestions on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpCaseWorld>>;
  let resident: Client;
  let staff: Client;

  const suggest = async (client: Client, text: string) => {
    const res = await client.post('/api/v1/duties/suggest', { text });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as SuggestOut).items.map((i) => i.code);
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpCaseWorld(ctx);
    resident = await ctx.login('resident');
    staff = await ctx.login('staff');
  }, 120_000);
  afterAll(() => ctx.close());

  it('finds the enrolment item for "孩子上学" and puts JY-001 first for a child without local hukou', async () => {
    expect(await suggest(resident, '孩子上学')).toContain('JY-001');
    const res = await resident.post('/api/v1/duties/suggest', { text: '孩子明年上小学，没有本地户口怎么办' });
    expect(res.statusCode, res.body).toBe(200);
    const out = res.json() as SuggestOut;
    expect(out.items).toHaveLength(3);
    expect(out.items[0]).toMatchObject({ code: 'JY-001', name: expect.stringContaining('入学') as string });
    expect(out.items[0]!.score).toBeGreaterThan(out.items[1]!.score);
  });

  it('suggests 邻居生活噪声扰民 for furniture dragged upstairs at night, and the leaking flat above for a leak', async () => {
    expect((await suggest(resident, '楼上每天夜里拖动家具'))[0]).toBe('LL-002');
    expect((await suggest(resident, '楼上天天漏水'))[0]).toBe('LL-003');
  });

  it('offers a resident only the items residents may choose, and staff every current item', async () => {
    expect(await suggest(staff, '沿街商铺安全生产隐患排查')).toContain('AQ-007');
    expect(await suggest(resident, '沿街商铺安全生产隐患排查')).not.toContain('AQ-007');
  });

  it('learns from staff re-classifying a case: a similar description then ranks the corrected item higher', async () => {
    const similar = '小区共享单车堆在门口';
    const before = await suggest(staff, similar);
    expect(before).not.toContain('SZ-007');

    const filed = await resident.post('/api/v1/my/cases', {
      ...INSIDE_YINGMENTAN,
      dutyCode: 'LL-003',
      description: '小区里共享单车乱停挡路',
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const c = (filed.json() as { case: { id: string; version: number } }).case;
    const transport = await ctx.deps.db
      .selectFrom('org_units')
      .select('id')
      .where('parent_id', '=', world.county.id)
      .where('department_kind', '=', 'transport')
      .executeTakeFirstOrThrow();
    const moved = await staff.post(`/api/v1/cases/${c.id}/reassign`, {
      version: c.version,
      toOrgId: transport.id,
      dutyCode: 'SZ-007',
      reason: '共享单车停放归交通运输部门管理',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    // the model takes in re-classifications at most every MIN_REBUILD_MS
    expect(await suggest(staff, similar)).not.toContain('SZ-007');
    ctx.clock.advance(MIN_REBUILD_MS);

    const after = await suggest(staff, similar);
    expect(after[0]).toBe('SZ-007');
    // a case moved to another unit under the same item teaches nothing new
    expect((await suggest(staff, '楼上天天漏水'))[0]).toBe('LL-003');
  });

  it("never lets a resident, or staff of another community, probe for words only one or two people's re-classified cases hold (a name, even in many cases of one person); staff who may read the case see them, and a word three people share reaches everyone", async () => {
    const neighbour = await ctx.login('neighbour');
    const otherStaff = await ctx.login('otherstaff');
    const transport = await ctx.deps.db
      .selectFrom('org_units')
      .select('id')
      .where('parent_id', '=', world.county.id)
      .where('department_kind', '=', 'transport')
      .executeTakeFirstOrThrow();
    const reclassify = async (reporter: Client, description: string) => {
      const filed = await reporter.post('/api/v1/my/cases', { ...INSIDE_YINGMENTAN, dutyCode: 'LL-003', description });
      expect(filed.statusCode, filed.body).toBe(201);
      const c = (filed.json() as { case: { id: string; version: number } }).case;
      const moved = await staff.post(`/api/v1/cases/${c.id}/reassign`, {
        version: c.version,
        toOrgId: transport.id,
        dutyCode: 'SZ-007',
        reason: '共享单车停放归交通运输部门管理',
      });
      expect(moved.statusCode, moved.body).toBe(200);
    };
    // one resident writes the same name into three cases: still one person's word
    for (const where of ['门口', '楼下', '车棚边']) await reclassify(resident, `贾淑芬家${where}的共享单车倒了一地`);
    ctx.clock.advance(MIN_REBUILD_MS);
    expect(await suggest(staff, '贾淑芬')).toContain('SZ-007');
    expect(await suggest(neighbour, '贾淑芬')).toEqual([]);
    expect(await suggest(otherStaff, '贾淑芬')).toEqual([]);
    expect(await suggest(neighbour, '共享单车')).not.toContain('SZ-007');

    await reclassify(neighbour, '路口的共享单车挡住了盲道');
    await ctx.createUser({ username: 'third', role: 'resident', orgCode: CODES.yingMenTan });
    await reclassify(await ctx.login('third'), '小区门口共享单车太多了');
    ctx.clock.advance(MIN_REBUILD_MS);
    expect(await suggest(neighbour, '共享单车')).toContain('SZ-007');
    expect(await suggest(otherStaff, '共享单车')).toContain('SZ-007');
    expect(await suggest(neighbour, '贾淑芬')).toEqual([]);
    expect(await suggest(otherStaff, '贾淑芬')).toEqual([]);
  });

  it('classifies a 12345 ticket that has no item code from its text when one item clearly fits, else leaves it to the fallback unit', async () => {
    const street = await ctx.login('street');
    const res = await street.post('/api/v1/cases/hotline-imports', {
      tickets: [
        { ticketNo: 'S-1', description: '孩子明年上小学，没有本地户口，报不上名', ...INSIDE_YINGMENTAN },
        { ticketNo: 'S-2', description: '来电人要求回电，未说明具体事项', ...INSIDE_YINGMENTAN },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const [school, vague] = (res.json() as { cases: { caseId: string }[] }).cases;
    const detail = async (id: string) =>
      (await street.get(`/api/v1/cases/${id}`)).json() as { dutyCode: string | null; isFallback: boolean };
    expect(await detail(school!.caseId)).toMatchObject({ dutyCode: 'JY-001', isFallback: false });
    expect(await detail(vague!.caseId)).toMatchObject({ dutyCode: null, isFallback: true });
  });

  it('answers bad input with 400, the field and a message in Chinese and English', async () => {
    const cases: [unknown, string, string][] = [
      [{ text: '' }, 'text', 'too_short'],
      [{ text: '   ' }, 'text', 'too_short'],
      [{ text: '漏'.repeat(501) }, 'text', 'too_long'],
      [{ text: '楼上\u0000漏水' }, 'text', 'invalid_character'],
      [{}, 'text', 'required'],
      [{ text: 42 }, 'text', 'invalid_type'],
      [{ text: '漏水', limit: 50 }, 'limit', 'too_big'],
      [{ text: '漏水', extra: 1 }, 'body.extra', 'unknown_field'],
    ];
    for (const [body, field, code] of cases) {
      const res = await resident.post('/api/v1/duties/suggest', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expectErrorBody(res, JSON.stringify(body));
      const errors = (res.json() as { errors: { field: string; code: string }[] }).errors;
      expect(errors[0], JSON.stringify(body)).toMatchObject({ code });
      expect(errors[0]!.field.endsWith(field.replace(/^body\./, '')), JSON.stringify(errors)).toBe(true);
    }
    const lone = await resident.post('/api/v1/duties/suggest', { text: '楼上\uD800漏水' });
    expect(lone.statusCode).toBe(400);
    expectErrorBody(lone);
    const anonymous = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/duties/suggest',
      payload: { text: '漏水' },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('answers an empty list for text with nothing in common with any item', async () => {
    expect(await suggest(resident, '12345')).toEqual([]);
  });
});
