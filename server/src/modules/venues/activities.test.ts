import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { TINY_PNG, expectErrorBody, multipartBody, signInRaw } from '../../test/http.ts';
import { signInBySms } from '../residents/fixture.ts';
import { bindResidents, openCentre } from './fixture.ts';
import { remindVenueStarts } from './reminders.ts';

interface Activity {
  id: string;
  capacity: number;
  confirmed: number;
  waiting: number;
  mySignup: { id: string; status: string; position: number | null } | null;
}
interface Signup {
  id: string;
  name: string;
  status: string;
  position: number | null;
  checkedInAt: string | null;
}

const PEOPLE = [
  { name: '马桂英', phone: '13700004001', birth: '1950-03-02' },
  { name: '李秀兰', phone: '13700004002', birth: '1952-07-19' },
  { name: '王淑珍', phone: '13700004003', birth: '1949-11-05' },
  { name: '赵玉梅', phone: '13700004004', birth: '1955-01-23' },
] as const;

/**
 * 活动报名: the secretary publishes an activity with a few places; residents sign up, the rest wait;
 * a cancellation hands the place to the first waiting, who is told; only those holding a place check
 * in; two residents going for the last place never both get it. Reminders go out once. The public
 * calendar shows the week without naming anyone.
 */
describe.each(DIALECTS)('activities and reminders on %s', (dialect) => {
  let t: TestContext;
  let secretary: Client;
  let residents: Client[] = [];
  const userIds: string[] = [];
  let spaces: Record<string, string>;
  let centreId: string;
  let tea: Activity;

  const signupsOf = async (activityId: string) =>
    (await secretary.get(`/api/v1/venue-activities/${activityId}/signups`)).json() as {
      activity: Activity;
      items: Signup[];
    };
  const messagesTo = async (userId: string, kind: string) =>
    t.deps.db
      .selectFrom('outbox_messages')
      .select(['payload'])
      .where('recipient_user_id', '=', userId)
      .where('kind', '=', kind)
      .execute();
  const signInAll = async () => {
    secretary = await t.login('ymt_sj');
    residents = [];
    for (const p of PEOPLE) residents.push(await signInBySms(t, p.phone));
  };

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    secretary = await t.login('ymt_sj');
    const ymt = await t.org(CODES.yingMenTan);
    ({ centreId, spaces } = await openCentre(secretary, ymt.id));
    const bound = await bindResidents(t, secretary, ymt.id, PEOPLE, { sequence: 130, houseNumber: 60 });
    residents.push(...bound.clients);
    userIds.push(...bound.userIds);
  }, 180_000);
  afterAll(() => t.close());

  it('publishes an activity in a room, which books the room for its time', async () => {
    const res = await secretary.post('/api/v1/venue-activities', {
      centreId,
      spaceId: spaces['书画室'],
      title: '老年书法班',
      audience: 'elderly',
      host: '营门滩社区党群服务中心',
      date: '2026-11-28',
      start: '12:00',
      end: '13:00',
      capacity: 2,
    });
    expect(res.statusCode, res.body).toBe(201);
    tea = res.json() as Activity;
    const clash = await residents[0]!.post('/api/v1/my/venue-bookings', {
      spaceId: spaces['书画室'],
      date: '2026-11-28',
      start: '12:30',
      end: '13:30',
      purpose: '练字',
      attendees: 1,
    });
    expect(clash.statusCode).toBe(409);
  });

  it('gives the places in order of sign-up and puts the rest on the waiting list, in order', async () => {
    const answers: Activity[] = [];
    for (const r of residents) {
      const res = await r.post(`/api/v1/my/activities/${tea.id}/signup`);
      expect(res.statusCode, res.body).toBe(200);
      answers.push(res.json() as Activity);
    }
    expect(answers.map((a) => a.mySignup?.status)).toEqual(['confirmed', 'confirmed', 'waiting', 'waiting']);
    expect(answers.map((a) => a.mySignup?.position)).toEqual([null, null, 1, 2]);
    // signing up again changes nothing
    const again = (await residents[0]!.post(`/api/v1/my/activities/${tea.id}/signup`)).json() as Activity;
    expect(again).toMatchObject({ confirmed: 2, waiting: 2 });
    const list = await signupsOf(tea.id);
    expect(list.items.map((s) => [s.name, s.status, s.position])).toEqual([
      ['马桂英', 'confirmed', null],
      ['李秀兰', 'confirmed', null],
      ['王淑珍', 'waiting', 1],
      ['赵玉梅', 'waiting', 2],
    ]);
  });

  it('hands a freed place to the first waiting, who is told; the next moves up', async () => {
    const res = await residents[1]!.post(`/api/v1/my/activities/${tea.id}/cancel`);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as Activity).mySignup).toBeNull();
    const list = await signupsOf(tea.id);
    expect(list.activity).toMatchObject({ confirmed: 2, waiting: 1 });
    expect(list.items.map((s) => [s.name, s.status, s.position])).toEqual([
      ['马桂英', 'confirmed', null],
      ['王淑珍', 'confirmed', null],
      ['赵玉梅', 'waiting', 1],
      ['李秀兰', 'cancelled', null],
    ]);
    const told = await messagesTo(userIds[2]!, 'venue.signup_promoted');
    expect(told).toHaveLength(1);
    expect(told[0]!.payload).toContain('老年书法班');
    expect(await messagesTo(userIds[3]!, 'venue.signup_promoted')).toHaveLength(0);
    // a withdrawal from the waiting list moves nobody up
    const theirs = (await residents[0]!.get('/api/v1/my/activities')).json() as { items: Activity[] };
    expect(theirs.items.find((a) => a.id === tea.id)?.mySignup?.status).toBe('confirmed');
  });

  it('reminds those holding a place once, hours before the start, and residents of their booking once', async () => {
    const booked = await residents[3]!.post('/api/v1/my/venue-bookings', {
      spaceId: spaces['阅览室'],
      date: '2026-11-28',
      start: '12:00',
      end: '13:00',
      purpose: '读书会',
      attendees: 3,
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const later = await residents[3]!.post('/api/v1/my/venue-bookings', {
      spaceId: spaces['阅览室'],
      date: '2026-11-29',
      start: '12:00',
      end: '13:00',
      purpose: '读书会',
      attendees: 3,
    });
    expect(later.statusCode, later.body).toBe(201);
    const runs = await Promise.all([remindVenueStarts(t.deps), remindVenueStarts(t.deps)]);
    expect(runs[0]! + runs[1]!).toBe(3); // two places at the activity, one booking today
    expect(await remindVenueStarts(t.deps)).toBe(0);
    expect(await messagesTo(userIds[0]!, 'venue.activity_reminder')).toHaveLength(1);
    expect(await messagesTo(userIds[2]!, 'venue.activity_reminder')).toHaveLength(1);
    expect(await messagesTo(userIds[3]!, 'venue.activity_reminder')).toHaveLength(0); // still waiting
    expect(await messagesTo(userIds[1]!, 'venue.activity_reminder')).toHaveLength(0); // withdrew
    const bookingReminders = await messagesTo(userIds[3]!, 'venue.booking_reminder');
    expect(bookingReminders).toHaveLength(1);
    expect(bookingReminders[0]!.payload).toContain('11月28日 12:00');
  });

  it('shows the week on the public calendar without naming anyone', async () => {
    const team = await secretary.post('/api/v1/venue-bookings', {
      spaceId: spaces['舞蹈室'],
      date: '2026-11-29',
      start: '19:00',
      end: '20:30',
      purpose: '夕阳红舞蹈队',
      attendees: 20,
      bookerKind: 'team',
    });
    expect(team.statusCode, team.body).toBe(201);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/public/communities/${CODES.yingMenTan}/venue-calendar?from=2026-11-28`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      centres: {
        residentShare: number;
        activities: { title: string; taken: number; capacity: number }[];
        bookings: { spaceName: string; title: string | null }[];
      }[];
    };
    const centre = body.centres[0]!;
    expect(centre.residentShare).toBeCloseTo(310 / 340);
    expect(centre.activities).toEqual([expect.objectContaining({ title: '老年书法班', taken: 2, capacity: 2 })]);
    expect(centre.bookings).toContainEqual(expect.objectContaining({ spaceName: '舞蹈室', title: '夕阳红舞蹈队' }));
    expect(centre.bookings.filter((b) => b.spaceName === '阅览室').map((b) => b.title)).toEqual([null, null]);
    for (const p of PEOPLE) expect(res.body).not.toContain(p.name);
    expect(res.body).not.toContain('读书会');
    expect(res.body).not.toContain('ymt_sj');
    const bad = await t.app.inject({
      method: 'GET',
      url: `/api/v1/public/communities/${CODES.yingMenTan}/venue-calendar?from=2026-02-30`,
    });
    expect(bad.statusCode).toBe(400);
  });

  it('checks in only those holding a place, and only around the time; others are a 400 on signupId', async () => {
    const list = await signupsOf(tea.id);
    const confirmed = list.items.find((s) => s.name === '王淑珍')!;
    const waiting = list.items.find((s) => s.name === '赵玉梅')!;
    const withdrew = list.items.find((s) => s.name === '李秀兰')!;
    const early = await secretary.post(`/api/v1/venue-activities/${tea.id}/check-ins`, { signupId: confirmed.id });
    expect(early.statusCode).toBe(409);
    t.clock.advance(105 * 60_000); // 11:45 Shanghai
    await signInAll();
    for (const s of [waiting, withdrew]) {
      const res = await secretary.post(`/api/v1/venue-activities/${tea.id}/check-ins`, { signupId: s.id });
      expect(res.statusCode, res.body).toBe(400);
      expectErrorBody(res);
      expect((res.json() as { errors: { field: string; code: string }[] }).errors[0]).toMatchObject({
        field: 'signupId',
        code: 'not_signed_up',
      });
    }
    const ok = await secretary.post(`/api/v1/venue-activities/${tea.id}/check-ins`, { signupId: confirmed.id });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((ok.json() as Signup).checkedInAt).not.toBeNull();
    const after = await signupsOf(tea.id);
    expect(after.items.filter((s) => s.checkedInAt !== null).map((s) => s.name)).toEqual(['王淑珍']);
    // once started, nobody signs up or withdraws any more
    t.clock.advance(20 * 60_000);
    await signInAll();
    expect((await residents[1]!.post(`/api/v1/my/activities/${tea.id}/signup`)).statusCode).toBe(409);
  });

  it('gives the last place to exactly one of several residents signing up at once', async () => {
    const res = await secretary.post('/api/v1/venue-activities', {
      centreId,
      place: '小区广场',
      title: '太极拳体验课',
      audience: 'all',
      host: '太极拳队',
      date: '2026-12-05',
      start: '09:00',
      end: '10:00',
      capacity: 1,
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = (res.json() as Activity).id;
    const tries = await Promise.all(residents.map((r) => r.post(`/api/v1/my/activities/${id}/signup`)));
    expect(tries.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    const statuses = tries.map((r) => (r.json() as Activity).mySignup?.status);
    expect(statuses.filter((s) => s === 'confirmed')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'waiting')).toHaveLength(3);
    const list = await signupsOf(id);
    expect(list.activity).toMatchObject({ confirmed: 1, waiting: 3 });
    expect(list.items.filter((s) => s.status === 'waiting').map((s) => s.position)).toEqual([1, 2, 3]);
  });

  it('lists the residents with no-shows, pausing the one with three', async () => {
    // it is 12:05 on Saturday 28 Nov; 马桂英 books three hours this afternoon and comes to none
    for (const start of ['13:00', '14:00', '15:00']) {
      const r = await residents[0]!.post('/api/v1/my/venue-bookings', {
        spaceId: spaces['音乐室'],
        date: '2026-11-28',
        start,
        end: `${Number(start.slice(0, 2)) + 1}:00`,
        purpose: '练琴',
        attendees: 1,
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    t.clock.set(new Date('2026-11-28T08:30:00.000Z')); // 16:30 Shanghai
    await signInAll();
    const res = await secretary.get(`/api/v1/venue-no-shows?centreId=${centreId}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      limit: number;
      items: { name: string; noShows: number; isPaused: boolean; pausedUntil: string | null }[];
    };
    // 赵玉梅's reading hour at noon went unattended too
    expect(body.items.map((i) => [i.name, i.noShows, i.isPaused])).toEqual([
      ['马桂英', 3, true],
      ['赵玉梅', 1, false],
    ]);
    expect(body.items[0]!.pausedUntil).toBe('2027-01-27T06:00:00.000Z');
    const refused = await residents[0]!.post('/api/v1/my/venue-bookings', {
      spaceId: spaces['音乐室'],
      date: '2026-12-05',
      start: '09:00',
      end: '10:00',
      purpose: '练琴',
      attendees: 1,
    });
    expect(refused.statusCode).toBe(403);
  });

  it('keeps photos of a room: staff add them, anyone sees them, a file that is no photo is a 400 on photos', async () => {
    const raw = await signInRaw(t.app, 'ymt_sj');
    const url = `/api/v1/venue-spaces/${spaces['舞蹈室']}/photos`;
    const send = (files: { field: string; fileName: string; data: Buffer }[]) => {
      const { payload, contentType } = multipartBody({ payload: '{}' }, files);
      return raw.send({ method: 'POST', url, payload, contentType });
    };
    const notPhoto = await send([
      { field: 'photos', fileName: '舞蹈室.png', data: TINY_PNG },
      { field: 'photos', fileName: '名单.txt', data: Buffer.from('马桂英 李秀兰') },
    ]);
    expect(notPhoto.statusCode, notPhoto.body).toBe(400);
    expect((notPhoto.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('photos');
    const added = await send([{ field: 'photos', fileName: '舞蹈室.png', data: TINY_PNG }]);
    expect(added.statusCode, added.body).toBe(201);
    const photoIds = (added.json() as { photoIds: string[] }).photoIds;
    expect(photoIds).toHaveLength(1);
    const photo = await t.app.inject({ method: 'GET', url: `/api/v1/venue-photos/${photoIds[0]}` });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.rawPayload.equals(TINY_PNG)).toBe(true);
    const calendar = await t.app.inject({
      method: 'GET',
      url: `/api/v1/public/communities/${CODES.yingMenTan}/venue-calendar`,
    });
    const rooms = (calendar.json() as { centres: { spaces: { name: string; photoIds: string[] }[] }[] }).centres[0]!
      .spaces;
    expect(rooms.find((r) => r.name === '舞蹈室')?.photoIds).toEqual(photoIds);
    const tooMany = await send(
      Array.from({ length: 6 }, (_, i) => ({ field: 'photos', fileName: `${i}.png`, data: TINY_PNG })),
    );
    expect(tooMany.statusCode).toBe(400);
    const removed = await secretary.request('DELETE', `${url}/${photoIds[0]}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect((removed.json() as { photoIds: string[] }).photoIds).toEqual([]);
  });

  it.each([
    [{ opens: '21:00', closes: '08:00' }, 'closes', 'reversed_times'],
    [{ opens: '08:15' }, 'opens', 'invalid_time'],
    [{ areaM2: -5 }, 'areaM2', undefined],
    [{ capacity: 2.5 }, 'capacity', undefined],
    [{ closedWeekdays: [8] }, 'closedWeekdays.0', undefined],
    [{ bookers: ['everyone'] }, 'bookers.0', undefined],
  ])('refuses a room with %j: a 400 on %s, nothing written', async (change, field, code) => {
    const before = (await secretary.get('/api/v1/venue-centres')).json() as { items: { spaces: unknown[] }[] };
    const res = await secretary.post(`/api/v1/venue-centres/${centreId}/spaces`, {
      name: '棋牌室',
      kind: 'other',
      areaM2: 40,
      capacity: 12,
      opens: '08:00',
      closes: '21:00',
      closedWeekdays: [],
      bookers: ['resident'],
      needsApproval: false,
      ...change,
    });
    expect(res.statusCode, res.body).toBe(400);
    const error = (res.json() as { errors: { field: string; code: string }[] }).errors[0]!;
    expect(error.field).toBe(field);
    if (code !== undefined) expect(error.code).toBe(code);
    const after = (await secretary.get('/api/v1/venue-centres')).json() as { items: { spaces: unknown[] }[] };
    expect(after.items[0]!.spaces).toHaveLength(before.items[0]!.spaces.length);
  });

  it.each([
    [{ spaceId: undefined, place: '' }, 'place'],
    [{ capacity: 31 }, 'capacity'],
    [{ start: '13:00', end: '12:00' }, 'end'],
    [{ date: '2026-11-30' }, 'date'], // the 舞蹈室 is closed on Mondays
  ])('refuses an activity with %j: a 400 on %s, nothing written', async (change, field) => {
    const count = async () =>
      Number(
        (
          await t.deps.db
            .selectFrom('venue_activities')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const res = await secretary.post('/api/v1/venue-activities', {
      centreId,
      spaceId: spaces['舞蹈室'],
      title: '广场舞教学',
      audience: 'all',
      host: '夕阳红舞蹈队',
      date: '2026-12-01',
      start: '09:00',
      end: '10:00',
      capacity: 20,
      ...change,
    });
    expect(res.statusCode, res.body).toBe(400);
    expect((res.json() as { errors: { field: string }[] }).errors[0]!.field).toBe(field);
    expect(await count()).toBe(before);
  });
});
