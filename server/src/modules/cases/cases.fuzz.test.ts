import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../platform/clock.ts';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { expectErrorBody } from '../../test/http.ts';
import { sweepDeadlines } from './deadlines.ts';
import { INSIDE_YINGMENTAN, setUpCaseWorld } from './fixture.ts';

/**
 * Random input at intake and random sequences of steps on a case: every answer is a 2xx or a
 * well-formed 4xx (never a 5xx), a refused intake stores nothing, and whatever the sequence, the
 * case stays consistent with its timeline.
 */

const HOSTILE = ["'; drop table cases; --", '<script>alert(1)</script>', '\u0000', '𠮷', '', ' ', '%_%', '__proto__'];
const text = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 60 }), fc.constant('楼道里堆满杂物'));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const intakeBody = fc.record(
  {
    channel: fc.constantFrom('phone', 'walk_in', 'grid_worker', 'resident_app', 'x'),
    dutyCode: maybe(fc.constantFrom('LL-002', 'JY-001', 'AQ-001', 'NO-1', 'll-002', '')),
    description: text,
    priority: maybe(fc.constantFrom('normal', 'urgent', 'now')),
    lng: maybe(fc.oneof(fc.double({ noNaN: false }), fc.constant(INSIDE_YINGMENTAN.lng), fc.constant(116.4))),
    lat: maybe(fc.oneof(fc.double({ noNaN: false }), fc.constant(INSIDE_YINGMENTAN.lat), fc.constant(39.9))),
    contactPhone: maybe(fc.oneof(fc.constant('13812345678'), text)),
    isAnonymous: maybe(fc.oneof(fc.boolean(), fc.constant('yes'))),
    force: maybe(fc.boolean()),
  },
  { requiredKeys: [] },
);

const STEPS = [
  'accept',
  'start',
  'resolve',
  'reject',
  'return',
  'pause',
  'resume',
  'reopen',
  'notes',
  'replies',
  'rate',
  'tick',
] as const;

describe.each(DIALECTS)('cases under random input on %s', (dialect) => {
  let ctx: TestContext;
  let staff: Client;
  let resident: Client;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await setUpCaseWorld(ctx);
    staff = await ctx.login('staff');
    resident = await ctx.login('resident');
  }, 120_000);
  afterAll(() => ctx.close());

  it('answers random intake with 201 or a clear 4xx, and a refused one stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(intakeBody, fc.boolean(), async (body, asResident) => {
        const before = await ctx.deps.db
          .selectFrom('cases')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        const res = asResident
          ? await resident.post('/api/v1/my/cases', body)
          : await staff.post('/api/v1/cases', body);
        const after = await ctx.deps.db
          .selectFrom('cases')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        expect(res.statusCode, res.body).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expectErrorBody(res);
          expect(Number(after.n)).toBe(Number(before.n));
        } else {
          expect(res.statusCode).toBe(201);
          const out = res.json<{ case: { id: string } | null }>();
          expect(Number(after.n)).toBe(Number(before.n) + (out.case === null ? 0 : 1));
        }
      }),
      { numRuns: 120 },
    );
  });

  it('keeps a case consistent with its timeline under any sequence of steps', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...STEPS), { minLength: 1, maxLength: 10 }), async (steps) => {
        const created = await resident.post('/api/v1/my/cases', {
          dutyCode: 'AQ-001',
          description: '楼道堆物',
          ...INSIDE_YINGMENTAN,
          force: true,
        });
        const id = created.json<{ case: { id: string } }>().case.id;
        for (const step of steps) {
          const { version } = (await staff.get(`/api/v1/cases/${id}`)).json<{ version: number }>();
          let res;
          if (step === 'tick') {
            ctx.clock.advance(30 * 24 * HOUR);
            staff = await ctx.login('staff');
            resident = await ctx.login('resident');
            res = await staff.post('/api/v1/cases/deadline-sweeps');
            expect(res.statusCode).toBe(403); // community staff do not run the job…
            await sweepDeadlines(ctx.deps); // …it runs on its own
            continue;
          }
          if (step === 'rate')
            res = await resident.post(`/api/v1/my/cases/${id}/rating`, { rating: 4, isSolved: true });
          else if (step === 'notes' || step === 'replies')
            res = await staff.post(`/api/v1/cases/${id}/${step}`, { text: '已联系' });
          else if (step === 'resolve')
            res = await staff.post(`/api/v1/cases/${id}/resolve`, { version, result: '已处理' });
          else if (['reject', 'return', 'pause', 'reopen'].includes(step))
            res = await staff.post(`/api/v1/cases/${id}/${step}`, { version, reason: '原因说明' });
          else res = await staff.post(`/api/v1/cases/${id}/${step}`, { version });
          expect(res.statusCode, `${step}: ${res.body}`).toBeLessThan(500);
          if (res.statusCode >= 400) expectErrorBody(res);
        }
        const row = await ctx.deps.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        const events = await ctx.deps.db
          .selectFrom('case_events')
          .select('kind')
          .where('case_id', '=', id)
          .orderBy('id') // ids sort in creation order
          .execute();
        const kinds = events.map((e) => e.kind);
        if (row.status === 'closed') expect(row.closed_at).not.toBeNull();
        if (row.accepted_at !== null) expect(kinds).toContain('accepted');
        if (row.status === 'resolved') expect(kinds).toContain('resolved');
        if (row.rating !== null) expect(kinds).toContain('rated');
        expect(kinds[0]).toBe('submitted');
      }),
      { numRuns: 25 },
    );
  });
});
