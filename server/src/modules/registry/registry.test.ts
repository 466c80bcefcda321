import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { checkCharacter } from './id-number.ts';

const idNumber = (region: string, birth: string, seq: string) => {
  const first17 = `${region}${birth}${seq}`;
  return first17 + checkCharacter(first17);
};
const ZHANG_SAN = idNumber('620105', '19441001', '123'); // 82 years old on 2026-11-28
const LI_SI = idNumber('620105', '19900515', '456');

describe.each(DIALECTS)('resident registry on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let worker: Client;
  let other: Client;
  let gridId: string;
  let householdId: string;
  let zhangSanId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    const community = await t.org(CODES.yingMenTan);
    const admin = await t.createUser({ username: 'root', role: 'admin', orgCode: 'nation' });
    expect(admin.id).toBeDefined();
    const root = await t.login('root');
    const grid = await root.post('/api/v1/orgs', {
      parentId: community.id,
      level: 'grid',
      name: '第1网格',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [103.72, 36.1],
            [103.73, 36.1],
            [103.73, 36.11],
            [103.72, 36.11],
            [103.72, 36.1],
          ],
        ],
      },
    });
    gridId = (grid.json() as { id: string }).id;
    const gridCode = (grid.json() as { code: string }).code;
    await t.createUser({ username: 'ymt_sg', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'ymt_wg', role: 'grid_worker', orgCode: gridCode });
    await t.createUser({ username: 'szs_sg', role: 'community_secretary', orgCode: CODES.shanZiShi });
    staff = await t.login('ymt_sg');
    worker = await t.login('ymt_wg');
    other = await t.login('szs_sg');
  });
  afterAll(() => t.close());

  it('places a household in the grid its coordinates fall in', async () => {
    const community = await t.org(CODES.yingMenTan);
    const res = await staff.post('/api/v1/households', {
      orgId: community.id,
      address: '营门滩路 18 号 3 单元 201',
      buildingName: '3号楼',
      lng: 103.725,
      lat: 36.105,
    });
    expect(res.statusCode).toBe(201);
    const household = res.json() as { id: string; orgId: string; orgName: string; buildingName: string };
    expect(household).toMatchObject({ orgId: gridId, orgName: '第1网格', buildingName: '3号楼' });
    householdId = household.id;
  });

  it('registers a resident: ID number validated, birth date and gender derived, numbers masked, 高龄 derived', async () => {
    const res = await staff.post('/api/v1/residents', {
      householdId,
      name: '张三',
      idNumber: ZHANG_SAN,
      phone: '13812345678',
      relation: '户主',
      residenceType: 'registered',
      careTags: ['独居老人'],
    });
    expect(res.statusCode).toBe(201);
    const r = res.json() as {
      id: string;
      idNumber: string;
      phone: string;
      birthDate: string;
      gender: string;
      age: number;
      careTags: { name: string }[];
    };
    zhangSanId = r.id;
    expect(r.idNumber).toBe(`${ZHANG_SAN.slice(0, 10)}********`);
    expect(r.phone).toBe('138****5678');
    expect(r).toMatchObject({ birthDate: '1944-10-01', gender: 'male', age: 82 });
    expect(r.careTags.map((c) => c.name)).toEqual(['独居老人', '高龄']);
  });

  it('refuses invalid ID numbers, dates and phones with 400 naming each field', async () => {
    const bad = ZHANG_SAN.slice(0, 17) + (ZHANG_SAN[17] === '1' ? '2' : '1');
    const res = await staff.post('/api/v1/residents', {
      householdId,
      name: '王五',
      idNumber: bad,
      phone: '123',
      relation: '子',
      residenceType: 'permanent',
    });
    expect(res.statusCode).toBe(400);
    const fields = (res.json() as { errors: { field: string; code: string; message_zh: string }[] }).errors.map(
      (e) => `${e.field}:${e.code}`,
    );
    expect(fields).toEqual(['idNumber:id_check_character', 'phone:invalid_phone']);
    const noId = await staff.post('/api/v1/residents', {
      householdId,
      name: '小宝',
      relation: '孙子女',
      residenceType: 'permanent',
      birthDate: '2030-01-01',
      gender: 'male',
    });
    expect((noId.json() as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
      'idNumber',
      'birthDate',
    ]);
  });

  it('allows a resident without an ID number when the reason is given', async () => {
    const res = await staff.post('/api/v1/residents', {
      householdId,
      name: '小宝',
      noIdReason: '新生儿，尚未办理',
      relation: '孙子女',
      residenceType: 'permanent',
      birthDate: '2026-10-01',
      gender: 'male',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ idNumber: null, noIdReason: '新生儿，尚未办理', age: 0 });
  });

  it('answers 409 for an ID number already registered, pointing to the existing resident', async () => {
    const res = await staff.post('/api/v1/residents', {
      householdId,
      name: '张叁',
      idNumber: ZHANG_SAN,
      relation: '子',
      residenceType: 'registered',
    });
    expect(res.statusCode).toBe(409);
    const body = res.json() as { message_zh: string; errors: { field: string; existingResidentId: string }[] };
    expect(body.errors[0]).toMatchObject({ field: 'idNumber', existingResidentId: zhangSanId });
    expect(res.body).not.toContain(ZHANG_SAN);
  });

  it('finds a resident by pinyin initials, by exact ID number and phone, by care tag and age', async () => {
    const search = async (body: object) =>
      ((await staff.post('/api/v1/residents/search', body)).json() as { items: { name: string }[] }).items.map(
        (i) => i.name,
      );
    expect(await search({ q: 'zs' })).toEqual(['张三']);
    expect(await search({ q: '张' })).toEqual(['张三']);
    expect(await search({ idNumber: ZHANG_SAN.toLowerCase() })).toEqual(['张三']);
    expect(await search({ phone: '138 1234 5678' })).toEqual(['张三']);
    expect(await search({ careTag: '高龄' })).toEqual(['张三']);
    expect(await search({ careTag: 'living_alone', ageMin: 60 })).toEqual(['张三']);
    expect(await search({ ageMax: 5 })).toEqual(['小宝']);
    expect(await search({ address: '营门滩路' })).toHaveLength(2);
  });

  it('lets the grid worker read her grid’s residents masked, but not write or reveal', async () => {
    const list = (await worker.post('/api/v1/residents/search', {})).json() as { items: { idNumber: string | null }[] };
    expect(list.items.length).toBe(2);
    expect(list.items.every((i) => i.idNumber === null || i.idNumber.includes('********'))).toBe(true);
    expect(
      (await worker.post(`/api/v1/residents/${zhangSanId}/reveal`, { field: 'idNumber', reason: '核实' })).statusCode,
    ).toBe(404);
    expect(
      (
        await worker.post('/api/v1/residents', {
          householdId,
          name: 'x',
          noIdReason: '外籍人员',
          gender: 'male',
          birthDate: '2000-01-01',
          relation: '非亲属',
          residenceType: 'floating',
        })
      ).statusCode,
    ).toBe(403);
  });

  it('hides the registry from another community: 404 for the household and resident, empty search', async () => {
    expect((await other.get(`/api/v1/households/${householdId}`)).statusCode).toBe(404);
    expect((await other.get(`/api/v1/residents/${zhangSanId}`)).statusCode).toBe(404);
    const list = (await other.post('/api/v1/residents/search', { q: 'zs' })).json() as { total: number };
    expect(list.total).toBe(0);
  });

  it('reveals a full ID number only through an audited call with a reason', async () => {
    const res = await staff.post(`/api/v1/residents/${zhangSanId}/reveal`, {
      field: 'idNumber',
      reason: '办理高龄补贴',
    });
    expect(res.json()).toEqual({ field: 'idNumber', value: ZHANG_SAN });
    const audit = (await staff.get('/api/v1/audit?action=pii.reveal')).json() as {
      items: { targetId: string; detail: { reason: string; field: string } }[];
    };
    expect(audit.items[0]).toMatchObject({
      targetId: zhangSanId,
      detail: { field: 'idNumber', reason: '办理高龄补贴' },
    });
  });

  it('records every change old → new, never the numbers themselves, and refuses a stale version', async () => {
    const r1 = await staff.patch(`/api/v1/residents/${zhangSanId}`, {
      version: 1,
      phone: '13987654321',
      careTags: [],
      status: 'living',
      notes: '子女在外地',
    });
    expect(r1.statusCode).toBe(200);
    const stale = await staff.patch(`/api/v1/residents/${zhangSanId}`, { version: 1, notes: '覆盖' });
    expect(stale.statusCode).toBe(409);
    const history = (await staff.get(`/api/v1/residents/${zhangSanId}/history`)).json() as {
      items: { field: string | null; oldValue: string | null; newValue: string | null; actorName: string }[];
    };
    const byField = Object.fromEntries(history.items.map((h) => [h.field ?? 'create', h]));
    expect(byField.phone).toMatchObject({ oldValue: '******', newValue: '******', actorName: 'ymt_sg' });
    expect(byField.careTags).toMatchObject({ oldValue: '独居老人', newValue: '' });
    expect(byField.notes).toMatchObject({ oldValue: null, newValue: '子女在外地' });
    expect(JSON.stringify(history)).not.toContain('13987654321');
  });

  it('moves a resident to another household with history, and refuses a move out of scope (404)', async () => {
    const community = await t.org(CODES.yingMenTan);
    const h2 = (
      await staff.post('/api/v1/households', { orgId: community.id, address: '营门滩路 20 号 101' })
    ).json() as { id: string };
    const current = (await staff.get(`/api/v1/residents/${zhangSanId}`)).json() as { version: number };
    const moved = await staff.post(`/api/v1/residents/${zhangSanId}/move`, {
      householdId: h2.id,
      version: current.version,
    });
    expect(moved.json()).toMatchObject({ householdId: h2.id, address: '营门滩路 20 号 101' });
    const detail = (await staff.get(`/api/v1/households/${h2.id}`)).json() as {
      members: { name: string }[];
      history: { kind: string; oldValue: string }[];
    };
    expect(detail.members.map((m) => m.name)).toEqual(['张三']);
    expect(detail.history.find((h) => h.kind === 'move')).toMatchObject({ oldValue: '营门滩路 18 号 3 单元 201' });
    const foreign = await t.org(CODES.shanZiShi);
    const h3 = (await other.post('/api/v1/households', { orgId: foreign.id, address: '山字石 1 号' })).json() as {
      id: string;
    };
    const after = (await staff.get(`/api/v1/residents/${zhangSanId}`)).json() as { version: number };
    expect(
      (await staff.post(`/api/v1/residents/${zhangSanId}/move`, { householdId: h3.id, version: after.version }))
        .statusCode,
    ).toBe(404);
  });

  it('never stores ID numbers or phones in clear text', async () => {
    if (dialect === 'sqlite') {
      t.deps.database.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
      const bytes = fs.readFileSync(t.deps.database.sqlite!.name);
      for (const secret of [ZHANG_SAN, LI_SI, '13812345678', '13987654321'])
        expect(bytes.includes(Buffer.from(secret))).toBe(false);
    } else {
      const dump = execFileSync('pg_dump', ['--data-only', t.databaseUrl!], {
        maxBuffer: 256 * 1024 * 1024,
      }).toString();
      expect(dump).toContain('张三');
      for (const secret of [ZHANG_SAN, '13812345678', '13987654321']) expect(dump.includes(secret)).toBe(false);
    }
  });
});
