import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope, isWithin } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { addDays, currentDay } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, conflict, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { enqueueMessage } from '../messages/outbox.ts';
import { SPACE, boundPathOf, getCentreRow, getSpaceRow, residentNameOf } from './spaces.ts';
import type { BookerKind, BookingStatus, VenueBookingTable, VenueSpaceTable } from './tables.ts';
import { checkTimes, instantOf, slotsOf, spanText, weeklyDays } from './time.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { VENUE_BOOKINGS } from './figures.ts';
import { countyKeyOf } from '../../db/county-key.ts';

export const BOOKING = { zh: '预约', en: 'Booking' };
/** A resident cancels up to this long before the start; later, the room is held for her. */
export const CANCEL_DEADLINE_MS = 2 * 3_600_000;
/** Check-in opens this long before the start and closes at the end. */
export const CHECK_IN_EARLY_MS = 30 * 60_000;
/** This many no-shows within NO_SHOW_WINDOW_DAYS pause her right to book. */
export const NO_SHOW_LIMIT = 3;
export const NO_SHOW_WINDOW_DAYS = 60;
/** How far ahead the first occurrence may lie, and how long a weekly rule may run. */
export const MAX_AHEAD_DAYS = 90;
export const MAX_SERIES_DAYS = 182;

export interface BookingInput {
  spaceId: string;
  date: string;
  start: string;
  end: string;
  purpose: string;
  attendees: number;
  repeat?: { every: 'week'; until?: string | undefined } | undefined;
  bookerKind?: BookerKind | undefined;
}

type Db = Kysely<DB> | Transaction<DB>;

export function bookingOut(b: VenueBookingTable, spaceName: string, now: Date, showBooker: boolean) {
  const nowIso = now.toISOString();
  return {
    id: b.id,
    spaceId: b.space_id,
    spaceName,
    seriesId: b.series_id,
    activityId: b.activity_id,
    bookerName: showBooker ? b.booker_name : null,
    bookerKind: b.booker_kind,
    purpose: b.purpose,
    attendees: b.attendees,
    startsAt: b.starts_at,
    endsAt: b.ends_at,
    status: b.status,
    decisionNote: b.decision_note,
    checkedInAt: b.checked_in_at,
    isNoShow: isNoShow(b, nowIso),
    canCancel:
      (b.status === 'pending' || b.status === 'approved') &&
      Date.parse(b.starts_at) - now.getTime() >= CANCEL_DEADLINE_MS,
  };
}
export type BookingOut = ReturnType<typeof bookingOut>;

/**
 * A no-show: a resident's approved booking whose end has passed with nobody checked in. One
 * definition, used everywhere (her standing, the lists, the figures). Bookings staff make for a team,
 * a partner or a meeting are taken as held unless cancelled.
 */
export const isNoShow = (
  b: Pick<VenueBookingTable, 'booker_kind' | 'status' | 'checked_in_at' | 'ends_at'>,
  nowIso: string,
) => b.booker_kind === 'resident' && b.status === 'approved' && b.checked_in_at === null && b.ends_at <= nowIso;

/** Her no-shows in the window, and whether they pause her right to book. */
export async function noShowStanding(db: Db, userId: string, now: Date) {
  const since = await countedSince(db, userId, now);
  const row = await db
    .selectFrom('venue_bookings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('booker_user_id', '=', userId)
    .where('booker_kind', '=', 'resident')
    .where('status', '=', 'approved')
    .where('checked_in_at', 'is', null)
    .where('ends_at', '>=', since)
    .where('ends_at', '<=', now.toISOString())
    .executeTakeFirstOrThrow();
  const noShows = Number(row.n);
  return { noShows, limit: NO_SHOW_LIMIT, windowDays: NO_SHOW_WINDOW_DAYS, isPaused: noShows >= NO_SHOW_LIMIT };
}

/**
 * No-shows count towards her pause from this instant: the window's start, or — when staff lifted a pause
 * since — the lift (those before it stay no-shows in every figure, they only stop pausing her).
 */
export async function countedSince(db: Db, userId: string, now: Date): Promise<string> {
  const windowStart = new Date(now.getTime() - NO_SHOW_WINDOW_DAYS * 86_400_000).toISOString();
  const lift = await db
    .selectFrom('venue_pause_lifts')
    .select('lifted_at')
    .where('user_id', '=', userId)
    .orderBy('lifted_at', 'desc')
    .executeTakeFirst();
  // a no-show that ended at the very instant of the lift was forgiven too
  return lift !== undefined && lift.lifted_at >= windowStart ? afterInstant(lift.lifted_at) : windowStart;
}

/** The first millisecond after an instant (ISO text compares as time). */
export function afterInstant(iso: string): string {
  return new Date(Date.parse(iso) + 1).toISOString();
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}

const taken = (day: string) =>
  conflict('CONFLICT', 'start', {
    zh: `${day} 该时段已被预约，请换一个时间`,
    en: `The room is already booked at that time on ${day}; pick another time`,
  });

/** The occurrences a request asks for: one day, or every week up to the rule's end (which it must have). */
function occurrencesOf(input: BookingInput, space: VenueSpaceTable, now: Date) {
  const { startMin, endMin } = checkTimes(input, space);
  const today = currentDay(now);
  if (input.date > addDays(today, MAX_AHEAD_DAYS))
    throw invalidField('date', 'too_far', {
      zh: `最多可预约 ${MAX_AHEAD_DAYS} 天以内`,
      en: `Bookings open at most ${MAX_AHEAD_DAYS} days ahead`,
    });
  let days = [input.date];
  if (input.repeat !== undefined) {
    const until = input.repeat.until;
    if (until === undefined || until === '')
      throw invalidField('repeat.until', 'required', {
        zh: '每周重复的预约必须设定结束日期',
        en: 'A weekly booking needs an end date',
      });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(until) || Number.isNaN(Date.parse(`${until}T00:00:00Z`)))
      throw invalidField('repeat.until', 'invalid_day', {
        zh: '日期格式应为 YYYY-MM-DD',
        en: 'The date must be YYYY-MM-DD',
      });
    if (until < input.date)
      throw invalidField('repeat.until', 'reversed_times', {
        zh: '结束日期不能早于第一次',
        en: 'The end date cannot be before the first occurrence',
      });
    if (until > addDays(input.date, MAX_SERIES_DAYS))
      throw invalidField('repeat.until', 'too_long', {
        zh: '每周重复最长半年，请到期后再约',
        en: 'A weekly booking runs at most half a year',
      });
    days = weeklyDays(input.date, until);
  }
  const spans = days.map((day) => ({ day, startsAt: instantOf(day, startMin), endsAt: instantOf(day, endMin) }));
  if (spans[0]!.startsAt <= now.toISOString())
    throw invalidField('start', 'in_past', { zh: '开始时间已过', en: 'The start has already passed' });
  return spans;
}

/**
 * Books a room, once or every week up to the rule's end (all occurrences or none). Each occurrence
 * writes its slots into `venue_slots` in the same transaction, so an overlapping booking — however
 * concurrent — fails on the slots' primary key and is refused with a 409 naming `start`.
 */
export async function createBooking(
  deps: AppDeps,
  actor: Actor,
  input: BookingInput,
  as: 'resident' | 'staff',
): Promise<{ seriesId: string | null; items: BookingOut[] }> {
  const now = deps.clock.now();
  const space = await getSpaceRow(deps.db, input.spaceId);
  const centre = await getCentreRow(deps.db, space.centre_id);
  const bookers = space.bookers.split(',');
  let bookerKind: BookerKind;
  let bookerName = actor.displayName;
  if (as === 'staff') {
    if (!canAt(actor, 'venue.manage', space.org_path)) throw notFound(SPACE);
    bookerKind = input.bookerKind ?? 'staff';
  } else {
    if (space.is_active !== 1 || !bookers.includes('resident'))
      throw new AppError('FORBIDDEN', { zh: '该活动室不对居民开放预约', en: 'Residents cannot book this room' }, [
        {
          code: 'not_for_residents',
          field: 'spaceId',
          message_zh: '该活动室不对居民开放预约',
          message_en: 'Residents cannot book this room',
        },
      ]);
    const home = await boundPathOf(deps.db, actor.userId);
    if (!isWithin(home, centre.org_path))
      throw new AppError(
        'FORBIDDEN',
        { zh: '只能预约本社区的活动室', en: 'You can book rooms of your own community only' },
        [
          {
            code: 'not_your_community',
            field: 'spaceId',
            message_zh: '只能预约本社区的活动室',
            message_en: 'You can book rooms of your own community only',
          },
        ],
      );
    const standing = await noShowStanding(deps.db, actor.userId, now);
    if (standing.isPaused)
      throw new AppError(
        'FORBIDDEN',
        {
          zh: `近 ${NO_SHOW_WINDOW_DAYS} 天内有 ${standing.noShows} 次预约未到场，预约权限暂停`,
          en: `${standing.noShows} no-shows in the last ${NO_SHOW_WINDOW_DAYS} days: booking is paused`,
        },
        [{ code: 'booking_paused', field: 'spaceId', message_zh: '预约权限暂停', message_en: 'Booking is paused' }],
      );
    bookerKind = 'resident';
    bookerName = await residentNameOf(deps.db, actor);
  }
  if (space.is_active !== 1)
    throw invalidField('spaceId', 'inactive', { zh: '该活动室已停用', en: 'This room is closed' });
  if (input.attendees > space.capacity)
    throw invalidField('attendees', 'over_capacity', {
      zh: `人数超过活动室容量（${space.capacity} 人）`,
      en: `More people than the room holds (${space.capacity})`,
    });
  const spans = occurrencesOf(input, space, now);

  // a friendly refusal naming the day; the slots' key is what guarantees it under concurrency
  const allSlots = spans.flatMap((s) => slotsOf(s.startsAt, s.endsAt));
  const clash = await deps.db
    .selectFrom('venue_slots')
    .select('slot_start')
    .where('space_id', '=', space.id)
    .where('slot_start', 'in', allSlots)
    .orderBy('slot_start')
    .executeTakeFirst();
  if (clash !== undefined) throw taken(spans.find((s) => s.endsAt > clash.slot_start)?.day ?? input.date);

  const status: BookingStatus = as === 'resident' && space.needs_approval === 1 ? 'pending' : 'approved';
  const seriesId = spans.length > 1 || input.repeat !== undefined ? newId() : null;
  const createdAt = now.toISOString();
  const rows: VenueBookingTable[] = spans.map((s) => ({
    id: newId(),
    space_id: space.id,
    centre_id: centre.id,
    org_path: space.org_path,
    // the space's county: every booking of a space in one county, so its slots' key guards it there too
    county_key: countyKeyOf(space.org_path),
    series_id: seriesId,
    activity_id: null,
    booker_user_id: actor.userId,
    booker_name: bookerName,
    booker_kind: bookerKind,
    purpose: input.purpose.trim(),
    attendees: input.attendees,
    starts_at: s.startsAt,
    ends_at: s.endsAt,
    status,
    decided_by: status === 'approved' ? actor.userId : null,
    decided_at: status === 'approved' ? createdAt : null,
    decision_note: null,
    checked_in_at: null,
    checked_in_via: null,
    cancelled_at: null,
    created_at: createdAt,
  }));
  try {
    await deps.db.transaction().execute(async (trx) => {
      if (seriesId !== null) {
        await trx
          .insertInto('venue_series')
          .values({
            id: seriesId,
            space_id: space.id,
            org_path: space.org_path,
            booker_user_id: actor.userId,
            weekday: new Date(`${input.date}T00:00:00Z`).getUTCDay() || 7,
            first_day: spans[0]!.day,
            until_day: spans[spans.length - 1]!.day,
            created_at: createdAt,
          })
          .execute();
      }
      await insertBookings(trx, rows);
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'venue.booking_create',
        targetType: 'venue_space',
        targetId: space.id,
        orgPath: space.org_path,
        detail: { bookingIds: rows.map((r) => r.id), seriesId, status, bookerKind },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw taken(input.date);
    throw error;
  }
  return { seriesId, items: rows.map((r) => bookingOut(r, space.name, now, true)) };
}

/** Writes bookings and the slots each holds; a slot already held fails the whole transaction. */
export async function insertBookings(trx: Transaction<DB>, rows: VenueBookingTable[]) {
  if (rows.length === 0) return;
  await trx.insertInto('venue_bookings').values(rows).execute();
  await syncServiceFigures(
    trx,
    VENUE_BOOKINGS,
    rows.map((r) => r.id),
  );
  const slots = rows.flatMap((r) =>
    slotsOf(r.starts_at, r.ends_at).map((slot_start) => ({
      space_id: r.space_id,
      slot_start,
      booking_id: r.id,
      county_key: r.county_key,
    })),
  );
  for (let i = 0; i < slots.length; i += 300)
    await trx
      .insertInto('venue_slots')
      .values(slots.slice(i, i + 300))
      .execute();
}

/** Cancels bookings and frees their slots (their figures follow): a cancellation, a call-off, a move. */
export async function releaseBookings(trx: Transaction<DB>, ids: string[], now: Date) {
  if (ids.length === 0) return;
  await trx
    .updateTable('venue_bookings')
    .set({ status: 'cancelled', cancelled_at: now.toISOString() })
    .where('id', 'in', ids)
    .execute();
  await syncServiceFigures(trx, VENUE_BOOKINGS, ids);
  await trx.deleteFrom('venue_slots').where('booking_id', 'in', ids).execute();
}

export { isUniqueViolation, taken as slotTaken };

async function getBookingRow(db: Db, id: string) {
  const row = await db.selectFrom('venue_bookings').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw notFound(BOOKING);
  return row;
}

async function spaceNameOf(db: Db, spaceId: string) {
  return (await db.selectFrom('venue_spaces').select('name').where('id', '=', spaceId).executeTakeFirst())?.name ?? '';
}

const stateChanged = () =>
  new AppError('INVALID_STATE', { zh: '预约状态已变化，请刷新', en: 'The booking has changed; reload' }, [
    {
      code: 'state_changed',
      field: 'id',
      message_zh: '预约状态已变化，请刷新',
      message_en: 'The booking has changed; reload',
    },
  ]);

/**
 * Approves or refuses a pending booking — every pending occurrence of its weekly rule at once (she
 * asked for them together). A refusal frees the slots. The booker is told through the outbox.
 */
export async function decideBooking(
  deps: AppDeps,
  actor: Actor,
  bookingId: string,
  input: { decision: 'approve' | 'reject'; note?: string | undefined },
) {
  const now = deps.clock.now();
  const booking = await getBookingRow(deps.db, bookingId);
  if (booking.status !== 'pending') throw stateChanged();
  const spaceName = await spaceNameOf(deps.db, booking.space_id);
  const status: BookingStatus = input.decision === 'approve' ? 'approved' : 'rejected';
  const note = input.note === undefined || input.note.trim() === '' ? null : input.note.trim();
  const decided = await deps.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('venue_bookings').select('id').where('status', '=', 'pending');
    q = booking.series_id === null ? q.where('id', '=', booking.id) : q.where('series_id', '=', booking.series_id);
    const ids = (await q.execute()).map((r) => r.id);
    const updated = await trx
      .updateTable('venue_bookings')
      .set({ status, decided_by: actor.userId, decided_at: now.toISOString(), decision_note: note })
      .where('id', 'in', ids)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== ids.length) throw stateChanged();
    await syncServiceFigures(trx, VENUE_BOOKINGS, ids);
    if (status === 'rejected') await trx.deleteFrom('venue_slots').where('booking_id', 'in', ids).execute();
    const count = ids.length;
    await enqueueMessage(trx, {
      now,
      kind: status === 'approved' ? 'venue.booking_approved' : 'venue.booking_rejected',
      recipientUserId: booking.booker_user_id,
      params: {
        space: spaceName,
        time: spanText(booking.starts_at, booking.ends_at) + (count > 1 ? ` 起每周（共 ${count} 次）` : ''),
      },
    });
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: status === 'approved' ? 'venue.booking_approve' : 'venue.booking_reject',
      targetType: 'venue_booking',
      targetId: booking.id,
      orgPath: booking.org_path,
      detail: { bookingIds: ids, note },
    });
    return ids;
  });
  const rows = await deps.db
    .selectFrom('venue_bookings')
    .selectAll()
    .where('id', 'in', decided)
    .orderBy('starts_at')
    .execute();
  return { seriesId: booking.series_id, items: rows.map((r) => bookingOut(r, spaceName, now, true)) };
}

/**
 * Cancels a booking (or, with `wholeSeries`, every later occurrence of its weekly rule) and frees its
 * slots. A resident cancels her own up to CANCEL_DEADLINE_MS before the start; staff any time before
 * the end, and the booker is told.
 */
export async function cancelBooking(
  deps: AppDeps,
  actor: Actor,
  bookingId: string,
  input: { wholeSeries?: boolean | undefined; note?: string | undefined },
  as: 'resident' | 'staff',
) {
  const now = deps.clock.now();
  const booking = await getBookingRow(deps.db, bookingId);
  if (as === 'resident' && booking.booker_user_id !== actor.userId) throw notFound(BOOKING);
  if (booking.status !== 'pending' && booking.status !== 'approved') throw stateChanged();
  const limit = as === 'resident' ? now.getTime() + CANCEL_DEADLINE_MS : now.getTime();
  if (Date.parse(as === 'resident' ? booking.starts_at : booking.ends_at) < limit)
    throw new AppError(
      'INVALID_STATE',
      { zh: '已过取消截止时间（开始前 2 小时）', en: 'Too late to cancel (2 hours before the start)' },
      [
        {
          code: 'past_deadline',
          field: 'id',
          message_zh: '已过取消截止时间（开始前 2 小时）',
          message_en: 'Too late to cancel (2 hours before the start)',
        },
      ],
    );
  const spaceName = await spaceNameOf(deps.db, booking.space_id);
  const cancelled = await deps.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('venue_bookings').select('id').where('status', 'in', ['pending', 'approved']);
    q =
      input.wholeSeries === true && booking.series_id !== null
        ? q.where('series_id', '=', booking.series_id).where('starts_at', '>=', new Date(limit).toISOString())
        : q.where('id', '=', booking.id);
    const ids = (await q.execute()).map((r) => r.id);
    if (ids.length === 0) throw stateChanged();
    await releaseBookings(trx, ids, now);
    if (as === 'staff' && booking.booker_user_id !== actor.userId)
      await enqueueMessage(trx, {
        now,
        kind: 'venue.booking_cancelled',
        recipientUserId: booking.booker_user_id,
        params: { space: spaceName, time: spanText(booking.starts_at, booking.ends_at) },
      });
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'venue.booking_cancel',
      targetType: 'venue_booking',
      targetId: booking.id,
      orgPath: booking.org_path,
      detail: { bookingIds: ids, by: as },
    });
    return ids;
  });
  const rows = await deps.db
    .selectFrom('venue_bookings')
    .selectAll()
    .where('id', 'in', cancelled)
    .orderBy('starts_at')
    .execute();
  return { seriesId: booking.series_id, items: rows.map((r) => bookingOut(r, spaceName, now, true)) };
}

async function checkInRow(deps: AppDeps, actor: Actor, booking: VenueBookingTable, via: 'staff' | 'qr') {
  const now = deps.clock.now();
  if (booking.status !== 'approved') throw stateChanged();
  if (booking.checked_in_at !== null) return booking;
  const t = now.getTime();
  if (t < Date.parse(booking.starts_at) - CHECK_IN_EARLY_MS || t >= Date.parse(booking.ends_at))
    throw new AppError(
      'INVALID_STATE',
      {
        zh: '不在签到时间内（开始前 30 分钟至结束）',
        en: 'Not within check-in time (30 minutes before the start until the end)',
      },
      [
        {
          code: 'not_check_in_time',
          field: 'id',
          message_zh: '不在签到时间内',
          message_en: 'Not within check-in time',
        },
      ],
    );
  const at = now.toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('venue_bookings')
      .set({ checked_in_at: at, checked_in_via: via })
      .where('id', '=', booking.id)
      .where('checked_in_at', 'is', null)
      .execute();
    await syncServiceFigures(trx, VENUE_BOOKINGS, [booking.id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'venue.booking_check_in',
      targetType: 'venue_booking',
      targetId: booking.id,
      orgPath: booking.org_path,
      detail: { via },
    });
  });
  return { ...booking, checked_in_at: at, checked_in_via: via };
}

/** Staff at the door (a tablet) check a booking in. */
export async function checkInBookingByStaff(deps: AppDeps, actor: Actor, bookingId: string) {
  const booking = await getBookingRow(deps.db, bookingId);
  const row = await checkInRow(deps, actor, booking, 'staff');
  return bookingOut(row, await spaceNameOf(deps.db, row.space_id), deps.clock.now(), true);
}

/** She scans the room's QR code: her approved booking of that room now is checked in. */
export async function checkInByQr(deps: AppDeps, actor: Actor, input: { spaceId: string; token: string }) {
  const space = await deps.db.selectFrom('venue_spaces').selectAll().where('id', '=', input.spaceId).executeTakeFirst();
  const a = Buffer.from(space?.qr_token ?? '');
  const b = Buffer.from(input.token);
  if (space === undefined || a.length !== b.length || !crypto.timingSafeEqual(a, b))
    throw invalidField('token', 'invalid_code', {
      zh: '二维码无效，请扫描活动室门口的二维码',
      en: 'Invalid code: scan the one at the room door',
    });
  const now = deps.clock.now();
  const booking = await deps.db
    .selectFrom('venue_bookings')
    .selectAll()
    .where('space_id', '=', space.id)
    .where('booker_user_id', '=', actor.userId)
    .where('status', '=', 'approved')
    .where('starts_at', '<=', new Date(now.getTime() + CHECK_IN_EARLY_MS).toISOString())
    .where('ends_at', '>', now.toISOString())
    .orderBy('starts_at')
    .executeTakeFirst();
  if (booking === undefined)
    throw invalidField('spaceId', 'no_booking_now', {
      zh: `您此时没有${space.name}的预约`,
      en: `You have no booking of ${space.name} now`,
    });
  const row = await checkInRow(deps, actor, booking, 'qr');
  return bookingOut(row, space.name, now, true);
}

/** Her bookings from 30 days ago on, soonest first, and her no-show standing. */
export async function listMyBookings(deps: AppDeps, actor: Actor) {
  const now = deps.clock.now();
  const rows = await deps.db
    .selectFrom('venue_bookings')
    .innerJoin('venue_spaces', 'venue_spaces.id', 'venue_bookings.space_id')
    .selectAll('venue_bookings')
    .select('venue_spaces.name as space_name')
    .where('venue_bookings.booker_user_id', '=', actor.userId)
    .where('venue_bookings.ends_at', '>=', new Date(now.getTime() - 30 * 86_400_000).toISOString())
    .orderBy('venue_bookings.starts_at')
    .limit(200)
    .execute();
  return {
    standing: await noShowStanding(deps.db, actor.userId, now),
    items: rows.map((r) => bookingOut(r, r.space_name, now, true)),
  };
}

/** Bookings of rooms in her scope, by centre, status and days (Shanghai). */
export async function listBookingsInScope(
  deps: AppDeps,
  actor: Actor,
  filter: {
    centreId?: string | undefined;
    status?: BookingStatus | undefined;
    from?: string | undefined;
    to?: string | undefined;
  },
) {
  const now = deps.clock.now();
  let q = deps.db
    .selectFrom('venue_bookings')
    .innerJoin('venue_spaces', 'venue_spaces.id', 'venue_bookings.space_id')
    .selectAll('venue_bookings')
    .select('venue_spaces.name as space_name')
    .where(inScope<DB, 'venue_bookings'>(actor, 'venue.manage', 'venue_bookings.org_path'));
  if (filter.centreId !== undefined) q = q.where('venue_bookings.centre_id', '=', filter.centreId);
  if (filter.status !== undefined) q = q.where('venue_bookings.status', '=', filter.status);
  const from = filter.from ?? addDays(currentDay(now), filter.status === 'pending' ? 0 : -1);
  q = q.where('venue_bookings.ends_at', '>=', instantOf(from, 0));
  if (filter.to !== undefined) q = q.where('venue_bookings.starts_at', '<', instantOf(addDays(filter.to, 1), 0));
  const rows = await q.orderBy('venue_bookings.starts_at').orderBy('venue_bookings.id').limit(500).execute();
  return { items: rows.map((r) => bookingOut(r, r.space_name, now, true)) };
}

/** A room's busy times over 7 days from `from` (Shanghai), without who booked: what anyone may see. */
export async function getSpaceSchedule(deps: AppDeps, spaceId: string, from: string | undefined) {
  const space = await getSpaceRow(deps.db, spaceId);
  const first = from ?? currentDay(deps.clock.now());
  const rows = await deps.db
    .selectFrom('venue_bookings')
    .leftJoin('venue_activities', 'venue_activities.id', 'venue_bookings.activity_id')
    .select([
      'venue_bookings.starts_at',
      'venue_bookings.ends_at',
      'venue_bookings.status',
      'venue_bookings.booker_kind',
      'venue_activities.title',
    ])
    .where('venue_bookings.space_id', '=', space.id)
    .where('venue_bookings.status', 'in', ['pending', 'approved'])
    .where('venue_bookings.ends_at', '>', instantOf(first, 0))
    .where('venue_bookings.starts_at', '<', instantOf(addDays(first, 7), 0))
    .orderBy('venue_bookings.starts_at')
    .execute();
  return {
    from: first,
    items: rows.map((r) => ({
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      status: r.status,
      bookerKind: r.booker_kind,
      activityTitle: r.title,
    })),
  };
}
