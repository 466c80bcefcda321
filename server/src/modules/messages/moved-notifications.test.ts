import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as m0018 from '../../db/migrations/0018_one_outbox.ts';
import { newId } from '../../platform/ids.ts';
import { CODES, DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';

interface Bell {
  items: { kind: string; caseId: string | null; title: string; titleEn: string; isRead: boolean }[];
  unread: number;
}

/**
 * Migration 0018 retires the cases module's notifications table: what people had in the old bell is in
 * the new one — her own notifications, and each of her unit's for every staff member of it — read or not.
 */
describe.each(DIALECTS)('notifications moved into the outbox on %s', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(() => ctx.close());

  it('puts each old notification in the bell of those who saw it, with its titles and read state', async () => {
    const resident = await ctx.createUser({ username: 'resident', role: 'resident', orgCode: CODES.yingMenTan });
    await ctx.createUser({ username: 'staff', role: 'community_staff', orgCode: CODES.yingMenTan });
    await ctx.createUser({ username: 'secretary', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await ctx.createUser({ username: 'neighbour', role: 'resident', orgCode: CODES.yingMenTan });
    const ymt = await ctx.org(CODES.yingMenTan);
    // back to before 0018: the old table, as the cases module wrote it
    const raw = ctx.deps.db as unknown as Kysely<unknown>;
    await m0018.down(raw);
    const caseId = newId();
    const row = (over: Record<string, unknown>) => ({
      id: newId(),
      user_id: null,
      org_id: null,
      org_path: null,
      case_id: caseId,
      kind: 'case.resolved',
      title_zh: '',
      title_en: '',
      created_at: '2026-11-20T02:00:00.000Z',
      read_at: null,
      ...over,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table this code no longer knows
    await (raw as Kysely<any>)
      .insertInto('notifications')
      .values([
        row({
          user_id: resident.id,
          title_zh: '诉求 YMT-1 已办结，请评价',
          title_en: 'Case YMT-1 resolved: please rate it',
        }),
        row({
          org_id: ymt.id,
          org_path: ymt.path,
          kind: 'case.new',
          title_zh: '新诉求 YMT-1：楼道灯坏了',
          title_en: 'New case YMT-1',
          read_at: '2026-11-20T03:00:00.000Z',
        }),
      ])
      .execute();
    await m0018.up(raw);

    const bellOf = async (username: string) =>
      (await (await ctx.login(username)).get('/api/v1/messages/mine')).json<Bell>();
    const hers = await bellOf('resident');
    expect(hers.items).toMatchObject([
      { caseId, title: '诉求 YMT-1 已办结，请评价', titleEn: 'Case YMT-1 resolved: please rate it', isRead: false },
    ]);
    expect(hers.unread).toBe(1);
    for (const username of ['staff', 'secretary']) {
      const theirs = await bellOf(username);
      expect(theirs.items).toMatchObject([{ caseId, title: '新诉求 YMT-1：楼道灯坏了', isRead: true }]);
    }
    // a resident of the community never saw its staff inbox, and does not now
    expect((await bellOf('neighbour')).items).toEqual([]);
  });
});
