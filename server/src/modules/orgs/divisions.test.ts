import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';
import { importDivisions, shortDivisionName } from './divisions.ts';

describe('division names', () => {
  it('uses the names people use for residents’ and villagers’ committees', () => {
    expect(shortDivisionName('山字石社区居委会')).toBe('山字石社区');
    expect(shortDivisionName('砂岗村委会')).toBe('砂岗村');
    expect(shortDivisionName('吴家园居民委员会')).toBe('吴家园社区');
    expect(shortDivisionName('红砂岗村民委员会')).toBe('红砂岗村');
    expect(shortDivisionName('银滩路街道')).toBe('银滩路街道');
  });
});

describe.each(DIALECTS)('national division import on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.anning });
  });
  afterAll(() => t.close());

  it('imports a district with its ancestors and is idempotent: ids stay, nothing new', async () => {
    const before = await t.org(CODES.yingMenTan);
    const again = await importDivisions(t.deps.database, t.clock, { under: CODES.anning });
    expect(again.inserted).toBe(0);
    expect(again.unchanged).toBe(again.total);
    expect((await t.org(CODES.yingMenTan)).id).toBe(before.id);
    expect((await t.org('62')).name).toBe('甘肃省');
  });

  it('keeps the old name in the history when a unit is renamed', async () => {
    const unit = await t.org(CODES.yingMenTan);
    await t.deps.db.updateTable('org_units').set({ name: '旧营门滩社区' }).where('id', '=', unit.id).execute();
    const result = await importDivisions(t.deps.database, t.clock, { under: CODES.anning });
    expect(result.renamed).toBe(1);
    expect((await t.org(CODES.yingMenTan)).name).toBe('营门滩社区');
    const history = await t.deps.db.selectFrom('org_code_history').selectAll().where('org_id', '=', unit.id).execute();
    expect(history.map((h) => h.name)).toContain('旧营门滩社区');
  });

  it('keeps the id and the old code when a unit is re-coded under the same parent', async () => {
    const unit = await t.org(CODES.yingMenTan);
    await t.deps.db.updateTable('org_units').set({ code: '620105006999' }).where('id', '=', unit.id).execute();
    const result = await importDivisions(t.deps.database, t.clock, { under: CODES.anning });
    expect(result.recoded).toBe(1);
    expect(result.inserted).toBe(0);
    expect((await t.org(CODES.yingMenTan)).id).toBe(unit.id);
    const history = await t.deps.db.selectFrom('org_code_history').selectAll().where('org_id', '=', unit.id).execute();
    expect(history.map((h) => h.code)).toContain('620105006999');
  });

  it('retires a unit that is no longer published instead of deleting it', async () => {
    const street = await t.org(CODES.yinTanLuStreet);
    const now = t.clock.now().toISOString();
    await t.deps.db
      .insertInto('org_units')
      .values({
        id: '01900000-0000-7000-8000-000000000001',
        key: 999_999,
        parent_id: street.id,
        path: `${street.path}lfls/`,
        depth: 5,
        level: 'community',
        name: '已撤销社区',
        full_name: '已撤销社区',
        code: '620105006777',
        geometry: null,
        retired_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const result = await importDivisions(t.deps.database, t.clock, { under: CODES.anning });
    expect(result.retired).toBe(1);
    const row = await t.deps.db
      .selectFrom('org_units')
      .selectAll()
      .where('name', '=', '已撤销社区')
      .executeTakeFirstOrThrow();
    expect(row.retired_at).not.toBeNull();
    expect(row.code).toBeNull();
  });
});
