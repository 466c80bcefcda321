import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openFreshDatabase } from '../test/harness.ts';
import { COMMITS_BEFORE_START, SAFETY_NET_PAGES } from './checkpointer.ts';
import { type Database, openDatabase } from './database.ts';
import { rawRows } from './raw.ts';

type NotesDb = Kysely<{ notes: { id: number; body: string } }>;

// A read that hangs fails in seconds rather than at the suite's 60 s limit.
const HANG = { timeout: 10_000 };

/** A fresh database of one table, `notes`, holding one committed row (id 1), for the describe block that calls it. */
function useNotes(dialect: (typeof DIALECTS)[number]) {
  const t = {} as { dataDir: string; database: Database; drop: () => Promise<void>; db: NotesDb };
  beforeAll(async () => {
    t.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-db-'));
    ({ database: t.database, drop: t.drop } = await openFreshDatabase(dialect, t.dataDir));
    t.db = t.database.db as unknown as NotesDb;
    await sql`create table notes (id integer primary key, body text not null)`.execute(t.db);
    await t.db.insertInto('notes').values({ id: 1, body: 'committed' }).execute();
  });
  afterAll(async () => {
    await t.database.close();
    await t.drop();
    fs.rmSync(t.dataDir, { recursive: true, force: true });
  });
  return t;
}

describe.each(DIALECTS)('%s: plain reads beside the writer', (dialect) => {
  const notes = useNotes(dialect);

  const idsIn = async (from: NotesDb) =>
    (await from.selectFrom('notes').select('id').orderBy('id').execute()).map((r) => r.id);

  it(
    'answers a read outside a transaction while the transaction is open, with the last commit only',
    HANG,
    async () => {
      const seen = await notes.db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ id: 2, body: 'open' }).execute();
        // the transaction waits for this read: were reads queued behind the writer, neither would finish
        return { outside: await idsIn(notes.db), inside: await idsIn(trx) };
      });
      expect(seen).toEqual({ outside: [1], inside: [1, 2] });
      expect(await idsIn(notes.db)).toEqual([1, 2]);
    },
  );

  it.runIf(dialect === 'sqlite')(
    'runs transactions that arrive together one after another on the one writer',
    async () => {
      const steps: string[] = [];
      await Promise.all(
        [10, 11, 12].map((id) =>
          notes.db.transaction().execute(async (trx) => {
            steps.push(`begin ${id}`);
            await trx.insertInto('notes').values({ id, body: 'queued' }).execute();
            await new Promise((resolve) => setImmediate(resolve));
            steps.push(`commit ${id}`);
          }),
        ),
      );
      expect(steps).toEqual(['begin 10', 'commit 10', 'begin 11', 'commit 11', 'begin 12', 'commit 12']);
      expect(await idsIn(notes.db)).toEqual([1, 2, 10, 11, 12]);
    },
  );
});

describe.each(DIALECTS)('%s: raw reads beside the writer', (dialect) => {
  const notes = useNotes(dialect);

  it(
    'a dashboard-style raw read during an open batch sees the last commit only, and the batch after it commits',
    HANG,
    async () => {
      const count = async () => {
        const [viaRaw] = await rawRows<{ n: number }>(notes.database, 'select count(*) as n from notes', []);
        const viaSql = await sql<{ n: number }>`select count(*) as n from notes`.execute(notes.db);
        return [Number(viaRaw!.n), Number(viaSql.rows[0]!.n)];
      };
      const during = await notes.db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ id: 2, body: 'not yet committed' }).execute();
        return count();
      });
      expect(during).toEqual([1, 1]);
      expect(await count()).toEqual([2, 2]);
    },
  );
});

describe('sqlite: the write-ahead log is checkpointed off the writer', () => {
  let dataDir: string;
  let database: Database;
  let db: NotesDb;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tianzige-db-'));
    ({ database } = await openFreshDatabase('sqlite', dataDir));
    db = database.db as unknown as NotesDb;
    await sql`create table notes (id integer primary key, body text not null)`.execute(db);
  });

  afterAll(async () => {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the log small while a busy writer commits, and every row is there after a reopen', async () => {
    const file = path.join(dataDir, 'test.db');
    // a busy database: the checkpointer starts after this many commits
    for (let i = 0; i < COMMITS_BEFORE_START; i++) {
      await db.transaction().execute((trx) => trx.insertInto('notes').values({ id: i, body: 'small' }).execute());
    }
    // then 40 commits of about 400 KB each (16 MB, ~4,000 pages: under the writer's own safety net of
    // 10,000 pages, so only the checkpointer can have copied them out and let the log start over)
    const big = 'x'.repeat(400_000);
    for (let i = 0; i < 40; i++) {
      await db.transaction().execute((trx) =>
        trx
          .insertInto('notes')
          .values({ id: 10_000 + i, body: big })
          .execute(),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // the writer's own checkpoint is only the safety net now, and the log still stayed small
    expect(database.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_NET_PAGES);
    expect(fs.statSync(`${file}-wal`).size).toBeLessThan(8_000_000);
    await database.close();
    const reopened = await openDatabase({ kind: 'sqlite', file });
    try {
      const rows = await (reopened.db as unknown as NotesDb)
        .selectFrom('notes')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>(eb.fn('length', ['body'])).as('bytes')])
        .executeTakeFirstOrThrow();
      expect(Number(rows.n)).toBe(COMMITS_BEFORE_START + 40);
      expect(Number(rows.bytes)).toBe(COMMITS_BEFORE_START * 5 + 40 * 400_000);
    } finally {
      await reopened.close();
      database = reopened;
    }
  });
});
