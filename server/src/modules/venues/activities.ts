import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, inScope } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { currentDay } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { enqueueMessage } from '../messages/outbox.ts';
import { CHECK_IN_EARLY_MS, insertBookings, isUniqueViolation, slotTaken } from './bookings.ts';
import { getCentreRow, residentNameOf } from './spaces.ts';
import type { Audience, VenueActivityTable, VenueBookingTable, VenueSignupTable } from './tables.ts';
import { checkTimes, instantOf, spanText } from './time.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { VENUE_ACTIVITIES, VENUE_SIGNUPS } from './figures.ts';
import { countyKeyOf } from '../../db/county-key.ts';

export const ACTIVITY = { zh: '活动', en: 'Activity' };
/** Opening rules of a place that is not a room: any time, any day. */
export const ALL_DAY = { opens_min: 0, closes_min: 24 * 60, closed_weekdays: '' };

type Db = Kysely<DB> | Transaction<DB>;

export interface ActivityInput {
  centreId: string;
  spaceId?: string | undefined;
  place?: string | undefined;
  title: string;
  description?: string | undefined;
  audience: Audience;
  host: string;
  date: string;
  start: string;
  end: string;
  capacity: number;
}

interface Counts {
  confirmed: number;
  waiting: number;
}

async function countsOf(db: Db, ids: string[]): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('venue_signups')
    .select(['activity_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('activity_id', 'in', ids)
    .where('status', 'in', ['confirmed', 'waiting'])
    .groupBy(['activity_id', 'status'])
    .execute();
  for (const r of rows) {
    const c = out.get(r.activity_id) ?? { confirmed: 0, waiting: 0 };
    if (r.status === 'confirmed') c.confirmed = Number(r.n);
    else c.waiting = Number(r.n);
    out.set(r.activity_id, c);
  }
  return out;
}

/** Her place on the waiting list: 1 is next. */
async function positionOf(db: Db, s: VenueSignupTable): Promise<number | null> {
  if (s.status !== 'waiting') return null;
  const ahead = await db
    .selectFrom('venue_signups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('activity_id', '=', s.activity_id)
    .where('status', '=', 'waiting')
    .where((eb) =>
      eb.or([eb('queued_at', '<', s.queued_at), eb.and([eb('queued_at', '=', s.queued_at), eb('id', '<', s.id)])]),
    )
    .executeTakeFirstOrThrow();
  return Number(ahead.n) + 1;
}

export async function describeActivities(db: Db, rows: VenueActivityTable[], userId: string | null) {
  const ids = rows.map((r) => r.id);
  const [counts, centres, spaces, mine] = await Promise.all([
    countsOf(db, ids),
    ids.length === 0
      ? []
      : db
          .selectFrom('venue_centres')
          .select(['id', 'name'])
          .where('id', 'in', [...new Set(rows.map((r) => r.centre_id))])
          .execute(),
    ids.length === 0
      ? []
      : db
          .selectFrom('venue_spaces')
          .select(['id', 'name'])
          .where('id', 'in', [...new Set(rows.flatMap((r) => (r.space_id === null ? [] : [r.space_id])))].concat(['-']))
          .execute(),
    userId === null || ids.length === 0
      ? []
      : db
          .selectFrom('venue_signups')
          .selectAll()
          .where('activity_id', 'in', ids)
          .where('user_id', '=', userId)
          .execute(),
  ]);
  const out = [];
  for (const a of rows) {
    const c = counts.get(a.id) ?? { confirmed: 0, waiting: 0 };
    const my = mine.find((s) => s.activity_id === a.id && s.status !== 'cancelled');
    out.push({
      id: a.id,
      centreId: a.centre_id,
      centreName: centres.find((x) => x.id === a.centre_id)?.name ?? '',
      spaceId: a.space_id,
      place: a.place ?? spaces.find((s) => s.id === a.space_id)?.name ?? '',
      title: a.title,
      description: a.description,
      audience: a.audience,
      host: a.host,
      startsAt: a.starts_at,
      endsAt: a.ends_at,
      capacity: a.capacity,
      status: a.status,
      confirmed: c.confirmed,
      waiting: c.waiting,
      mySignup: my === undefined ? null : { id: my.id, status: my.status, position: await positionOf(db, my) },
    });
  }
  return out;
}

export async function getActivityRow(db: Db, id: string) {
  const row = await db.selectFrom('venue_activities').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw notFound(ACTIVITY);
  return row;
}

/**
 * A centre or a team publishes an activity. Held in a room, it books the room for its time (refused
 * with a 409 when the room is taken, as any booking); elsewhere it names the place.
 */
export async function createActivity(deps: AppDeps, actor: Actor, input: ActivityInput) {
  const now = deps.clock.now();
  const centre = await getCentreRow(deps.db, input.centreId);
  let space = undefined;
  if (input.spaceId !== undefined) {
    space = await deps.db
      .selectFrom('venue_spaces')
      .selectAll()
      .where('id', '=', input.spaceId)
      .where('centre_id', '=', centre.id)
      .executeTakeFirst();
    if (space === undefined || space.is_active !== 1)
      throw invalidField('spaceId', 'not_in_centre', {
        zh: '该活动室不属于此服务中心',
        en: 'That room is not one of this centre',
      });
  } else if (input.place === undefined || input.place.trim() === '') {
    throw invalidField('place', 'required', {
      zh: '请选择活动室或填写活动地点',
      en: 'Choose a room or give the place',
    });
  }
  const { startMin, endMin } = checkTimes(input, space ?? ALL_DAY);
  const startsAt = instantOf(input.date, startMin);
  const endsAt = instantOf(input.date, endMin);
  if (startsAt <= now.toISOString())
    throw invalidField('start', 'in_past', { zh: '开始时间已过', en: 'The start has already passed' });
  if (space !== undefined && input.capacity > space.capacity)
    throw invalidField('capacity', 'over_capacity', {
      zh: `名额超过活动室容量（${space.capacity} 人）`,
      en: `More places than the room holds (${space.capacity})`,
    });
  const row: VenueActivityTable = {
    id: newId(),
    centre_id: centre.id,
    org_path: centre.org_path,
    space_id: space?.id ?? null,
    place: space === undefined ? input.place!.trim() : null,
    title: input.title.trim(),
    description: input.description === undefined || input.description.trim() === '' ? null : input.description.trim(),
    audience: input.audience,
    host: input.host.trim(),
    starts_at: startsAt,
    ends_at: endsAt,
    capacity: input.capacity,
    status: 'published',
    created_by: actor.userId,
    created_at: now.toISOString(),
  };
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('venue_activities').values(row).execute();
      await syncServiceFigures(trx, VENUE_ACTIVITIES, [row.id]);
      if (space !== undefined) {
        await insertBookings(trx, [activityBookingRow(row, actor, row.created_at)]);
      }
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'venue.activity_create',
        targetType: 'venue_activity',
        targetId: row.id,
        orgPath: row.org_path,
        detail: { title: row.title, spaceId: row.space_id },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw slotTaken(input.date);
    throw error;
  }
  return (await describeActivities(deps.db, [row], null))[0]!;
}

/** The room's booking an activity held in a room takes for its time: staff's, approved at once. */
export function activityBookingRow(
  activity: VenueActivityTable,
  actor: Pick<Actor, 'userId' | 'displayName'>,
  at: string,
): VenueBookingTable {
  return {
    id: newId(),
    space_id: activity.space_id!,
    centre_id: activity.centre_id,
    org_path: activity.org_path,
    // the centre's path, which is its room's too: the room's bookings share one county
    county_key: countyKeyOf(activity.org_path),
    series_id: null,
    activity_id: activity.id,
    booker_user_id: actor.userId,
    booker_name: actor.displayName,
    booker_kind: 'staff',
    purpose: activity.title,
    attendees: activity.capacity,
    starts_at: activity.starts_at,
    ends_at: activity.ends_at,
    status: 'approved',
    decided_by: actor.userId,
    decided_at: at,
    decision_note: null,
    checked_in_at: null,
    checked_in_via: null,
    cancelled_at: null,
    created_at: at,
  };
}

/** Activities of centres in her scope from a day on (Shanghai), soonest first. */
export async function listActivitiesInScope(
  deps: AppDeps,
  actor: Actor,
  filter: { centreId?: string | undefined; from?: string | undefined },
) {
  let q = deps.db
    .selectFrom('venue_activities')
    .selectAll()
    .where(inScope<DB, 'venue_activities'>(actor, 'venue.manage', 'org_path'));
  if (filter.centreId !== undefined) q = q.where('centre_id', '=', filter.centreId);
  q = q.where('ends_at', '>=', instantOf(filter.from ?? currentDay(deps.clock.now()), 0));
  const rows = await q.orderBy('starts_at').orderBy('id').limit(200).execute();
  return { items: await describeActivities(deps.db, rows, null) };
}

/**
 * Published activities ahead at the centres serving her household, with her sign-up — and, marked
 * cancelled, one she had signed up for that staff called off (so her phone says so, not just forgets it).
 */
export async function listMyActivities(deps: AppDeps, actor: Actor) {
  const binding = await deps.db
    .selectFrom('resident_bindings')
    .select('org_path')
    .where('user_id', '=', actor.userId)
    .where('status', '=', 'bound')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  const ancestors: string[] = [];
  const path = binding?.org_path ?? '';
  for (let i = path.indexOf('/', 1); i !== -1; i = path.indexOf('/', i + 1)) ancestors.push(path.slice(0, i + 1));
  const now = deps.clock.now().toISOString();
  const joined = await deps.db
    .selectFrom('venue_signups')
    .select('activity_id')
    .where('user_id', '=', actor.userId)
    .where('status', '!=', 'cancelled')
    .execute();
  if (ancestors.length === 0 && joined.length === 0) return { items: [] };
  const rows = await deps.db
    .selectFrom('venue_activities')
    .selectAll()
    .where('ends_at', '>=', now)
    .where((eb) =>
      eb.or([
        ...(ancestors.length > 0 ? [eb.and([eb('org_path', 'in', ancestors), eb('status', '=', 'published')])] : []),
        ...(joined.length > 0
          ? [
              eb(
                'id',
                'in',
                joined.map((j) => j.activity_id),
              ),
            ]
          : []),
      ]),
    )
    .orderBy('starts_at')
    .limit(100)
    .execute();
  return { items: await describeActivities(deps.db, rows, actor.userId) };
}

const SEAT_ATTEMPTS = 8;

/**
 * Signs her up: a seat while there is one, else the waiting list. A seat is a number 1…capacity,
 * unique per activity in the database, so two sign-ups for the last seat cannot both take it (the
 * loser retries and queues). Signing up again changes nothing.
 */
export async function signUp(deps: AppDeps, actor: Actor, activityId: string) {
  const activity = await getActivityRow(deps.db, activityId);
  const now = deps.clock.now();
  if (activity.status !== 'published' || activity.starts_at <= now.toISOString())
    throw new AppError(
      'INVALID_STATE',
      { zh: '活动已开始或已取消，不能报名', en: 'The activity has started or was called off' },
      [
        {
          code: 'closed',
          field: 'id',
          message_zh: '活动已开始或已取消，不能报名',
          message_en: 'The activity has started or was called off',
        },
      ],
    );
  const name = await residentNameOf(deps.db, actor);
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('venue_signups')
          .selectAll()
          .where('activity_id', '=', activity.id)
          .where('user_id', '=', actor.userId)
          .executeTakeFirst();
        if (existing !== undefined && existing.status !== 'cancelled') return;
        const held = new Set(
          (
            await trx
              .selectFrom('venue_signups')
              .select('seat')
              .where('activity_id', '=', activity.id)
              .where('seat', 'is not', null)
              .execute()
          ).map((r) => r.seat),
        );
        let seat: number | null = null;
        for (let n = 1; n <= activity.capacity; n++)
          if (!held.has(n)) {
            seat = n;
            break;
          }
        // nobody jumps the queue: a freed seat goes to the waiting list first (cancelSignup promotes)
        if (seat !== null) {
          const queued = await trx
            .selectFrom('venue_signups')
            .select('id')
            .where('activity_id', '=', activity.id)
            .where('status', '=', 'waiting')
            .executeTakeFirst();
          if (queued !== undefined) seat = null;
        }
        const columns = {
          name,
          seat,
          status: seat === null ? ('waiting' as const) : ('confirmed' as const),
          queued_at: now.toISOString(),
          checked_in_at: null,
          cancelled_at: null,
        };
        if (existing === undefined)
          await trx
            .insertInto('venue_signups')
            .values({
              id: newId(),
              activity_id: activity.id,
              county_key: countyKeyOf(activity.org_path),
              user_id: actor.userId,
              ...columns,
            })
            .execute();
        else {
          await trx.updateTable('venue_signups').set(columns).where('id', '=', existing.id).execute();
          await syncServiceFigures(trx, VENUE_SIGNUPS, [existing.id]);
        }
        await recordAudit(trx, deps.clock, whoFromActor(actor), {
          action: 'venue.signup',
          targetType: 'venue_activity',
          targetId: activity.id,
          orgPath: activity.org_path,
          detail: { status: columns.status },
        });
      });
      break;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= SEAT_ATTEMPTS) throw error;
    }
  }
  return (await describeActivities(deps.db, [activity], actor.userId))[0]!;
}

/** She withdraws; a seat she held goes to the first on the waiting list, who is told. */
export async function cancelSignup(deps: AppDeps, actor: Actor, activityId: string) {
  const activity = await getActivityRow(deps.db, activityId);
  const now = deps.clock.now();
  if (activity.starts_at <= now.toISOString())
    throw new AppError('INVALID_STATE', { zh: '活动已开始，不能取消报名', en: 'The activity has started' }, [
      { code: 'started', field: 'id', message_zh: '活动已开始，不能取消报名', message_en: 'The activity has started' },
    ]);
  await deps.db.transaction().execute(async (trx) => {
    const mine = await trx
      .selectFrom('venue_signups')
      .selectAll()
      .where('activity_id', '=', activity.id)
      .where('user_id', '=', actor.userId)
      .executeTakeFirst();
    if (mine === undefined || mine.status === 'cancelled') return;
    const cancelled = await trx
      .updateTable('venue_signups')
      .set({ status: 'cancelled', seat: null, cancelled_at: now.toISOString() })
      .where('id', '=', mine.id)
      .where('status', '=', mine.status)
      .executeTakeFirst();
    if (Number(cancelled.numUpdatedRows) === 0) return;
    await syncServiceFigures(trx, VENUE_SIGNUPS, [mine.id]);
    if (mine.status === 'confirmed' && mine.seat !== null) await promoteNext(trx, activity, mine.seat, now);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'venue.signup_cancel',
      targetType: 'venue_activity',
      targetId: activity.id,
      orgPath: activity.org_path,
      detail: { was: mine.status },
    });
  });
  return (await describeActivities(deps.db, [activity], actor.userId))[0]!;
}

export async function promoteNext(
  trx: Transaction<DB>,
  activity: VenueActivityTable,
  seat: number,
  now: Date,
): Promise<string | undefined> {
  const next = await trx
    .selectFrom('venue_signups')
    .selectAll()
    .where('activity_id', '=', activity.id)
    .where('status', '=', 'waiting')
    .orderBy('queued_at')
    .orderBy('id')
    .executeTakeFirst();
  if (next === undefined) return undefined;
  await trx
    .updateTable('venue_signups')
    .set({ status: 'confirmed', seat })
    .where('id', '=', next.id)
    .where('status', '=', 'waiting')
    .execute();
  await enqueueMessage(trx, {
    now,
    kind: 'venue.signup_promoted',
    recipientUserId: next.user_id,
    params: { title: activity.title, time: spanText(activity.starts_at, activity.ends_at) },
  });
  return next.id;
}

const signupOut = (s: VenueSignupTable, position: number | null) => ({
  id: s.id,
  activityId: s.activity_id,
  name: s.name,
  status: s.status,
  position,
  queuedAt: s.queued_at,
  checkedInAt: s.checked_in_at,
});

/** The participant list: confirmed in seat order, then the waiting list in order, then those who withdrew. */
export async function listSignups(deps: AppDeps, activityId: string) {
  const activity = await getActivityRow(deps.db, activityId);
  const rows = await deps.db
    .selectFrom('venue_signups')
    .selectAll()
    .where('activity_id', '=', activity.id)
    .orderBy('queued_at')
    .orderBy('id')
    .execute();
  const rank = { confirmed: 0, waiting: 1, cancelled: 2 } as const;
  let position = 0;
  const items = [...rows]
    .sort((a, b) => rank[a.status] - rank[b.status] || (a.seat ?? 0) - (b.seat ?? 0))
    .map((s) => signupOut(s, s.status === 'waiting' ? ++position : null));
  return { activity: (await describeActivities(deps.db, [activity], null))[0]!, items };
}

/** Staff check a participant in; someone not (or no longer, or only waiting) signed up is refused on `signupId`. */
export async function checkInSignup(deps: AppDeps, actor: Actor, activityId: string, signupId: string) {
  const activity = await getActivityRow(deps.db, activityId);
  const signup = await deps.db
    .selectFrom('venue_signups')
    .selectAll()
    .where('id', '=', signupId)
    .where('activity_id', '=', activity.id)
    .executeTakeFirst();
  if (signup?.status !== 'confirmed')
    throw invalidField('signupId', 'not_signed_up', {
      zh: signup?.status === 'waiting' ? '此人仍在候补，未获得名额' : '此人未报名该活动',
      en:
        signup?.status === 'waiting'
          ? 'This person is on the waiting list, without a place'
          : 'This person has not signed up',
    });
  const t = deps.clock.now().getTime();
  if (t < Date.parse(activity.starts_at) - CHECK_IN_EARLY_MS || t >= Date.parse(activity.ends_at))
    throw new AppError(
      'INVALID_STATE',
      { zh: '不在签到时间内（开始前 30 分钟至结束）', en: 'Not within check-in time' },
      [
        {
          code: 'not_check_in_time',
          field: 'id',
          message_zh: '不在签到时间内',
          message_en: 'Not within check-in time',
        },
      ],
    );
  if (signup.checked_in_at !== null) return signupOut(signup, null);
  const at = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('venue_signups').set({ checked_in_at: at }).where('id', '=', signup.id).execute();
    await syncServiceFigures(trx, VENUE_SIGNUPS, [signup.id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'venue.signup_check_in',
      targetType: 'venue_activity',
      targetId: activity.id,
      orgPath: activity.org_path,
      detail: { signupId: signup.id },
    });
  });
  return signupOut({ ...signup, checked_in_at: at }, null);
}
