import type { Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { enqueueMessage } from '../messages/outbox.ts';
import { ALL_DAY, activityBookingRow, describeActivities, getActivityRow, promoteNext } from './activities.ts';
import {
  BOOKING,
  countedSince,
  insertBookings,
  isUniqueViolation,
  noShowStanding,
  releaseBookings,
  slotTaken,
} from './bookings.ts';
import { VENUE_ACTIVITIES, VENUE_SIGNUPS } from './figures.ts';
import type { VenueActivityTable } from './tables.ts';
import { checkTimes, instantOf, spanText } from './time.ts';

const closedActivity = () =>
  new AppError(
    'INVALID_STATE',
    { zh: '活动已开始或已取消，不能再修改', en: 'The activity has started or was called off' },
    [
      {
        code: 'closed',
        field: 'id',
        message_zh: '活动已开始或已取消，不能再修改',
        message_en: 'The activity has started or was called off',
      },
    ],
  );

export interface ActivityChange {
  title?: string | undefined;
  description?: string | null | undefined;
  host?: string | undefined;
  audience?: VenueActivityTable['audience'] | undefined;
  place?: string | undefined;
  capacity?: number | undefined;
  date?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
}

/** The people holding a place or waiting for one: they are told of a change or a call-off. */
async function signedUpUsers(trx: Transaction<DB>, activityId: string) {
  return trx
    .selectFrom('venue_signups')
    .select(['id', 'user_id', 'status'])
    .where('activity_id', '=', activityId)
    .where('status', 'in', ['confirmed', 'waiting'])
    .execute();
}

/**
 * Staff change a published activity before it starts: its words, its places, or its time. A new time in
 * a room moves the room's booking (refused with a 409 on `start` when the room is taken then); fewer
 * places than are already taken is refused on `capacity`; more places go to the waiting list in order.
 * Everyone signed up is told of a new time or place.
 */
export async function changeActivity(deps: AppDeps, actor: Actor, activityId: string, change: ActivityChange) {
  const now = deps.clock.now();
  const activity = await getActivityRow(deps.db, activityId);
  if (activity.status !== 'published' || activity.starts_at <= now.toISOString()) throw closedActivity();
  const space =
    activity.space_id === null
      ? undefined
      : await deps.db.selectFrom('venue_spaces').selectAll().where('id', '=', activity.space_id).executeTakeFirst();
  if (change.place !== undefined && space !== undefined)
    throw invalidField('place', 'in_room', {
      zh: '活动在活动室举办，地点即该活动室',
      en: 'The activity is held in a room: the room is its place',
    });
  if (change.place !== undefined && change.place.trim() === '')
    throw invalidField('place', 'required', { zh: '请填写活动地点', en: 'Give the place' });
  const isRetimed = change.date !== undefined || change.start !== undefined || change.end !== undefined;
  let startsAt = activity.starts_at;
  let endsAt = activity.ends_at;
  if (isRetimed) {
    if (change.date === undefined || change.start === undefined || change.end === undefined)
      throw invalidField(
        change.date === undefined ? 'date' : change.start === undefined ? 'start' : 'end',
        'required',
        {
          zh: '改期须同时给出日期、开始和结束时间',
          en: 'A new time needs the date, the start and the end',
        },
      );
    const { startMin, endMin } = checkTimes(
      { date: change.date, start: change.start, end: change.end },
      space ?? ALL_DAY,
    );
    startsAt = instantOf(change.date, startMin);
    endsAt = instantOf(change.date, endMin);
    if (startsAt <= now.toISOString())
      throw invalidField('start', 'in_past', { zh: '开始时间已过', en: 'The start has already passed' });
  }
  const capacity = change.capacity ?? activity.capacity;
  if (space !== undefined && capacity > space.capacity)
    throw invalidField('capacity', 'over_capacity', {
      zh: `名额超过活动室容量（${space.capacity} 人）`,
      en: `More places than the room holds (${space.capacity})`,
    });
  const next: VenueActivityTable = {
    ...activity,
    title: change.title?.trim() ?? activity.title,
    description:
      change.description === undefined
        ? activity.description
        : change.description === null || change.description.trim() === ''
          ? null
          : change.description.trim(),
    host: change.host?.trim() ?? activity.host,
    audience: change.audience ?? activity.audience,
    place: change.place?.trim() ?? activity.place,
    capacity,
    starts_at: startsAt,
    ends_at: endsAt,
  };
  const isMoved = isRetimed && (startsAt !== activity.starts_at || endsAt !== activity.ends_at);
  const isReplaced = isMoved || next.place !== activity.place;
  try {
    await deps.db.transaction().execute(async (trx) => {
      const taken = await trx
        .selectFrom('venue_signups')
        .select((eb) => eb.fn.max('seat').as('top'))
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('activity_id', '=', activity.id)
        .where('status', '=', 'confirmed')
        .executeTakeFirstOrThrow();
      if (Number(taken.n) > capacity || Number(taken.top ?? 0) > capacity)
        throw invalidField('capacity', 'below_taken', {
          zh: `已有 ${Number(taken.n)} 人报名，名额不能少于已报名人数`,
          en: `${Number(taken.n)} people hold a place: the places cannot be fewer`,
        });
      const updated = await trx
        .updateTable('venue_activities')
        .set({
          title: next.title,
          description: next.description,
          host: next.host,
          audience: next.audience,
          place: next.place,
          capacity: next.capacity,
          starts_at: next.starts_at,
          ends_at: next.ends_at,
        })
        .where('id', '=', activity.id)
        .where('status', '=', 'published')
        .where('starts_at', '=', activity.starts_at)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw closedActivity();
      await syncServiceFigures(trx, VENUE_ACTIVITIES, [activity.id]);
      if (isMoved && space !== undefined) await moveRoomBooking(trx, actor, next, now);
      // more places: the waiting list moves up in order, each told
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
      for (let seat = 1; seat <= capacity; seat++)
        if (!held.has(seat)) {
          const promoted = await promoteNext(trx, next, seat, now);
          if (promoted === undefined) break;
          await syncServiceFigures(trx, VENUE_SIGNUPS, [promoted]);
        }
      if (isReplaced)
        for (const s of await signedUpUsers(trx, activity.id))
          await enqueueMessage(trx, {
            now,
            kind: 'venue.activity_changed',
            recipientUserId: s.user_id,
            params: {
              title: next.title,
              time: spanText(next.starts_at, next.ends_at),
              place: next.place ?? space?.name ?? '',
            },
            onceKey: `venue.activity_changed:${activity.id}:${next.starts_at}:${next.place ?? ''}:${s.user_id}`,
          });
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'venue.activity_change',
        targetType: 'venue_activity',
        targetId: activity.id,
        orgPath: activity.org_path,
        detail: {
          fields: Object.keys(change).filter((k) => change[k as keyof ActivityChange] !== undefined),
          ...(isMoved ? { from: activity.starts_at, to: next.starts_at } : {}),
        },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw slotTaken(change.date ?? '');
    throw error;
  }
  return (await describeActivities(deps.db, [await getActivityRow(deps.db, activity.id)], null))[0]!;
}

/** The room's booking for the activity follows it to its new time (its old slots freed in the same step). */
async function moveRoomBooking(trx: Transaction<DB>, actor: Actor, activity: VenueActivityTable, now: Date) {
  await releaseBookings(trx, await liveBookingsOf(trx, activity.id), now);
  await insertBookings(trx, [activityBookingRow(activity, actor, now.toISOString())]);
}

/** The bookings an activity holds now (pending or approved). */
async function liveBookingsOf(trx: Transaction<DB>, activityId: string) {
  const rows = await trx
    .selectFrom('venue_bookings')
    .select('id')
    .where('activity_id', '=', activityId)
    .where('status', 'in', ['pending', 'approved'])
    .execute();
  return rows.map((b) => b.id);
}

/**
 * Staff call off an activity before it starts, saying why: its room is freed, and everyone who held a
 * place or waited is told. Its sign-ups stay as they were (who had signed up is history).
 */
export async function callOffActivity(deps: AppDeps, actor: Actor, activityId: string, reason: string) {
  const now = deps.clock.now();
  const activity = await getActivityRow(deps.db, activityId);
  if (activity.status !== 'published' || activity.starts_at <= now.toISOString()) throw closedActivity();
  await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('venue_activities')
      .set({ status: 'cancelled' })
      .where('id', '=', activity.id)
      .where('status', '=', 'published')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw closedActivity();
    await syncServiceFigures(trx, VENUE_ACTIVITIES, [activity.id]);
    await releaseBookings(trx, await liveBookingsOf(trx, activity.id), now);
    for (const s of await signedUpUsers(trx, activity.id))
      await enqueueMessage(trx, {
        now,
        kind: 'venue.activity_called_off',
        recipientUserId: s.user_id,
        params: { title: activity.title, time: spanText(activity.starts_at, activity.ends_at), reason },
        onceKey: `venue.activity_called_off:${activity.id}:${s.user_id}`,
      });
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'venue.activity_call_off',
      targetType: 'venue_activity',
      targetId: activity.id,
      orgPath: activity.org_path,
      detail: { reason },
    });
  });
  return (await describeActivities(deps.db, [await getActivityRow(deps.db, activity.id)], null))[0]!;
}

/**
 * Staff lift a resident's booking pause before it ends (she was ill, the door was locked…), naming why.
 * `bookingId` is one of her no-shows at a room in the caller's scope. Her no-shows stay no-shows in every
 * figure; those before the lift no longer count towards a pause. She is told.
 */
export async function liftBookingPause(deps: AppDeps, actor: Actor, bookingId: string, note: string) {
  const now = deps.clock.now();
  const booking = await deps.db.selectFrom('venue_bookings').selectAll().where('id', '=', bookingId).executeTakeFirst();
  if (booking === undefined) throw notFound(BOOKING);
  const standing = await noShowStanding(deps.db, booking.booker_user_id, now);
  // only a resident's booking can pause her; a team's or staff's booking never pauses anyone
  if (booking.booker_kind !== 'resident' || !standing.isPaused)
    throw new AppError('INVALID_STATE', { zh: '该居民的预约未被暂停', en: 'Her booking is not paused' }, [
      { code: 'not_paused', field: 'id', message_zh: '该居民的预约未被暂停', message_en: 'Her booking is not paused' },
    ]);
  const at = now.toISOString();
  await deps.db.transaction().execute(async (trx) => {
    // two staff lifting at once: the second finds the pause already lifted
    if ((await countedSince(trx, booking.booker_user_id, now)) > at) return;
    await trx
      .insertInto('venue_pause_lifts')
      .values({
        id: newId(),
        user_id: booking.booker_user_id,
        org_path: booking.org_path,
        lifted_by: actor.userId,
        note,
        lifted_at: at,
      })
      .execute();
    await enqueueMessage(trx, {
      now,
      kind: 'venue.pause_lifted',
      recipientUserId: booking.booker_user_id,
      params: {},
    });
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'venue.pause_lift',
      targetType: 'venue_booking',
      targetId: booking.id,
      orgPath: booking.org_path,
      detail: { note, noShows: standing.noShows },
    });
  });
  return noShowStanding(deps.db, booking.booker_user_id, now);
}
