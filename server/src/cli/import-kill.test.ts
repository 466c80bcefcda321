import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../db/database.ts';
import { checkCharacter } from '../modules/registry/id-number.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/tianzige.js');

/**
 * A kill in the middle of writing leaves nothing of the file behind, and the job is marked failed at the
 * next start; a kill just after the commit leaves the job succeeded, its status committed with its rows.
 */
describe('an import killed while writing', () => {
  let dataDir: string;
  const env = () => ({ ...process.env, TIANZIGE_DATA_DIR: dataDir, TIANZIGE_DATABASE_URL: '' });

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-kill-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const run = (args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, [BIN, ...args], { env: env(), stdio: 'ignore' });
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
    });
  const ensureDivisions = async () => {
    if (!fs.existsSync(path.join(dataDir, 'tianzige.db'))) await run(['divisions', 'import', '--under', '620105006']);
  };

  it('rolls back every row it had written', async () => {
    await ensureDivisions();
    const lines = ['地址,姓名,身份证号,与户主关系,人口类型'];
    for (let i = 0; i < 40_000; i++) {
      const first17 = `620105${new Date(Date.UTC(1940, 0, 1) + (i % 20_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '')}${String(Math.floor(i / 20_000)).padStart(3, '0')}`;
      lines.push(`营门滩路${i}号,居民${i},${first17}${checkCharacter(first17)},户主,户籍`);
    }
    const file = path.join(dataDir, 'big.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    // the residents' indexes as the schema has them: a kill must leave them so
    const indexesOf = (dbFile: string) => {
      const handle = new SQLite(dbFile, { readonly: true });
      try {
        return handle
          .prepare(
            "select name, sql from sqlite_master where type = 'index' and tbl_name in ('residents', 'resident_tags') order by name",
          )
          .all();
      } finally {
        handle.close();
      }
    };
    const indexesBefore = indexesOf(path.join(dataDir, 'tianzige.db'));
    expect(indexesBefore.length).toBeGreaterThan(4);

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
      expect(indexesOf(path.join(dataDir, 'tianzige.db'))).toEqual(indexesBefore);
      const job = await database.db.selectFrom('import_jobs').select('status').executeTakeFirstOrThrow();
      expect(job.status).toBe('running');
      const { failInterruptedJobs } = await import('../modules/registry/import/jobs.ts');
      const { systemClock } = await import('../platform/clock.ts');
      expect(await failInterruptedJobs({ db: database.db, clock: systemClock, config: { dataDir } } as never)).toBe(1);
      expect((await database.db.selectFrom('import_jobs').select('status').executeTakeFirstOrThrow()).status).toBe(
        'failed',
      );
    } finally {
      await database.close();
    }
  });

  it('shows a job killed right after its commit as succeeded, with its counts', async () => {
    const rows = 3000;
    const lines = ['地址,姓名,身份证号,与户主关系,人口类型'];
    for (let i = 0; i < rows; i++) {
      const first17 = `620105${new Date(Date.UTC(1950, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '')}500`;
      lines.push(`银滩路${i}号,住户${i},${first17}${checkCharacter(first17)},户主,户籍`);
    }
    const file = path.join(dataDir, 'committed.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const dbFile = path.join(dataDir, 'tianzige.db');
    await ensureDivisions();
    // Whatever an import does between its rows becoming visible and its job's status being written, a
    // kill there must not leave the job saying that nothing was written. A trigger makes writing a job's
    // success slow (a cross join of the residents), so that the window is seconds wide, not microseconds.
    const setup = new SQLite(dbFile);
    setup.exec(`create trigger slow_job_success before update of status on import_jobs
      when new.status = 'succeeded'
      begin select max(a.rowid + b.rowid) from residents a, residents b; end`);
    setup.close();
    const child = spawn(process.execPath, [BIN, 'residents', 'import', file, '--org', '620105006010'], {
      env: env(),
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Watch from outside, as a reader beside the importer, and kill it the moment its rows are visible.
    const watcher = new SQLite(dbFile, { readonly: true });
    const isCommitted = watcher.prepare("select exists(select 1 from residents where name = '住户0') as committed");
    const deadline = Date.now() + 120_000;
    try {
      while ((isCommitted.get() as { committed: number }).committed !== 1) {
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error('the import ended before it could be killed');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      child.kill('SIGKILL');
    } finally {
      watcher.close();
    }
    await exited;

    const database = await openDatabase({ kind: 'sqlite', file: dbFile });
    try {
      const residents = await database.db
        .selectFrom('residents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('name', 'like', '住户%')
        .executeTakeFirstOrThrow();
      expect(Number(residents.n)).toBe(rows);
      const job = await database.db
        .selectFrom('import_jobs')
        .selectAll()
        .where('file_name', '=', 'committed.csv')
        .executeTakeFirstOrThrow();
      expect(job).toMatchObject({ status: 'succeeded', rows_total: rows, rows_imported: rows, rows_rejected: 0 });
      const { failInterruptedJobs } = await import('../modules/registry/import/jobs.ts');
      const { systemClock } = await import('../platform/clock.ts');
      const deps = { db: database.db, clock: systemClock, config: { dataDir } } as never;
      expect(await failInterruptedJobs(deps)).toBe(0);
      expect(
        (
          await database.db
            .selectFrom('import_jobs')
            .select('status')
            .where('id', '=', job.id)
            .executeTakeFirstOrThrow()
        ).status,
      ).toBe('succeeded');
      await sql`drop trigger slow_job_success`.execute(database.db);
    } finally {
      await database.close();
    }
  }, 180_000);
});
