import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { expectErrorBody } from '../../test/http.ts';
import { signInBySms } from '../residents/fixture.ts';
import { bindResidents, openCentre } from './fixture.ts';

interface ErrorBody {
  errors: { field: string; code: string }[];
}
interface Activity {
  id: string;
  status: string;
  startsAt: string;
  capacity: number;
  confirmed: number;
  waiting: number;
}

const PEOPLE = [
  { name: '马桂英', phone: '13700005001', birth: '1951-03-02' },
  { name: '李秀兰', phone: '13700005002', birth: '1953-07-19' },
] as const;

/**
 * Staff change what they published: 营门滩's secretary adds places to a full activity (the waiting list
 * moves up), moves it to another day (its room follows; those signed up are told), calls it off (the
 * room is freed, they are told why), and lifts a resident's booking pause early. Another community's
 * staff reach none of it (404); bad input is a 4xx naming the field, nothing changed.
 */
describe.each(DIALECTS)('changing activities and lifting pauses on %s', (dialect) => {
  let t: TestContext;
  let secretary: Client;
  let otherStaff: Client;
  let residents: Client[] = [];
  const userIds: string[] = [];
  let spaces: Record<string, string>;
  let centreId: string;
  let calligraphy: Activity;

  /** What her bell shows (an SMS of the same message is its own row). */
  const messagesTo = async (userId: string, kind: string) =>
    t.deps.db
      .selectFrom('outbox_messages')
      .select(['payload'])
      .where('recipient_user_id', '=', userId)
      .where('kind', '=', kind)
      .where('channel', '=', 'in_app')
      .execute();
  const book = (who: Client, date: string, start: string, end: string) =>
    who.post('/api/v1/my/venue-bookings', {
      spaceId: spaces['书画室'],
      date,
      start,
      end,
      purpose: '练字',
      attendees: 1,
    });
  const signInAll = async () => {
    secretary = await t.login('ymt_sj');
    otherStaff = await t.login('szs_staff');
    residents = [];
    for (const p of PEOPLE) residents.push(await signInBySms(t, p.phone));
  };

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'szs_staff', role: 'community_staff', orgCode: CODES.shanZiShi });
    secretary = await t.login('ymt_sj');
    otherStaff = await t.login('szs_staff');
    const ymt = await t.org(CODES.yingMenTan);
    ({ centreId, spaces } = await openCentre(secretary, ymt.id));
    const bound = await bindResidents(t, secretary, ymt.id, PEOPLE, { sequence: 140, houseNumber: 80 });
    residents.push(...bound.clients);
    userIds.push(...bound.userIds);
    const res = await secretary.post('/api/v1/venue-activities', {
      centreId,
      spaceId: spaces['书画室'],
      title: '老年书法班',
      audience: 'elderly',
      host: '营门滩社区党群服务中心',
      date: '2026-12-08',
      start: '14:00',
      end: '15:00',
      capacity: 1,
    });
    expect(res.statusCode, res.body).toBe(201);
    calligraphy = res.json();
    for (const r of residents)
      expect((await r.post(`/api/v1/my/activities/${calligraphy.id}/signup`)).statusCode).toBe(200);
  }, 180_000);
  afterAll(() => t.close());

  it('gives added places to the waiting list in order, and refuses fewer places than are taken', async () => {
    const more = await secretary.patch(`/api/v1/venue-activities/${calligraphy.id}`, { capacity: 2 });
    expect(more.statusCode, more.body).toBe(200);
    expect(more.json()).toMatchObject({ capacity: 2, confirmed: 2, waiting: 0 });
    expect(await messagesTo(userIds[1]!, 'venue.signup_promoted')).toHaveLength(1);
    const fewer = await secretary.patch(`/api/v1/venue-activities/${calligraphy.id}`, { capacity: 1 });
    expect(fewer.statusCode).toBe(400);
    expectErrorBody(fewer);
    expect(fewer.json<ErrorBody>().errors[0]).toMatchObject({ field: 'capacity', code: 'below_taken' });
  });

  it('moves the activity to another day: the room follows, the old time is free, those signed up are told', async () => {
    const moved = await secretary.patch(`/api/v1/venue-activities/${calligraphy.id}`, {
      date: '2026-12-09',
      start: '15:00',
      end: '16:00',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json<Activity>().startsAt).toBe('2026-12-09T07:00:00.000Z');
    expect((await book(residents[0]!, '2026-12-08', '14:00', '15:00')).statusCode).toBe(201);
    expect((await book(residents[0]!, '2026-12-09', '15:30', '16:30')).statusCode).toBe(409);
    for (const id of userIds) {
      const told = await messagesTo(id, 'venue.activity_changed');
      expect(told).toHaveLength(1);
      expect(told[0]!.payload).toContain('12月9日 15:00');
    }
  });

  it('refuses a new time whose room is taken (409 on start) and leaves the activity where it was', async () => {
    const clash = await secretary.patch(`/api/v1/venue-activities/${calligraphy.id}`, {
      date: '2026-12-08',
      start: '14:00',
      end: '15:00',
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json<ErrorBody>().errors[0]!.field).toBe('start');
    const list = (await secretary.get(`/api/v1/venue-activities/${calligraphy.id}/signups`)).json<{
      activity: Activity;
    }>();
    expect(list.activity.startsAt).toBe('2026-12-09T07:00:00.000Z');
    expect((await book(residents[1]!, '2026-12-09', '15:00', '16:00')).statusCode).toBe(409);
  });

  it.each([
    [{}, 'title', 'nothing_changed'],
    [{ place: '小区广场' }, 'place', 'in_room'],
    [{ date: '2026-12-10' }, 'start', 'required'],
    [{ date: '2026-12-14', start: '09:00', end: '10:00' }, 'date', 'closed_day'],
    [{ capacity: 25 }, 'capacity', 'over_capacity'],
    [{ title: '   ' }, 'title', 'too_small'],
  ])('refuses the change %j with a 400 on %s', async (change, field, code) => {
    const res = await secretary.patch(`/api/v1/venue-activities/${calligraphy.id}`, change);
    expect(res.statusCode, res.body).toBe(400);
    expectErrorBody(res);
    const error = res.json<ErrorBody>().errors[0]!;
    expect(error.field).toBe(field);
    if (code !== 'too_small') expect(error.code).toBe(code);
  });

  it("is not found by another community's staff", async () => {
    expect((await otherStaff.patch(`/api/v1/venue-activities/${calligraphy.id}`, { capacity: 3 })).statusCode).toBe(
      404,
    );
    const callOff = await otherStaff.post(`/api/v1/venue-activities/${calligraphy.id}/call-off`, { reason: '下雨' });
    expect(callOff.statusCode).toBe(404);
  });

  it('calls it off with a reason: the room is freed, those signed up are told, nothing more can change', async () => {
    expect((await secretary.post(`/api/v1/venue-activities/${calligraphy.id}/call-off`, {})).statusCode).toBe(400);
    const off = await secretary.post(`/api/v1/venue-activities/${calligraphy.id}/call-off`, {
      reason: '老师生病，改日再办',
    });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json<Activity>().status).toBe('cancelled');
    for (const id of userIds) {
      const told = await messagesTo(id, 'venue.activity_called_off');
      expect(told).toHaveLength(1);
      expect(told[0]!.payload).toContain('老师生病');
    }
    expect((await book(residents[1]!, '2026-12-09', '15:00', '16:00')).statusCode).toBe(201);
    const again = await secretary.post(`/api/v1/venue-activities/${calligraphy.id}/call-off`, { reason: '再取消' });
    expect(again.statusCode).toBe(409);
    expect((await secretary.patch(`/api/v1/venue-activities/${calligraphy.id}`, { capacity: 3 })).statusCode).toBe(409);
    expect((await residents[0]!.post(`/api/v1/my/activities/${calligraphy.id}/signup`)).statusCode).toBe(409);
    // her phone keeps it, marked called off, rather than forgetting it
    const mine = (await residents[0]!.get('/api/v1/my/activities')).json<{ items: Activity[] }>();
    expect(mine.items.find((a) => a.id === calligraphy.id)?.status).toBe('cancelled');
  });

  it('lifts a paused resident early: her no-shows stay counted, she may book again and is told', async () => {
    // three hours booked on Sunday 29 Nov that she never came to
    for (const start of ['09:00', '10:00', '11:00'])
      expect(
        (await book(residents[0]!, '2026-11-29', start, `${String(Number(start.slice(0, 2)) + 1)}:00`)).statusCode,
      ).toBe(201);
    t.clock.set(new Date('2026-11-29T05:00:00.000Z')); // 13:00 Shanghai
    await signInAll();
    const paused = await book(residents[0]!, '2026-12-06', '09:00', '10:00');
    expect(paused.statusCode).toBe(403);
    const noShows = (await secretary.get('/api/v1/venue-no-shows')).json<{
      items: { name: string; noShows: number; isPaused: boolean; bookings: { id: string }[] }[];
    }>();
    const hers = noShows.items.find((i) => i.name === '马桂英')!;
    expect(hers).toMatchObject({ noShows: 3, isPaused: true });
    const bookingId = hers.bookings[0]!.id;

    expect((await otherStaff.post(`/api/v1/venue-bookings/${bookingId}/lift-pause`, { note: '生病' })).statusCode).toBe(
      404,
    );
    const noNote = await secretary.post(`/api/v1/venue-bookings/${bookingId}/lift-pause`, { note: ' ' });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json<ErrorBody>().errors[0]!.field).toBe('note');

    const lifted = await secretary.post(`/api/v1/venue-bookings/${bookingId}/lift-pause`, {
      note: '她那几天住院，已核实',
    });
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json()).toMatchObject({ isPaused: false });
    expect(await messagesTo(userIds[0]!, 'venue.pause_lifted')).toHaveLength(1);
    expect((await book(residents[0]!, '2026-12-06', '09:00', '10:00')).statusCode).toBe(201);
    const after = (await secretary.get('/api/v1/venue-no-shows')).json<{
      items: { name: string; noShows: number; isPaused: boolean; liftedAt: string | null }[];
    }>();
    expect(after.items.find((i) => i.name === '马桂英')).toMatchObject({ noShows: 3, isPaused: false });
    expect(after.items.find((i) => i.name === '马桂英')!.liftedAt).not.toBeNull();
    const twice = await secretary.post(`/api/v1/venue-bookings/${bookingId}/lift-pause`, { note: '再次' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json<ErrorBody>().errors[0]!.code).toBe('not_paused');
  });
});
