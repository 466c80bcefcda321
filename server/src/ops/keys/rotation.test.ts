import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { importLedger } from '../../modules/registry/fixture.ts';
import { checkCharacter } from '../../modules/registry/id-number.ts';
import { PiiCipher, type PiiKeys, nextPiiKeyFile, parsePiiKey, piiKeyFile } from '../../platform/pii/crypto.ts';
import { verifyPiiKey } from '../../platform/pii/key-check.ts';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { PII_COLUMNS, UNROTATED_BIDX } from './columns.ts';
import { type KeySources, watchKeyRing } from './ring.ts';
import { RotationStopped, rotatePiiKey } from './rotate.ts';

const idNumber = (seq: number) => {
  const first17 = `62010519700101${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};
const phone = (seq: number) => `139${String(70_000_000 + seq)}`;
const ROWS = 60;

const keyText = (keys: PiiKeys) => Buffer.concat([keys.encryption, keys.blindIndex]).toString('base64');

/**
 * Issue 17, item 2: `tianzige keys rotate` re-encrypts every number and rebuilds every blind index under a
 * new key while a server keeps serving; stopped halfway it resumes; the old key is retired at the end only.
 */
describe.each(DIALECTS)('personal-data key rotation on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let sources: KeySources;
  let oldKeys: PiiKeys;

  const search = async (body: Record<string, string>) => {
    const res = await staff.post('/api/v1/residents/search', { ...body, orgId: (await t.org(CODES.yingMenTan)).id });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: { id: string; name: string }[] }>().items;
  };
  const reveal = async (id: string, field: 'idNumber' | 'phone') => {
    const res = await staff.post(`/api/v1/residents/${id}/reveal`, { field, reason: '核对台账 key rotation test' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ value: string }>().value;
  };

  beforeAll(async () => {
    t = await createTestContext(dialect);
    oldKeys = t.deps.pii.keysForWorker();
    const dataDir = t.deps.config.dataDir;
    fs.mkdirSync(path.join(dataDir, 'keys'), { recursive: true });
    fs.writeFileSync(piiKeyFile(dataDir), keyText(oldKeys), { mode: 0o600 });
    sources = { dataDir, piiKey: undefined, piiKeyNext: undefined };
    await verifyPiiKey(t.deps.db, t.deps.pii, t.clock);
    await t.createUser({ username: 'rotation_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    staff = await t.login('rotation_sj');
    const ymt = await t.org(CODES.yingMenTan);
    const lines = ['地址,姓名,身份证号码,联系电话,与户主关系,人口类型'];
    for (let i = 0; i < ROWS; i++) lines.push(`营门滩路 ${i} 号,轮换${i},${idNumber(i)},${phone(i)},户主,户籍`);
    const job = await importLedger(t, 'rotation_sj', ymt.id, `${lines.join('\n')}\n`);
    expect(job.rows_imported).toBe(ROWS);
  });
  afterAll(() => t.close());

  it('keeps every number readable and findable while it runs, resumes after a stop, and retires the old key only at the end', async () => {
    // the command's own process: the old key from the data dir
    const cli = { ...t.deps, pii: new PiiCipher(parsePiiKey(fs.readFileSync(piiKeyFile(sources.dataDir), 'utf8'))) };
    // the server (t.app) follows the database's state as its watch would
    const server = watchKeyRing(t.deps.db, t.deps.pii, sources, [oldKeys], (line) => {
      throw new Error(line);
    });
    server.stop();

    await expect(rotatePiiKey(cli, sources, { batchSize: 7, settleMs: 0, stopAfterBatches: 3 })).rejects.toThrow(
      RotationStopped,
    );
    expect(fs.existsSync(nextPiiKeyFile(sources.dataDir))).toBe(true);
    expect(await server.tick()).toEqual({ ok: true, isRotating: true });
    expect(t.deps.pii.ringSize).toBe(2);

    const newKeys = parsePiiKey(fs.readFileSync(nextPiiKeyFile(sources.dataDir), 'utf8'));
    const underNew = new PiiCipher(newKeys);
    const rows = await t.deps.db
      .selectFrom('residents')
      .select(['id', 'name', 'id_number_enc'])
      .orderBy('id')
      .execute();
    const converted = rows.filter((r) => underNew.isWrittenWithCurrentKey(r.id_number_enc!));
    const waiting = rows.filter((r) => !underNew.isWrittenWithCurrentKey(r.id_number_enc!));
    expect(converted.length).toBeGreaterThan(0);
    expect(waiting.length).toBeGreaterThan(0);

    // halfway: a converted and a waiting resident are both found by number and phone, and revealed
    for (const r of [converted[0]!, waiting[waiting.length - 1]!]) {
      const seq = Number(r.name.replace('轮换', ''));
      expect((await search({ idNumber: idNumber(seq) })).map((x) => x.id)).toEqual([r.id]);
      expect((await search({ phone: phone(seq) })).map((x) => x.id)).toEqual([r.id]);
      expect(await reveal(r.id, 'idNumber')).toBe(idNumber(seq));
    }
    // a duplicate of a waiting (old-key) number is still refused
    const household = await t.deps.db
      .selectFrom('residents')
      .select('household_id')
      .where('id', '=', waiting[0]!.id)
      .executeTakeFirstOrThrow();
    const dupSeq = Number(waiting[0]!.name.replace('轮换', ''));
    const dup = await staff.post('/api/v1/residents', {
      householdId: household.household_id,
      name: '重复者',
      idNumber: idNumber(dupSeq),
      relation: '非亲属',
      residenceType: 'registered',
    });
    expect(dup.statusCode, dup.body).toBe(409);
    // a resident registered now is written under the new key
    const created = await staff.post('/api/v1/residents', {
      householdId: household.household_id,
      name: '新登记',
      idNumber: idNumber(500),
      phone: phone(500),
      relation: '非亲属',
      residenceType: 'registered',
    });
    expect(created.statusCode, created.body).toBe(201);
    const createdRow = await t.deps.db
      .selectFrom('residents')
      .select(['id_number_enc', 'id_number_bidx'])
      .where('id', '=', created.json<{ id: string }>().id)
      .executeTakeFirstOrThrow();
    expect(underNew.isWrittenWithCurrentKey(createdRow.id_number_enc!)).toBe(true);
    expect(createdRow.id_number_bidx).toBe(underNew.blindIndex('id_number', idNumber(500)));
    // no ledger import starts while the key changes
    const ymt = await t.org(CODES.yingMenTan);
    await expect(
      importLedger(t, 'rotation_sj', ymt.id, '地址,姓名,身份证号码,与户主关系,人口类型\n'),
    ).rejects.toThrow();

    // resumed by a new process (the old key in its file, the next one beside it)
    const resumed = { ...t.deps, pii: new PiiCipher(oldKeys) };
    const lines: string[] = [];
    const result = await rotatePiiKey(resumed, sources, {
      batchSize: 7,
      settleMs: 0,
      onProgress: (l) => lines.push(l),
    });
    expect(lines[0]).toMatch(/resuming rotation/);
    expect(result.converted).toBeGreaterThanOrEqual(ROWS - converted.length);

    // every encrypted value is the new key's, every blind index the new key's of its plaintext
    for (const table of PII_COLUMNS) {
      const all = (await (t.deps.db as never as import('kysely').Kysely<Record<string, Record<string, string | null>>>)
        .selectFrom(table.table)
        .selectAll()
        .execute()) as Record<string, string | null>[];
      for (const row of all) {
        for (const column of table.columns) {
          const stored = row[column.enc];
          if (stored === null || stored === undefined) continue;
          expect(underNew.isWrittenWithCurrentKey(stored), `${table.table}.${column.enc}`).toBe(true);
          if (column.bidx !== undefined)
            expect(row[column.bidx.column]).toBe(underNew.blindIndex(column.bidx.kind, underNew.decrypt(stored)));
        }
      }
    }
    // the old key is retired: out of the data dir's key file, and refused at the next start
    expect(
      parsePiiKey(fs.readFileSync(piiKeyFile(sources.dataDir), 'utf8')).encryption.equals(newKeys.encryption),
    ).toBe(true);
    expect(fs.existsSync(nextPiiKeyFile(sources.dataDir))).toBe(false);
    expect(result.retiredKeyFile).not.toBeNull();
    expect(parsePiiKey(fs.readFileSync(result.retiredKeyFile!, 'utf8')).encryption.equals(oldKeys.encryption)).toBe(
      true,
    );
    await expect(verifyPiiKey(t.deps.db, new PiiCipher(oldKeys), t.clock)).rejects.toThrow(/TIANZIGE_PII_KEY/);
    await verifyPiiKey(t.deps.db, new PiiCipher(newKeys), t.clock);
    // the server drops the old key at its next look, and still finds everyone
    expect(await server.tick()).toEqual({ ok: true, isRotating: false });
    expect(t.deps.pii.ringSize).toBe(1);
    for (const seq of [0, ROWS - 1, 500]) {
      expect(await search({ idNumber: idNumber(seq) })).toHaveLength(1);
      expect(await search({ phone: phone(seq) })).toHaveLength(1);
    }
    // and a second rotation starts afresh (nothing unfinished)
    expect(await t.deps.db.selectFrom('pii_key_rotations').select('state').execute()).toEqual([{ state: 'done' }]);
  });

  it('names every encrypted or blind-indexed column of the schema, so no table is left under the old key', async () => {
    // a partition of a table partitioned by county (docs/scale.md) is rotated through its parent
    const partitions =
      t.dialect === 'postgres'
        ? new Set(
            (
              await sql<{ name: string }>`select relname as name from pg_class where relispartition`.execute(t.deps.db)
            ).rows.map((r) => r.name),
          )
        : new Set<string>();
    const tables = (await t.deps.db.introspection.getTables()).filter((table) => !partitions.has(table.name));
    const listed = new Set<string>();
    for (const table of PII_COLUMNS) {
      for (const c of table.columns) {
        listed.add(`${table.table}.${c.enc}`);
        if (c.bidx !== undefined) listed.add(`${table.table}.${c.bidx.column}`);
      }
      for (const d of table.derived ?? []) listed.add(`${table.table}.${d.column}`);
    }
    const missing = tables
      .flatMap((table) => table.columns.map((c) => `${table.name}.${c.name}`))
      .filter((name) => /(_enc|_bidx)$/.test(name))
      .filter((name) => !listed.has(name) && UNROTATED_BIDX[name] === undefined);
    expect(missing, 'add them to ops/keys/columns.ts').toEqual([]);
  });
});
