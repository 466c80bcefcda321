import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestContext, createTestContext } from '../test/harness.ts';
import { DEMO_STAFF_NOTICE, seedDemoNotices } from './demo-notices.ts';
import { seedDemoResidents } from './demo-residents.ts';
import { seedDemo } from './demo.ts';

/** The demo's 说文解策: the 低保 and 独居老人 notices in each community, one the bound residents can open. */
describe.each(DIALECTS)('demo notices on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await seedDemo(t.deps, () => undefined);
    await seedDemoResidents(t.deps, () => undefined);
    await seedDemoNotices(t.deps, () => undefined);
    await seedDemoNotices(t.deps, () => undefined);
  }, 300_000);
  afterAll(() => t.close());

  it('sends each community’s 低保户 the subsidy rule and its 独居老人 the heating notice, once', async () => {
    const notices = await t.deps.db
      .selectFrom('notices')
      .innerJoin('org_units', 'org_units.id', 'notices.org_id')
      .select(['org_units.name as community', 'notices.title', 'notices.audience', 'notices.households'])
      .execute();
    for (const community of ['山字石社区', '吴家园社区', '营门滩社区', '砂岗村']) {
      const own = notices.filter((n) => n.community === community && n.title !== DEMO_STAFF_NOTICE);
      expect(own.map((n) => n.title).sort(), community).toEqual(
        [
          '关于调整城乡最低生活保障标准的通知',
          '冬季取暖安全和“一键呼叫”服务告知书',
          `${community}居民议事会议题征集`,
        ].sort(),
      );
      for (const n of own) expect(n.households, `${community} ${n.title}`).toBeGreaterThan(0);
    }
    // every household the 低保 notice reached has a living member tagged 低保户
    const dibao = await t.deps.db
      .selectFrom('notice_households')
      .innerJoin('notices', 'notices.id', 'notice_households.notice_id')
      .select('notice_households.household_id')
      .where('notices.title', '=', '关于调整城乡最低生活保障标准的通知')
      .execute();
    const tagged = await t.deps.db
      .selectFrom('resident_tags')
      .innerJoin('care_tags', 'care_tags.id', 'resident_tags.tag_id')
      .innerJoin('residents', 'residents.id', 'resident_tags.resident_id')
      .select('residents.household_id')
      .where('care_tags.code', '=', 'dibao')
      .where('residents.status', '=', 'living')
      .execute();
    const taggedHouseholds = new Set(tagged.map((r) => r.household_id));
    expect(dibao.length).toBeGreaterThan(0);
    for (const h of dibao) expect(taggedHouseholds.has(h.household_id)).toBe(true);
  });

  it('sends 营门滩’s four 网格员 the work notice by role, in their bell, with no household', async () => {
    const notice = await t.deps.db
      .selectFrom('notices')
      .innerJoin('org_units', 'org_units.id', 'notices.org_id')
      .select(['notices.id', 'notices.households'])
      .where('org_units.code', '=', '620105006010')
      .where('notices.title', '=', DEMO_STAFF_NOTICE)
      .executeTakeFirstOrThrow();
    expect(notice.households).toBe(0);
    const staff = await t.deps.db
      .selectFrom('notice_accounts')
      .innerJoin('users', 'users.id', 'notice_accounts.user_id')
      .select(['users.username', 'notice_accounts.role'])
      .where('notice_accounts.notice_id', '=', notice.id)
      .orderBy('users.username')
      .execute();
    expect(staff).toEqual(
      ['yingmentan_wg1', 'yingmentan_wg2', 'yingmentan_wg3', 'yingmentan_wg4'].map((username) => ({
        username,
        role: 'grid_worker',
      })),
    );
    const told = await t.deps.db
      .selectFrom('outbox_messages')
      .innerJoin('users', 'users.id', 'outbox_messages.recipient_user_id')
      .select('users.username')
      .where('outbox_messages.kind', '=', 'notice.staff')
      .where('users.username', 'like', 'yingmentan_wg%')
      .execute();
    expect(told).toHaveLength(4);
  });

  it('tells each bound demo resident through the outbox of the notice on her household', async () => {
    const bound = await t.deps.db
      .selectFrom('resident_bindings')
      .select(['user_id', 'household_id'])
      .where('status', '=', 'bound')
      .execute();
    expect(bound).toHaveLength(4);
    for (const b of bound) {
      const receipts = await t.deps.db
        .selectFrom('notice_households')
        .select('notice_id')
        .where('household_id', '=', b.household_id)
        .execute();
      expect(receipts.length).toBeGreaterThan(0);
      const told = await t.deps.db
        .selectFrom('outbox_messages')
        .select('id')
        .where('recipient_user_id', '=', b.user_id)
        .where('kind', '=', 'notice.new')
        .execute();
      expect(told.length).toBeGreaterThanOrEqual(receipts.length);
    }
  });
});
