import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { checkCharacter } from '../modules/registry/id-number.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tianzige.js');

/** A kill in the middle of writing leaves nothing of the file behind, and the job is marked failed at the next start. */
describe('an import killed while writing', () => {
  let dataDir: string;
  const env = () => ({ ...process.env, TIANZIGE_DATA_DIR: dataDir, TIANZIGE_DATABASE_URL: '' });

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-kill-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('rolls back every row it had written', async () => {
    const run = (args: string[]) =>
      new Promise<void>((resolve, reject) => {
        const p = spawn(process.execPath, [BIN, ...args], { env: env(), stdio: 'ignore' });
        p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
      });
    await run(['divisions', 'import', '--under', '620105006']);
    const lines = ['地址,姓名,身份证号,与户主关系,人口类型'];
    for (let i = 0; i < 40_000; i++) {
      const first17 = `620105${new Date(Date.UTC(1940, 0, 1) + (i % 20_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '')}${String(Math.floor(i / 20_000)).padStart(3, '0')}`;
      lines.push(`营门滩路${i}号,居民${i},${first17}${checkCharacter(first17)},户主,户籍`);
    }
    const file = path.join(dataDir, 'big.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);

    const child = spawn(process.execPath, [BIN, 'residents', 'import', file, '--org', '620105006010'], {
      env: env(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // Kill once a few batches have been written inside the open transaction.
        if (/writing .*(10000|15000)\//.test(stderr)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`the import ended before it could be killed:\n${stderr}`)));
    });
    await new Promise((resolve) => child.on('exit', resolve));

    const database = await openDatabase({ kind: 'sqlite', file: path.join(dataDir, 'tianzige.db') });
    try {
      const residents = await database.db
        .selectFrom('residents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const households = await database.db
        .selectFrom('households')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect([Number(residents.n), Number(households.n)]).toEqual([0, 0]);
      const job = await database.db.selectFrom('import_jobs').select('status').executeTakeFirstOrThrow();
      expect(job.status).toBe('running');
      const { failInterruptedJobs } = await import('../modules/registry/import/jobs.ts');
      const { systemClock } = await import('../platform/clock.ts');
      expect(await failInterruptedJobs({ db: database.db, clock: systemClock } as never)).toBe(1);
      expect((await database.db.selectFrom('import_jobs').select('status').executeTakeFirstOrThrow()).status).toBe(
        'failed',
      );
    } finally {
      await database.close();
    }
  });
});
