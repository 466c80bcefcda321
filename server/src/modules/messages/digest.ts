import { sql } from 'kysely';
import { DAY_MS, SHANGHAI_OFFSET_MS, shanghaiDay } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { loadActor } from '../users/service.ts';
import { getWorkbench } from '../workbench/service.ts';
import { DIGEST_MINUTE } from './kinds.ts';
import { claimOnce, enqueueMessage } from './outbox.ts';

/** Minutes into the Shanghai day of an instant. */
function shanghaiMinute(at: Date): number {
  const local = at.getTime() + SHANGHAI_OFFSET_MS;
  return Math.floor((local - Math.floor(local / DAY_MS) * DAY_MS) / 60_000);
}

/** The key that lets a person's digest of one Shanghai day be sent once, whoever sends it. */
export const digestKey = (userId: string, day: string) => `staff.digest:${userId}:${day}`;

/**
 * 每日待办汇总: once the day's digest time has come (Asia/Shanghai; TIANZIGE_MESSAGES_DIGEST_AT), each
 * staff member gets one `staff.digest` message with her to-do counts — the workbench's own sections,
 * counted by getWorkbench, so the numbers are the ones her workbench page shows. A person with nothing
 * to do gets nothing. Once per person and day: the day's key is claimed in the transaction that
 * enqueues the message, so a restart, a second run or a second server sends no second digest (one that
 * starts after the time catches up the same day). Returns how many digests it enqueued.
 */
export async function sendStaffDigests(deps: AppDeps, digestMinute = DIGEST_MINUTE): Promise<number> {
  const now = deps.clock.now();
  if (shanghaiMinute(now) < digestMinute) return 0;
  const day = shanghaiDay(now);
  const staff = await deps.db
    .selectFrom('users as u')
    .innerJoin('role_assignments as a', 'a.user_id', 'u.id')
    // those whose digest of the day is claimed already are left out before their workbench is read
    .leftJoin('outbox_once as o', (join) =>
      join.on('o.key', '=', sql<string>`${'staff.digest:'} || u.id || ${`:${day}`}`),
    )
    .select(['u.id', 'u.username', 'u.display_name'])
    .distinct()
    .where('u.is_disabled', '=', 0)
    .where('a.role', '!=', 'resident')
    .where('o.key', 'is', null)
    .orderBy('u.id')
    .execute();
  let sent = 0;
  for (const user of staff) {
    const actor = await loadActor(deps.db, user, { via: 'cli', ip: null, userAgent: null });
    const { sections } = await getWorkbench(deps, actor);
    const open = sections.filter((s) => s.count > 0);
    const count = open.reduce((n, s) => n + s.count, 0);
    const key = digestKey(user.id, day);
    const isSent = await deps.db.transaction().execute(async (trx) => {
      if (count === 0) return (await claimOnce(trx, key, now)) && false;
      const ids = await enqueueMessage(trx, {
        now,
        kind: 'staff.digest',
        recipientUserId: user.id,
        params: {
          count: String(count),
          // codes and counts; the reader's language names the sections (kinds.ts DIGEST_SECTIONS)
          sections: open.map((s) => `${s.key}:${s.count}${s.isCountCapped ? '+' : ''}`).join(','),
        },
        onceKey: key,
      });
      return ids.length > 0;
    });
    if (isSent) sent += 1;
  }
  return sent;
}
