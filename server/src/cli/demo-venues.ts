import crypto from 'node:crypto';
import { countyKeyOf } from '../db/county-key.ts';
import { insertBookings } from '../modules/venues/bookings.ts';
import type { VenueBookingTable, VenueSpaceTable } from '../modules/venues/tables.ts';
import { instantOf } from '../modules/venues/time.ts';
import { addDays, currentDay } from '../platform/calendar.ts';
import type { AppDeps } from '../platform/deps.ts';
import { newId } from '../platform/ids.ts';
import { DEMO_COMMUNITIES } from './demo.ts';

/** The report's rooms: 书画室、阅览室、舞蹈室、音乐室 open to residents, a 议事厅 and 多功能厅 beside them. */
const ROOMS: Pick<
  VenueSpaceTable,
  'name' | 'kind' | 'area_m2' | 'capacity' | 'equipment' | 'bookers' | 'needs_approval'
>[] = [
  {
    name: '书画室',
    kind: 'calligraphy',
    area_m2: 60,
    capacity: 20,
    equipment: '书画桌 6 张、笔墨纸砚',
    bookers: 'resident,team,staff',
    needs_approval: 0,
  },
  {
    name: '阅览室',
    kind: 'reading',
    area_m2: 80,
    capacity: 30,
    equipment: '图书 2000 余册、报刊',
    bookers: 'resident,team,staff',
    needs_approval: 0,
  },
  {
    name: '舞蹈室',
    kind: 'dance',
    area_m2: 120,
    capacity: 30,
    equipment: '镜墙、把杆、音响',
    bookers: 'resident,team,staff',
    needs_approval: 1,
  },
  {
    name: '音乐室',
    kind: 'music',
    area_m2: 50,
    capacity: 15,
    equipment: '电子琴、二胡、音响',
    bookers: 'resident,team,staff',
    needs_approval: 0,
  },
  {
    name: '多功能厅',
    kind: 'multipurpose',
    area_m2: 150,
    capacity: 80,
    equipment: '投影、话筒',
    bookers: 'resident,team,partner,staff',
    needs_approval: 1,
  },
  {
    name: '议事厅',
    kind: 'council',
    area_m2: 50,
    capacity: 20,
    equipment: '会议桌',
    bookers: 'staff,partner',
    needs_approval: 0,
  },
];

/**
 * Demo data for 阵地与活动: a 党群服务中心 in each of the report's communities with its rooms (90%
 * of the area open to residents), a dance team's weekly evenings and a calligraphy class, staff
 * meetings, and activities ahead. Runs once.
 */
export async function seedDemoVenues(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const marker = await deps.db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'demo_venues_seeded')
    .executeTakeFirst();
  if (marker !== undefined) return;
  const now = deps.clock.now();
  const at = now.toISOString();
  const today = currentDay(now);
  let centres = 0;
  let bookings = 0;
  await deps.db.transaction().execute(async (trx) => {
    for (const c of DEMO_COMMUNITIES) {
      const unit = await trx.selectFrom('org_units').selectAll().where('code', '=', c.code).executeTakeFirst();
      const secretary = await trx
        .selectFrom('users')
        .select(['id', 'display_name'])
        .where('username', '=', `${c.slug}_sj`)
        .executeTakeFirst();
      if (unit === undefined || secretary === undefined) continue;
      const centreId = newId();
      await trx
        .insertInto('venue_centres')
        .values({
          id: centreId,
          org_id: unit.id,
          org_path: unit.path,
          name: `${c.name}党群服务中心`,
          address: null,
          created_at: at,
        })
        .execute();
      centres += 1;
      const spaces: VenueSpaceTable[] = ROOMS.map((r) => ({
        id: newId(),
        centre_id: centreId,
        org_path: unit.path,
        ...r,
        opens_min: 8 * 60,
        closes_min: r.kind === 'council' ? 18 * 60 : 21 * 60 + 30,
        closed_weekdays: '1',
        is_active: 1,
        qr_token: crypto.randomBytes(18).toString('base64url'),
        created_at: at,
      }));
      await trx.insertInto('venue_spaces').values(spaces).execute();
      const room = (kind: string) => spaces.find((s) => s.kind === kind)!;
      const rows: VenueBookingTable[] = [];
      const book = (
        space: VenueSpaceTable,
        day: string,
        from: number,
        to: number,
        purpose: string,
        kind: VenueBookingTable['booker_kind'],
        attendees: number,
        seriesId: string | null = null,
      ) => {
        const startsAt = instantOf(day, from * 60);
        rows.push({
          id: newId(),
          space_id: space.id,
          centre_id: centreId,
          org_path: unit.path,
          county_key: countyKeyOf(unit.path),
          series_id: seriesId,
          activity_id: null,
          booker_user_id: secretary.id,
          booker_name: secretary.display_name,
          booker_kind: kind,
          purpose,
          attendees,
          starts_at: startsAt,
          ends_at: instantOf(day, to * 60),
          status: 'approved',
          decided_by: secretary.id,
          decided_at: at,
          decision_note: null,
          // the past ones were held: checked in at the door
          checked_in_at: startsAt < at ? startsAt : null,
          checked_in_via: startsAt < at ? 'staff' : null,
          cancelled_at: null,
          created_at: at,
        });
      };
      // four weeks back and four ahead: the dance team on Friday evenings, calligraphy on Thursday mornings
      // (Tuesday evenings stay free: a resident books the 舞蹈室 for them from her phone, docs/venues.md)
      for (let w = -4; w <= 4; w++) {
        const base = addDays(today, w * 7);
        const weekday = new Date(`${base}T00:00:00Z`).getUTCDay() || 7;
        const friday = addDays(base, (5 - weekday + 7) % 7);
        const thursday = addDays(base, (4 - weekday + 7) % 7);
        book(room('dance'), friday, 19, 21, '舞蹈队排练', 'team', 18);
        book(room('calligraphy'), thursday, 9, 11, '老年书法班', 'team', 12);
        book(room('council'), thursday, 14, 15.5, '两委例会', 'staff', 9);
      }
      await insertBookings(trx, rows);
      bookings += rows.length;
      const activities = [
        {
          title: '重阳敬老茶话会',
          audience: 'elderly' as const,
          space: room('multipurpose'),
          day: addDays(today, 5),
          from: 15,
          to: 17,
          capacity: 60,
        },
        {
          title: '青少年书法体验课',
          audience: 'youth' as const,
          space: room('calligraphy'),
          day: addDays(today, 6),
          from: 14,
          to: 15.5,
          capacity: 15,
        },
        {
          title: '防诈骗宣传讲座',
          audience: 'all' as const,
          space: room('multipurpose'),
          day: addDays(today, 12),
          from: 9.5,
          to: 11,
          capacity: 80,
        },
      ];
      for (const a of activities) {
        const weekday = new Date(`${a.day}T00:00:00Z`).getUTCDay() || 7;
        const day = weekday === 1 ? addDays(a.day, 1) : a.day;
        const id = newId();
        const startsAt = instantOf(day, a.from * 60);
        const endsAt = instantOf(day, a.to * 60);
        const clash = await trx
          .selectFrom('venue_slots')
          .select('slot_start')
          .where('space_id', '=', a.space.id)
          .where('slot_start', '>=', startsAt)
          .where('slot_start', '<', endsAt)
          .executeTakeFirst();
        if (clash !== undefined) continue;
        await trx
          .insertInto('venue_activities')
          .values({
            id,
            centre_id: centreId,
            org_path: unit.path,
            space_id: a.space.id,
            place: null,
            title: a.title,
            description: null,
            audience: a.audience,
            host: `${c.name}党委`,
            starts_at: startsAt,
            ends_at: endsAt,
            capacity: a.capacity,
            status: 'published',
            created_by: secretary.id,
            created_at: at,
          })
          .execute();
        await insertBookings(trx, [
          {
            ...rows[0]!,
            id: newId(),
            space_id: a.space.id,
            series_id: null,
            activity_id: id,
            booker_kind: 'staff',
            purpose: a.title,
            attendees: a.capacity,
            starts_at: startsAt,
            ends_at: endsAt,
            checked_in_at: null,
            checked_in_via: null,
          },
        ]);
      }
    }
    await trx.insertInto('counters').values({ name: 'demo_venues_seeded', value: 1 }).execute();
  });
  log(`demo data: ${centres} 党群服务中心 with their rooms, ${bookings} bookings and activities ahead`);
}
