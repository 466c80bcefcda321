import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { expectErrorBody } from '../../test/http.ts';
import { setUpCaseWorld } from './fixture.ts';

interface QueuePage {
  items: { id: string; number: string; createdAt: string }[];
  total: number;
  nextCursor: string | null;
  prevCursor: string | null;
}

/**
 * Issue 18, item 3: a street's queue holds tens of thousands of cases a year, so its pages go by cursor
 * (keyset on the queue's own order) rather than by OFFSET — and must still show every case exactly once.
 */
describe.each(DIALECTS)('paging a case queue by cursor on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpCaseWorld>>;
  let staff: Client;
  let otherStaff: Client;
  let otherCommunityId: string;

  const signIn = async () => {
    staff = await ctx.login('staff');
    otherStaff = await ctx.login('otherstaff');
  };
  /** Files `n` cases by phone in one community, all in the same instant (ties in the sort key). */
  const fileCases = async (client: Client, orgId: string, n: number) => {
    for (let i = 0; i < n; i++) {
      const res = await client.post('/api/v1/cases', {
        channel: 'phone',
        description: `来电反映的第 ${i + 1} 件事`,
        orgId,
        force: true,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  };
  const queuePage = async (client: Client, params: string) => {
    const res = await client.get(`/api/v1/cases?queue=all&pageSize=4${params}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<QueuePage>();
  };
  const cursorParam = (cursor: string) => `&cursor=${encodeURIComponent(cursor)}`;
  /** Every page by nextCursor from the first, in order. */
  const pageThrough = async (client: Client) => {
    const pages = [await queuePage(client, '')];
    for (let last = pages[0]!; last.nextCursor !== null;) {
      last = await queuePage(client, cursorParam(last.nextCursor));
      pages.push(last);
    }
    return pages;
  };
  /** The queue's order: newest first, and by id (descending) within one instant. */
  const newestFirst = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpCaseWorld(ctx);
    otherCommunityId = (
      await ctx.deps.db
        .selectFrom('org_units')
        .select('id')
        .where('code', '=', CODES.shanZiShi)
        .executeTakeFirstOrThrow()
    ).id;
    await signIn();
    // three instants, several cases in each: pages of 4 split the ties
    for (const n of [5, 6, 3]) {
      await fileCases(staff, world.community.id, n);
      ctx.clock.advance(60_000);
    }
    await signIn();
    await fileCases(otherStaff, otherCommunityId, 6);
  }, 120_000);
  afterAll(() => ctx.close());

  it('shows every case of the queue exactly once and in order, through ties in the time', async () => {
    const pages = await pageThrough(staff);
    const shown = pages.flatMap((p) => p.items);
    expect(pages.length).toBe(4);
    expect(shown.length).toBe(14);
    expect(new Set(shown.map((c) => c.id)).size).toBe(14);
    expect(shown).toEqual([...shown].sort(newestFirst));
    expect(pages.every((p) => p.total === 14)).toBe(true);
    expect(pages[0]!.prevCursor).toBeNull();
    expect(pages.at(-1)!.nextCursor).toBeNull();
  });

  it('goes back page by page to the same pages she saw going forward', async () => {
    const pages = await pageThrough(staff);
    for (let i = pages.length - 1; i > 0; i--) {
      const back = await queuePage(staff, cursorParam(pages[i]!.prevCursor!));
      expect(back.items.map((c) => c.id)).toEqual(pages[i - 1]!.items.map((c) => c.id));
    }
    // back from the second page is the top: no way further back
    expect((await queuePage(staff, cursorParam(pages[1]!.prevCursor!))).prevCursor).toBeNull();
  });

  it('neither repeats nor skips an older case when new cases arrive while she pages', async () => {
    const first = await queuePage(staff, '');
    const before = (await pageThrough(staff)).flatMap((p) => p.items.map((c) => c.id));
    // two calls come in while she reads the first page
    await fileCases(staff, world.community.id, 1);
    ctx.clock.advance(1_000);
    await signIn();
    await fileCases(staff, world.community.id, 1);
    const rest = [];
    for (let cursor = first.nextCursor; cursor !== null;) {
      const page = await queuePage(staff, cursorParam(cursor));
      rest.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    }
    expect([...first.items.map((c) => c.id), ...rest]).toEqual(before);
  });

  it('refuses a cursor it never handed out with 400 naming the field, in both languages', async () => {
    const good = (await queuePage(staff, '')).nextCursor!;
    const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const tampered = [
      'not a cursor',
      'bm90IGpzb24',
      json({ d: 'after', a: 'yesterday', i: world.community.id }),
      json({ d: 'sideways', a: '2026-01-01T00:00:00.000Z', i: world.community.id }),
      json({ d: 'after', a: '2026-01-01T00:00:00.000Z', i: "x' or 1=1 --" }),
      json([1, 2, 3]),
      `${good}x`,
      'x'.repeat(300),
    ];
    for (const cursor of tampered) {
      const res = await staff.get(`/api/v1/cases?queue=all${cursorParam(cursor)}`);
      expect(res.statusCode, cursor).toBe(400);
      expectErrorBody(res, cursor);
      expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['cursor']);
    }
  });

  it('shows nothing outside her scope through another community’s cursor', async () => {
    const theirs = (await pageThrough(otherStaff)).flatMap((p) => p.items.map((c) => c.id));
    const mine = (await pageThrough(staff)).flatMap((p) => p.items.map((c) => c.id));
    expect(theirs).toHaveLength(6);
    const theirCursor = (await queuePage(otherStaff, '')).nextCursor!;
    for (const queue of ['all', 'unit', 'mine', 'escalated']) {
      const res = await staff.get(`/api/v1/cases?queue=${queue}&pageSize=100${cursorParam(theirCursor)}`);
      expect(res.statusCode, res.body).toBe(200);
      const ids = res.json<QueuePage>().items.map((c) => c.id);
      expect(ids.filter((id) => theirs.includes(id))).toEqual([]);
      expect(ids.every((id) => mine.includes(id))).toBe(true);
    }
    const backwards = (await queuePage(staff, '')).prevCursor;
    expect(backwards).toBeNull();
  });
});
