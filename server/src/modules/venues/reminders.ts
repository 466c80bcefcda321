import type { AppDeps } from '../../platform/deps.ts';
import { enqueueMessage } from '../messages/outbox.ts';
import { spanText } from './time.ts';

/** A booking or an activity is "coming up" this long before its start: the reminder goes out then. */
export const VENUE_REMINDER_AHEAD_MS = 3 * 3_600_000;

/** The key of one reminder: a booking or a sign-up, reminded once. */
export const bookingReminderKey = (bookingId: string) => `venue.booking_reminder:${bookingId}`;
export const signupReminderKey = (signupId: string) => `venue.activity_reminder:${signupId}`;

interface Reminder {
  key: string;
  userId: string;
  kind: 'venue.booking_reminder' | 'venue.activity_reminder';
  params: Record<string, string>;
}

/**
 * The rooms' reminder job: a resident whose approved booking starts within VENUE_REMINDER_AHEAD_MS,
 * and every participant holding a place at an activity that does, gets one reminder — each key is
 * claimed with its message, so a second run, a restart or a second server sends nothing twice. A
 * booking made inside the window is reminded at the next run. Returns how many it enqueued.
 */
export async function remindVenueStarts(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const horizon = new Date(now.getTime() + VENUE_REMINDER_AHEAD_MS).toISOString();
  const bookings = await deps.db
    .selectFrom('venue_bookings')
    .innerJoin('venue_spaces', 'venue_spaces.id', 'venue_bookings.space_id')
    .select([
      'venue_bookings.id',
      'venue_bookings.booker_user_id',
      'venue_bookings.starts_at',
      'venue_bookings.ends_at',
      'venue_spaces.name',
    ])
    .where('venue_bookings.booker_kind', '=', 'resident')
    .where('venue_bookings.status', '=', 'approved')
    .where('venue_bookings.starts_at', '>', nowIso)
    .where('venue_bookings.starts_at', '<=', horizon)
    .execute();
  const signups = await deps.db
    .selectFrom('venue_signups')
    .innerJoin('venue_activities', 'venue_activities.id', 'venue_signups.activity_id')
    .leftJoin('venue_spaces', 'venue_spaces.id', 'venue_activities.space_id')
    .select([
      'venue_signups.id',
      'venue_signups.user_id',
      'venue_activities.title',
      'venue_activities.place',
      'venue_activities.starts_at',
      'venue_activities.ends_at',
      'venue_spaces.name as space_name',
    ])
    .where('venue_signups.status', '=', 'confirmed')
    .where('venue_activities.status', '=', 'published')
    .where('venue_activities.starts_at', '>', nowIso)
    .where('venue_activities.starts_at', '<=', horizon)
    .execute();
  const due: Reminder[] = [
    ...bookings.map((b) => ({
      key: bookingReminderKey(b.id),
      userId: b.booker_user_id,
      kind: 'venue.booking_reminder' as const,
      params: { space: b.name, time: spanText(b.starts_at, b.ends_at) },
    })),
    ...signups.map((s) => ({
      key: signupReminderKey(s.id),
      userId: s.user_id,
      kind: 'venue.activity_reminder' as const,
      params: { title: s.title, place: s.place ?? s.space_name ?? '', time: spanText(s.starts_at, s.ends_at) },
    })),
  ];
  if (due.length === 0) return 0;
  const done = new Set<string>();
  for (let i = 0; i < due.length; i += 500) {
    const keys = due.slice(i, i + 500).map((r) => r.key);
    for (const r of await deps.db.selectFrom('outbox_once').select('key').where('key', 'in', keys).execute())
      done.add(r.key);
  }
  let sent = 0;
  for (const r of due.filter((x) => !done.has(x.key))) {
    const ids = await deps.db
      .transaction()
      .execute((trx) =>
        enqueueMessage(trx, { now, kind: r.kind, recipientUserId: r.userId, params: r.params, onceKey: r.key }),
      );
    if (ids.length > 0) sent += 1;
  }
  return sent;
}
