import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestContext, CODES, createTestContext } from '../../test/harness.ts';
import { newId } from '../../platform/ids.ts';
import { isUniqueViolation } from './double-registration.ts';
import { countyKeyOf } from '../../db/county-key.ts';

describe.each(DIALECTS)('party rules the database holds (%s)', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  const registration = (userId: string, org: { id: string; path: string }, status: string) => ({
    id: newId(),
    user_id: userId,
    resident_id: null,
    org_id: org.id,
    org_path: org.path,
    name: '李红',
    work_unit: '安宁区教育局',
    alliance_unit_id: null,
    party_org_name: null,
    skills: null,
    status: status as 'pending',
    requested_at: '2026-12-01T00:00:00.000Z',
    decided_by: null,
    decided_at: null,
    decision_note: null,
  });

  it('refuses a second live 双报到 of one person with one community, and allows one after the first ended', async () => {
    const org = await t.org(CODES.yingMenTan);
    const userId = newId();
    await t.deps.db
      .insertInto('dual_registrations')
      .values(registration(userId, org, 'pending'))
      .execute();
    const second = t.deps.db
      .insertInto('dual_registrations')
      .values(registration(userId, org, 'confirmed'))
      .execute();
    const error = await second.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isUniqueViolation(error)).toBe(true);
    await t.deps.db.updateTable('dual_registrations').set({ status: 'ended' }).where('user_id', '=', userId).execute();
    await t.deps.db
      .insertInto('dual_registrations')
      .values(registration(userId, org, 'pending'))
      .execute();
    const rows = await t.deps.db
      .selectFrom('dual_registrations')
      .select('status')
      .where('user_id', '=', userId)
      .execute();
    expect(rows.map((r) => r.status).sort()).toEqual(['ended', 'pending']);
  });

  it('refuses hours over a whole day in one entry', async () => {
    const org = await t.org(CODES.yingMenTan);
    const insert = (minutes: number) =>
      t.deps.db
        .insertInto('service_hours')
        .values({
          id: newId(),
          registration_id: newId(),
          user_id: newId(),
          org_path: org.path,
          county_key: countyKeyOf(org.path),
          source_kind: 'post',
          source_id: newId(),
          served_on: '2026-12-01',
          minutes,
          note: null,
          status: 'logged',
          created_at: '2026-12-01T00:00:00.000Z',
          decided_by: null,
          decided_at: null,
        })
        .execute();
    await insert(1440);
    await expect(insert(1441)).rejects.toThrow();
    await expect(insert(0)).rejects.toThrow();
  });
});
