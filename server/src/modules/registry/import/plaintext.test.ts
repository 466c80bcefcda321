import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type TestContext, createTestContext } from '../../../test/harness.ts';
import { type RawClient, multipartBody, signInRaw } from '../../../test/http.ts';
import { checkCharacter } from '../id-number.ts';
import { failInterruptedJobs, uploadDir } from './jobs.ts';

/**
 * No plaintext left behind by a ledger import: an uploaded file lives only as long as its job, and no
 * message about a bad file or row repeats a cell — a cell may be an ID number in the wrong column.
 */

const idNumber = (birth: string, seq: number) => {
  const first17 = `620105${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};
/** the numbers only the broken files below hold: none may be found anywhere once the jobs are done */
const SECRET_IDS = [idNumber('19900101', 123), idNumber('19850505', 456), idNumber('19770707', 789)];
const SECRET_PHONE = '13912345678';

interface Job {
  id: string;
  status: string;
  rowsTotal: number;
  imported: number;
  rejected: number;
  error: { code: string; message_zh: string; message_en: string } | null;
}

describe.each(DIALECTS)('an import leaves no plaintext behind on %s', (dialect) => {
  let t: TestContext;
  let secretary: RawClient;
  let communityId = '';

  const send = (fields: Record<string, string>, file: { name: string; content: Buffer | string } | null) => {
    const { payload, contentType } = multipartBody(
      { orgId: communityId, ...fields },
      file === null
        ? []
        : [
            {
              field: 'file',
              fileName: file.name,
              data: Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
            },
          ],
    );
    return secretary.send({ method: 'POST', url: '/api/v1/residents/imports', payload, contentType });
  };
  /** uploads a ledger and waits for its job to end */
  const importLedger = async (content: Buffer | string, fields: Record<string, string> = {}): Promise<Job> => {
    const res = await send(fields, { name: 'ledger.csv', content });
    expect(res.statusCode, res.body).toBe(202);
    let job = res.json() as Job;
    for (let i = 0; i < 2000 && job.status === 'running'; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      job = (await secretary.send({ method: 'GET', url: `/api/v1/residents/imports/${job.id}` })).json() as Job;
    }
    return job;
  };
  const uploadsLeft = () => (fs.existsSync(uploadDir(t.deps)) ? fs.readdirSync(uploadDir(t.deps)) : []);
  /** everything the database holds, as text: the SQLite file with its WAL folded in, or a pg_dump */
  const wholeDatabase = (): string => {
    if (dialect === 'sqlite') {
      t.deps.database.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
      return fs.readFileSync(t.deps.database.sqlite!.name).toString('latin1');
    }
    return execFileSync('pg_dump', ['--data-only', t.databaseUrl!], { maxBuffer: 256 * 1024 * 1024 }).toString();
  };

  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet });
    communityId = (await t.org(CODES.yingMenTan)).id;
    await t.createUser({ username: 'pt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    secretary = await signInRaw(t.app, 'pt_sj');
  });
  afterAll(() => t.close());

  it('says where a CSV quoting error is (row and column), never the cell, and the database holds no trace of it', async () => {
    // csv-parse's own message would read: `value is "620105199001011234"`
    const job = await importLedger(
      `地址,姓名,身份证号,与户主关系,人口类型\n营门滩路1号,张三,${SECRET_IDS[0]}"x,户主,户籍\n`,
    );
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'unreadable' });
    expect(job.error!.message_zh).toContain('第 2 行第 3 列（身份证号）');
    expect(job.error!.message_en).toContain('Row 2, column 3');
    expect(JSON.stringify(job)).not.toContain(SECRET_IDS[0]!.slice(0, 14));
    expect(wholeDatabase()).not.toContain(SECRET_IDS[0]!.slice(0, 14));
  });

  it('reports rows whose cells sit in the wrong columns without repeating any cell', async () => {
    // an ID number and a phone slid into the community, grid, relation and care-tag columns
    const job = await importLedger(
      [
        '社区,网格,地址,姓名,身份证号,与户主关系,人口类型,关爱标签',
        `${SECRET_IDS[1]},第1网格,营门滩路2号,李四,${idNumber('19600101', 1)},户主,户籍,`,
        `营门滩社区,${SECRET_IDS[1]},营门滩路3号,王五,${idNumber('19600101', 2)},户主,户籍,`,
        `营门滩社区,,营门滩路4号,赵六,${idNumber('19600101', 3)},${SECRET_IDS[2]},户籍,`,
        `营门滩社区,,营门滩路5号,钱七,${idNumber('19600101', 4)},户主,户籍,${SECRET_PHONE}`,
      ].join('\n'),
      { mode: 'valid-rows' },
    );
    expect(job).toMatchObject({ imported: 0, rejected: 4 });
    const report = await secretary.send({ method: 'GET', url: `/api/v1/residents/imports/${job.id}/report` });
    expect(report.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
    const reported = JSON.stringify(workbook.worksheets[0]!.getSheetValues());
    expect(reported).toContain('与户主关系');
    // the relation message once quoted the first 10 characters of the cell
    for (const secret of [SECRET_IDS[1]!.slice(0, 10), SECRET_IDS[2]!.slice(0, 10), SECRET_PHONE]) {
      expect(reported).not.toContain(secret);
      expect(wholeDatabase()).not.toContain(secret);
    }
  });

  it('refuses a CSV holding bytes that are not text, naming the row and column, rather than storing U+FFFD', async () => {
    const content = Buffer.concat([
      Buffer.from('\ufeff地址,姓名,身份证号,与户主关系,人口类型\n'),
      Buffer.from(`营门滩路6号,孙八,${idNumber('19700101', 5)},户主,户籍\n营门滩路7号,周`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`,${idNumber('19700101', 6)},户主,户籍\n`),
    ]);
    const job = await importLedger(content);
    expect(job).toMatchObject({ status: 'failed', imported: 0, error: { code: 'invalid_encoding' } });
    expect(job.error!.message_zh).toContain('第 3 行第 2 列（姓名）');
    expect(wholeDatabase()).not.toContain('\ufffd');
  });

  it('deletes the uploaded ledger when the job succeeds, fails, or is refused before it starts', async () => {
    const good = await importLedger(
      `地址,姓名,身份证号,与户主关系,人口类型\n营门滩路8号,吴九,${idNumber('19800101', 7)},户主,户籍\n`,
    );
    expect(good).toMatchObject({ status: 'succeeded', imported: 1 });
    expect(uploadsLeft()).toEqual([]);
    const bad = await importLedger(`地址,姓名,身份证号,与户主关系,人口类型\n营门滩路9号,郑十,123,户主,户籍\n`);
    expect(bad.status).toBe('failed');
    expect(uploadsLeft()).toEqual([]);
    const refused = await send({ mode: 'sometimes' }, { name: 'ledger.csv', content: 'x' });
    expect(refused.statusCode).toBe(400);
    const unknownUnit = await send(
      { orgId: '00000000-0000-7000-8000-000000000000' },
      { name: 'ledger.csv', content: 'x' },
    );
    expect(unknownUnit.statusCode).toBe(404);
    expect(uploadsLeft()).toEqual([]);
    expect(fs.statSync(uploadDir(t.deps)).mode & 0o777).toBe(0o700);
  });

  it('sweeps ledgers left behind by a crash at start-up, and marks their jobs failed', async () => {
    fs.writeFileSync(path.join(uploadDir(t.deps), '01900000-0000-7000-8000-000000000001.upload'), SECRET_IDS[2]!);
    fs.writeFileSync(path.join(uploadDir(t.deps), 'half-written.upload'), SECRET_IDS[2]!);
    const running = (await importLedgerRow()).id;
    expect(await failInterruptedJobs(t.deps)).toBe(1);
    expect(uploadsLeft()).toEqual([]);
    const job = (await secretary.send({ method: 'GET', url: `/api/v1/residents/imports/${running}` })).json() as Job;
    expect(job).toMatchObject({ status: 'failed', error: { code: 'interrupted' } });
  });

  /** a job row as a crash leaves it: still running */
  async function importLedgerRow(): Promise<{ id: string }> {
    const id = '01900000-0000-7000-8000-0000000000aa';
    await t.deps.db
      .insertInto('import_jobs')
      .values({
        id,
        kind: 'residents',
        org_id: communityId,
        org_path: (await t.org(CODES.yingMenTan)).path,
        status: 'running',
        file_name: 'ledger.csv',
        options: JSON.stringify({ mode: 'all-or-nothing', onDuplicate: 'skip' }),
        rows_total: 0,
        rows_done: 0,
        rows_imported: 0,
        rows_updated: 0,
        rows_skipped: 0,
        rows_rejected: 0,
        problems: null,
        error: null,
        created_by: null,
        actor_name: 'cli',
        created_at: t.clock.now().toISOString(),
        finished_at: null,
      })
      .execute();
    return { id };
  }
});
