import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { expectErrorBody } from '../../test/http.ts';
import { idNumberFor, registerResident, signInBySms } from '../residents/fixture.ts';
import { openCentre } from './fixture.ts';

interface Booking {
  id: string;
  status: string;
  startsAt: string;
  endsAt: string;
  seriesId: string | null;
  checkedInAt: string | null;
  isNoShow: boolean;
}
interface Batch {
  seriesId: string | null;
  items: Booking[];
}

/**
 * 阵地预约: a resident of 营门滩社区 books the 舞蹈室 every Tuesday evening from her phone, the
 * secretary approves, and a second resident's overlapping booking is refused by the database's slots;
 * bad input is a 400 naming the field with nothing written.
 */
describe.each(DIALECTS)('room bookings on %s', (dialect) => {
  let t: TestContext;
  let secretary: Client;
  let otherStaff: Client;
  let her: Client;
  let neighbour: Client;
  let stranger: Client;
  let spaces: Record<string, string>;
  let centreId: string;

  const bookingCount = async () =>
    Number(
      (
        await t.deps.db
          .selectFrom('venue_bookings')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'szs_staff', role: 'community_staff', orgCode: CODES.shanZiShi });
    secretary = await t.login('ymt_sj');
    otherStaff = await t.login('szs_staff');
    const ymt = await t.org(CODES.yingMenTan);
    ({ centreId, spaces } = await openCentre(secretary, ymt.id));
    const people = [
      { name: '马桂英', idNumber: idNumberFor('1956-03-02', 118), phone: '13700003001' },
      { name: '李秀兰', idNumber: idNumberFor('1958-07-19', 126), phone: '13700003002' },
    ];
    const clients: Client[] = [];
    for (const [i, p] of people.entries()) {
      await registerResident(secretary, { orgId: ymt.id, address: `营门滩路 ${40 + i} 号` }, p);
      const c = await signInBySms(t, p.phone);
      const bound = await c.post('/api/v1/my/binding', { name: p.name, idNumber: p.idNumber });
      expect(bound.json()).toMatchObject({ isBound: true });
      clients.push(c);
    }
    [her, neighbour] = clients as [Client, Client];
    stranger = await signInBySms(t, '13700003009');
  }, 120_000);
  afterAll(() => t.close());

  it('computes the centre’s area and the share residents may book from its rooms', async () => {
    const list = (await secretary.get('/api/v1/venue-centres')).json() as {
      items: { id: string; totalAreaM2: number; residentAreaM2: number; residentShare: number }[];
    };
    const centre = list.items.find((c) => c.id === centreId)!;
    expect(centre.totalAreaM2).toBe(60 + 80 + 120 + 50 + 30);
    expect(centre.residentAreaM2).toBe(310);
    expect(centre.residentShare).toBeCloseTo(310 / 340);
    const mine = (await her.get('/api/v1/my/venues')).json() as { items: { spaces: { name: string }[] }[] };
    expect(mine.items[0]!.spaces.map((s) => s.name)).toEqual(['书画室', '阅览室', '舞蹈室', '音乐室']);
  });

  it('books the 舞蹈室 every Tuesday evening until a date; the secretary approves them all and she is told', async () => {
    const made = await her.post('/api/v1/my/venue-bookings', {
      spaceId: spaces['舞蹈室'],
      date: '2026-12-01',
      start: '19:00',
      end: '21:00',
      purpose: '广场舞队排练',
      attendees: 12,
      repeat: { every: 'week', until: '2026-12-29' },
    });
    expect(made.statusCode, made.body).toBe(201);
    const batch = made.json() as Batch;
    expect(batch.items).toHaveLength(5);
    expect(batch.items.every((b) => b.status === 'pending')).toBe(true);
    expect(batch.items[0]!.startsAt).toBe('2026-12-01T11:00:00.000Z');
    expect(batch.items[4]!.startsAt).toBe('2026-12-29T11:00:00.000Z');

    const pending = (await secretary.get(`/api/v1/venue-bookings?status=pending&centreId=${centreId}`)).json() as {
      items: Booking[];
    };
    expect(pending.items.map((b) => b.id).sort()).toEqual(batch.items.map((b) => b.id).sort());
    const decided = await secretary.post(`/api/v1/venue-bookings/${batch.items[2]!.id}/decision`, {
      decision: 'approve',
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect((decided.json() as Batch).items.map((b) => b.status)).toEqual(Array(5).fill('approved'));
    const bell = (await her.get('/api/v1/messages/mine')).json() as { items: { kind: string; title: string }[] };
    const told = bell.items.find((m) => m.kind === 'venue.booking_approved');
    expect(told?.title).toContain('舞蹈室');
    expect(told?.title).toContain('共 5 次');
  });

  it('refuses a second resident’s overlapping booking with a 409 on start, and writes nothing', async () => {
    const before = await bookingCount();
    const res = await neighbour.post('/api/v1/my/venue-bookings', {
      spaceId: spaces['舞蹈室'],
      date: '2026-12-15',
      start: '20:30',
      end: '21:30',
      purpose: '合唱',
      attendees: 8,
    });
    expect(res.statusCode, res.body).toBe(409);
    expectErrorBody(res, 'CONFLICT');
    expect((res.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('start');
    expect(await bookingCount()).toBe(before);
    // the hour before is free
    const free = await neighbour.post('/api/v1/my/venue-bookings', {
      spaceId: spaces['舞蹈室'],
      date: '2026-12-15',
      start: '18:00',
      end: '19:00',
      purpose: '合唱',
      attendees: 8,
    });
    expect(free.statusCode, free.body).toBe(201);
  });

  it('lets exactly one of twenty simultaneous bookings of one slot win; the rest are 409', async () => {
    const tries = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        secretary.post('/api/v1/venue-bookings', {
          spaceId: spaces['书画室'],
          date: '2026-12-02',
          start: '09:00',
          end: '10:30',
          purpose: `书法班 ${i}`,
          attendees: 5,
          bookerKind: 'team',
        }),
      ),
    );
    expect(tries.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(tries.filter((r) => r.statusCode === 409)).toHaveLength(19);
    const held = await t.deps.db
      .selectFrom('venue_slots')
      .select('booking_id')
      .where('space_id', '=', spaces['书画室']!)
      .execute();
    expect(held).toHaveLength(3);
  });

  it.each([
    [{ start: '20:00', end: '19:00' }, 'end', 'reversed_times'],
    [{ start: '19:15', end: '20:00' }, 'start', 'invalid_time'],
    [{ start: '07:00', end: '09:00' }, 'start', 'outside_opening_hours'],
    [{ start: '20:00', end: '22:00' }, 'end', 'outside_opening_hours'],
    [{ date: '2026-12-07' }, 'date', 'closed_day'],
    [{ date: '2026-02-30' }, 'date', 'invalid_day'],
    [{ date: '2026-11-27' }, 'start', 'in_past'],
    [{ repeat: { every: 'week' } }, 'repeat.until', 'required'],
    [{ repeat: { every: 'week', until: '2027-12-01' } }, 'repeat.until', 'too_long'],
    [{ attendees: 31 }, 'attendees', 'over_capacity'],
  ])('refuses %j with a 400 on %s and writes nothing', async (change, field, code) => {
    const before = await bookingCount();
    const res = await her.post('/api/v1/my/venue-bookings', {
      spaceId: spaces['阅览室'],
      date: '2026-12-03',
      start: '10:00',
      end: '11:00',
      purpose: '读书会',
      attendees: 5,
      ...change,
    });
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json() as { errors: { field: string; code: string; message_zh: string; message_en: string }[] };
    expect(body.errors[0]).toMatchObject({ field, code });
    expect(body.errors[0]!.message_zh).not.toBe('');
    expect(await bookingCount()).toBe(before);
  });

  it('keeps rooms to their own community’s bound residents, and staff rooms to staff', async () => {
    const body = {
      spaceId: spaces['阅览室'],
      date: '2026-12-03',
      start: '10:00',
      end: '11:00',
      purpose: '自习',
      attendees: 1,
    };
    const unbound = await stranger.post('/api/v1/my/venue-bookings', body);
    expect(unbound.statusCode).toBe(403);
    const hall = await her.post('/api/v1/my/venue-bookings', { ...body, spaceId: spaces['议事厅'] });
    expect(hall.statusCode).toBe(403);
    const outside = await otherStaff.post('/api/v1/venue-bookings', body);
    expect(outside.statusCode).toBe(404);
  });

  it('cancels up to two hours before, freeing the slots; later it is refused on id', async () => {
    const made = (
      await her.post('/api/v1/my/venue-bookings', {
        spaceId: spaces['音乐室'],
        date: '2026-11-28',
        start: '14:00',
        end: '15:00',
        purpose: '二胡练习',
        attendees: 2,
      })
    ).json() as Batch;
    const late = (
      await her.post('/api/v1/my/venue-bookings', {
        spaceId: spaces['音乐室'],
        date: '2026-11-28',
        start: '11:00',
        end: '12:00',
        purpose: '二胡练习',
        attendees: 2,
      })
    ).json() as Batch;
    const tooLate = await her.post(`/api/v1/my/venue-bookings/${late.items[0]!.id}/cancel`, {});
    expect(tooLate.statusCode).toBe(409);
    expect((tooLate.json() as { errors: { code: string }[] }).errors[0]!.code).toBe('past_deadline');
    const ok = await her.post(`/api/v1/my/venue-bookings/${made.items[0]!.id}/cancel`, {});
    expect(ok.statusCode, ok.body).toBe(200);
    const again = await neighbour.post('/api/v1/my/venue-bookings', {
      spaceId: spaces['音乐室'],
      date: '2026-11-28',
      start: '14:00',
      end: '15:00',
      purpose: '古筝',
      attendees: 1,
    });
    expect(again.statusCode, again.body).toBe(201);
    // not hers to cancel
    const theirs = (again.json() as Batch).items[0]!.id;
    expect((await her.post(`/api/v1/my/venue-bookings/${theirs}/cancel`, {})).statusCode).toBe(404);
  });

  it('checks her in by the room’s QR code; a wrong code or no booking now is a 400', async () => {
    const qr = (await secretary.get(`/api/v1/venue-spaces/${spaces['音乐室']}/qr`)).json() as { path: string };
    const token = new URL(qr.path, 'http://x').searchParams.get('t')!;
    const wrong = await her.post('/api/v1/my/venue-check-ins', { spaceId: spaces['音乐室'], token: 'x'.repeat(24) });
    expect(wrong.statusCode).toBe(400);
    // her 11:00 booking opens for check-in at 10:30
    const early = await her.post('/api/v1/my/venue-check-ins', { spaceId: spaces['音乐室'], token });
    expect(early.statusCode).toBe(400);
    expect((early.json() as { errors: { field: string }[] }).errors[0]!.field).toBe('spaceId');
    // sessions idle out after 30 minutes: she keeps hers open as she walks over
    t.clock.advance(25 * 60_000);
    await her.get('/api/v1/my/venue-bookings');
    t.clock.advance(20 * 60_000);
    const inside = await her.post('/api/v1/my/venue-check-ins', { spaceId: spaces['音乐室'], token });
    expect(inside.statusCode, inside.body).toBe(200);
    expect((inside.json() as Booking).checkedInAt).not.toBeNull();
  });

  it('counts no-shows and pauses booking at the third within 60 days', async () => {
    neighbour = await signInBySms(t, '13700003002'); // her session idled out while the clock moved
    // with the 古筝 hour of the 28th she never came to, two more on Sunday 29 Nov make three
    for (const start of ['09:00', '10:00']) {
      const r = await neighbour.post('/api/v1/my/venue-bookings', {
        spaceId: spaces['书画室'],
        date: '2026-11-29',
        start,
        end: `${String(Number(start.slice(0, 2)) + 1).padStart(2, '0')}:00`,
        purpose: '练字',
        attendees: 1,
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    t.clock.set(new Date('2026-11-29T05:00:00.000Z')); // 13:00 Shanghai
    neighbour = await signInBySms(t, '13700003002');
    const mine = (await neighbour.get('/api/v1/my/venue-bookings')).json() as {
      standing: { noShows: number; isPaused: boolean };
    };
    expect(mine.standing).toMatchObject({ noShows: 3, isPaused: true });
    const refused = await neighbour.post('/api/v1/my/venue-bookings', {
      spaceId: spaces['书画室'],
      date: '2026-12-06',
      start: '09:00',
      end: '10:00',
      purpose: '练字',
      attendees: 1,
    });
    expect(refused.statusCode).toBe(403);
    expect((refused.json() as { errors: { code: string }[] }).errors[0]!.code).toBe('booking_paused');
  });
});
