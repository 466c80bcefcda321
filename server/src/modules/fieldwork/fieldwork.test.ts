import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../platform/clock.ts';
import { seedDemoFieldwork } from '../../cli/demo-fieldwork.ts';
import { DEMO_PASSWORD, seedDemo } from '../../cli/demo.ts';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { TINY_PNG, expectErrorBody, multipartBody, signInRaw } from '../../test/http.ts';
import { type FieldHousehold, addHousehold, setUpFieldWorld, visitBody, visitInput } from './fixture.ts';
import { countyKeyOf } from '../../db/county-key.ts';

const DAY = 86_400_000;

interface SyncOut {
  results: {
    clientId: string;
    status: string;
    id?: string;
    caseId?: string;
    caseNumber?: string;
    facts?: { residentId: string | null; field: string; state: string }[];
    error?: { code: string; field: string; message_zh: string; message_en: string };
  }[];
}
interface VisitOut {
  id: string;
  visitors: { id: string; name: string }[];
  photos: { id: string; url: string }[];
  caseIds: string[];
  facts: { field: string; value: unknown; state: string }[];
}

const count = async (ctx: TestContext, table: 'visits' | 'cases' | 'visit_cases' | 'household_changes') =>
  Number(
    (
      await ctx.deps.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe.each(DIALECTS)('field work on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpFieldWorld>>;
  let staff: Client;
  let wg1: Client;
  let wg2: Client;
  let alone: FieldHousehold;
  let dibao: FieldHousehold;
  let plain: FieldHousehold;
  let disabled: FieldHousehold;
  let unlinked: FieldHousehold;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpFieldWorld(ctx);
    staff = await ctx.login('staff');
    wg1 = await ctx.login('wg1');
    wg2 = await ctx.login('wg2');
    alone = await addHousehold(staff, world.grid1.id, '营门滩路 1 号 101', ['living_alone']);
    dibao = await addHousehold(staff, world.grid1.id, '营门滩路 1 号 102', ['dibao']);
    plain = await addHousehold(staff, world.grid1.id, '营门滩路 1 号 103', []);
    disabled = await addHousehold(staff, world.grid2.id, '营门滩路 2 号 201', ['disabled']);
    unlinked = await addHousehold(staff, world.grid2.id, '营门滩路 2 号 202', []);
  }, 120_000);
  afterAll(() => ctx.close());

  const now = () => ctx.clock.now();

  it('links a grid worker to every household of her grid in one step, skips existing links, and shows the gaps and each load', async () => {
    const wg1Id = (
      await ctx.deps.db.selectFrom('users').select('id').where('username', '=', 'wg1').executeTakeFirstOrThrow()
    ).id;
    const secretaryId = (
      await ctx.deps.db.selectFrom('users').select('id').where('username', '=', 'secretary').executeTakeFirstOrThrow()
    ).id;
    const url = `/api/v1/orgs/${world.community.id}/linkages`;
    const first = await staff.post(url, { userId: wg1Id, kind: 'ruwang_zhixin', gridId: world.grid1.id });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toEqual({ created: 3, skipped: 0 });
    expect((await staff.post(url, { userId: wg1Id, kind: 'ruwang_zhixin', gridId: world.grid1.id })).json()).toEqual({
      created: 0,
      skipped: 3,
    });
    const party = await staff.post(url, {
      userId: secretaryId,
      kind: 'lianhu_jiaoxin',
      householdIds: [disabled.id, alone.id],
    });
    expect(party.json()).toEqual({ created: 2, skipped: 0 });

    const gaps = (await staff.get(`/api/v1/orgs/${world.community.id}/linkage-gaps`)).json<{
      items: { householdId: string; gridName: string }[];
      total: number;
    }>();
    expect(gaps.items.map((g) => g.householdId)).toEqual([unlinked.id]);
    expect(gaps.items[0]!.gridName).toBe('第二网格');

    const load = (await staff.get(`/api/v1/orgs/${world.community.id}/linkage-load`)).json<{
      items: { userId: string; households: number; byKind: Record<string, number> }[];
    }>();
    expect(load.items.map((i) => [i.userId, i.households])).toEqual([
      [wg1Id, 3],
      [secretaryId, 2],
    ]);
    expect(load.items[0]!.byKind).toEqual({
      fanxiang_zouqin: 0,
      zhucun_lianxin: 0,
      ruwang_zhixin: 3,
      lianhu_jiaoxin: 0,
    });

    const listed = (await staff.get(`${url}?kind=lianhu_jiaoxin`)).json<{
      items: { id: string; householdId: string }[];
      total: number;
    }>();
    expect(listed.total).toBe(2);
    // a household outside the unit is refused, and nothing is linked
    const wrong = await staff.post(`/api/v1/orgs/${world.grid1.id}/linkages`, {
      userId: wg1Id,
      kind: 'zhucun_lianxin',
      householdIds: [plain.id, disabled.id],
    });
    expect(wrong.statusCode).toBe(400);
    expectErrorBody(wrong);
    expect((await staff.get(`${url}?kind=zhucun_lianxin`)).json<{ total: number }>().total).toBe(0);
    // a grid worker reads but does not assign (a route naming an object answers 404 without the permission)
    expect((await wg1.post(url, { userId: wg1Id, kind: 'ruwang_zhixin', householdIds: [plain.id] })).statusCode).toBe(
      404,
    );

    const removed = listed.items.find((i) => i.householdId === disabled.id)!;
    expect((await staff.delete(`/api/v1/linkages/${removed.id}`)).statusCode).toBe(204);
    const after = (await staff.get(`/api/v1/orgs/${world.community.id}/linkage-gaps`)).json<{ total: number }>();
    expect(after.total).toBe(2);
  });

  it('visits 独居老人 weekly, 低保户 and 残疾人 monthly and everyone else quarterly, unless the community says otherwise', async () => {
    const url = `/api/v1/orgs/${world.community.id}/visit-policies`;
    expect((await staff.get(url)).json()).toEqual({
      items: [
        { careTag: 'living_alone', intervalDays: 7, source: 'default' },
        { careTag: 'dibao', intervalDays: 30, source: 'default' },
        { careTag: 'disabled', intervalDays: 30, source: 'default' },
        { careTag: null, intervalDays: 90, source: 'default' },
      ],
    });
    const visited = await wg1.post('/api/v1/visits', visitBody(alone.id, now()));
    expect(visited.statusCode, visited.body).toBe(201);
    const status = () =>
      ctx.deps.db
        .selectFrom('household_visit_status')
        .selectAll()
        .where('household_id', '=', alone.id)
        .executeTakeFirstOrThrow();
    expect((await status()).interval_days).toBe(7);
    expect((await status()).next_due_at).toBe(new Date(now().getTime() + 7 * DAY).toISOString());

    const set = await staff.request('PUT', url, {
      items: [
        { careTag: 'living_alone', intervalDays: 3 },
        { careTag: 'veteran', intervalDays: 14 },
        { careTag: null, intervalDays: 60 },
      ],
    });
    expect(set.statusCode, set.body).toBe(200);
    expect((await staff.get(`/api/v1/orgs/${world.grid1.id}/visit-policies`)).json()).toEqual({
      items: [
        { careTag: 'living_alone', intervalDays: 3, source: 'community' },
        { careTag: 'dibao', intervalDays: 30, source: 'default' },
        { careTag: 'disabled', intervalDays: 30, source: 'default' },
        { careTag: null, intervalDays: 60, source: 'community' },
        { careTag: 'veteran', intervalDays: 14, source: 'community' },
      ],
    });
    // the visited household is re-timed at once
    expect((await status()).interval_days).toBe(3);
    // policies are a community's, set by its staff
    expect(
      (await staff.request('PUT', `/api/v1/orgs/${world.grid1.id}/visit-policies`, { items: [] })).statusCode,
    ).toBe(409);
    expect((await wg1.request('PUT', url, { items: [] })).statusCode).toBe(404);
    const unknown = await staff.request('PUT', url, { items: [{ careTag: 'over_80', intervalDays: 5 }] });
    expect(unknown.statusCode).toBe(400);
    expectErrorBody(unknown);
    expect((await staff.request('PUT', url, { items: [] })).statusCode).toBe(200);
    expect((await status()).interval_days).toBe(7);
  });

  it('answers 404 for a visit to a household outside the grid worker’s grid, and records nothing', async () => {
    const before = await count(ctx, 'visits');
    for (const householdId of [disabled.id, world.other.id, crypto.randomUUID()]) {
      const res = await wg1.post('/api/v1/visits', visitBody(householdId, now()));
      expect(res.statusCode).toBe(404);
      expectErrorBody(res);
    }
    const batch = await wg1.post('/api/v1/sync/batch', {
      ops: [{ clientId: crypto.randomUUID(), kind: 'visit', payload: visitInput(world.other.id, now()) }],
    });
    expect(batch.json<SyncOut>().results[0]).toMatchObject({
      status: 'rejected',
      error: { code: 'NOT_FOUND', field: 'householdId' },
    });
    expect(await count(ctx, 'visits')).toBe(before);
    expect((await wg1.get(`/api/v1/households/${disabled.id}/visits`)).statusCode).toBe(404);
  });

  it('refuses visits dated in the future or more than a year back, with the reason, and allows a few minutes of clock skew', async () => {
    const before = await count(ctx, 'visits');
    for (const at of [new Date(now().getTime() + 10 * MINUTE), new Date(now().getTime() - 366 * DAY)]) {
      const res = await wg1.post('/api/v1/visits', visitBody(plain.id, at));
      expect(res.statusCode).toBe(400);
      expectErrorBody(res);
      expect(res.json<{ code: string }>().code).toBe('VISIT_TIME_INVALID');
    }
    const batch = (
      await wg1.post('/api/v1/sync/batch', {
        ops: [
          {
            clientId: crypto.randomUUID(),
            kind: 'visit',
            payload: visitInput(plain.id, new Date(now().getTime() + DAY)),
          },
          {
            clientId: crypto.randomUUID(),
            kind: 'visit',
            payload: visitInput(plain.id, new Date(now().getTime() + 2 * MINUTE)),
          },
        ],
      })
    ).json<SyncOut>();
    expect(batch.results.map((r) => r.status)).toEqual(['rejected', 'created']);
    expect(batch.results[0]!.error).toMatchObject({ code: 'VISIT_TIME_INVALID', field: 'visitedAt' });
    expect(batch.results[0]!.error!.message_zh).toMatch(/晚于当前时间/);
    expect(await count(ctx, 'visits')).toBe(before + 1);
  });

  it('syncs a queue of three visits, one opening a case, and a replay of the whole batch creates nothing new', async () => {
    const visitsBefore = await count(ctx, 'visits');
    const casesBefore = await count(ctx, 'cases');
    const ops = [
      {
        clientId: crypto.randomUUID(),
        kind: 'visit',
        payload: visitInput(alone.id, new Date(now().getTime() - 3 * DAY)),
      },
      {
        clientId: crypto.randomUUID(),
        kind: 'visit',
        payload: visitInput(dibao.id, new Date(now().getTime() - 2 * DAY), {
          kind: 'follow_up',
          findings: [{ topic: 'housing_safety', note: '厨房燃气管老化' }],
          openCase: { dutyItemCode: 'AQ-001', description: '住户厨房燃气管老化，存在安全隐患', priority: 'urgent' },
          location: { lng: 103.718, lat: 36.1 },
        }),
      },
      { clientId: crypto.randomUUID(), kind: 'visit', payload: visitInput(plain.id, new Date(now().getTime() - DAY)) },
    ];
    const first = (await wg1.post('/api/v1/sync/batch', { ops })).json<SyncOut>();
    expect(first.results.map((r) => r.status)).toEqual(['created', 'created', 'created']);
    const withCase = first.results[1]!;
    expect(withCase.caseId).toBeDefined();
    expect(withCase.caseNumber).toMatch(/^SQ\d{14}$/);
    // each receipt is stored with its visit's county
    const receipts = await ctx.deps.db
      .selectFrom('sync_receipts as r')
      .innerJoin('visits as v', 'v.id', 'r.object_id')
      .select(['r.county_key', 'v.county_key as visit_county'])
      .where(
        'r.client_id',
        'in',
        ops.map((o) => o.clientId),
      )
      .execute();
    expect(receipts.map((r) => [Number(r.county_key), Number(r.visit_county)])).toEqual(
      Array.from({ length: 3 }, () => [countyKeyOf(world.community.path), countyKeyOf(world.community.path)]),
    );

    const again = (await wg1.post('/api/v1/sync/batch', { ops })).json<SyncOut>();
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(again.results.map((r) => r.id)).toEqual(first.results.map((r) => r.id));
    expect(again.results[1]!.caseId).toBe(withCase.caseId);
    expect(await count(ctx, 'visits')).toBe(visitsBefore + 3);
    expect(await count(ctx, 'cases')).toBe(casesBefore + 1);

    const visit = (await staff.get(`/api/v1/visits/${withCase.id}`)).json<VisitOut>();
    expect(visit.caseIds).toEqual([withCase.caseId]);
    expect(visit.visitors.map((v) => v.name)).toEqual(['wg1']);
    const opened = (await staff.get(`/api/v1/cases/${withCase.caseId}`)).json<{
      channel: string;
      householdId: string;
      priority: string;
    }>();
    expect(opened).toMatchObject({ channel: 'grid_worker', householdId: dibao.id, priority: 'urgent' });
    // the same visit online, replayed: 200 and the same visit
    const online = visitBody(unlinked.id, now());
    expect((await wg2.post('/api/v1/visits', online)).statusCode).toBe(201);
    const replay = await wg2.post('/api/v1/visits', online);
    expect(replay.statusCode).toBe(200);
    // another account may not reuse a device's id
    const stolen = await wg1.post('/api/v1/sync/batch', { ops: [ops[0]] });
    expect(stolen.json<SyncOut>().results[0]!.status).toBe('duplicate');
    const foreign = await wg2.post('/api/v1/sync/batch', {
      ops: [{ ...ops[0]!, payload: visitInput(disabled.id, now()) }],
    });
    expect(foreign.json<SyncOut>().results[0]).toMatchObject({ status: 'rejected', error: { code: 'CONFLICT' } });
  });

  it('finishes opening a visit’s case on replay after a crash between the visit and its case, and only once', async () => {
    const casesBefore = await count(ctx, 'cases');
    const wg1Id = (
      await ctx.deps.db.selectFrom('users').select('id').where('username', '=', 'wg1').executeTakeFirstOrThrow()
    ).id;
    const household = await ctx.deps.db
      .selectFrom('households')
      .selectAll()
      .where('id', '=', plain.id)
      .executeTakeFirstOrThrow();
    // what the first delivery committed before the process died: the visit and its receipt, no case yet
    const clientId = crypto.randomUUID();
    const visitId = crypto.randomUUID();
    const at = now().toISOString();
    await ctx.deps.db
      .insertInto('visits')
      .values({
        id: visitId,
        household_id: plain.id,
        org_path: household.org_path,
        county_key: countyKeyOf(household.org_path),
        visited_at: at,
        kind: 'routine',
        lng: null,
        lat: null,
        findings: '[]',
        note: null,
        open_case: JSON.stringify({ description: '楼道灯不亮，老人夜间出行不便' }),
        recorded_by: wg1Id,
        created_at: at,
      })
      .execute();
    await ctx.deps.db
      .insertInto('sync_receipts')
      .values({
        client_id: clientId,
        county_key: countyKeyOf(household.org_path),
        kind: 'visit',
        object_id: visitId,
        user_id: wg1Id,
        created_at: at,
      })
      .execute();
    const op = {
      clientId,
      kind: 'visit',
      payload: visitInput(plain.id, now(), { openCase: { description: '楼道灯不亮' } }),
    };
    const replay = (await wg1.post('/api/v1/sync/batch', { ops: [op] })).json<SyncOut>().results[0]!;
    expect(replay).toMatchObject({ status: 'duplicate', id: visitId });
    expect(replay.caseId).toBeDefined();
    const again = (await wg1.post('/api/v1/sync/batch', { ops: [op] })).json<SyncOut>().results[0]!;
    expect(again.caseId).toBe(replay.caseId);
    expect(await count(ctx, 'cases')).toBe(casesBefore + 1);
  });

  it('tells the phone what became of each fact a synced visit carried', async () => {
    const base = (
      await ctx.deps.db
        .selectFrom('residents')
        .select('version')
        .where('id', '=', plain.residentId)
        .executeTakeFirstOrThrow()
    ).version;
    // someone edited her in the meantime: a fact based on the version before is stale
    await ctx.deps.db
      .updateTable('residents')
      .set({ version: base + 1 })
      .where('id', '=', plain.residentId)
      .execute();
    const op = {
      clientId: crypto.randomUUID(),
      kind: 'visit',
      payload: visitInput(plain.id, now(), {
        facts: [
          { residentId: plain.residentId, field: 'notes', value: '老人说儿子每周回来', baseVersion: base },
          { residentId: plain.residentId, field: 'living_alone', value: true, baseVersion: base + 1 },
        ],
      }),
    };
    const first = (await wg1.post('/api/v1/sync/batch', { ops: [op] })).json<SyncOut>().results[0]!;
    expect(first.status, JSON.stringify(first.error)).toBe('created');
    expect(first.facts?.map((f) => [f.field, f.state])).toEqual([
      ['notes', 'stale'],
      ['living_alone', 'proposed'],
    ]);
    const replay = (await wg1.post('/api/v1/sync/batch', { ops: [op] })).json<SyncOut>().results[0]!;
    expect(replay.status).toBe('duplicate');
    expect(replay.facts).toEqual(first.facts);
    // the facts are stored with the household's county
    const changes = await ctx.deps.db
      .selectFrom('household_changes')
      .select('county_key')
      .where('visit_id', '=', first.id!)
      .execute();
    expect(changes.map((c) => Number(c.county_key))).toEqual([
      countyKeyOf(world.community.path),
      countyKeyOf(world.community.path),
    ]);
    expect(countyKeyOf(world.community.path)).toBeGreaterThan(0);
  });

  it('flags a household change based on an old version for staff instead of applying it, and staff apply or reject', async () => {
    const resident = () =>
      ctx.deps.db.selectFrom('residents').selectAll().where('id', '=', plain.residentId).executeTakeFirstOrThrow();
    const base = (await resident()).version;
    // staff edit the resident in the meantime
    expect(
      (await staff.patch(`/api/v1/residents/${plain.residentId}`, { version: base, notes: '已核对' })).statusCode,
    ).toBe(200);
    const res = await wg1.post(
      '/api/v1/visits',
      visitBody(plain.id, now(), {
        facts: [
          { residentId: plain.residentId, field: 'notes', value: '女儿已接走同住', baseVersion: base },
          { residentId: plain.residentId, field: 'phone', value: '13900001111', baseVersion: base + 1 },
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const visit = res.json<{ visit: VisitOut }>().visit;
    expect(visit.facts.map((f) => [f.field, f.state])).toEqual([
      ['notes', 'stale'],
      ['phone', 'proposed'],
    ]);
    expect(visit.facts[1]!.value).toBe('139****1111');
    expect((await resident()).notes).toBe('已核对');
    expect((await resident()).version).toBe(base + 1);

    const changes = (await staff.get(`/api/v1/orgs/${world.community.id}/household-changes`)).json<{
      items: { id: string; field: string; state: string; value: unknown; currentVersion: number }[];
    }>();
    const stale = changes.items.find((c) => c.field === 'notes' && c.state === 'stale')!;
    const phone = changes.items.find((c) => c.field === 'phone' && c.state === 'proposed')!;
    expect(stale.currentVersion).toBe(base + 1);
    expect(JSON.stringify(changes)).not.toContain('13900001111');
    // grid workers propose; only staff decide
    expect((await wg1.post(`/api/v1/household-changes/${phone.id}/apply`)).statusCode).toBe(404);
    const applied = await staff.post(`/api/v1/household-changes/${phone.id}/apply`);
    expect(applied.json<{ state: string }>().state).toBe('applied');
    expect(ctx.deps.pii.decrypt((await resident()).phone_enc!)).toBe('13900001111');
    const rejected = await staff.post(`/api/v1/household-changes/${stale.id}/reject`, { reason: '已另行核实' });
    expect(rejected.json<{ state: string }>().state).toBe('rejected');
    expect((await resident()).notes).toBe('已核对');
    expect((await staff.post(`/api/v1/household-changes/${stale.id}/apply`)).statusCode).toBe(409);

    // staff who visit apply their own facts at once (a new tag re-times the household)
    const current = (await resident()).version;
    const own = await staff.post(
      '/api/v1/visits',
      visitBody(plain.id, now(), {
        facts: [{ residentId: plain.residentId, field: 'living_alone', value: true, baseVersion: current }],
      }),
    );
    expect(own.json<{ visit: VisitOut }>().visit.facts[0]!.state).toBe('applied');
    const status = await ctx.deps.db
      .selectFrom('household_visit_status')
      .selectAll()
      .where('household_id', '=', plain.id)
      .executeTakeFirstOrThrow();
    expect(status.interval_days).toBe(7);
  });

  it('rejects a photo over 10 MB or one that is not an image with a clear message, and keeps the visit without it', async () => {
    const raw = await signInRaw(ctx.app, 'wg1');
    const upload = (clientId: string, data: Buffer) => {
      const form = multipartBody({ clientId }, [
        { field: 'photo', fileName: 'p.jpg', data, contentType: 'image/jpeg' },
      ]);
      return raw.send({
        method: 'POST',
        url: '/api/v1/sync/photos',
        payload: form.payload,
        contentType: form.contentType,
      });
    };
    const goodId = crypto.randomUUID();
    const good = await upload(goodId, TINY_PNG);
    expect(good.statusCode, good.body).toBe(201);
    const photoId = good.json<{ photoId: string }>().photoId;
    const photoCounty = () =>
      ctx.deps.db.selectFrom('visit_photos').select('county_key').where('id', '=', photoId).executeTakeFirstOrThrow();
    // no place yet: county 0 until the visit names it
    expect(Number((await photoCounty()).county_key)).toBe(0);
    const replay = await upload(goodId, TINY_PNG);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({ clientId: goodId, photoId });

    const bigId = crypto.randomUUID();
    const big = Buffer.concat([TINY_PNG, Buffer.alloc(10 * 1024 * 1024)]);
    const tooLarge = await upload(bigId, big);
    expect(tooLarge.statusCode).toBe(413);
    expectErrorBody(tooLarge);
    expect(tooLarge.json()).toMatchObject({ code: 'PHOTO_TOO_LARGE', field: 'photo' });
    expect(tooLarge.json<{ message_zh: string }>().message_zh).toMatch(/10 MB/);
    const notImage = await upload(crypto.randomUUID(), Buffer.from('%PDF-1.4 not a photo'));
    expect(notImage.statusCode).toBe(400);
    expect(notImage.json()).toMatchObject({ code: 'PHOTO_NOT_IMAGE', field: 'photo' });

    const res = await wg1.post('/api/v1/visits', visitBody(alone.id, now(), { photoClientIds: [goodId, bigId] }));
    expect(res.statusCode, res.body).toBe(201);
    const visit = res.json<{ visit: VisitOut }>().visit;
    expect(visit.photos.map((p) => p.id)).toEqual([photoId]);
    // named by the visit, it sits in the visit's county
    const household = await ctx.deps.db
      .selectFrom('households')
      .select('org_path')
      .where('id', '=', alone.id)
      .executeTakeFirstOrThrow();
    expect(Number((await photoCounty()).county_key)).toBe(countyKeyOf(household.org_path));
    const image = await wg1.get(visit.photos[0]!.url);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(Buffer.from(image.rawPayload).equals(TINY_PNG)).toBe(true);
  });

  it('keeps visits append-only: the database refuses to change or delete one', async () => {
    const visit = await ctx.deps.db.selectFrom('visits').select('id').executeTakeFirstOrThrow();
    await expect(
      ctx.deps.db.updateTable('visits').set({ note: '改写' }).where('id', '=', visit.id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(ctx.deps.db.deleteFrom('visits').where('id', '=', visit.id).execute()).rejects.toThrow(/append-only/);
  });

  it("gives the grid worker her households for offline use, members' phones masked, most urgent first", async () => {
    const cache = (await wg2.get('/api/v1/my/field-cache')).json<{
      worker: { name: string };
      dutyItems: { code: string }[];
      households: {
        id: string;
        urgency: string;
        communityName: string;
        gridName: string;
        members: { phoneMasked: string; version: number }[];
      }[];
    }>();
    expect(cache.worker.name).toBe('wg2');
    expect(cache.households.map((h) => [h.id, h.urgency])).toEqual([
      [disabled.id, 'never'],
      [unlinked.id, 'ok'],
    ]);
    expect(cache.households[0]).toMatchObject({ communityName: '营门滩社区', gridName: '第二网格' });
    expect(cache.households[0]!.members[0]!.phoneMasked).toBe('138****5678');
    expect(JSON.stringify(cache)).not.toContain('13812345678');
    expect(cache.dutyItems.map((d) => d.code)).toContain('AQ-001');
    expect((await staff.get('/api/v1/my/field-cache')).statusCode).toBe(200);
    expect((await (await ctx.login('resident')).get('/api/v1/my/field-cache')).statusCode).toBe(403);
  });
});

describe.each(DIALECTS)('visit coverage on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpFieldWorld>>;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpFieldWorld(ctx);
  }, 120_000);
  afterAll(() => ctx.close());

  it('counts households due, overdue, visited this month and never visited, per community, grid and worker', async () => {
    const staff = await ctx.login('staff');
    const wg1 = await ctx.login('wg1');
    const wg2 = await ctx.login('wg2');
    const now = ctx.clock.now(); // 2026-11-28 10:00 in Shanghai
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    const a = await addHousehold(staff, world.grid1.id, 'A 户 独居', ['living_alone']);
    const b = await addHousehold(staff, world.grid1.id, 'B 户 低保', ['dibao']);
    const c = await addHousehold(staff, world.grid1.id, 'C 户', []);
    const d = await addHousehold(staff, world.grid1.id, 'D 户', []);
    const e = await addHousehold(staff, world.grid2.id, 'E 户 残疾', ['disabled']);
    const f = await addHousehold(staff, world.grid2.id, 'F 户', []);
    const g = await addHousehold(staff, world.community.id, 'G 户', []);
    const visit = async (client: Client, h: FieldHousehold, at: Date) =>
      expect((await client.post('/api/v1/visits', visitBody(h.id, at))).statusCode).toBe(201);
    await visit(wg1, a, ago(10)); // due 3 days ago: overdue; visited in November
    await visit(wg1, a, ago(29)); // an older visit synced late: moves nothing back
    await visit(wg1, b, ago(25)); // due in 5 days: due; November
    await visit(wg1, c, ago(40)); // due in 50 days; October
    await visit(wg2, e, ago(35)); // due 5 days ago: overdue; October
    await visit(staff, g, ago(1)); // November
    // d and f: never visited

    const coverage = (await staff.get(`/api/v1/orgs/${world.community.id}/coverage`)).json<{
      month: string;
      households: number;
      due: number;
      overdue: number;
      visitedThisMonth: number;
      neverVisited: number;
      children: {
        unit: { name: string };
        households: number;
        due: number;
        overdue: number;
        visitedThisMonth: number;
        neverVisited: number;
      }[];
      workers: {
        name: string;
        households: number;
        due: number;
        overdue: number;
        visitedThisMonth: number;
        neverVisited: number;
      }[];
    }>();
    const figures = (x: {
      households: number;
      due: number;
      overdue: number;
      visitedThisMonth: number;
      neverVisited: number;
    }) => [x.households, x.due, x.overdue, x.visitedThisMonth, x.neverVisited];
    expect(coverage.month).toBe('2026-11');
    expect(figures(coverage)).toEqual([7, 1, 2, 3, 2]);
    expect(coverage.children.map((ch) => [ch.unit.name, ...figures(ch)])).toEqual([
      ['第一网格', 4, 1, 1, 2, 1],
      ['第二网格', 2, 0, 1, 0, 1],
    ]);
    expect(coverage.workers.map((w) => [w.name, ...figures(w)])).toEqual([
      ['wg1', 4, 1, 1, 2, 1],
      ['wg2', 2, 0, 1, 0, 1],
    ]);
    const october = (await staff.get(`/api/v1/orgs/${world.community.id}/coverage?month=2026-10`)).json<{
      visitedThisMonth: number;
    }>();
    expect(october.visitedThisMonth).toBe(3); // a, c, e
    const street = (await (await ctx.login('street')).get(`/api/v1/orgs/${world.community.id}/coverage`)).json<{
      households: number;
    }>();
    expect(street.households).toBe(7);
    const grid = (await wg2.get(`/api/v1/orgs/${world.grid2.id}/coverage`)).json<{
      households: number;
      overdue: number;
    }>();
    expect([grid.households, grid.overdue]).toEqual([2, 1]);
    expect((await wg2.get(`/api/v1/orgs/${world.grid1.id}/coverage`)).statusCode).toBe(404);

    const today = (await wg1.get('/api/v1/my/field-cache')).json<{ households: { id: string; urgency: string }[] }>();
    expect(today.households.map((h) => [h.id, h.urgency])).toEqual([
      [a.id, 'overdue'],
      [d.id, 'never'],
      [b.id, 'due'],
      [c.id, 'ok'],
    ]);
    void f;
  });
});

describe.each(DIALECTS)('demo field work on %s', (dialect) => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await seedDemo(ctx.deps, () => undefined);
  }, 120_000);
  afterAll(() => ctx.close());

  it('links the demo grid workers to their grids, leaves a few gaps, has past visits, and seeds once', async () => {
    const worker = await ctx.login('yingmentan_wg1', DEMO_PASSWORD);
    const cache = (await worker.get('/api/v1/my/field-cache')).json<{ households: { urgency: string }[] }>();
    expect(cache.households.length).toBeGreaterThan(30);
    expect(new Set(cache.households.map((h) => h.urgency)).size).toBeGreaterThan(2);
    const community = await ctx.org(CODES.yingMenTan);
    const secretary = await ctx.login('yingmentan_sj', DEMO_PASSWORD);
    const gaps = (await secretary.get(`/api/v1/orgs/${community.id}/linkage-gaps`)).json<{ total: number }>();
    expect(gaps.total).toBeGreaterThan(0);
    const coverage = (await secretary.get(`/api/v1/orgs/${community.id}/coverage`)).json<{
      households: number;
      neverVisited: number;
      visitedThisMonth: number;
      workers: unknown[];
    }>();
    expect(coverage.neverVisited).toBeGreaterThan(0);
    expect(coverage.visitedThisMonth).toBeGreaterThan(0);
    expect(coverage.workers).toHaveLength(4);
    const before = await count(ctx, 'visits');
    await seedDemoFieldwork(ctx.deps, () => undefined);
    expect(await count(ctx, 'visits')).toBe(before);
  });
});
