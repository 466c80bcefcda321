import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database.ts';
import { checkCharacter } from '../../modules/registry/id-number.ts';
import { PiiCipher, parsePiiKey, piiKeyFile } from '../../platform/pii/crypto.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/tianzige.js');
const ROWS = 3000;

/**
 * `tianzige keys rotate` killed with SIGKILL halfway through: the batches it committed stay converted, a
 * second run resumes from the cursor, and in the end every number reads back under the new key alone.
 */
describe('a key rotation killed halfway', () => {
  let dataDir: string;
  const env = () => ({ ...process.env, TIANZIGE_DATA_DIR: dataDir, TIANZIGE_DATABASE_URL: '' });
  const run = (args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, [BIN, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      p.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${out}`))));
    });

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-rotate-kill-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('resumes where the last committed batch left off and leaves every number readable', async () => {
    await run(['divisions', 'import', '--under', '620105006']);
    const lines = ['地址,姓名,身份证号,联系电话,与户主关系,人口类型'];
    for (let i = 0; i < ROWS; i++) {
      const first17 = `620105${new Date(Date.UTC(1950, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '')}700`;
      lines.push(
        `轮换路${i}号,住户${i},${first17}${checkCharacter(first17)},1390${String(i).padStart(7, '0')},户主,户籍`,
      );
    }
    const file = path.join(dataDir, 'ledger.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    await run(['residents', 'import', file, '--org', '620105006010']);
    const oldKey = fs.readFileSync(piiKeyFile(dataDir), 'utf8');

    const child = spawn(process.execPath, [BIN, 'keys', 'rotate', '--batch', '25', '--settle-seconds', '0'], {
      env: env(),
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const watcher = new SQLite(path.join(dataDir, 'tianzige.db'), { readonly: true });
    const progress = watcher.prepare('select rows_converted as n from pii_key_rotations');
    const deadline = Date.now() + 120_000;
    try {
      for (;;) {
        let row: { n: number } | undefined;
        try {
          row = progress.get() as { n: number } | undefined;
        } catch {
          row = undefined; // the table is made by the command's migration
        }
        if (row !== undefined && row.n >= 500) break;
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error('the rotation ended before it could be killed');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      child.kill('SIGKILL');
    } finally {
      watcher.close();
    }
    await exited;

    const out = await run(['keys', 'rotate', '--batch', '25', '--settle-seconds', '0']);
    expect(out).toMatch(/resuming rotation/);
    expect(out).toMatch(/rotation done/);

    const newKeys = parsePiiKey(fs.readFileSync(piiKeyFile(dataDir), 'utf8'));
    expect(fs.readFileSync(piiKeyFile(dataDir), 'utf8')).not.toBe(oldKey);
    const underNew = new PiiCipher(newKeys);
    const database = await openDatabase({ kind: 'sqlite', file: path.join(dataDir, 'tianzige.db') });
    try {
      const rows = await database.db
        .selectFrom('residents')
        .select(['name', 'id_number_enc', 'id_number_bidx', 'phone_enc', 'phone_bidx'])
        .execute();
      expect(rows).toHaveLength(ROWS);
      for (const r of rows) {
        const id = underNew.decrypt(r.id_number_enc!); // throws if any row were left under the old key
        expect(r.id_number_bidx).toBe(underNew.blindIndex('id_number', id));
        expect(r.phone_bidx).toBe(underNew.blindIndex('phone', underNew.decrypt(r.phone_enc!)));
      }
      const i = 1234;
      const first17 = `620105${new Date(Date.UTC(1950, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '')}700`;
      const her = rows.find((r) => r.name === `住户${i}`)!;
      expect(underNew.decrypt(her.id_number_enc!)).toBe(first17 + checkCharacter(first17));
    } finally {
      await database.close();
    }
    // nothing is left unfinished
    expect(await run(['keys', 'status'])).toMatch(/done/);
  }, 240_000);
});
