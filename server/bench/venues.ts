import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { DialectName } from '../src/db/database.ts';
import { signUp } from '../src/modules/venues/activities.ts';
import { createBooking } from '../src/modules/venues/bookings.ts';
import type { Actor } from '../src/platform/access/scope.ts';
import { addDays, currentDay } from '../src/platform/calendar.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { AppDeps } from '../src/platform/deps.ts';
import { AppError } from '../src/platform/errors.ts';
import { newId } from '../src/platform/ids.ts';
import { PiiCipher } from '../src/platform/pii/crypto.ts';
import { fmtMs, freshDatabase, report, timed } from './util.ts';

const COMMUNITY = '/1/2/3/4/5/';

/** A centre with one room open all day every day, and a secretary over the community. */
async function seedRoom(deps: AppDeps) {
  const at = new Date().toISOString();
  const unitId = newId();
  await deps.db
    .insertInto('org_units')
    .values({
      id: unitId,
      key: 987655,
      parent_id: null,
      path: COMMUNITY,
      depth: 5,
      level: 'community',
      name: 'bench community',
      full_name: 'bench community',
      code: null,
      geometry: null,
      department_kind: null,
      retired_at: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const centreId = newId();
  await deps.db
    .insertInto('venue_centres')
    .values({ id: centreId, org_id: unitId, org_path: COMMUNITY, name: 'bench centre', address: null, created_at: at })
    .execute();
  const spaceId = newId();
  await deps.db
    .insertInto('venue_spaces')
    .values({
      id: spaceId,
      centre_id: centreId,
      org_path: COMMUNITY,
      name: '舞蹈室',
      kind: 'dance',
      area_m2: 120,
      capacity: 30,
      equipment: null,
      opens_min: 0,
      closes_min: 24 * 60,
      closed_weekdays: '',
      bookers: 'resident,team,staff',
      needs_approval: 0,
      is_active: 1,
      qr_token: crypto.randomBytes(18).toString('base64url'),
      created_at: at,
    })
    .execute();
  const staff: Actor = {
    userId: newId(),
    username: 'bench_sj',
    displayName: 'bench secretary',
    assignments: [{ role: 'community_secretary', orgId: unitId, orgPath: COMMUNITY }],
    via: 'cli',
    ip: null,
    userAgent: null,
  };
  return { centreId, spaceId, staff };
}

/**
 * `racers` bookings of the same room and slot at the same moment, each through the service in its own
 * transaction (`createBooking`, as the console's route calls it): exactly one wins, the rest are a 409 on
 * `start`, and the room holds the winner's slots only — the slots' primary key decides, on both engines.
 * Beside it, the bare engine: `racers` transactions inserting the same three slot rows into a table
 * keyed (space, slot start). Then `racers` sign-ups for an activity's last place (`signUp`): one place
 * taken, the rest on the waiting list, beside bare inserts of seat 1 into a unique (activity, seat).
 */
export async function benchVenueRaces(engine: DialectName, racers: number) {
  const fresh = await freshDatabase(engine, 'venues_race');
  try {
    const db = fresh.database.db;
    const deps = {
      db,
      dialect: engine,
      database: fresh.database,
      clock: systemClock,
      pii: new PiiCipher({ encryption: crypto.randomBytes(32), blindIndex: crypto.randomBytes(32) }),
    } as unknown as AppDeps;
    const { centreId, spaceId, staff } = await seedRoom(deps);
    const day = addDays(currentDay(systemClock.now()), 3);
    const race = await timed(() =>
      Promise.allSettled(
        Array.from({ length: racers }, (_, i) =>
          createBooking(
            deps,
            staff,
            {
              spaceId,
              date: day,
              start: '19:00',
              end: '20:30',
              purpose: `舞蹈队 ${i}`,
              attendees: 10,
              bookerKind: 'team',
            },
            'staff',
          ),
        ),
      ),
    );
    const won = race.result.filter((r) => r.status === 'fulfilled').length;
    const refused = race.result.filter(
      (r) =>
        r.status === 'rejected' &&
        r.reason instanceof AppError &&
        r.reason.status === 409 &&
        r.reason.errors[0]?.field === 'start',
    ).length;
    const slots = await db.selectFrom('venue_slots').select('booking_id').where('space_id', '=', spaceId).execute();
    const isOneBooking = slots.length === 3 && new Set(slots.map((s) => s.booking_id)).size === 1;

    await sql`create table bare_slots (space_id varchar(36) not null, slot_start varchar(32) not null, primary key (space_id, slot_start))`.execute(
      db,
    );
    const bare = await timed(() =>
      Promise.allSettled(
        Array.from({ length: racers }, () =>
          db.transaction().execute(async (trx) => {
            for (const slot of ['19:00', '19:30', '20:00'])
              await sql`insert into bare_slots values (${spaceId}, ${`${day}T${slot}`})`.execute(trx);
          }),
        ),
      ),
    );
    const bareWon = bare.result.filter((r) => r.status === 'fulfilled').length;
    report({
      scenario: 'venues',
      engine,
      figure: `${racers} simultaneous bookings of the same room and slot`,
      platform: `${won} won, ${refused} refused (409 on start), room holds ${slots.length} slots of ${isOneBooking ? 'one booking' : 'several bookings'}, ${fmtMs(race.ms)}`,
      baseline: `${bareWon} of ${racers} bare slot-key inserts won, ${fmtMs(bare.ms)}`,
      platformValue: race.ms,
      baselineValue: Math.max(bare.ms, 1),
      target: 'exactly one wins, the rest a clear 409',
      isMet: won === 1 && refused === racers - 1 && isOneBooking,
    });

    // an activity's last place
    const activityId = newId();
    const startsAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await db
      .insertInto('venue_activities')
      .values({
        id: activityId,
        centre_id: centreId,
        org_path: COMMUNITY,
        space_id: null,
        place: '广场',
        title: '太极拳体验课',
        description: null,
        audience: 'all',
        host: 'bench',
        starts_at: startsAt,
        ends_at: new Date(Date.parse(startsAt) + 3_600_000).toISOString(),
        capacity: 1,
        status: 'published',
        created_by: staff.userId,
        created_at: new Date().toISOString(),
      })
      .execute();
    const people: Actor[] = Array.from({ length: racers }, (_, i) => ({
      ...staff,
      userId: newId(),
      username: `bench_r${i}`,
      displayName: `居民${i}`,
      assignments: [],
    }));
    const signups = await timed(() => Promise.allSettled(people.map((p) => signUp(deps, p, activityId))));
    const statuses = await db
      .selectFrom('venue_signups')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('activity_id', '=', activityId)
      .groupBy('status')
      .execute();
    const count = (s: string) => Number(statuses.find((r) => r.status === s)?.n ?? 0);
    const failed = signups.result.filter((r) => r.status === 'rejected').length;
    await sql`create table bare_seats (activity_id varchar(36) not null, seat integer not null, primary key (activity_id, seat))`.execute(
      db,
    );
    const bareSeats = await timed(() =>
      Promise.allSettled(
        people.map(() =>
          db.transaction().execute(async (trx) => {
            await sql`insert into bare_seats values (${activityId}, 1)`.execute(trx);
          }),
        ),
      ),
    );
    report({
      scenario: 'venues',
      engine,
      figure: `${racers} simultaneous sign-ups for an activity's last place`,
      platform: `${count('confirmed')} confirmed, ${count('waiting')} waiting, ${failed} failed, ${fmtMs(signups.ms)}`,
      baseline: `${bareSeats.result.filter((r) => r.status === 'fulfilled').length} of ${racers} bare seat inserts won, ${fmtMs(bareSeats.ms)}`,
      platformValue: signups.ms,
      baselineValue: Math.max(bareSeats.ms, 1),
      target: 'exactly one gets the place, the rest wait in order',
      isMet: count('confirmed') === 1 && count('waiting') === racers - 1 && failed === 0,
    });
  } finally {
    await fresh.drop();
  }
}
