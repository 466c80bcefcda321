import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';
import { codesSentTo, countCodeMessages } from './fixture.ts';

const MINUTE = 60_000;

type Op =
  | { kind: 'advance'; ms: number }
  | { kind: 'request' }
  | { kind: 'verify'; which: 'latest' | 'previous' | 'wrong'; padded: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('advance' as const),
    ms: fc.constantFrom(1000, 30_000, 61_000, 5 * MINUTE + 1000, 31 * MINUTE),
  }),
  fc.record({ kind: fc.constant('request' as const) }),
  fc.record({
    kind: fc.constant('verify' as const),
    which: fc.constantFrom('latest' as const, 'previous' as const, 'wrong' as const),
    padded: fc.boolean(),
  }),
);

/**
 * The code state machine under any sequence of requests, entries (the latest code, an older one, a
 * wrong one; as typed, with spaces) and time passing, sent as JSON the way the phone sends them:
 * a code signs in at most once, only while it is the latest and younger than 5 minutes, never while the
 * number is locked by 5 wrong codes in 30 minutes; a wrong code never signs in; every answer is 200, 400
 * or 429 naming `phone` or `code`; and the outbox holds exactly one SMS per request answered 200.
 */
describe.each(DIALECTS)('the SMS code state machine on %s', (dialect) => {
  let t: TestContext;
  let run = 0;
  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet });
  });
  afterAll(() => t.close());

  it('holds its rules under any sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        run += 1;
        const phone = `1370${String(run).padStart(7, '0')}`;
        const ip = `198.18.${Math.floor(run / 250)}.${run % 250}`;
        const send = (url: string, payload: object) =>
          t.app.inject({
            method: 'POST',
            url,
            body: JSON.stringify(payload),
            headers: { 'content-type': 'application/json' },
            remoteAddress: ip,
          });
        const outboxBefore = await countCodeMessages(t);
        let sentOk = 0;
        const used = new Set<string>();
        let latest: { code: string; at: number } | null = null;
        const wrongAt: number[] = [];
        for (const o of ops) {
          const now = t.clock.now().getTime();
          if (o.kind === 'advance') {
            t.clock.advance(o.ms);
            continue;
          }
          if (o.kind === 'request') {
            const res = await send('/api/v1/auth/sms/code', { phone });
            expect([200, 429]).toContain(res.statusCode);
            if (res.statusCode === 200) {
              sentOk += 1;
              latest = { code: (await codesSentTo(t, phone)).at(-1)!, at: now };
            } else {
              expect(res.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('phone');
            }
            continue;
          }
          const codes = await codesSentTo(t, phone);
          const code =
            o.which === 'latest'
              ? codes.at(-1)
              : o.which === 'previous'
                ? codes.at(-2)
                : String((Number(codes.at(-1) ?? '0') + 1) % 1_000_000).padStart(6, '0');
          if (code === undefined) continue;
          const isWrong = !codes.includes(code);
          const res = await send('/api/v1/auth/sms/verify', { phone, code: o.padded ? ` ${code} ` : code });
          expect([200, 400, 429]).toContain(res.statusCode);
          const recentWrong = wrongAt.filter((at) => at > now - 30 * MINUTE).length;
          if (res.statusCode === 200) {
            expect(isWrong).toBe(false);
            expect(code).toBe(latest?.code);
            expect(now - latest!.at).toBeLessThan(5 * MINUTE);
            expect(used.has(code)).toBe(false);
            expect(recentWrong).toBeLessThan(5);
            used.add(code);
            // a sign-in clears the number's wrong codes
            wrongAt.length = 0;
          } else {
            expect(res.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('code');
            const errorCode = res.json<{ errors: { code: string }[] }>().errors[0]!.code;
            if (errorCode === 'wrong_code' || (errorCode === 'locked' && recentWrong < 5)) wrongAt.push(now);
          }
        }
        expect((await countCodeMessages(t)) - outboxBefore).toBe(sentOk);
        // the next number starts in a fresh hour
        t.clock.advance(2 * 60 * MINUTE);
      }),
      { numRuns: dialect === 'postgres' ? 15 : 40 },
    );
  });
});
