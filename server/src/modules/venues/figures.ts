import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { currentDay, currentMonth, shanghaiDay, shanghaiMonth } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import { ratio } from '../../platform/ratio.ts';
import { type UnitCounters, readUnitCounters } from '../insights/counters.ts';
import type { ServiceRowFilter, ServiceSource } from '../insights/service-figures.ts';
import { contributions, dimsOf } from '../insights/service-rows.ts';

/**
 * The figures of the centres' use (issue 13, item 4), counted into the insight counters (service-figures.ts)
 * and read from them by the console's figures, the dashboard's services panel and the 一表通 metrics:
 * - hours used: booked hours of approved bookings, activities' rooms included, less no-shows;
 * - a no-show: a resident's approved booking nobody checked in to, from the day after it (Shanghai days);
 * - residents' vs staff use: hours booked by residents, their teams and for activities, against hours
 *   booked by staff (meetings) and partner units;
 * - people served: the declared attendees of bookings checked in, plus participants checked in;
 * - activities held: published activities of the month whose day has passed.
 * Counters (dims month first): `venue.minutes` and `venue.bookings` by month|centre|room|booker|checked in|end day,
 * `venue.people` and `venue.participants` by month|centre, `venue.activities` by month|centre|end day.
 */

/** Approved bookings: minutes and bookings by month, centre, room, who booked, checked in and the day it ends. */
export const VENUE_BOOKINGS: ServiceSource = {
  name: 'venue.booking',
  async load(db: Kysely<DB>, filter: ServiceRowFilter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('venue_bookings')
      .select([
        'id',
        'org_path',
        'centre_id',
        'space_id',
        'activity_id',
        'booker_kind',
        'status',
        'attendees',
        'starts_at',
        'ends_at',
        'checked_in_at',
      ])
      .where(byIds ? 'id' : 'org_path', 'in', keys)
      .execute();
    return rows.map((b) => {
      const c = contributions();
      if (b.status === 'approved') {
        const month = shanghaiMonth(b.starts_at);
        const booker = b.activity_id !== null ? 'activity' : b.booker_kind;
        const checked = b.checked_in_at === null ? '0' : '1';
        const dims = dimsOf(month, b.centre_id, b.space_id, booker, checked, shanghaiDay(b.ends_at));
        c.add('venue.minutes', dims, Math.round((Date.parse(b.ends_at) - Date.parse(b.starts_at)) / 60_000));
        if (b.activity_id === null) c.add('venue.bookings', dims);
        if (b.activity_id === null && b.checked_in_at !== null)
          c.add('venue.people', dimsOf(month, b.centre_id), b.attendees);
      }
      return { id: b.id, org_path: b.org_path, contributions: c.list };
    });
  },
};

/** Published activities by month, centre and the day they end. */
export const VENUE_ACTIVITIES: ServiceSource = {
  name: 'venue.activity',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('venue_activities')
      .select(['id', 'org_path', 'centre_id', 'status', 'starts_at', 'ends_at'])
      .where(byIds ? 'id' : 'org_path', 'in', keys)
      .execute();
    return rows.map((a) => {
      const c = contributions();
      if (a.status === 'published')
        c.add('venue.activities', dimsOf(shanghaiMonth(a.starts_at), a.centre_id, shanghaiDay(a.ends_at)));
      return { id: a.id, org_path: a.org_path, contributions: c.list };
    });
  },
};

/** Participants checked in to activities, by month and centre (a signup counts at its activity's unit). */
export const VENUE_SIGNUPS: ServiceSource = {
  name: 'venue.signup',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('venue_signups as s')
      .innerJoin('venue_activities as a', 'a.id', 's.activity_id')
      .select(['s.id', 'a.org_path', 'a.centre_id', 'a.starts_at', 's.status', 's.checked_in_at'])
      .where(byIds ? 's.id' : 'a.org_path', 'in', keys)
      .execute();
    return rows.map((s) => {
      const c = contributions();
      if (s.checked_in_at !== null && s.status !== 'cancelled')
        c.add('venue.participants', dimsOf(shanghaiMonth(s.starts_at), s.centre_id));
      return { id: s.id, org_path: s.org_path, contributions: c.list };
    });
  },
};

export const VENUE_FACTS = [
  'venue.minutes',
  'venue.bookings',
  'venue.people',
  'venue.participants',
  'venue.activities',
];

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

interface Tally {
  minutes: number;
  residentMinutes: number;
  staffMinutes: number;
  bookings: number;
  noShows: number;
  people: number;
  held: number;
  spaces: Map<string, number>;
}

const tally = (): Tally => ({
  minutes: 0,
  residentMinutes: 0,
  staffMinutes: 0,
  bookings: 0,
  noShows: 0,
  people: 0,
  held: 0,
  spaces: new Map(),
});
const hours = (minutes: number) => Math.round(minutes / 6) / 10;
const figure = (t: Tally): VenueFigure => ({
  hoursUsed: hours(t.minutes),
  residentHours: hours(t.residentMinutes),
  staffHours: hours(t.staffMinutes),
  residentShare: t.minutes === 0 ? null : ratio(t.residentMinutes, t.minutes),
  bookings: t.bookings,
  noShows: t.noShows,
  peopleServed: t.people,
  activitiesHeld: t.held,
});

/**
 * The venue figures of a unit's counters for the months `inPeriod` takes, per centre and in total, as of
 * `today` (Shanghai day: no-shows and activities held depend on it). The one reading of the venue counters.
 */
export function venueTallies(c: UnitCounters, inPeriod: (dims: string) => boolean, today: string) {
  const total = tally();
  const centres = new Map<string, Tally>();
  const at = (centre: string) => {
    let t = centres.get(centre);
    if (t === undefined) centres.set(centre, (t = tally()));
    return t;
  };
  const both = (centre: string, f: (t: Tally) => void) => {
    f(total);
    f(at(centre));
  };
  for (const fact of ['venue.minutes', 'venue.bookings'] as const) {
    for (const [dims, n] of c.get(fact) ?? []) {
      if (!inPeriod(dims)) continue;
      const [, centre = '', space = '', booker = '', checked = '', endDay = ''] = dims.split('|');
      const isNoShow = booker === 'resident' && checked === '0' && endDay < today;
      if (fact === 'venue.bookings') {
        both(centre, (t) => {
          t.bookings += n;
          if (isNoShow) t.noShows += n;
        });
        continue;
      }
      if (isNoShow) continue;
      const isResidents = booker === 'activity' || booker === 'resident' || booker === 'team';
      both(centre, (t) => {
        t.minutes += n;
        if (isResidents) t.residentMinutes += n;
        else t.staffMinutes += n;
        t.spaces.set(space, (t.spaces.get(space) ?? 0) + n);
      });
    }
  }
  for (const fact of ['venue.people', 'venue.participants'] as const)
    for (const [dims, n] of c.get(fact) ?? []) {
      if (!inPeriod(dims)) continue;
      both(dims.split('|')[1] ?? '', (t) => (t.people += n));
    }
  for (const [dims, n] of c.get('venue.activities') ?? []) {
    if (!inPeriod(dims)) continue;
    const [, centre = '', endDay = ''] = dims.split('|');
    if (endDay < today) both(centre, (t) => (t.held += n));
  }
  return { total, centres };
}

/** The venue figures of a unit's counters for one month, in total (the services panel, the metrics). */
export function venueFigure(c: UnitCounters, inPeriod: (dims: string) => boolean, today: string): VenueFigure {
  return figure(venueTallies(c, inPeriod, today).total);
}

/** The figures of a unit (any level) for a month, per centre under it with its rooms, for the console. */
export async function getVenueFigures(deps: AppDeps, actor: Actor, orgId: string, month: string | undefined) {
  const m = month ?? currentMonth(deps.clock.now());
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(m))
    throw invalidField('month', 'invalid_month', { zh: '月份格式应为 YYYY-MM', en: 'The month must be YYYY-MM' });
  const read = await readUnitCounters(deps.database, actor, orgId, VENUE_FACTS);
  if (read === undefined) throw notFound({ zh: '组织', en: 'Org unit' });
  const org = read.unit;
  const { total, centres: byCentre } = venueTallies(
    read.counters,
    (dims) => dims.startsWith(m),
    currentDay(deps.clock.now()),
  );
  const subtreeEnd = `${org.path.slice(0, -1)}0`;
  const centres = await deps.db
    .selectFrom('venue_centres')
    .selectAll()
    .where('org_path', '>=', org.path)
    .where('org_path', '<', subtreeEnd)
    .orderBy('org_path')
    .orderBy('created_at')
    .execute();
  const ids = centres.map((c) => c.id);
  const [spaces, orgs] = await Promise.all([
    ids.length === 0
      ? []
      : deps.db.selectFrom('venue_spaces').select(['id', 'centre_id', 'name']).where('centre_id', 'in', ids).execute(),
    ids.length === 0
      ? []
      : deps.db
          .selectFrom('org_units')
          .select(['id', 'name'])
          .where('id', 'in', [...new Set(centres.map((c) => c.org_id))])
          .execute(),
  ]);
  return {
    month: m,
    orgId: org.id,
    total: figure(total),
    centres: centres.map((c) => {
      const t = byCentre.get(c.id) ?? tally();
      return {
        centreId: c.id,
        name: c.name,
        orgName: orgs.find((o) => o.id === c.org_id)?.name ?? '',
        ...figure(t),
        spaces: spaces
          .filter((s) => s.centre_id === c.id)
          .map((s) => ({ spaceId: s.id, name: s.name, hoursUsed: hours(t.spaces.get(s.id) ?? 0) })),
      };
    }),
  };
}
