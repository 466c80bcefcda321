import { subtreeEnd } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { addDays, currentDay } from '../../platform/calendar.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { describeCentres } from './spaces.ts';
import { instantOf, isDay } from './time.ts';

/** The public calendar shows this many days from its first. */
export const CALENDAR_DAYS = 7;

/**
 * 阵地日历, on the community's public page (no sign-in): each centre at the community or under it, its
 * rooms, and a week of what happens there — activities (title, host, audience, places taken) and room
 * bookings. A booking names no one: a resident's reads "已预约" (title null); one staff made for a team,
 * a partner unit or a meeting shows its purpose (the team's name, the meeting).
 */
export async function getPublicVenueCalendar(deps: AppDeps, code: string, from: string | undefined) {
  const community = await deps.db
    .selectFrom('org_units')
    .select(['path', 'code', 'name'])
    .where('code', '=', code)
    .where('level', '=', 'community')
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  if (community === undefined)
    throw new AppError('NOT_FOUND', {
      zh: `没有代码为 ${code} 的社区，请从社区列表中选择`,
      en: `No community has the code ${code}; choose one from the list`,
    });
  if (from !== undefined && !isDay(from))
    throw invalidField('from', 'invalid_day', { zh: '日期格式应为 YYYY-MM-DD', en: 'The date must be YYYY-MM-DD' });
  const first = from ?? currentDay(deps.clock.now());
  const start = instantOf(first, 0);
  const end = instantOf(addDays(first, CALENDAR_DAYS), 0);
  const centreRows = await deps.db
    .selectFrom('venue_centres')
    .selectAll()
    .where('org_path', '>=', community.path)
    .where('org_path', '<', subtreeEnd(community.path))
    .orderBy('org_path')
    .orderBy('created_at')
    .limit(50)
    .execute();
  const centres = await describeCentres(deps.db, centreRows);
  const ids = centres.map((c) => c.id);
  const [bookings, activities] =
    ids.length === 0
      ? [[], []]
      : await Promise.all([
          deps.db
            .selectFrom('venue_bookings')
            .innerJoin('venue_spaces', 'venue_spaces.id', 'venue_bookings.space_id')
            .select([
              'venue_bookings.id',
              'venue_bookings.centre_id',
              'venue_bookings.booker_kind',
              'venue_bookings.purpose',
              'venue_bookings.status',
              'venue_bookings.starts_at',
              'venue_bookings.ends_at',
              'venue_spaces.name as space_name',
            ])
            .where('venue_bookings.centre_id', 'in', ids)
            .where('venue_bookings.activity_id', 'is', null)
            .where('venue_bookings.status', 'in', ['pending', 'approved'])
            .where('venue_bookings.ends_at', '>', start)
            .where('venue_bookings.starts_at', '<', end)
            .orderBy('venue_bookings.starts_at')
            .limit(1000)
            .execute(),
          deps.db
            .selectFrom('venue_activities')
            .leftJoin('venue_spaces', 'venue_spaces.id', 'venue_activities.space_id')
            .leftJoin(
              (eb) =>
                eb
                  .selectFrom('venue_signups')
                  .select(['activity_id', (x) => x.fn.countAll<number>().as('n')])
                  .where('status', '=', 'confirmed')
                  .groupBy('activity_id')
                  .as('taken'),
              (join) => join.onRef('taken.activity_id', '=', 'venue_activities.id'),
            )
            .select([
              'venue_activities.id',
              'venue_activities.centre_id',
              'venue_activities.title',
              'venue_activities.host',
              'venue_activities.audience',
              'venue_activities.place',
              'venue_activities.capacity',
              'venue_activities.starts_at',
              'venue_activities.ends_at',
              'venue_spaces.name as space_name',
              'taken.n',
            ])
            .where('venue_activities.centre_id', 'in', ids)
            .where('venue_activities.status', '=', 'published')
            .where('venue_activities.ends_at', '>', start)
            .where('venue_activities.starts_at', '<', end)
            .orderBy('venue_activities.starts_at')
            .limit(500)
            .execute(),
        ]);
  return {
    community: { code, name: community.name },
    from: first,
    days: CALENDAR_DAYS,
    centres: centres.map((c) => ({
      id: c.id,
      name: c.name,
      orgName: c.orgName,
      address: c.address,
      totalAreaM2: c.totalAreaM2,
      residentShare: c.residentShare,
      spaces: c.spaces
        .filter((s) => s.isActive)
        .map((s) => ({
          id: s.id,
          name: s.name,
          kind: s.kind,
          areaM2: s.areaM2,
          capacity: s.capacity,
          opens: s.opens,
          closes: s.closes,
          closedWeekdays: s.closedWeekdays,
          isForResidents: s.bookers.includes('resident'),
          photoIds: s.photoIds,
        })),
      activities: activities
        .filter((a) => a.centre_id === c.id)
        .map((a) => ({
          id: a.id,
          title: a.title,
          host: a.host,
          audience: a.audience,
          place: a.place ?? a.space_name ?? '',
          startsAt: a.starts_at,
          endsAt: a.ends_at,
          capacity: a.capacity,
          taken: Number(a.n ?? 0),
        })),
      bookings: bookings
        .filter((b) => b.centre_id === c.id)
        .map((b) => ({
          spaceName: b.space_name,
          startsAt: b.starts_at,
          endsAt: b.ends_at,
          isPending: b.status === 'pending',
          // a resident's purpose is her own business: the calendar only says the room is taken
          title: b.booker_kind === 'resident' ? null : b.purpose,
        })),
    })),
  };
}
