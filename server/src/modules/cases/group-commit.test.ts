import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../db/group-commit.ts';
import { DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';
import { INSIDE_YINGMENTAN, setUpCaseWorld } from './fixture.ts';

describe.each(DIALECTS)('intakes committed together on %s', (dialect) => {
  let ctx: TestContext;
  let apiKey: string;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await setUpCaseWorld(ctx);
    const res = await (await ctx.login('staff')).post('/api/v1/apikeys', { name: '12345 对接' });
    apiKey = res.json<{ key: string }>().key;
  }, 120_000);
  afterAll(() => ctx.close());

  const deliver = (key: string, description: string) =>
    ctx.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key },
      payload: new URLSearchParams({
        api_key: apiKey,
        service_code: 'LL-002',
        lat: String(INSIDE_YINGMENTAN.lat),
        long: String(INSIDE_YINGMENTAN.lng),
        description,
      }).toString(),
    });

  it('makes one case of a ticket delivered five times at once, and separate cases of other tickets beside it', async () => {
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => deliver('ticket-H2026-7001', '楼上夜间噪音扰民')),
      deliver('ticket-H2026-7002', '广场舞音响太吵'),
    ]);
    for (const a of answers) expect(a.statusCode, a.body).toBeLessThan(300);
    const numbers = answers.map((a) => a.json<{ service_request_id: string }[]>()[0]!.service_request_id);
    expect(new Set(numbers.slice(0, 5)).size).toBe(1);
    expect(numbers[5]).not.toBe(numbers[0]);
    const written = await ctx.deps.db
      .selectFrom('cases')
      .select(['number', 'description'])
      .where('number', 'in', numbers)
      .execute();
    expect(written.map((c) => c.description).sort()).toEqual(['广场舞音响太吵', '楼上夜间噪音扰民']);
  });

  it('rolls back a submission that fails inside a batch alone, and answers the others once committed', async () => {
    const group = new GroupCommit(ctx.deps.db);
    const write = (name: string, fails = false) =>
      group.run(async (trx) => {
        await trx.insertInto('counters').values({ name, value: 1 }).execute();
        if (fails) throw new Error(`${name} failed after writing`);
        return name;
      });
    // started in one turn of the event loop: one batch
    const outcomes = await Promise.allSettled([write('gc-first'), write('gc-second', true), write('gc-third')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes[1]).toMatchObject({ reason: new Error('gc-second failed after writing') });
    const kept = await ctx.deps.db.selectFrom('counters').select('name').where('name', 'like', 'gc-%').execute();
    expect(kept.map((r) => r.name).sort()).toEqual(['gc-first', 'gc-third']);
  });

  it('runs a batch again with a savepoint each when the rows it left to one wide insert fail there', async () => {
    const group = new GroupCommit(ctx.deps.db);
    const attempts: boolean[] = [];
    // 'gc-wide-twice' comes twice: the optimistic attempt's one insert of the batch fails on it as a whole
    const write = (name: string) =>
      group.run(async (trx, shared) => {
        attempts.push(shared.isOptimistic);
        const wide = shared.get(
          'rows',
          () => [] as string[],
          async (t, names) => {
            if (names.length > 0)
              await t
                .insertInto('counters')
                .values(names.map((n) => ({ name: n, value: 1 })))
                .execute();
          },
        );
        if (shared.isOptimistic) wide.push(name);
        else await trx.insertInto('counters').values({ name, value: 1 }).execute();
        return name;
      });
    const outcomes = await Promise.allSettled([write('gc-wide-a'), write('gc-wide-twice'), write('gc-wide-twice')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(attempts).toEqual([true, true, true, false, false, false]);
    const kept = await ctx.deps.db.selectFrom('counters').select('name').where('name', 'like', 'gc-wide-%').execute();
    expect(kept.map((r) => r.name).sort()).toEqual(['gc-wide-a', 'gc-wide-twice']);
  });
});
