import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { expectErrorBody } from '../../test/http.ts';
import { idNumberFor, registerResident, signInBySms } from '../residents/fixture.ts';

const HER_PHONE = '13700002001';
const HER_ID = idNumberFor('1952-04-09', 118);
const HOUR = 3_600_000;

interface Bell {
  items: { title: string; kind: string }[];
}

/**
 * 预约走访: the grid worker says when she will come; the household's bound residents are told in the
 * bell (and see it under 我的), again when it is called off; staff of another community cannot reach the
 * household; a time too soon, too far or malformed is a 400 on `at`.
 */
describe.each(DIALECTS)('visit appointments on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let otherStaff: Client;
  let her: Client;
  let householdId: string;
  let lonelyHouseholdId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_worker', role: 'community_staff', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'szs_worker', role: 'community_staff', orgCode: CODES.shanZiShi });
    staff = await t.login('ymt_worker');
    otherStaff = await t.login('szs_worker');
    const ymt = await t.org(CODES.yingMenTan);
    ({ householdId } = await registerResident(
      staff,
      { orgId: ymt.id, address: '营门滩路 30 号 1 单元 101' },
      { name: '马桂英', idNumber: HER_ID, phone: HER_PHONE },
    ));
    ({ householdId: lonelyHouseholdId } = await registerResident(
      staff,
      { orgId: ymt.id, address: '营门滩路 32 号' },
      { name: '杨德福', idNumber: idNumberFor('1948-11-20', 137), phone: '13700002002' },
    ));
    her = await signInBySms(t, HER_PHONE);
    const bound = await her.post('/api/v1/my/binding', { name: '马桂英', idNumber: HER_ID });
    expect(bound.json()).toMatchObject({ isBound: true });
  }, 120_000);
  afterAll(() => t.close());

  const inHours = (h: number) => new Date(t.clock.now().getTime() + h * HOUR).toISOString();

  it('tells the bound household when the grid worker will come, and lists it for her and for staff', async () => {
    const made = await staff.post(`/api/v1/households/${householdId}/appointments`, {
      at: inHours(26),
      note: '请准备好户口本',
    });
    expect(made.statusCode, made.body).toBe(201);
    const { appointment, told } = made.json() as { appointment: { id: string; status: string }; told: number };
    expect(told).toBe(1);
    expect(appointment.status).toBe('planned');

    const bell = (await her.get('/api/v1/messages/mine')).json() as Bell;
    const message = bell.items.find((m) => m.kind === 'visit.appointment');
    expect(message?.title).toMatch(/^网格员.+将于 \d{1,2}月\d{1,2}日 \d\d:\d\d 上门走访$/);

    const mine = (await her.get('/api/v1/my/appointments')).json() as { items: { id: string; note: string }[] };
    expect(mine.items.map((a) => a.id)).toEqual([appointment.id]);
    expect(mine.items[0]!.note).toBe('请准备好户口本');
    const listed = (await staff.get(`/api/v1/households/${householdId}/appointments`)).json() as {
      items: { id: string }[];
    };
    expect(listed.items.map((a) => a.id)).toContain(appointment.id);
  });

  it('tells her again when it is called off, once however often it is cancelled', async () => {
    const made = await staff.post(`/api/v1/households/${householdId}/appointments`, { at: inHours(50) });
    const id = (made.json() as { appointment: { id: string } }).appointment.id;
    const first = await staff.post(`/api/v1/households/${householdId}/appointments/${id}/cancel`);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ told: 1, appointment: { status: 'cancelled' } });
    const again = await staff.post(`/api/v1/households/${householdId}/appointments/${id}/cancel`);
    expect(again.json()).toMatchObject({ told: 0 });
    const bell = (await her.get('/api/v1/messages/mine')).json() as Bell;
    expect(bell.items.filter((m) => m.kind === 'visit.appointment_cancelled')).toHaveLength(1);
    const mine = (await her.get('/api/v1/my/appointments')).json() as { items: { id: string }[] };
    expect(mine.items.map((a) => a.id)).not.toContain(id);
  });

  it('tells nobody in a household no account is bound to, and shows an unbound resident nothing', async () => {
    const made = await staff.post(`/api/v1/households/${lonelyHouseholdId}/appointments`, { at: inHours(3) });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ told: 0 });
    const stranger = await signInBySms(t, '13700002999');
    expect((await stranger.get('/api/v1/my/appointments')).json()).toEqual({ items: [] });
  });

  it('answers 404 to staff of another community and for an appointment of another household', async () => {
    const made = await staff.post(`/api/v1/households/${householdId}/appointments`, { at: inHours(5) });
    const id = (made.json() as { appointment: { id: string } }).appointment.id;
    const outside = await otherStaff.post(`/api/v1/households/${householdId}/appointments`, { at: inHours(5) });
    expect(outside.statusCode).toBe(404);
    expect((await otherStaff.get(`/api/v1/households/${householdId}/appointments`)).statusCode).toBe(404);
    expect((await otherStaff.post(`/api/v1/households/${householdId}/appointments/${id}/cancel`)).statusCode).toBe(404);
    const wrongHousehold = await staff.post(`/api/v1/households/${lonelyHouseholdId}/appointments/${id}/cancel`);
    expect(wrongHousehold.statusCode).toBe(404);
    // a resident makes no appointments, not even at her own household
    const byHer = await her.post(`/api/v1/households/${householdId}/appointments`, { at: inHours(5) });
    expect([403, 404]).toContain(byHer.statusCode);
  });

  it('answers a time too soon, too far or malformed, and a long note, with 400 naming the field', async () => {
    const cases: [unknown, string, string][] = [
      [{ at: inHours(0.25) }, 'at', 'too_soon'],
      [{ at: inHours(-5) }, 'at', 'too_soon'],
      [{ at: inHours(24 * 61) }, 'at', 'too_far'],
      [{ at: '明天下午' }, 'at', 'invalid_format'],
      [{ at: '2030-01-08 14:30' }, 'at', 'invalid_format'],
      [{}, 'at', 'required'],
      [{ at: inHours(5), note: '字'.repeat(201) }, 'note', 'too_long'],
      [{ at: inHours(5), extra: 1 }, 'extra', 'unknown_field'],
    ];
    for (const [body, field, code] of cases) {
      const res = await staff.post(`/api/v1/households/${householdId}/appointments`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expectErrorBody(res, JSON.stringify(body));
      const errors = (res.json() as { errors: { field: string; code: string }[] }).errors;
      expect(errors[0], JSON.stringify(body)).toMatchObject({ code });
      expect(errors[0]!.field.endsWith(field), JSON.stringify(errors)).toBe(true);
    }
  });
});
