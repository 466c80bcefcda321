import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { EXACT_SEARCH_ACTION } from './exact-search.ts';
import { ageOn, checkCharacter } from './id-number.ts';

const idNumber = (region: string, birth: string, seq: string) => {
  const first17 = `${region}${birth}${seq}`;
  return first17 + checkCharacter(first17);
};

interface Person {
  name: string;
  id: string;
  birth: string; // YYYY-MM-DD
  phone: string;
}

/** Ten residents with random (seeded) valid ID numbers: birth dates 1930–2020, any sequence. */
const PEOPLE: Person[] = fc
  .sample(
    fc.record({
      date: fc.date({
        min: new Date('1930-01-01T00:00:00Z'),
        max: new Date('2020-12-31T00:00:00Z'),
        noInvalidDate: true,
      }),
      seq: fc.integer({ min: 0, max: 999 }),
      phone: fc.integer({ min: 0, max: 99_999_999 }),
    }),
    { numRuns: 10, seed: 19 },
  )
  .map((p, i) => {
    const birth = p.date.toISOString().slice(0, 10);
    return {
      name: `测试${'甲乙丙丁戊己庚辛壬癸'[i]}`,
      id: idNumber('620105', birth.replaceAll('-', ''), String(p.seq).padStart(3, '0')),
      birth,
      phone: `139${String(p.phone).padStart(8, '0')}`,
    };
  });

/** Every full ID number consistent with a masked one and the facts shown beside it. */
function candidates(shown: { idNumber: string; gender: string; birthYear: number; age: number }, now: Date): string[] {
  const visible = shown.idNumber.replace(/\*+$/, '');
  const out: string[] = [];
  for (let day = new Date(Date.UTC(shown.birthYear, 0, 1)); day.getUTCFullYear() === shown.birthYear;) {
    const date = day.toISOString().slice(0, 10);
    day = new Date(day.getTime() + 86_400_000);
    if (ageOn(date, now) !== shown.age) continue;
    const ymd = date.replaceAll('-', '');
    for (let seq = 0; seq < 1000; seq += 1) {
      if ((seq % 2 === 1 ? 'male' : 'female') !== shown.gender) continue;
      const full = idNumber(shown.idNumber.slice(0, 6), ymd, String(seq).padStart(3, '0'));
      if (full.startsWith(visible)) out.push(full);
    }
  }
  return out;
}

/** The ways a birth date can be written out. */
const dateForms = (birth: string) => [birth, birth.replaceAll('-', ''), birth.replaceAll('-', '/')];

async function xlsxText(buffer: Buffer): Promise<string> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(buffer as unknown as ArrayBuffer);
  const cells: string[] = [];
  book.eachSheet((sheet) =>
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        cells.push(cell.text);
      }),
    ),
  );
  return cells.join('\n');
}

describe.each(DIALECTS)('trust in the registry on %s', (dialect) => {
  let t: TestContext;
  let secretary: Client;
  let staff: Client;
  let worker: Client;
  let otherSecretary: Client;
  let otherStaff: Client;
  let district: Client;
  let gridId: string;
  let householdId: string;
  let otherHouseholdId: string;
  const residentIds: string[] = [];

  beforeAll(async () => {
    t = await createTestContext(dialect);
    const community = await t.org(CODES.yingMenTan);
    await t.createUser({ username: 'root', role: 'admin', orgCode: 'nation' });
    const root = await t.login('root');
    const grid = await root.post('/api/v1/orgs', { parentId: community.id, level: 'grid', name: '第1网格' });
    gridId = grid.json<{ id: string }>().id;
    const gridCode = grid.json<{ code: string }>().code;
    await t.createUser({ username: 'ymt_sg', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'ymt_st', role: 'community_staff', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'ymt_wg', role: 'grid_worker', orgCode: gridCode });
    await t.createUser({ username: 'szs_sg', role: 'community_secretary', orgCode: CODES.shanZiShi });
    await t.createUser({ username: 'szs_st', role: 'community_staff', orgCode: CODES.shanZiShi });
    await t.createUser({ username: 'anning', role: 'district', orgCode: CODES.anning });
    secretary = await t.login('ymt_sg');
    staff = await t.login('ymt_st');
    worker = await t.login('ymt_wg');
    otherSecretary = await t.login('szs_sg');
    otherStaff = await t.login('szs_st');
    district = await t.login('anning');
    householdId = (await secretary.post('/api/v1/households', { orgId: gridId, address: '营门滩路 1 号 101' })).json<{
      id: string;
    }>().id;
    const shanZiShi = await t.org(CODES.shanZiShi);
    otherHouseholdId = (
      await otherSecretary.post('/api/v1/households', { orgId: shanZiShi.id, address: '山字石 8 号' })
    ).json<{ id: string }>().id;
    for (const [i, p] of PEOPLE.entries()) {
      const res = await secretary.post('/api/v1/residents', {
        householdId,
        name: p.name,
        idNumber: p.id,
        phone: p.phone,
        relation: i === 0 ? '户主' : '其他亲属',
        residenceType: 'registered',
      });
      expect(res.statusCode).toBe(201);
      residentIds.push(res.json<{ id: string }>().id);
    }
  });
  afterAll(() => t.close());

  describe('a mask cannot be undone (item 5)', () => {
    it('shows a grid worker birth year and age, never a full birth date, in detail, list, search, household, history and field sync', async () => {
      const bodies: string[] = [];
      for (const id of residentIds) {
        const detail = await worker.get(`/api/v1/residents/${id}`);
        expect(detail.statusCode).toBe(200);
        expect(detail.json()).toMatchObject({ birthDate: null });
        bodies.push(detail.body, (await worker.get(`/api/v1/residents/${id}/history`)).body);
      }
      const list = await worker.post('/api/v1/residents/search', { pageSize: 50 });
      expect(list.json<{ items: unknown[] }>().items).toHaveLength(PEOPLE.length);
      bodies.push(list.body, (await worker.post('/api/v1/residents/search', { q: '测试' })).body);
      bodies.push((await worker.get(`/api/v1/households/${householdId}`)).body);
      const sync = await worker.get('/api/v1/my/field-cache');
      expect(sync.statusCode).toBe(200);
      bodies.push(sync.body);
      const all = bodies.join('\n');
      for (const p of PEOPLE) {
        for (const form of dateForms(p.birth)) expect(all).not.toContain(form);
        expect(all).not.toContain(p.id);
        expect(all).not.toContain(p.phone);
      }
    });

    it('leaves at least 365 candidates for every masked ID number, given everything a grid worker gets', async () => {
      const now = t.clock.now();
      const items = (await worker.post('/api/v1/residents/search', { pageSize: 50 })).json<{
        items: { name: string; idNumber: string; gender: string; birthYear: number; age: number }[];
      }>().items;
      for (const p of PEOPLE) {
        const shown = items.find((i) => i.name === p.name)!;
        const found = candidates(shown, now);
        expect(found).toContain(p.id);
        expect(found.length).toBeGreaterThanOrEqual(365);
      }
    });

    it('keeps the full date for a holder of pii.reveal on screen, but a masked export by anyone shows the year only', async () => {
      const detail = (await secretary.get(`/api/v1/residents/${residentIds[0]}`)).json<{ birthDate: string }>();
      expect(detail.birthDate).toBe(PEOPLE[0]!.birth);
      for (const client of [staff, secretary]) {
        const res = await client.post('/api/v1/residents/export', {});
        expect(res.statusCode).toBe(200);
        const text = await xlsxText(res.rawPayload);
        expect(text).toContain('出生年份');
        for (const p of PEOPLE) {
          expect(text).toContain(p.name);
          expect(text).toContain(`${p.id.slice(0, 10)}********`);
          for (const form of dateForms(p.birth)) expect(text).not.toContain(form);
          expect(text).not.toContain(p.phone);
        }
      }
    });

    it('builds a masked roster with birth years only, and refuses a number prefix past the mask to a masked caller', async () => {
      const template = await secretary.post('/api/v1/report-templates', {
        name: '居民名单',
        title: '居民名单',
        rowKind: 'roster',
        filter: {},
        fields: ['name', 'idNumber', 'birthDate', 'age', 'phone'],
      });
      expect(template.statusCode).toBe(201);
      const community = await t.org(CODES.yingMenTan);
      const report = await staff.post('/api/v1/reports', {
        templateId: template.json<{ id: string }>().id,
        orgId: community.id,
        period: '2026-11',
      });
      expect(report.statusCode).toBe(201);
      const file = await staff.get(`/api/v1/reports/${report.json<{ id: string }>().id}/xlsx`);
      const text = `${await xlsxText(file.rawPayload)}\n${report.body}`;
      for (const p of PEOPLE) {
        expect(text).toContain(p.name);
        for (const form of dateForms(p.birth)) expect(text).not.toContain(form);
        expect(text).not.toContain(p.id);
        expect(text).not.toContain(p.phone);
      }
      const byDigits = await secretary.post('/api/v1/report-templates', {
        name: '按号码',
        title: '按号码',
        rowKind: 'roster',
        filter: { idNumberPrefix: PEOPLE[0]!.id.slice(0, 14) },
        fields: ['name'],
      });
      const refused = await staff.post('/api/v1/reports', {
        templateId: byDigits.json<{ id: string }>().id,
        orgId: community.id,
        period: '2026-11',
      });
      expect(refused.statusCode).toBe(403);
    });

    it('shows a masked caller only the years of a changed birth date in the history', async () => {
      const baby = await secretary.post('/api/v1/residents', {
        householdId,
        name: '新生儿',
        noIdReason: '新生儿，尚未办理',
        gender: 'female',
        birthDate: '2026-10-03',
        relation: '孙子女',
        residenceType: 'permanent',
      });
      const id = baby.json<{ id: string }>().id;
      await secretary.patch(`/api/v1/residents/${id}`, { version: 1, birthDate: '2026-10-05' });
      const history = (await worker.get(`/api/v1/residents/${id}/history`)).body;
      expect(history).toContain('"oldValue":"2026"');
      expect(history).not.toContain('2026-10-0');
      expect((await secretary.get(`/api/v1/residents/${id}/history`)).body).toContain('2026-10-03');
    });
  });

  describe('exact searches are limited and audited (item 6)', () => {
    it('answers the 31st exact search in a minute with 429, audits each without the number, and opens again a minute later', async () => {
      await t.createUser({ username: 'ymt_st2', role: 'community_staff', orgCode: CODES.yingMenTan });
      const searcher = await t.login('ymt_st2');
      const user = await t.deps.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'ymt_st2')
        .executeTakeFirstOrThrow();
      for (let i = 0; i < 30; i += 1) {
        const body = i % 2 === 0 ? { phone: `1390000${String(i).padStart(4, '0')}` } : { idNumber: PEOPLE[i % 10]!.id };
        expect((await searcher.post('/api/v1/residents/search', body)).statusCode).toBe(200);
      }
      const refused = await searcher.post('/api/v1/residents/search', { phone: PEOPLE[0]!.phone });
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({
        code: 'RATE_LIMITED',
        errors: [{ code: 'exact_search_limit', field: 'phone' }],
      });
      expect(refused.json<{ message_zh: string }>().message_zh).toContain('每分钟最多 30 次');
      // the duplicate check of a create is an exact look-up too: refused while the limit holds
      const create = await searcher.post('/api/v1/residents', {
        householdId,
        name: '重复',
        idNumber: PEOPLE[1]!.id,
        relation: '其他亲属',
        residenceType: 'registered',
      });
      expect(create.statusCode).toBe(429);
      // a name search is not an exact one
      expect((await searcher.post('/api/v1/residents/search', { q: '测试' })).statusCode).toBe(200);
      const rows = await t.deps.db
        .selectFrom('audit_log')
        .selectAll()
        .where('actor_id', '=', user.id)
        .where('action', '=', EXACT_SEARCH_ACTION)
        .execute();
      // 30 answered and the two refused attempts (the search, the create's duplicate check): on record, and
      // still in the window
      expect(rows).toHaveLength(32);
      expect(rows.filter((r) => (JSON.parse(r.detail!) as { kinds: string[] }).kinds[0] === 'phone')).toHaveLength(16);
      const logged = JSON.stringify(rows);
      for (const p of PEOPLE) expect(logged).not.toContain(p.id);
      expect(logged).not.toContain('1390000');
      t.clock.advance(61_000);
      expect((await searcher.post('/api/v1/residents/search', { phone: PEOPLE[0]!.phone })).statusCode).toBe(200);
      // another account's allowance is its own
      expect((await staff.post('/api/v1/residents/search', { idNumber: PEOPLE[0]!.id })).statusCode).toBe(200);
    });
  });

  it('lets no more than 30 of 40 concurrent exact searches through', async () => {
    await t.createUser({ username: 'ymt_st3', role: 'community_staff', orgCode: CODES.yingMenTan });
    const burst = await t.login('ymt_st3');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        burst.post('/api/v1/residents/search', { phone: `1390001${String(i).padStart(4, '0')}` }),
      ),
    );
    const passed = answers.filter((a) => a.statusCode === 200).length;
    expect(passed).toBeLessThanOrEqual(30);
    expect(answers.every((a) => a.statusCode === 200 || a.statusCode === 429)).toBe(true);
  });

  describe('a number registered elsewhere and the move request (item 4a)', () => {
    let stranger: Person;
    let strangerId: string;

    it('answers "registered elsewhere" with no part of the name or community, counted as an exact search', async () => {
      stranger = { name: '欧阳娜娜', id: idNumber('620102', '19850612', '224'), birth: '1985-06-12', phone: '' };
      const created = await otherSecretary.post('/api/v1/residents', {
        householdId: otherHouseholdId,
        name: stranger.name,
        idNumber: stranger.id,
        relation: '户主',
        residenceType: 'registered',
      });
      strangerId = created.json<{ id: string }>().id;
      const before = await countExactSearches(t, 'ymt_st');
      const res = await staff.post('/api/v1/residents', {
        householdId,
        name: '欧阳某',
        idNumber: stranger.id,
        relation: '其他亲属',
        residenceType: 'registered',
      });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'CONFLICT',
        errors: [{ code: 'registered_elsewhere', field: 'idNumber' }],
      });
      for (const ch of [...stranger.name, '山字石']) expect(res.body).not.toContain(ch);
      expect(res.body).not.toContain(strangerId);
      expect(await countExactSearches(t, 'ymt_st')).toBe(before + 1);
      // an edit to that number is the same look-up
      const mine = (await staff.get(`/api/v1/residents/${residentIds[2]}`)).json<{ version: number }>();
      const edit = await secretary.patch(`/api/v1/residents/${residentIds[2]}`, {
        version: mine.version,
        idNumber: stranger.id,
      });
      expect(edit.json()).toMatchObject({ errors: [{ code: 'registered_elsewhere' }] });
    });

    it('lets the other community accept a move request, which moves her with history; the requester never saw her before', async () => {
      const sent = await staff.post('/api/v1/resident-move-requests', {
        idNumber: stranger.id,
        householdId,
        reason: '已在本社区租房居住',
      });
      expect(sent.statusCode).toBe(201);
      expect(sent.json()).toMatchObject({ status: 'pending', resident: null, toAddress: '营门滩路 1 号 101' });
      for (const ch of stranger.name) expect(sent.body).not.toContain(ch);
      const outgoing = await staff.get('/api/v1/resident-move-requests?direction=outgoing');
      expect(outgoing.json<{ items: { resident: unknown }[] }>().items).toMatchObject([{ resident: null }]);
      expect((await staff.get('/api/v1/resident-move-requests?direction=incoming')).json()).toEqual({ items: [] });
      const incoming = (await otherStaff.get('/api/v1/resident-move-requests?direction=incoming')).json<{
        items: { id: string; resident: { name: string; idNumber: string }; toOrgName: string }[];
      }>().items;
      expect(incoming).toHaveLength(1);
      expect(incoming[0]!.resident).toMatchObject({
        name: stranger.name,
        idNumber: `${stranger.id.slice(0, 10)}********`,
      });
      const requestId = incoming[0]!.id;
      expect((await staff.post(`/api/v1/resident-move-requests/${requestId}/accept`, {})).statusCode).toBe(404);
      expect((await staff.get(`/api/v1/residents/${strangerId}`)).statusCode).toBe(404);
      const accepted = await otherStaff.post(`/api/v1/resident-move-requests/${requestId}/accept`, { note: '同意' });
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json()).toMatchObject({ status: 'accepted', decidedBy: 'szs_st' });
      const moved = await staff.get(`/api/v1/residents/${strangerId}`);
      expect(moved.statusCode).toBe(200);
      expect(moved.json()).toMatchObject({ householdId, address: '营门滩路 1 号 101' });
      const history = (await staff.get(`/api/v1/residents/${strangerId}/history`)).json<{
        items: { kind: string }[];
      }>();
      expect(history.items.map((h) => h.kind)).toContain('move');
      expect((await otherStaff.get(`/api/v1/residents/${strangerId}`)).statusCode).toBe(404);
      expect((await otherStaff.post(`/api/v1/resident-move-requests/${requestId}/decline`, {})).statusCode).toBe(409);
    });

    it('lets the other community decline; the resident stays', async () => {
      const sent = await otherStaff.post('/api/v1/resident-move-requests', {
        idNumber: PEOPLE[3]!.id,
        householdId: otherHouseholdId,
      });
      expect(sent.statusCode).toBe(201);
      const incoming = (await staff.get('/api/v1/resident-move-requests?direction=incoming&status=pending')).json<{
        items: { id: string }[];
      }>().items;
      expect(incoming).toHaveLength(1);
      const declined = await staff.post(`/api/v1/resident-move-requests/${incoming[0]!.id}/decline`, {
        note: '仍在本社区',
      });
      expect(declined.json()).toMatchObject({ status: 'declined' });
      expect((await staff.get(`/api/v1/residents/${residentIds[3]}`)).json()).toMatchObject({ householdId });
    });

    it('tells the requester that her request was declined, not who declined it (a decider’s name says where the resident is)', async () => {
      const outgoing = await otherStaff.get('/api/v1/resident-move-requests?direction=outgoing&status=declined');
      expect(outgoing.json()).toMatchObject({ items: [{ status: 'declined', decidedBy: null, resident: null }] });
      expect(outgoing.body).not.toContain('ymt_st');
      // her own community still sees who decided
      const incoming = await staff.get('/api/v1/resident-move-requests?direction=incoming&status=declined');
      expect(incoming.json()).toMatchObject({ items: [{ decidedBy: 'ymt_st' }] });
    });
  });

  describe('custom care tags belong to the unit that made them (item 4b)', () => {
    it('keeps a community’s tag to that community: not listed, not usable, not the district’s', async () => {
      const made = await secretary.post('/api/v1/care-tags', { name: '重病患者' });
      expect(made.statusCode).toBe(201);
      const community = await t.org(CODES.yingMenTan);
      expect(made.json()).toMatchObject({ name: '重病患者', orgId: community.id, isBuiltin: false });
      const names = async (client: Client, query = '') =>
        (await client.get(`/api/v1/care-tags${query}`)).json<{ items: { name: string }[] }>().items.map((i) => i.name);
      expect(await names(staff)).toContain('重病患者');
      expect(await names(otherStaff)).not.toContain('重病患者');
      expect(await names(otherStaff)).toContain('独居老人');
      expect(await names(district)).not.toContain('重病患者');
      expect(await names(district, `?orgId=${community.id}`)).toContain('重病患者');
      const elsewhere = await otherSecretary.post('/api/v1/residents', {
        householdId: otherHouseholdId,
        name: '李四',
        noIdReason: '外籍人员',
        gender: 'male',
        birthDate: '1960-01-01',
        relation: '其他亲属',
        residenceType: 'floating',
        careTags: ['重病患者'],
      });
      expect(elsewhere.statusCode).toBe(400);
      expect(elsewhere.json()).toMatchObject({ errors: [{ code: 'unknown_care_tag' }] });
      const sameName = await otherSecretary.post('/api/v1/care-tags', { name: '重病患者' });
      expect(sameName.statusCode).toBe(409);
      expect(sameName.body).not.toContain('营门滩');
      const search = await otherStaff.post('/api/v1/residents/search', { careTag: '重病患者' });
      expect(search.statusCode).toBe(400);
      const mine = (await secretary.get(`/api/v1/residents/${residentIds[4]}`)).json<{ version: number }>();
      const tagged = await secretary.patch(`/api/v1/residents/${residentIds[4]}`, {
        version: mine.version,
        careTags: ['重病患者'],
      });
      expect(tagged.statusCode).toBe(200);
      expect(tagged.json<{ careTags: { name: string }[] }>().careTags.map((c) => c.name)).toContain('重病患者');
      const found = await staff.post('/api/v1/residents/search', { careTag: '重病患者' });
      expect(found.json<{ items: { name: string }[] }>().items.map((i) => i.name)).toEqual([PEOPLE[4]!.name]);
      const shanZiShi = await t.org(CODES.shanZiShi);
      const theirs = await otherStaff.get(`/api/v1/insights/${shanZiShi.id}/population`);
      expect(theirs.statusCode).toBe(200);
      expect(theirs.body).not.toContain('重病患者');
      expect((await staff.get(`/api/v1/insights/${community.id}/population`)).body).toContain('重病患者');
    });

    it('drops a community’s tag when its resident moves to another community', async () => {
      const sent = await otherStaff.post('/api/v1/resident-move-requests', {
        idNumber: PEOPLE[4]!.id,
        householdId: otherHouseholdId,
      });
      const requestId = sent.json<{ id: string }>().id;
      const accepted = await secretary.post(`/api/v1/resident-move-requests/${requestId}/accept`, {});
      expect(accepted.statusCode).toBe(200);
      const moved = (await otherStaff.get(`/api/v1/residents/${residentIds[4]}`)).json<{
        careTags: { name: string }[];
      }>();
      expect(moved.careTags.map((c) => c.name)).not.toContain('重病患者');
    });
  });
});

async function countExactSearches(t: TestContext, username: string): Promise<number> {
  const user = await t.deps.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  const rows = await t.deps.db
    .selectFrom('audit_log')
    .select('id')
    .where('actor_id', '=', user.id)
    .where('action', '=', EXACT_SEARCH_ACTION)
    .execute();
  return rows.length;
}
