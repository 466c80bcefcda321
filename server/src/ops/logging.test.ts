import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { createAdapters } from '../modules/messages/adapters/index.ts';
import { DEFAULT_MESSAGES_CONFIG } from '../modules/messages/config.ts';
import { MessageDispatcher } from '../modules/messages/dispatcher.ts';
import { enqueueMessage } from '../modules/messages/outbox.ts';
import { importLedger } from '../modules/registry/fixture.ts';
import { checkCharacter } from '../modules/registry/id-number.ts';
import { CODES, DIALECTS, TEST_PASSWORD, type TestContext, createTestContext } from '../test/harness.ts';
import { signInRaw } from '../test/http.ts';
import { serverLoggerOptions } from './logging.ts';

const idNumber = (seq: number) => {
  const first17 = `62010219750315${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
};

/** What a caller, a resident and a ledger tell the server; none of it may reach a log line. */
const CONTACT = { name: '欧阳秀兰', phone: '13987654321' };
const STAFF_PHONE = '13711112222';
const RESIDENT_PHONE = '13633334444';
const LEDGER = [
  { name: '司马春花', id: idNumber(11), phone: '15800001111' },
  { name: '上官明远', id: idNumber(12), phone: '15800002222' },
];

describe.each(DIALECTS)('the server log on %s', (dialect) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  const lines: string[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const capture = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((l) => l !== ''),
        );
        done();
      },
    });
    // the production configuration, at its most talkative level
    app = await buildApp(ctx.deps, { logger: serverLoggerOptions('trace', capture) });
  });
  afterAll(async () => {
    await app.close();
    await ctx.close();
  });

  it('carries request ids and never a phone, ID number, name or password, through intake, sign-in, import and SMS', async () => {
    const community = await ctx.org(CODES.yingMenTan);
    await ctx.createUser({
      username: 'ymt_staff',
      role: 'community_secretary',
      orgCode: CODES.yingMenTan,
      phone: STAFF_PHONE,
    });
    const resident = await ctx.createUser({
      username: 'ymt_resident',
      role: 'resident',
      orgCode: CODES.yingMenTan,
      phone: RESIDENT_PHONE,
    });
    const failed = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ymt_staff', password: `${TEST_PASSWORD}-wrong` },
    });
    expect(failed.statusCode).toBe(401);
    const staff = await signInRaw(app, 'ymt_staff');
    const post = (url: string, payload: object) =>
      staff.send({ method: 'POST', url, payload: JSON.stringify(payload), contentType: 'application/json' });

    const filed = await post('/api/v1/cases', {
      channel: 'phone',
      description: '楼道里的灯坏了一个月',
      orgId: community.id,
      contactName: CONTACT.name,
      contactPhone: CONTACT.phone,
    });
    expect(filed.statusCode, filed.body).toBe(201);
    // a bad request that carries a number in a field it does not belong in
    expect((await post('/api/v1/cases', { channel: 'phone', description: CONTACT.phone, orgId: 'x' })).statusCode).toBe(
      400,
    );

    const csv = `${['地址,姓名,身份证号码,与户主关系,人口类型,联系电话', ...LEDGER.map((r, i) => `某路 ${i + 1} 号,${r.name},${r.id},户主,户籍,${r.phone}`)].join('\n')}\n`;
    const job = await importLedger({ ...ctx, app }, 'ymt_staff', community.id, csv);
    expect(job).toMatchObject({ status: 'succeeded', rows_imported: 2 });
    expect((await post('/api/v1/residents/search', { phone: LEDGER[0]!.phone })).statusCode).toBe(200);
    expect((await post('/api/v1/residents/search', { idNumber: LEDGER[1]!.id })).statusCode).toBe(200);

    // an SMS through the default `log` adapter, which writes to this same log
    await enqueueMessage(ctx.deps.db, {
      now: ctx.clock.now(),
      kind: 'auth.sms_code',
      recipientUserId: resident.id,
      params: { code: '424242', minutes: '5' },
    });
    const adapters = createAdapters(DEFAULT_MESSAGES_CONFIG, ctx.clock, (line) => app.log.info(line));
    expect(await new MessageDispatcher(ctx.deps, adapters).drain()).toBeGreaterThanOrEqual(1);

    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(10);
    const caseLines = lines.map((l) => JSON.parse(l) as { reqId?: string; req?: { url?: string } });
    expect(caseLines.some((l) => l.req?.url === '/api/v1/cases' && typeof l.reqId === 'string')).toBe(true);
    expect(log).toContain('[messages] sms to 136****4444');
    const secrets = [
      CONTACT.name,
      CONTACT.phone,
      STAFF_PHONE,
      RESIDENT_PHONE,
      TEST_PASSWORD,
      ...LEDGER.flatMap((r) => [r.name, r.id, r.phone]),
    ];
    for (const secret of secrets) expect(log, `${secret} in the log`).not.toContain(secret);
    // not even the numbers' middle digits, the part a mask hides
    expect(log).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);
    expect(log).not.toMatch(/(?<!\d)\d{17}[\dX](?!\d)/);
    // nor what signs a request in: the session cookie and the CSRF token (multipart logs headers at trace)
    expect(log).not.toMatch(/tz_session=/);
    expect(log).not.toMatch(/"x-csrf-token":"(?!\[Redacted\])/);
  });
});
