import Fastify from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';
import { handleError } from './errors.ts';

/**
 * The rule under every route: when two writes race for one unique thing and the database keeps one, the
 * loser is a 409 saying nothing was written — never a 500 — whichever module forgot to turn it into its
 * own refusal. Judged with the real drivers' errors (PostgreSQL 23505, SQLite's unique and primary key).
 */
describe.each(DIALECTS)('a lost write race on %s', (dialect) => {
  let t: TestContext;
  const app = Fastify();

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await sql`create table race_probe (k varchar(20) primary key, v varchar(20) not null)`.execute(t.deps.db);
    await sql`create unique index race_probe_v on race_probe (v)`.execute(t.deps.db);
    app.setErrorHandler((error, request, reply) => handleError(error, request, reply));
    app.post<{ Body: { k: string; v: string } }>('/probe', async (request) => {
      await t.deps.db.transaction().execute(async (trx) => {
        await sql`insert into race_probe (k, v) values (${request.body.k}, ${request.body.v})`.execute(trx);
      });
      return { ok: true };
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it.each([
    ['the primary key', { k: 'a', v: 'other' }],
    ['a unique index', { k: 'b', v: 'one' }],
  ])('answers 409 CONFLICT in zh and en for %s, and writes nothing', async (_what, second) => {
    const first = await app.inject({ method: 'POST', url: '/probe', payload: { k: 'a', v: 'one' } });
    if (first.statusCode !== 200) expect(first.statusCode).toBe(409); // the row from the previous case
    const lost = await app.inject({ method: 'POST', url: '/probe', payload: second });
    expect(lost.statusCode, lost.body).toBe(409);
    const body = lost.json<{ code: string; message_zh: string }>();
    expect(body.code).toBe('CONFLICT');
    expect(body.message_zh).toContain('未写入');
    const rows = await sql<{ n: number }>`select count(*) as n from race_probe`.execute(t.deps.db);
    expect(Number(rows.rows[0]!.n)).toBe(1);
  });
});
