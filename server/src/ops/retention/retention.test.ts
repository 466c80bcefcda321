import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countyKeyOfCase } from '../../db/county-key.ts';
import { setUpCaseWorld } from '../../modules/cases/fixture.ts';
import { checkCharacter } from '../../modules/registry/id-number.ts';
import { newId } from '../../platform/ids.ts';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { archiveAudit } from './audit-archive.ts';
import { removeOldCasePhotos } from './photos.ts';

const readArchive = async (file: string) => {
  const rows: { id: string; action: string }[] = [];
  const input = fs.createReadStream(file).pipe(zlib.createGunzip());
  for await (const line of readline.createInterface({ input }))
    if (line !== '') rows.push(JSON.parse(line) as { id: string; action: string });
  return rows;
};

/** Issue 17, item 3: audit rows kept ≥ 180 days and archived, never deleted silently; photos of old closed cases; PIPL art. 47. */
describe.each(DIALECTS)('retention on %s', (dialect) => {
  let t: TestContext;
  let world: Awaited<ReturnType<typeof setUpCaseWorld>>;
  beforeAll(async () => {
    t = await createTestContext(dialect);
    world = await setUpCaseWorld(t);
  });
  afterAll(() => t.close());

  const auditRow = (at: string, action: string) => ({
    id: newId(),
    at,
    actor_id: null,
    actor_name: 'test',
    action,
    target_type: null,
    target_id: null,
    org_id: null,
    org_path: null,
    county_key: 0,
    ip: null,
    user_agent: null,
    detail: null,
  });

  it('archives audit rows past 180 days into a file before they leave the table, and the database refuses any other delete', async () => {
    const old = Array.from({ length: 37 }, (_, i) =>
      auditRow(`2025-0${1 + (i % 5)}-1${i % 9}T08:00:00.000Z`, 'old.thing'),
    );
    await t.deps.db.insertInto('audit_log').values(old).execute();
    const recent = auditRow(t.clock.now().toISOString(), 'recent.thing');
    await t.deps.db.insertInto('audit_log').values(recent).execute();
    // nothing archives them yet: the database refuses to delete even an old row
    await expect(t.deps.db.deleteFrom('audit_log').where('id', '=', old[0]!.id).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(archiveAudit(t.deps, { outDir: t.deps.config.dataDir, olderThanDays: 90 })).rejects.toThrow(/180/);

    const before = await t.deps.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('at', '<', new Date(t.clock.now().getTime() - 180 * 86_400_000).toISOString())
      .executeTakeFirstOrThrow();
    const outDir = path.join(t.deps.config.dataDir, 'audit-archive');
    const result = (await archiveAudit(t.deps, { outDir }))!;
    expect(result.rows).toBe(Number(before.n));
    expect(result.rows).toBeGreaterThanOrEqual(old.length);
    const inFile = await readArchive(result.file);
    expect(inFile).toHaveLength(result.rows);
    expect(new Set(inFile.map((r) => r.id))).toEqual(
      new Set([...old.map((r) => r.id), ...inFile.filter((r) => r.action !== 'old.thing').map((r) => r.id)]),
    );
    expect(crypto.createHash('sha256').update(fs.readFileSync(result.file)).digest('hex')).toBe(result.sha256);
    expect((fs.statSync(result.file).mode & 0o777).toString(8)).toBe('600');

    const left = await t.deps.db.selectFrom('audit_log').select(['id', 'action', 'at']).execute();
    expect(left.filter((r) => r.at < result.throughAt)).toEqual([]);
    expect(left.map((r) => r.id)).toContain(recent.id);
    expect(left.map((r) => r.action)).toContain('audit.archived');
    const archives = await t.deps.db.selectFrom('audit_archives').selectAll().execute();
    expect(archives).toMatchObject([
      { rows: result.rows, sha256: result.sha256, file_name: path.basename(result.file) },
    ]);
    // a recent row stays undeletable, archive or not
    await expect(t.deps.db.deleteFrom('audit_log').where('id', '=', recent.id).execute()).rejects.toThrow(
      /append-only/,
    );
    // and the archive records themselves are append-only
    await expect(t.deps.db.deleteFrom('audit_archives').execute()).rejects.toThrow(/append-only/);
    // a second run finds nothing more
    expect(await archiveAudit(t.deps, { outDir })).toBeNull();
  });

  it('removes the photos of cases closed longer ago than the period, and keeps the cases and every other photo', async () => {
    const staff = await t.login('staff');
    const caseWithPhoto = async (description: string) => {
      const res = await staff.post('/api/v1/cases', { channel: 'phone', description, orgId: world.community.id });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json<{ case: { id: string } }>().case.id;
      await t.deps.db
        .insertInto('case_photos')
        .values({
          id: newId(),
          case_id: id,
          county_key: countyKeyOfCase(t.deps.db, id),
          event_id: null,
          mime: 'image/png',
          size: 1,
          sha256: '-',
          data: Buffer.from([0x89]),
          created_at: t.clock.now().toISOString(),
        })
        .execute();
      return id;
    };
    const longClosed = await caseWithPhoto('楼道灯坏了很久了一直没人修');
    const recentlyClosed = await caseWithPhoto('小区门口的井盖松动了');
    const open = await caseWithPhoto('垃圾桶满了没有及时清运');
    const day = 86_400_000;
    const now = t.clock.now().getTime();
    await t.deps.db
      .updateTable('cases')
      .set({ status: 'closed', closed_at: new Date(now - 400 * day).toISOString() })
      .where('id', '=', longClosed)
      .execute();
    await t.deps.db
      .updateTable('cases')
      .set({ status: 'closed', closed_at: new Date(now - 10 * day).toISOString() })
      .where('id', '=', recentlyClosed)
      .execute();
    await expect(removeOldCasePhotos(t.deps, { closedDays: 7 })).rejects.toThrow(/30/);

    expect(await removeOldCasePhotos(t.deps, { closedDays: 365 })).toEqual({ cases: 1, photos: 1 });
    const photosOf = async (id: string) =>
      (await t.deps.db.selectFrom('case_photos').select('id').where('case_id', '=', id).execute()).length;
    expect([await photosOf(longClosed), await photosOf(recentlyClosed), await photosOf(open)]).toEqual([0, 1, 1]);
    const marked = await t.deps.db
      .selectFrom('cases')
      .select(['id', 'photos_removed_at'])
      .where('id', 'in', [longClosed, open])
      .execute();
    expect(marked.find((c) => c.id === longClosed)!.photos_removed_at).not.toBeNull();
    expect(marked.find((c) => c.id === open)!.photos_removed_at).toBeNull();
    const detail = await staff.get(`/api/v1/cases/${longClosed}`);
    expect(detail.statusCode).toBe(200);
    expect(await removeOldCasePhotos(t.deps, { closedDays: 365 })).toEqual({ cases: 0, photos: 0 });
  });

  it('de-identifies on request a resident who moved out long ago, keeps every figure, and refuses one who left recently', async () => {
    await t.createUser({ username: 'deid_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    const secretary: Client = await t.login('deid_sj');
    const ymt = await t.org(CODES.yingMenTan);
    const household = await secretary.post('/api/v1/households', { orgId: ymt.id, address: '营门滩路 88 号' });
    expect(household.statusCode, household.body).toBe(201);
    const first17 = '62010519560314002';
    const created = await secretary.post('/api/v1/residents', {
      householdId: household.json<{ id: string }>().id,
      name: '去标识',
      idNumber: first17 + checkCharacter(first17),
      phone: '13977770001',
      relation: '户主',
      residenceType: 'registered',
    });
    expect(created.statusCode, created.body).toBe(201);
    const her = created.json<{ id: string; version: number }>();
    const summary = async () => {
      const res = await secretary.get(`/api/v1/insights/${ymt.id}/population`);
      expect(res.statusCode, res.body).toBe(200);
      return res.body.replace(/"generatedAt":"[^"]*"/, '');
    };
    // she moved out: recently first
    const moved = await secretary.patch(`/api/v1/residents/${her.id}`, {
      version: her.version,
      status: 'moved_out',
      statusDate: new Date(t.clock.now().getTime() - 20 * 86_400_000).toISOString().slice(0, 10),
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const afterMove = moved.json<{ version: number }>();
    const tooSoon = await secretary.post(`/api/v1/residents/${her.id}/deidentify`, {
      reason: '本人来电申请删除',
      version: afterMove.version,
    });
    expect(tooSoon.statusCode, tooSoon.body).toBe(409);
    expect(tooSoon.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('status');
    const longAgo = await secretary.patch(`/api/v1/residents/${her.id}`, {
      version: afterMove.version,
      statusDate: '2024-03-01',
    });
    expect(longAgo.statusCode, longAgo.body).toBe(200);
    Object.assign(her, { version: longAgo.json<{ version: number }>().version });
    const figuresBefore = await summary();
    const missingReason = await secretary.post(`/api/v1/residents/${her.id}/deidentify`, { version: her.version });
    expect(missingReason.statusCode).toBe(400);
    const done = await secretary.post(`/api/v1/residents/${her.id}/deidentify`, {
      reason: '本人来电申请删除（个人信息保护法第四十七条）',
      version: her.version,
    });
    expect(done.statusCode, done.body).toBe(200);
    const row = await t.deps.db.selectFrom('residents').selectAll().where('id', '=', her.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: '已去标识化',
      id_number_enc: null,
      id_number_bidx: null,
      phone_enc: null,
      phone_bidx: null,
      birth_date: '1956-01-01',
      gender: row.gender,
    });
    expect(await summary()).toBe(figuresBefore);
    // nobody finds her by her old number any more
    const search = await secretary.post('/api/v1/residents/search', {
      orgId: ymt.id,
      idNumber: first17 + checkCharacter(first17),
    });
    expect(search.json<{ items: unknown[] }>().items).toEqual([]);
    const again = await secretary.post(`/api/v1/residents/${her.id}/deidentify`, {
      reason: '重复申请',
      version: row.version,
    });
    expect(again.statusCode).toBe(409);
    const audit = await t.deps.db.selectFrom('audit_log').select('action').where('target_id', '=', her.id).execute();
    expect(audit.map((a) => a.action)).toContain('resident.deidentified');
  });
});
