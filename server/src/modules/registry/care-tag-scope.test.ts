import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { addHousehold, visitBody } from '../fieldwork/fixture.ts';
import { importLedger } from './fixture.ts';
import { checkCharacter } from './id-number.ts';

/**
 * A community's custom care tag is that community's (issue 19 item 4b): every writer that names a tag —
 * a ledger import, a visit's facts, a fact synced from the phone, a community's visit policies and a
 * report template's filters — takes only the tags usable at its place, so another community's tag is
 * as unknown as one that does not exist.
 */

interface Tag {
  code: string;
  name: string;
}

const idNumber = (seq: number) => {
  const first17 = `62010519700101${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};

describe.each(DIALECTS)('care tags are used only where they belong on %s', (dialect) => {
  let t: TestContext;
  let secretary: Client;
  let otherSecretary: Client;
  let community: { id: string; path: string };
  let ours: Tag;
  let theirs: Tag;
  let household: { id: string; residentId: string };

  const version = async (residentId: string) =>
    (await secretary.get(`/api/v1/residents/${residentId}`)).json<{ version: number }>().version;
  const tagNames = async (residentId: string) =>
    (await secretary.get(`/api/v1/residents/${residentId}`))
      .json<{ careTags: { name: string }[] }>()
      .careTags.map((c) => c.name);

  beforeAll(async () => {
    t = await createTestContext(dialect);
    community = await t.org(CODES.yingMenTan);
    await t.createUser({ username: 'ymt_sg', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'szs_sg', role: 'community_secretary', orgCode: CODES.shanZiShi });
    await t.createUser({ username: 'ytl_st', role: 'street', orgCode: CODES.yinTanLuStreet });
    secretary = await t.login('ymt_sg');
    otherSecretary = await t.login('szs_sg');
    const made = await secretary.post('/api/v1/care-tags', { name: '重病患者' });
    expect(made.statusCode, made.body).toBe(201);
    ours = made.json<Tag>();
    const theirsMade = await otherSecretary.post('/api/v1/care-tags', { name: '孤寡关怀户' });
    expect(theirsMade.statusCode, theirsMade.body).toBe(201);
    theirs = theirsMade.json<Tag>();
    household = await addHousehold(secretary, community.id, '营门滩路 3 号', []);
  });
  afterAll(() => t.close());

  describe('a ledger import (item 2)', () => {
    it('rejects another community’s tag, by name or code, as an unknown tag without echoing the cell; its own imports', async () => {
      const csv = [
        '地址,姓名,身份证号码,与户主关系,人口类型,关爱标签',
        `营门滩路 5 号,导入甲,${idNumber(1)},户主,户籍,${theirs.name}`,
        `营门滩路 6 号,导入乙,${idNumber(2)},户主,户籍,${theirs.code}`,
        `营门滩路 7 号,导入丙,${idNumber(3)},户主,户籍,${ours.name}`,
      ].join('\n');
      const job = await importLedger(t, 'ymt_sg', community.id, `${csv}\n`);
      expect(job).toMatchObject({ status: 'succeeded', rows_imported: 1, rows_rejected: 2 });
      expect(job.problems.map((p) => [p.row, p.column])).toEqual([
        [2, '关爱标签'],
        [3, '关爱标签'],
      ]);
      const said = JSON.stringify(job.problems);
      for (const text of [theirs.name, theirs.code, '山字石']) expect(said).not.toContain(text);
      const found = (await secretary.post('/api/v1/residents/search', { careTag: ours.code })).json<{
        items: { name: string }[];
      }>();
      expect(found.items.map((i) => i.name)).toEqual(['导入丙']);
    });

    it('lets a street import a community’s own tag onto that community’s rows (the rule is the row’s place)', async () => {
      const street = await t.org(CODES.yinTanLuStreet);
      const csv = [
        '社区,地址,姓名,身份证号码,与户主关系,人口类型,关爱标签',
        `营门滩社区,营门滩路 8 号,街道导入,${idNumber(4)},户主,户籍,${ours.name}`,
        `营门滩社区,营门滩路 9 号,街道导入二,${idNumber(5)},户主,户籍,${theirs.name}`,
      ].join('\n');
      const job = await importLedger(t, 'ytl_st', street.id, `${csv}\n`);
      expect(job).toMatchObject({ status: 'succeeded', rows_imported: 1, rows_rejected: 1 });
      expect(job.problems).toMatchObject([{ row: 3, column: '关爱标签' }]);
    });
  });

  describe('field work (item 3)', () => {
    it('refuses another community’s tag in a visit’s facts, added or removed, and takes its own', async () => {
      for (const field of ['care_tag_add', 'care_tag_remove']) {
        const fact = { residentId: household.residentId, field, value: theirs.code, baseVersion: 1 };
        fact.baseVersion = await version(household.residentId);
        const res = await secretary.post('/api/v1/visits', visitBody(household.id, t.clock.now(), { facts: [fact] }));
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json()).toMatchObject({ errors: [{ code: 'unknown_care_tag', field: 'facts.0.value' }] });
        expect(res.body).not.toContain(theirs.name);
      }
      expect(await tagNames(household.residentId)).toEqual([]);
      const fact = {
        residentId: household.residentId,
        field: 'care_tag_add',
        value: ours.code,
        baseVersion: await version(household.residentId),
      };
      const res = await secretary.post('/api/v1/visits', visitBody(household.id, t.clock.now(), { facts: [fact] }));
      expect(res.statusCode, res.body).toBe(201);
      expect(await tagNames(household.residentId)).toEqual([ours.name]);
    });

    it('refuses another community’s tag in a fact synced from the phone', async () => {
      const res = await secretary.post('/api/v1/sync/batch', {
        ops: [
          {
            clientId: crypto.randomUUID(),
            kind: 'household_change',
            payload: {
              householdId: household.id,
              residentId: household.residentId,
              baseVersion: await version(household.residentId),
              field: 'care_tag_add',
              value: theirs.code,
            },
          },
        ],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<{ results: unknown[] }>().results).toMatchObject([
        { status: 'rejected', error: { code: 'VALIDATION' } },
      ]);
      expect(res.json<{ results: { error: { message_zh: string } }[] }>().results[0]!.error.message_zh).toContain(
        '未知或不可设置的关爱标签',
      );
      const changes = await t.deps.db
        .selectFrom('household_changes')
        .select('value')
        .where('household_id', '=', household.id)
        .execute();
      expect(JSON.stringify(changes)).not.toContain(theirs.code);
      expect(await tagNames(household.residentId)).toEqual([ours.name]);
    });

    it('refuses another community’s tag in a community’s visit policies, and takes its own', async () => {
      const url = `/api/v1/orgs/${community.id}/visit-policies`;
      const refused = await secretary.request('PUT', url, { items: [{ careTag: theirs.code, intervalDays: 7 }] });
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json()).toMatchObject({ errors: [{ code: 'unknown_care_tag', field: 'items.0.careTag' }] });
      const set = await secretary.request('PUT', url, { items: [{ careTag: ours.code, intervalDays: 7 }] });
      expect(set.statusCode, set.body).toBe(200);
      expect(set.json<{ items: { careTag: string | null }[] }>().items.map((i) => i.careTag)).toContain(ours.code);
    });
  });

  describe('report templates (item 4)', () => {
    const roster = (careTag: string) => ({
      name: `名单 ${careTag}`,
      title: '关爱对象名单',
      rowKind: 'roster',
      filter: { careTag },
      fields: ['name', 'careTags'],
    });

    it('refuses another community’s tag in a filter, on create and on a new version; its owner’s own is fine', async () => {
      const refused = await secretary.post('/api/v1/report-templates', roster(theirs.code));
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json()).toMatchObject({ errors: [{ code: 'unknown_care_tag', field: 'filter.careTag' }] });
      const made = await secretary.post('/api/v1/report-templates', roster(ours.code));
      expect(made.statusCode, made.body).toBe(201);
      const id = made.json<{ id: string }>().id;
      const edited = await secretary.request('PUT', `/api/v1/report-templates/${id}`, roster(theirs.code));
      expect(edited.statusCode, edited.body).toBe(400);
      expect(edited.json()).toMatchObject({ errors: [{ code: 'unknown_care_tag' }] });
      // the other community's own template may filter on its own tag, and a copy into ours may not keep it
      const theirsMade = await otherSecretary.post('/api/v1/report-templates', roster(theirs.code));
      expect(theirsMade.statusCode, theirsMade.body).toBe(201);
      const copied = await secretary.post(`/api/v1/report-templates/${theirsMade.json<{ id: string }>().id}/copy`, {});
      expect(copied.statusCode, copied.body).toBe(400);
    });
  });
});
