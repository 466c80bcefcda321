import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openFreshDatabase } from '../test/harness.ts';
import type { Database } from './database.ts';

type NotesDb = Kysely<{ notes: { id: number; body: string } }>;

// A read that hangs fails in seconds rather than at the suite's 60 s limit.
const HANG = { timeout: 10_000 };

describe.each(DIALECTS)('%s: plain reads beside the writer', (dialect) => {
  let dataDir: string;
  let database: Database;
  let drop: () => Promise<void>;
  let db: NotesDb;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-db-'));
    ({ database, drop } = await openFreshDatabase(dialect, dataDir));
    db = database.db as unknown as NotesDb;
    await sql`create table notes (id integer primary key, body text not null)`.execute(db);
    await db.insertInto('notes').values({ id: 1, body: 'committed' }).execute();
  });

  afterAll(async () => {
    await database.close();
    await drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const idsIn = async (from: NotesDb) =>
    (await from.selectFrom('notes').select('id').orderBy('id').execute()).map((r) => r.id);

  it(
    'answers a read outside a transaction while the transaction is open, with the last commit only',
    HANG,
    async () => {
      const seen = await db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ id: 2, body: 'open' }).execute();
        // the transaction waits for this read: were reads queued behind the writer, neither would finish
        return { outside: await idsIn(db), inside: await idsIn(trx) };
      });
      expect(seen).toEqual({ outside: [1], inside: [1, 2] });
      expect(await idsIn(db)).toEqual([1, 2]);
    },
  );

  it.runIf(dialect === 'sqlite')(
    'runs transactions that arrive together one after another on the one writer',
    async () => {
      const steps: string[] = [];
      await Promise.all(
        [10, 11, 12].map((id) =>
          db.transaction().execute(async (trx) => {
            steps.push(`begin ${id}`);
            await trx.insertInto('notes').values({ id, body: 'queued' }).execute();
            await new Promise((resolve) => setImmediate(resolve));
            steps.push(`commit ${id}`);
          }),
        ),
      );
      expect(steps).toEqual(['begin 10', 'commit 10', 'begin 11', 'commit 11', 'begin 12', 'commit 12']);
      expect(await idsIn(db)).toEqual([1, 2, 10, 11, 12]);
    },
  );
});
