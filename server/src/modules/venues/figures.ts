import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, inScopeWithin } from '../../platform/access/scope.ts';
import { addMonths, currentMonth, dayStart } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import { isNoShow } from './bookings.ts';
import type { VenueBookingTable } from './tables.ts';

/**
 * The figures of the centres' use, one definition for the console's figures, the public page and the
 * 一表通 metrics (reports/metrics.ts):
 * - hours used: booked hours of approved bookings that were not no-shows (activities' rooms included);
 * - residents' vs staff use: hours booked by residents, their teams and for activities, against hours
 *   booked by staff (meetings) and partner units;
 * - people served: the declared attendees of bookings checked in, plus participants checked in;
 * - activities held: published activities that ended in the month.
 */
export interface VenueFigure {
  hoursUsed: number;
  residentHours: number;
  staffHours: number;
  residentShare: number | null;
  bookings: number;
  noShows: number;
  peopleServed: number;
  activitiesHeld: number;
}

const HOUR_MS = 3_600_000;
const empty = (): Omit<VenueFigure, 'residentShare'> => ({
  hoursUsed: 0,
  residentHours: 0,
  staffHours: 0,
  bookings: 0,
  noShows: 0,
  peopleServed: 0,
  activitiesHeld: 0,
});
const finish = (f: Omit<VenueFigure, 'residentShare'>): VenueFigure => ({
  ...f,
  hoursUsed: Math.round(f.hoursUsed * 10) / 10,
  residentHours: Math.round(f.residentHours * 10) / 10,
  staffHours: Math.round(f.staffHours * 10) / 10,
  residentShare: f.hoursUsed === 0 ? null : f.residentHours / f.hoursUsed,
});

type BookingRow = Pick<
  VenueBookingTable,
  | 'centre_id'
  | 'space_id'
  | 'booker_kind'
  | 'status'
  | 'checked_in_at'
  | 'ends_at'
  | 'starts_at'
  | 'attendees'
  | 'activity_id'
>;

/** Adds one booking to a figure; returns its hours (0 when it does not count). */
function addBooking(f: Omit<VenueFigure, 'residentShare'>, b: BookingRow, nowIso: string): number {
  if (b.status !== 'approved') return 0;
  if (isNoShow(b, nowIso)) {
    f.noShows += 1;
    return 0;
  }
  const hours = (Date.parse(b.ends_at) - Date.parse(b.starts_at)) / HOUR_MS;
  f.hoursUsed += hours;
  if (b.activity_id !== null || b.booker_kind === 'resident' || b.booker_kind === 'team') f.residentHours += hours;
  else f.staffHours += hours;
  if (b.activity_id === null) {
    f.bookings += 1;
    if (b.checked_in_at !== null) f.peopleServed += b.attendees;
  }
  return hours;
}

/** The month's range [start, end) in UTC, for a Shanghai month 'YYYY-MM'. */
export function monthRange(month: string): { start: string; end: string } {
  return { start: dayStart(`${month}-01`), end: dayStart(`${addMonths(month, 1)}-01`) };
}

/**
 * Per centre under `orgPath` (with their rooms' hours) and in total, for one month. `within` narrows
 * it to the caller's scope where one is given.
 */
export async function computeVenueFigures(
  db: Kysely<DB>,
  orgPath: string,
  month: string,
  now: Date,
  scope?: { actor: Actor },
) {
  const { start, end } = monthRange(month);
  const nowIso = now.toISOString();
  const subtreeEnd = `${orgPath.slice(0, -1)}0`;
  let centresQ = db
    .selectFrom('venue_centres')
    .selectAll()
    .where('org_path', '>=', orgPath)
    .where('org_path', '<', subtreeEnd);
  if (scope !== undefined)
    centresQ = centresQ.where(inScopeWithin<DB, 'venue_centres'>(scope.actor, 'insight.read', 'org_path', orgPath));
  const centres = await centresQ.orderBy('org_path').orderBy('created_at').execute();
  const ids = centres.map((c) => c.id);
  const [bookings, spaces, activities, checkedIn, orgs] = await Promise.all([
    ids.length === 0
      ? []
      : db
          .selectFrom('venue_bookings')
          .select([
            'centre_id',
            'space_id',
            'booker_kind',
            'status',
            'checked_in_at',
            'ends_at',
            'starts_at',
            'attendees',
            'activity_id',
          ])
          .where('centre_id', 'in', ids)
          .where('starts_at', '>=', start)
          .where('starts_at', '<', end)
          .execute(),
    ids.length === 0
      ? []
      : db.selectFrom('venue_spaces').select(['id', 'centre_id', 'name']).where('centre_id', 'in', ids).execute(),
    ids.length === 0
      ? []
      : db
          .selectFrom('venue_activities')
          .select(['id', 'centre_id'])
          .where('centre_id', 'in', ids)
          .where('status', '=', 'published')
          .where('starts_at', '>=', start)
          .where('starts_at', '<', end)
          .where('ends_at', '<=', nowIso)
          .execute(),
    ids.length === 0
      ? []
      : db
          .selectFrom('venue_signups')
          .innerJoin('venue_activities', 'venue_activities.id', 'venue_signups.activity_id')
          .select(['venue_activities.centre_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('venue_activities.centre_id', 'in', ids)
          .where('venue_activities.starts_at', '>=', start)
          .where('venue_activities.starts_at', '<', end)
          .where('venue_signups.checked_in_at', 'is not', null)
          .groupBy('venue_activities.centre_id')
          .execute(),
    ids.length === 0
      ? []
      : db
          .selectFrom('org_units')
          .select(['id', 'name'])
          .where('id', 'in', [...new Set(centres.map((c) => c.org_id))])
          .execute(),
  ]);
  const total = empty();
  const rows = centres.map((c) => {
    const f = empty();
    const spaceHours = new Map<string, number>();
    for (const b of bookings) {
      if (b.centre_id !== c.id) continue;
      const h = addBooking(f, b, nowIso);
      addBooking(total, b, nowIso);
      spaceHours.set(b.space_id, (spaceHours.get(b.space_id) ?? 0) + h);
    }
    const held = activities.filter((a) => a.centre_id === c.id).length;
    const participants = Number(checkedIn.find((x) => x.centre_id === c.id)?.n ?? 0);
    f.activitiesHeld += held;
    total.activitiesHeld += held;
    f.peopleServed += participants;
    total.peopleServed += participants;
    return {
      centreId: c.id,
      name: c.name,
      orgName: orgs.find((o) => o.id === c.org_id)?.name ?? '',
      ...finish(f),
      spaces: spaces
        .filter((s) => s.centre_id === c.id)
        .map((s) => ({ spaceId: s.id, name: s.name, hoursUsed: Math.round((spaceHours.get(s.id) ?? 0) * 10) / 10 })),
    };
  });
  return { total: finish(total), centres: rows };
}

/** The figures of a unit (any level) for a month, for the console and the dashboard. */
export async function getVenueFigures(deps: AppDeps, actor: Actor, orgId: string, month: string | undefined) {
  const org = await deps.db.selectFrom('org_units').select(['id', 'path']).where('id', '=', orgId).executeTakeFirst();
  if (org === undefined) throw notFound({ zh: '组织', en: 'Org unit' });
  const m = month ?? currentMonth(deps.clock.now());
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(m))
    throw invalidField('month', 'invalid_month', { zh: '月份格式应为 YYYY-MM', en: 'The month must be YYYY-MM' });
  const figures = await computeVenueFigures(deps.db, org.path, m, deps.clock.now(), { actor });
  return { month: m, orgId: org.id, ...figures };
}
