import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countyKeyOf } from '../../db/county-key.ts';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { snapshotCounters } from '../insights/fixture.ts';
import { pathAncestors, residentContributions } from '../insights/facts.ts';
import { applyDeltas, rebuildRollups } from '../insights/rollups.ts';
import { idNumberFor } from '../residents/fixture.ts';
import { expectErrorBody } from '../../test/http.ts';
import { adoptPartyTags } from './declared-members.ts';

interface ResidentOut {
  id: string;
  isPartyMember: boolean;
  careTags: { code: string; name: string }[];
}

/**
 * The registry's 党员 is a membership with its organisation, not a care tag (issue 14, item 1): declared on
 * the registry form or in an import she becomes a member of her place's party organisation — or, where there
 * is none yet, a candidate that the organisation takes in when it is set up — and no 关爱对象 figure counts
 * her: not the care-tag list, not the dashboard's counters (a rebuild agrees), not the population by tag.
 */
describe.each(DIALECTS)('the registry’s 党员 on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let ymtId: string;
  let ymtPath: string;
  let householdId: string;
  let seq = 0;

  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet });
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    staff = await t.login('ymt_sj');
    const ymt = await t.org(CODES.yingMenTan);
    ymtId = ymt.id;
    ymtPath = ymt.path;
    householdId = (await staff.post('/api/v1/households', { orgId: ymtId, address: '营门滩路 77 号' })).json<{
      id: string;
    }>().id;
  }, 120_000);
  afterAll(() => t.close());

  const register = async (name: string, careTags: string[], extra: { isPartyMember?: boolean } = {}) => {
    const res = await staff.post('/api/v1/residents', {
      householdId,
      name,
      idNumber: idNumberFor(`1975-0${1 + (seq % 9)}-1${seq % 9}`, 400 + seq++),
      relation: seq === 1 ? '户主' : '其他亲属',
      residenceType: 'registered',
      careTags,
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<ResidentOut>();
  };
  const summary = async () =>
    (await staff.get(`/api/v1/insights/${ymtId}/summary`)).json<{ careTagged: number; residents: number }>();
  const candidates = async () =>
    (await staff.get(`/api/v1/orgs/${ymtId}/party-candidates`)).json<{ items: { name: string }[] }>().items;

  it('declared before her place has a party organisation, she is a candidate, not a 关爱对象', async () => {
    const before = await summary();
    const her = await register('李红梅', ['党员', '低保户']);
    expect(her.isPartyMember).toBe(true);
    expect(her.careTags.map((c) => c.name)).toEqual(['低保户']);
    const him = await register('张国强', ['party_member']);
    expect(him).toMatchObject({ isPartyMember: true, careTags: [] });
    const after = await summary();
    expect(after.residents).toBe(before.residents + 2);
    // only her 低保 counts: a party member is not a 关爱对象
    expect(after.careTagged).toBe(before.careTagged + 1);
    expect((await candidates()).map((c) => c.name).sort()).toEqual(['张国强', '李红梅']);
    const tags = (await staff.get('/api/v1/care-tags')).json<{ items: { code: string; name: string }[] }>();
    expect(tags.items.map((x) => x.name)).not.toContain('党员');
    const population = (await staff.get(`/api/v1/insights/${ymtId}/population`)).json<{
      byCareTag: { tag: string }[];
    }>();
    expect(population.byCareTag.map((x) => x.tag)).not.toContain('party_member');
  });

  it('the registry form’s 党员 switch declares her without a care tag, and switched off withdraws her candidacy', async () => {
    const her = await register('陈玉兰', [], { isPartyMember: true });
    expect(her).toMatchObject({ isPartyMember: true, careTags: [] });
    expect((await candidates()).map((c) => c.name)).toContain('陈玉兰');
    const off = await staff.patch(`/api/v1/residents/${her.id}`, { isPartyMember: false, version: 1 });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ isPartyMember: false, careTags: [] });
    expect((await candidates()).map((c) => c.name)).not.toContain('陈玉兰');
    // the switch wins over the tags given with it; the same answer twice changes nothing
    const on = await staff.patch(`/api/v1/residents/${her.id}`, { isPartyMember: true, careTags: [], version: 2 });
    expect(on.json()).toMatchObject({ isPartyMember: true, version: 3 });
    const again = await staff.patch(`/api/v1/residents/${her.id}`, { isPartyMember: true, version: 3 });
    expect(again.json()).toMatchObject({ isPartyMember: true, version: 3 });
    await staff.patch(`/api/v1/residents/${her.id}`, { isPartyMember: false, version: 3 });
    expect((await candidates()).map((c) => c.name).sort()).toEqual(['张国强', '李红梅']);
  });

  it('the 党支部 set up at her place takes the candidates in; one declared later joins it at once', async () => {
    const made = await staff.post('/api/v1/party-orgs', { orgId: ymtId, kind: 'branch', name: '营门滩社区党支部' });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ enrolled: 2 });
    const branchId = made.json<{ id: string }>().id;
    expect(await candidates()).toEqual([]);
    const later = await register('王建华', ['党员']);
    expect(later.isPartyMember).toBe(true);
    const members = (await staff.get(`/api/v1/party-orgs/${branchId}/members`)).json<{ items: { name: string }[] }>();
    expect(members.items.map((m) => m.name).sort()).toEqual(['张国强', '李红梅', '王建华'].sort());
    expect(await candidates()).toEqual([]);
    // leaving 党员 off the registry form does not end a membership: that is the organisation's record
    const edited = await staff.patch(`/api/v1/residents/${later.id}`, { careTags: ['独居老人'], version: 1 });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ isPartyMember: true, careTags: [{ name: '独居老人' }] });
  });

  it('the switch makes a member at once where a 党支部 exists; switched off on a member it is refused, naming the field', async () => {
    const her = await register('刘桂芳', [], { isPartyMember: true });
    expect(her.isPartyMember).toBe(true);
    const held = await t.deps.db
      .selectFrom('party_members')
      .select('status')
      .where('resident_id', '=', her.id)
      .execute();
    expect(held).toEqual([{ status: 'active' }]);
    const off = await staff.patch(`/api/v1/residents/${her.id}`, { isPartyMember: false, notes: '改备注', version: 1 });
    expect(off.statusCode).toBe(400);
    expectErrorBody(off);
    expect(off.json<{ errors: { field: string; code: string }[] }>().errors[0]).toMatchObject({
      field: 'isPartyMember',
      code: 'membership_ends_on_party_page',
    });
    // nothing half-written: still a member, the notes and the version unchanged
    const now = (await staff.get(`/api/v1/residents/${her.id}`)).json<
      ResidentOut & { notes: string | null; version: number }
    >();
    expect(now).toMatchObject({ isPartyMember: true, notes: null, version: 1 });
  });

  it('an import declaring 党员 enrols her with her place’s organisation, not as a care tag', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ymt_sj', password: 'Test-pass-2026' },
    });
    const session = login.cookies.find((c) => c.name === 'tz_session')!.value;
    const csrf = login.json<{ csrfToken: string }>().csrfToken;
    const csv = [
      '社区,地址,姓名,身份证号码,与户主关系,人口类型,关爱标签',
      `营门滩社区,营门滩路 88 号,孙丽娟,${idNumberFor('1968-04-21', 501)},户主,户籍,党员、残疾人`,
      `营门滩社区,营门滩路 89 号,周志明,${idNumberFor('1966-08-02', 503)},户主,户籍,`,
    ].join('\n');
    const boundary = '----tianzige-party-import';
    const payload = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="orgId"\r\n\r\n${ymtId}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ledger.csv"\r\n` +
        `Content-Type: text/csv\r\n\r\n${csv}\n\r\n--${boundary}--\r\n`,
    );
    const started = await t.app.inject({
      method: 'POST',
      url: '/api/v1/residents/imports',
      payload,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'x-csrf-token': csrf },
      cookies: { tz_session: session },
    });
    expect(started.statusCode, started.body).toBe(202);
    let job = started.json<{ id: string; status: string; imported: number }>();
    for (let i = 0; i < 2000 && job.status === 'running'; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      job = (await staff.get(`/api/v1/residents/imports/${job.id}`)).json();
    }
    expect(job).toMatchObject({ status: 'succeeded', imported: 2 });
    const found = await t.deps.db
      .selectFrom('party_members as m')
      .innerJoin('party_orgs as o', 'o.id', 'm.party_org_id')
      .select(['m.name', 'o.name as org'])
      .where('m.name', '=', '孙丽娟')
      .execute();
    expect(found).toEqual([{ name: '孙丽娟', org: '营门滩社区党支部' }]);
    const tagRows = await t.deps.db
      .selectFrom('resident_tags as rt')
      .innerJoin('residents as r', 'r.id', 'rt.resident_id')
      .innerJoin('care_tags as ct', 'ct.id', 'rt.tag_id')
      .select('ct.name')
      .where('r.name', '=', '孙丽娟')
      .execute();
    expect(tagRows).toEqual([{ name: '残疾人' }]);
    staff = await t.login('ymt_sj');
  });

  it('older data that kept 党员 as a care tag is converted once, and the counters agree with a recount', async () => {
    const old = await register('赵秀珍', []);
    const tag = await t.deps.db
      .selectFrom('care_tags')
      .select('id')
      .where('code', '=', 'party_member')
      .executeTakeFirstOrThrow();
    // as the registry wrote it before: a tag row, counted by the code of the time (a 关爱对象)
    await t.deps.db
      .insertInto('resident_tags')
      .values({ resident_id: old.id, tag_id: tag.id, org_path: ymtPath, county_key: countyKeyOf(ymtPath) })
      .execute();
    const { insight_mark: mark } = await t.deps.db
      .selectFrom('residents')
      .select('insight_mark')
      .where('id', '=', old.id)
      .executeTakeFirstOrThrow();
    const [place, facts] = mark!.split(' ') as [string, string];
    const oldFacts = facts.replace(/\|$/, '|party_member');
    const added = residentContributions(oldFacts).filter((c) => c.fact === 'tagged' || c.fact === 'tag');
    await applyDeltas(
      t.deps.db,
      pathAncestors(place).flatMap((orgPath) => added.map((c) => ({ orgPath, ...c }))),
    );
    await t.deps.db
      .updateTable('residents')
      .set({ insight_mark: `${place} ${oldFacts}` })
      .where('id', '=', old.id)
      .execute();
    expect((await summary()).careTagged).toBe(4);
    expect(await adoptPartyTags(t.deps.db, t.clock.now())).toBe(1);
    expect(await adoptPartyTags(t.deps.db, t.clock.now())).toBe(0);
    const now = (await staff.get(`/api/v1/residents/${old.id}`)).json<ResidentOut>();
    expect(now).toMatchObject({ isPartyMember: true, careTags: [] });
    expect((await summary()).careTagged).toBe(3);
    const live = await snapshotCounters(t.deps.db);
    expect(Object.keys(live).some((k) => k.includes('party_member'))).toBe(false);
    await rebuildRollups(t.deps.db, t.deps.database.sqlite, null);
    expect(await snapshotCounters(t.deps.db)).toEqual(live);
    // 李红梅's 低保, 王建华's 独居老人 and 孙丽娟's 残疾人: three 关爱对象, whoever else is a party member
    const tagged = await t.deps.db
      .selectFrom('insight_counters')
      .select('n')
      .where('org_path', '=', ymtPath)
      .where('fact', '=', 'tagged')
      .executeTakeFirst();
    expect(Number(tagged?.n ?? 0)).toBe(3);
  });
});
