import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PiiCipher } from '../../../platform/pii/crypto.ts';
import { checkCharacter } from '../id-number.ts';
import { mapHeaders } from './columns.ts';
import { type ParsedBatch, type ParserJob, openLedgerReader } from './parser.ts';

/** A distinct valid ID number for each i < 6000. */
const idNumber = (i: number) => {
  const birth = `19${40 + (i % 50)}${String(1 + (Math.floor(i / 50) % 12)).padStart(2, '0')}15`;
  const first17 = `620105${birth}${String(Math.floor(i / 600)).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};
const hasBadPhone = (i: number) => i % 97 === 0;
const repeatsId = (i: number) => i % 89 === 88;

/** 5,000 rows of one community; every 97th has a bad phone, every 89th repeats the ID number of the row before. */
function writeLedger(): string {
  const lines = ['地址,姓名,身份证号码,联系电话,与户主关系,人口类型'];
  for (let i = 0; i < 5000; i++) {
    const id = repeatsId(i) ? idNumber(i - 1) : idNumber(i);
    const phone = hasBadPhone(i) ? '123' : `1380000${String(i).padStart(4, '0')}`;
    lines.push(`营门滩路${i % 300}号,居民${i},${id},${phone},${i % 3 === 0 ? '户主' : '配偶'},户籍`);
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tz-reader-')), 'ledger.csv');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function readAll(job: ParserJob, thread: boolean): Promise<ParsedBatch[]> {
  const out: ParsedBatch[] = [];
  for await (const batch of openLedgerReader(job, { fileBytes: 0, thread }).batches()) out.push(batch);
  return out;
}

describe('the ledger reader', () => {
  const file = writeLedger();
  const community = {
    id: 'c1',
    path: '/1/2/3/',
    name: '营门滩社区',
    code: '620105006010',
    level: 'community',
    parentId: null,
  };
  const pii = new PiiCipher({ encryption: crypto.randomBytes(32), blindIndex: crypto.randomBytes(32) });
  const job: ParserJob = {
    file,
    columns: [...mapHeaders(fs.readFileSync(file, 'utf8').split('\n')[0]!.split(',')).byField],
    places: { target: community, units: [community], grids: [] },
    tags: [],
    keys: pii.keysForWorker(),
    now: '2026-11-28T00:00:00.000Z',
    isAllOrNothing: false,
    expectedRows: 0,
  };

  it('gives the same rows and problems on a thread of its own as on this one', async () => {
    const inline = await readAll(job, false);
    const threaded = await readAll(job, true);
    const summary = (batches: ParsedBatch[]) => ({
      rowsRead: batches.at(-1)!.rowsRead,
      rows: batches.flatMap((b) =>
        b.rows.map((r) => [r.row, r.identity.name, r.identity.id_number_bidx, r.householdKey]),
      ),
      rejected: batches.flatMap((b) => b.rejected),
    });
    const a = summary(inline);
    expect(a.rowsRead).toBe(5000);
    // a repeated ID number is rejected when the row it repeats was accepted
    let expected = 0;
    for (let i = 0; i < 5000; i++) if (hasBadPhone(i) || (repeatsId(i) && !hasBadPhone(i - 1))) expected += 1;
    expect(a.rejected.length).toBe(expected);
    expect(a.rejected.find((p) => p[0]!.reason_en.startsWith('Same ID number'))![0]).toMatchObject({
      row: 90,
      reason_zh: '与第 89 行的身份证号重复',
    });
    expect(a.rows.length).toBe(5000 - expected);
    expect(summary(threaded)).toEqual(a);
    // numbers cross between threads only encrypted
    const row = threaded[0]!.rows[0]!;
    const plain = idNumber(row.row - 2);
    expect(JSON.stringify(row.identity)).not.toContain(plain);
    expect(pii.decrypt(row.identity.id_number_enc!)).toBe(plain);
  });

  it('stops encrypting once an all-or-nothing import has failed', async () => {
    const batches = await readAll({ ...job, isAllOrNothing: true }, true);
    expect(batches.flatMap((b) => b.rows).length).toBe(0);
    expect(batches.at(-1)!.rowsRead).toBe(5000);
    expect(batches.flatMap((b) => b.rejected).length).toBeGreaterThan(0);
  });

  it('reports a file that is not a ledger as a file error, from the thread too', async () => {
    const bad = path.join(path.dirname(file), 'bad.xlsx');
    fs.writeFileSync(bad, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100)]));
    await expect(readAll({ ...job, file: bad }, true)).rejects.toMatchObject({ code: 'unreadable' });
  });
});
