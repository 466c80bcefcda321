import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { expectErrorBody } from '../../test/http.ts';
import { type FieldHousehold, addHousehold, setUpFieldWorld } from './fixture.ts';

/**
 * Random ops on the sync batch: every answer is 200 with one result per op (or a clear 4xx for a
 * malformed batch), never a 5xx; a rejected op writes nothing at all, and an accepted one writes
 * exactly one receipt.
 */

const HOSTILE = ["'; drop table visits; --", '<script>', '\u0000', '𠮷', '', ' ', '%_%', '__proto__'];
const text = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 40 }), fc.constant('老人腿脚不便'));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const DAY = 86_400_000;
const TABLES = ['visits', 'household_changes', 'sync_receipts', 'cases', 'audit_log', 'visit_cases'] as const;

describe.each(DIALECTS)('sync batch under random input on %s', (dialect) => {
  let ctx: TestContext;
  let wg1: Client;
  let own: FieldHousehold;
  let other: FieldHousehold;
  const reused = crypto.randomUUID();

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const world = await setUpFieldWorld(ctx);
    own = await addHousehold(await ctx.login('staff'), world.grid1.id, '营门滩路 5 号', ['living_alone']);
    other = await addHousehold(await ctx.login('staff'), world.grid2.id, '营门滩路 6 号', []);
    wg1 = await ctx.login('wg1');
  }, 120_000);
  afterAll(() => ctx.close());

  const counts = async () => {
    const out: Record<string, number> = {};
    for (const t of TABLES) {
      out[t] = Number(
        (
          await ctx.deps.db
            .selectFrom(t)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    }
    return out;
  };

  const arbitraries = () => {
    const now = ctx.clock.now().getTime();
    const household = fc.constantFrom(own.id, other.id, crypto.randomUUID(), 'not-a-uuid');
    const when = fc.oneof(
      fc.constant(new Date(now - DAY).toISOString()),
      fc.constant(new Date(now + DAY).toISOString()),
      fc.constant(new Date(now - 400 * DAY).toISOString()),
      fc.constant(new Date(now + 60_000).toISOString()),
      text,
    );
    const fact = fc.record(
      {
        residentId: fc.constantFrom(own.residentId, other.residentId, crypto.randomUUID()),
        field: fc.constantFrom('phone', 'living_alone', 'status', 'notes', 'care_tag_add', 'care_tag_remove', 'age'),
        value: fc.oneof(
          text,
          fc.boolean(),
          fc.constantFrom('13912345678', 'dibao', 'over_80', 'deceased'),
          fc.integer(),
        ),
        baseVersion: fc.oneof(fc.constant(1), fc.integer({ min: -2, max: 5 })),
      },
      { requiredKeys: [] },
    );
    const visit = fc.record(
      {
        householdId: household,
        visitedAt: when,
        kind: fc.constantFrom('routine', 'follow_up', 'urgent', 'party'),
        findings: fc.array(
          fc.record(
            { topic: fc.constantFrom('health', 'income', 'weather'), note: maybe(text) },
            { requiredKeys: ['topic'] },
          ),
          { maxLength: 3 },
        ),
        note: maybe(text),
        location: maybe(
          fc.record({ lng: fc.double({ noNaN: false }), lat: fc.double({ min: -90, max: 90, noNaN: true }) }),
        ),
        facts: maybe(fc.array(fact, { maxLength: 2 })),
        photoClientIds: maybe(fc.array(fc.uuid(), { maxLength: 2 })),
        openCase: maybe(
          fc.record(
            {
              description: text,
              dutyItemCode: maybe(fc.constantFrom('AQ-001', 'ZZ-999', 'bad')),
              priority: maybe(fc.constantFrom('urgent', 'x')),
            },
            { requiredKeys: ['description'] },
          ),
        ),
      },
      { requiredKeys: ['householdId', 'visitedAt', 'kind', 'findings'] },
    );
    const change = fc.record(
      {
        householdId: household,
        residentId: fc.constantFrom(own.residentId, other.residentId, crypto.randomUUID()),
        baseVersion: fc.integer({ min: 0, max: 3 }),
        field: fc.constantFrom('notes', 'phone', 'status', 'living_alone'),
        value: fc.oneof(text, fc.boolean(), fc.constant('13800138000')),
      },
      { requiredKeys: [] },
    );
    const kase = fc.record(
      {
        householdId: maybe(household),
        description: text,
        dutyItemCode: maybe(fc.constantFrom('AQ-001', 'XX-1')),
        location: maybe(fc.record({ lng: fc.constant(103.718), lat: fc.constant(36.1) })),
      },
      { requiredKeys: [] },
    );
    return fc.oneof(
      fc.record({
        clientId: fc.oneof(fc.uuid(), fc.constant(reused), text),
        kind: fc.constant('visit'),
        payload: fc.oneof(visit, fc.anything()),
      }),
      fc.record({ clientId: fc.uuid(), kind: fc.constant('household_change'), payload: change }),
      fc.record({ clientId: fc.uuid(), kind: fc.constant('case'), payload: kase }),
      fc.anything(),
    );
  };

  it('answers every single op, and a rejected op writes nothing', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(arbitraries(), async (op) => {
        const before = await counts();
        const res = await wg1.post('/api/v1/sync/batch', { ops: [op] });
        const after = await counts();
        expect(res.statusCode, res.body).toBeLessThan(500);
        if (res.statusCode !== 200) {
          expectErrorBody(res);
          expect(after).toEqual(before);
          return;
        }
        const [result] = res.json<{ results: { status: string }[] }>().results;
        seen.add(result!.status);
        if (result!.status === 'rejected' || result!.status === 'duplicate') expect(after).toEqual(before);
        else expect(after.sync_receipts).toBe(before.sync_receipts! + 1);
      }),
      { numRuns: 150 },
    );
    // the property is not vacuous: some ops went through, some were refused
    expect([...seen].sort()).toEqual(expect.arrayContaining(['created', 'rejected']));
  });

  it('answers a batch of random ops with one result each, in order, and one receipt per accepted op', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraries(), { minLength: 1, maxLength: 6 }), async (ops) => {
        const before = await counts();
        const res = await wg1.post('/api/v1/sync/batch', { ops });
        expect(res.statusCode, res.body).toBeLessThan(500);
        if (res.statusCode !== 200) return expectErrorBody(res);
        const { results } = res.json<{ results: { status: string }[] }>();
        expect(results).toHaveLength(ops.length);
        const accepted = results.filter((r) => r.status === 'created' || r.status === 'stale').length;
        expect((await counts()).sync_receipts).toBe(before.sync_receipts! + accepted);
      }),
      { numRuns: 40 },
    );
  });
});
