import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCES } from './resources.ts';
import { CODES, DIALECTS, type TestContext, createTestContext } from './test/harness.ts';

describe.each(DIALECTS)('where an org unit lies, kept once found, on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet });
  });
  afterAll(() => t.close());

  it('finds a unit without asking again, and asks again for an id it did not find', async () => {
    const org = RESOURCES.org!;
    const community = await t.org(CODES.yingMenTan);
    const id = crypto.randomUUID();
    expect(await org.reachOf(t.deps.db, [community.id, id])).toEqual(new Map([[community.id, [community.path]]]));

    // a unit created after its id was asked for is found at once: a miss is not kept
    const now = new Date().toISOString();
    await t.deps.db
      .insertInto('org_units')
      .values({
        id,
        key: 999_999,
        parent_id: community.id,
        path: `${community.path}${(999_999).toString(36)}/`,
        depth: community.path.split('/').length - 1,
        level: 'grid',
        name: '新网格',
        full_name: '新网格',
        code: null,
        geometry: null,
        department_kind: null,
        retired_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const path = `${community.path}${(999_999).toString(36)}/`;
    expect((await org.reachOf(t.deps.db, [id])).get(id)).toEqual([path]);

    // found once, kept: the row is no longer read (a unit's path never changes and units are never deleted)
    await t.deps.db.updateTable('org_units').set({ path: '/elsewhere/' }).where('id', '=', id).execute();
    expect((await org.reachOf(t.deps.db, [id, community.id])).get(id)).toEqual([path]);
  });
});
