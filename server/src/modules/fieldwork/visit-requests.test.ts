import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { addHousehold, setUpFieldWorld, visitBody } from './fixture.ts';
import { listRequestsOfSource, requestVisit, withdrawVisitRequest } from './visit-requests.ts';

const MINUTE = 60_000;

interface Cached {
  households: { id: string; requests: { reasonZh: string; source: { kind: string; id: string }; dueOn: string }[] }[];
}

/**
 * 请求上门: a module asks for a visit at a household; the household's grid worker finds it at the top of
 * her today list (and no other worker does), asking twice is one request, and the next visit recorded
 * there closes it and is noted on it — a visit dated before the request does not.
 */
describe.each(DIALECTS)('visit requests on %s', (dialect) => {
  let t: TestContext;
  let world: Awaited<ReturnType<typeof setUpFieldWorld>>;
  let wg1: Client;
  let wg2: Client;
  let staff: Client;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    world = await setUpFieldWorld(t);
    wg1 = await t.login('wg1');
    wg2 = await t.login('wg2');
    staff = await t.login('staff');
  }, 120_000);
  afterAll(() => t.close());

  const ask = (householdId: string, sourceId: string, reason = '新政策未读，请入户讲解') =>
    t.deps.db.transaction().execute((trx) =>
      requestVisit(trx, {
        householdId,
        source: { kind: 'test_source', id: sourceId },
        reasonCode: 'notice_unread',
        reason_zh: reason,
        reason_en: 'Unread notice: explain it in person',
        dueOn: '2026-11-30',
        now: t.clock.now(),
      }),
    );

  it('puts the household on top of its grid worker’s today list, once however often it is asked', async () => {
    const plain = await addHousehold(staff, world.grid1.id, '营门滩路 1 号', []);
    const asked = await addHousehold(staff, world.grid1.id, '营门滩路 2 号', []);
    const first = await ask(asked.id, 'notice-1');
    const again = await ask(asked.id, 'notice-1', '另一句话');
    expect(first.isNew).toBe(true);
    expect(again).toMatchObject({
      isNew: false,
      request: { id: first.request.id, reasonZh: '新政策未读，请入户讲解' },
    });

    const cache = (await wg1.get('/api/v1/my/field-cache')).json<Cached>();
    expect(cache.households[0]!.id).toBe(asked.id);
    expect(cache.households[0]!.requests).toEqual([
      expect.objectContaining({
        reasonZh: '新政策未读，请入户讲解',
        source: { kind: 'test_source', id: 'notice-1' },
        dueOn: '2026-11-30',
      }),
    ]);
    expect(cache.households.find((h) => h.id === plain.id)!.requests).toEqual([]);
    const other = (await wg2.get('/api/v1/my/field-cache')).json<Cached>();
    expect(other.households.some((h) => h.id === asked.id)).toBe(false);
  });

  it('is closed by the next visit recorded there, which it notes; an older visit synced late does not close it', async () => {
    const h = await addHousehold(staff, world.grid1.id, '营门滩路 3 号', []);
    const before = new Date(t.clock.now().getTime() - 60 * MINUTE);
    t.clock.advance(MINUTE);
    await ask(h.id, 'notice-2');
    const late = await wg1.post('/api/v1/visits', visitBody(h.id, before));
    expect(late.statusCode, late.body).toBe(201);
    expect((await listRequestsOfSource(t.deps.db, { kind: 'test_source', id: 'notice-2' }))[0]!.status).toBe('open');

    const visit = await wg1.post('/api/v1/visits', visitBody(h.id, t.clock.now()));
    expect(visit.statusCode, visit.body).toBe(201);
    const [request] = await listRequestsOfSource(t.deps.db, { kind: 'test_source', id: 'notice-2' });
    expect(request).toMatchObject({
      status: 'closed',
      closedVisitId: visit.json<{ visit: { id: string } }>().visit.id,
    });
    const cache = (await wg1.get('/api/v1/my/field-cache')).json<Cached>();
    expect(cache.households.find((x) => x.id === h.id)!.requests).toEqual([]);
    // asking again for the same source does not reopen it
    expect((await ask(h.id, 'notice-2')).request.status).toBe('closed');
  });

  it('can be withdrawn by its source while open, and then leaves the list', async () => {
    const h = await addHousehold(staff, world.grid1.id, '营门滩路 4 号', []);
    await ask(h.id, 'diner-1');
    const source = { kind: 'test_source', id: 'diner-1' };
    const now = t.clock.now();
    expect(
      await t.deps.db.transaction().execute((trx) => withdrawVisitRequest(trx, { householdId: h.id, source, now })),
    ).toBe(true);
    expect(
      await t.deps.db.transaction().execute((trx) => withdrawVisitRequest(trx, { householdId: h.id, source, now })),
    ).toBe(false);
    const cache = (await wg1.get('/api/v1/my/field-cache')).json<Cached>();
    expect(cache.households.find((x) => x.id === h.id)!.requests).toEqual([]);
  });
});
