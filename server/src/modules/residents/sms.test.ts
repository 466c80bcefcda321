import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';
import { clientFrom, codesSentTo, countCodeMessages, requestCode, signInBySms, verifyCode } from './fixture.ts';

const MINUTE = 60_000;
const errorOf = (res: { json(): unknown }) =>
  (res.json() as { errors: { field: string; code: string; message_zh: string; message_en: string }[] }).errors[0]!;

/**
 * Residents sign in with a code sent by SMS: a resident account on first use, the same session as a
 * password sign-in; wrong, expired, used and replaced codes are each a clear 4xx on `code`; bulk
 * guessing locks the number, bulk requests are throttled per number and per source; nothing is sent
 * twice; a staff account is never reached by a code.
 */
describe.each(DIALECTS)('SMS sign-in on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet });
    await t.createUser({
      username: 'ymt_staff',
      role: 'community_staff',
      orgCode: CODES.yingMenTan,
      phone: '13800001111',
    });
  });
  afterAll(() => t.close());

  it('sends one code to a new number and keeps only a hash of it', async () => {
    const before = await countCodeMessages(t);
    const res = await requestCode(t, '138 0000 2001');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ sentTo: '138****2001', expiresInSeconds: 300, resendAfterSeconds: 60 });
    expect(await countCodeMessages(t)).toBe(before + 1);
    const [code] = await codesSentTo(t, '13800002001');
    expect(code).toMatch(/^\d{6}$/);
    const row = await t.deps.db
      .selectFrom('sms_codes')
      .selectAll()
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(code);
    const outbox = await t.deps.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('kind', '=', 'auth.sms_code')
      .executeTakeFirstOrThrow();
    expect(outbox).toMatchObject({ channel: 'sms', recipient_user_id: null, status: 'queued', is_urgent: 1 });
  });

  it('refuses a number that is not a mainland mobile, naming the field', async () => {
    for (const phone of ['12345', '0931-8888888', '23800002001', '']) {
      const res = await requestCode(t, phone);
      expect(res.statusCode).toBe(400);
      expect(errorOf(res)).toMatchObject({ field: 'phone', code: 'invalid_phone' });
    }
  });

  it('signs a new resident in with the code, once: a replay is refused', async () => {
    const phone = '13800002002';
    await requestCode(t, phone);
    const [code] = await codesSentTo(t, phone);
    const res = await verifyCode(t, phone, code!);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { isNewAccount: boolean; user: { permissions: string[]; username: string } };
    expect(body.isNewAccount).toBe(true);
    expect(body.user.permissions).toEqual(['case.report']);
    expect(res.cookies.find((c) => c.name === 'tz_session')?.httpOnly).toBe(true);
    const me = await clientFrom(t, res).get('/api/v1/auth/me');
    expect(me.statusCode).toBe(200);
    const account = await clientFrom(t, res).get('/api/v1/my/account');
    expect(account.json()).toMatchObject({ phone: '138****2002', isBound: false, binding: null });

    const replay = await verifyCode(t, phone, code!);
    expect(replay.statusCode).toBe(400);
    expect(errorOf(replay)).toMatchObject({ field: 'code', code: 'code_used' });
    expect(errorOf(replay).message_zh).toContain('已使用');

    // the next sign-in finds the same account
    t.clock.advance(2 * MINUTE);
    const again = await signInBySms(t, phone);
    const second = (await again.get('/api/v1/auth/me')).json() as { user: { username: string } };
    expect(second.user.username).toBe(body.user.username);
  });

  it('refuses a wrong code and an expired one, each with its own message', async () => {
    const phone = '13800002003';
    await requestCode(t, phone);
    const [code] = await codesSentTo(t, phone);
    const wrong = code === '000000' ? '000001' : '000000';
    const res = await verifyCode(t, phone, wrong);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ field: 'code', code: 'wrong_code' });
    expect(errorOf(res).message_zh).toContain('还可再试 4 次');
    const malformed = await verifyCode(t, phone, '12ab');
    expect(errorOf(malformed)).toMatchObject({ field: 'code', code: 'invalid_code' });

    t.clock.advance(5 * MINUTE + 1000);
    const expired = await verifyCode(t, phone, code!);
    expect(expired.statusCode).toBe(400);
    expect(errorOf(expired)).toMatchObject({ field: 'code', code: 'code_expired' });
    const none = await verifyCode(t, '13800002999', '123456');
    expect(errorOf(none)).toMatchObject({ field: 'code', code: 'code_no_code' });
  });

  it('sends at most one code a minute and five an hour to a number; an older code is replaced', async () => {
    const phone = '13800002004';
    expect((await requestCode(t, phone)).statusCode).toBe(200);
    const sent = await countCodeMessages(t);
    const soon = await requestCode(t, phone);
    expect(soon.statusCode).toBe(429);
    expect(errorOf(soon)).toMatchObject({ field: 'phone', code: 'too_soon' });
    expect(await countCodeMessages(t)).toBe(sent);

    for (let i = 0; i < 4; i++) {
      t.clock.advance(61_000);
      expect((await requestCode(t, phone)).statusCode).toBe(200);
    }
    t.clock.advance(61_000);
    const sixth = await requestCode(t, phone);
    expect(sixth.statusCode).toBe(429);
    expect(errorOf(sixth)).toMatchObject({ field: 'phone', code: 'too_many_codes' });
    expect(await countCodeMessages(t)).toBe(sent + 4);

    const codes = await codesSentTo(t, phone);
    expect(codes).toHaveLength(5);
    const older = codes[3]!;
    if (older !== codes[4]) {
      const replaced = await verifyCode(t, phone, older);
      expect(errorOf(replaced)).toMatchObject({ field: 'code', code: 'code_replaced' });
    }
    expect((await verifyCode(t, phone, codes[4]!)).statusCode).toBe(200);
  });

  it('locks the number after five wrong codes: even the right code and a new code are refused', async () => {
    const phone = '13800002005';
    await requestCode(t, phone);
    const [code] = await codesSentTo(t, phone);
    const wrongs = ['111111', '222222', '333333', '444444', '555555', '666666'].filter((c) => c !== code);
    const answers: number[] = [];
    for (const guess of wrongs.slice(0, 5)) answers.push((await verifyCode(t, phone, guess)).statusCode);
    expect(answers).toEqual([400, 400, 400, 400, 429]);
    const right = await verifyCode(t, phone, code!);
    expect(right.statusCode).toBe(429);
    expect(errorOf(right)).toMatchObject({ field: 'code', code: 'locked' });
    expect(errorOf(right).message_en).toContain('locked');

    const sent = await countCodeMessages(t);
    t.clock.advance(2 * MINUTE);
    const more = await requestCode(t, phone);
    expect(more.statusCode).toBe(429);
    expect(errorOf(more)).toMatchObject({ field: 'phone', code: 'locked' });
    expect(await countCodeMessages(t)).toBe(sent);

    // the lock ends; the old code stays void, a new one works
    t.clock.advance(30 * MINUTE);
    expect((await verifyCode(t, phone, code!)).statusCode).toBe(400);
    const signedIn = await signInBySms(t, phone);
    expect((await signedIn.get('/api/v1/my/account')).statusCode).toBe(200);
    const audits = await t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'in', ['auth.sms_code_wrong', 'auth.sms_locked'])
      .execute();
    expect(audits.filter((a) => a.action === 'auth.sms_locked')).toHaveLength(1);
    expect(audits.filter((a) => a.action === 'auth.sms_code_wrong').length).toBeGreaterThanOrEqual(5);
  });

  it('throttles one source asking codes for many numbers; other sources are not affected', async () => {
    t.clock.advance(2 * 60 * MINUTE);
    const ip = '203.0.113.50';
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await requestCode(t, `1390000${String(3000 + i)}`, ip)).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
    const sent = await countCodeMessages(t);
    const refused = await requestCode(t, '13900009999', ip);
    expect(errorOf(refused)).toMatchObject({ field: 'phone', code: 'source_limit' });
    expect(await countCodeMessages(t)).toBe(sent);
    expect((await requestCode(t, '13900009999', '203.0.113.51')).statusCode).toBe(200);
  });

  it('never signs in to a staff account: her number gets a resident account of its own', async () => {
    const staff = await t.login('ymt_staff');
    const staffMe = (await staff.get('/api/v1/auth/me')).json() as { user: { id: string } };
    const bySms = await signInBySms(t, '13800001111');
    const smsMe = (await bySms.get('/api/v1/auth/me')).json() as { user: { id: string; permissions: string[] } };
    expect(smsMe.user.id).not.toBe(staffMe.user.id);
    expect(smsMe.user.permissions).toEqual(['case.report']);
    expect((await bySms.get('/api/v1/resident-bindings')).statusCode).toBe(403);
    // the staff member's password still works, and a resident account has none
    await t.login('ymt_staff');
    const username = ((await bySms.get('/api/v1/auth/me')).json() as { user: { username: string } }).user.username;
    const byPassword = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: '!passwordless' },
    });
    expect(byPassword.statusCode).toBe(401);
  });
});
