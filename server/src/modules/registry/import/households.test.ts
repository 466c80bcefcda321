import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type TestContext, createTestContext } from '../../../test/harness.ts';
import { importLedger } from '../fixture.ts';
import { checkCharacter } from '../id-number.ts';
import { householdMemory } from './run.ts';

const idNumber = (seq: number) => {
  const first17 = `62010219800101${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};

/**
 * An import remembers only its last households exactly (flat memory for a city's file); a member listed
 * far from her household's other members still joins it, found where it was written.
 */
describe.each(DIALECTS)('households of a long ledger on %s', (dialect) => {
  let t: TestContext;
  let ymt: { id: string; path: string };
  const remembered = householdMemory.perGeneration;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    ymt = await t.org(CODES.yingMenTan);
    await t.createUser({ username: 'ymt_hh', role: 'community_secretary', orgCode: CODES.yingMenTan });
  });
  afterEach(() => (householdMemory.perGeneration = remembered));
  afterAll(() => t.close());

  it('puts a member listed after many other households into her household, not a new one', async () => {
    householdMemory.perGeneration = 2; // the import remembers 4 households exactly
    const rows = ['地址,姓名,身份证号码,与户主关系,人口类型,单元,门牌号'];
    rows.push(`营门滩路1号,王一,${idNumber(1)},户主,户籍,1单元,101`);
    for (let i = 2; i < 12; i++) rows.push(`营门滩路${i}号,李${i},${idNumber(i)},户主,户籍,,`);
    rows.push(`营门滩路1号,王二,${idNumber(12)},配偶,户籍,1单元,101`);
    // same address, another room: another household
    rows.push(`营门滩路1号,王三,${idNumber(13)},户主,户籍,1单元,102`);
    const job = await importLedger(t, 'ymt_hh', ymt.id, `${rows.join('\n')}\n`);
    expect(job).toMatchObject({ status: 'succeeded', rows_imported: 13, rows_rejected: 0 });

    const members = await t.deps.db
      .selectFrom('residents')
      .innerJoin('households', 'households.id', 'residents.household_id')
      .select(['residents.name', 'households.id as household', 'households.room_no'])
      .where('households.address', '=', '营门滩路1号')
      .orderBy('residents.name')
      .execute();
    expect(members.map((m) => [m.name, m.room_no])).toEqual([
      ['王一', '101'],
      ['王三', '102'],
      ['王二', '101'],
    ]);
    expect(members[0]!.household).toBe(members[2]!.household);
    expect(members[1]!.household).not.toBe(members[0]!.household);
    const households = await t.deps.db
      .selectFrom('households')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('org_path', 'like', `${ymt.path}%`)
      .executeTakeFirstOrThrow();
    expect(Number(households.n)).toBe(12);
  });
});
