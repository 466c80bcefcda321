import type { DB } from '../../db/types.ts';
import { type Actor, inScope } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { afterInstant, NO_SHOW_LIMIT, NO_SHOW_WINDOW_DAYS } from './bookings.ts';

const DAY_MS = 86_400_000;

/**
 * The residents with no-shows at the rooms in her scope (optionally one centre's) within the window,
 * most first: how many, the last, and — for those paused — the day the pause lifts (when the oldest
 * no-show that keeps her at the limit leaves the window). Same definition as her own standing
 * (bookings.ts isNoShow / noShowStanding): an approved resident booking ended without check-in.
 */
export async function listNoShows(deps: AppDeps, actor: Actor, centreId: string | undefined) {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - NO_SHOW_WINDOW_DAYS * DAY_MS).toISOString();
  let q = deps.db
    .selectFrom('venue_bookings')
    .innerJoin('venue_spaces', 'venue_spaces.id', 'venue_bookings.space_id')
    .select([
      'venue_bookings.id',
      'venue_bookings.booker_user_id',
      'venue_bookings.booker_name',
      'venue_bookings.starts_at',
      'venue_bookings.ends_at',
      'venue_spaces.name as space_name',
    ])
    .where(inScope<DB, 'venue_bookings'>(actor, 'venue.manage', 'venue_bookings.org_path'))
    .where('venue_bookings.booker_kind', '=', 'resident')
    .where('venue_bookings.status', '=', 'approved')
    .where('venue_bookings.checked_in_at', 'is', null)
    .where('venue_bookings.ends_at', '>=', since)
    .where('venue_bookings.ends_at', '<=', now.toISOString());
  if (centreId !== undefined) q = q.where('venue_bookings.centre_id', '=', centreId);
  const rows = await q.orderBy('venue_bookings.ends_at', 'desc').limit(2000).execute();
  const byPerson = new Map<string, typeof rows>();
  for (const r of rows) byPerson.set(r.booker_user_id, [...(byPerson.get(r.booker_user_id) ?? []), r]);
  const lifts = await latestLifts(deps, [...byPerson.keys()]);
  const items = [...byPerson.values()].map((mine) => {
    // staff may have lifted her pause: only the no-shows after the lift count towards a new one
    const liftedAt = lifts.get(mine[0]!.booker_user_id) ?? null;
    const counting = liftedAt === null ? mine : mine.filter((b) => b.ends_at >= afterInstant(liftedAt));
    // newest first: the pause lifts when the LIMIT-th newest leaves the window
    const isPaused = counting.length >= NO_SHOW_LIMIT;
    const holding = counting[NO_SHOW_LIMIT - 1];
    return {
      name: mine[0]!.booker_name,
      noShows: mine.length,
      liftedAt: liftedAt !== null && liftedAt >= since ? liftedAt : null,
      isPaused,
      pausedUntil:
        isPaused && holding !== undefined
          ? new Date(Date.parse(holding.ends_at) + NO_SHOW_WINDOW_DAYS * DAY_MS).toISOString()
          : null,
      bookings: mine.map((b) => ({ id: b.id, spaceName: b.space_name, startsAt: b.starts_at, endsAt: b.ends_at })),
    };
  });
  items.sort((a, b) => b.noShows - a.noShows || a.name.localeCompare(b.name, 'zh-CN'));
  return { limit: NO_SHOW_LIMIT, windowDays: NO_SHOW_WINDOW_DAYS, items };
}

async function latestLifts(deps: AppDeps, userIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < userIds.length; i += 500) {
    const rows = await deps.db
      .selectFrom('venue_pause_lifts')
      .select(['user_id', (eb) => eb.fn.max('lifted_at').as('at')])
      .where('user_id', 'in', userIds.slice(i, i + 500))
      .groupBy('user_id')
      .execute();
    for (const r of rows) out.set(r.user_id, String(r.at));
  }
  return out;
}
