import type { AppDeps } from '../../platform/deps.ts';
import { CLI_WHO } from '../cli-who.ts';
import { recordAudit } from '../../platform/audit/service.ts';
import { OpsError } from '../errors.ts';

/**
 * `tianzige retention photos --closed-days N`: the photos of cases closed more than N days ago are
 * removed (they are the bulk of a database and often show people and homes); the case keeps its record,
 * timeline and figures, and says when its photos went (`photos_removed_at`). One audit row per run.
 * Batches of 200 cases, each in its own transaction, so a large first run does not hold the writer long.
 */

export const MIN_PHOTO_DAYS = 30;

export async function removeOldCasePhotos(
  deps: AppDeps,
  options: { closedDays: number },
): Promise<{ cases: number; photos: number }> {
  if (!Number.isInteger(options.closedDays) || options.closedDays < MIN_PHOTO_DAYS) {
    throw new OpsError(
      `照片至少在办结后保留 ${MIN_PHOTO_DAYS} 天`,
      `photos are kept at least ${MIN_PHOTO_DAYS} days after a case closes`,
    );
  }
  const now = deps.clock.now();
  const before = new Date(now.getTime() - options.closedDays * 86_400_000).toISOString();
  let cases = 0;
  let photos = 0;
  for (;;) {
    const batch = await deps.db
      .selectFrom('cases')
      .select('id')
      .where('status', '=', 'closed')
      .where('closed_at', '<', before)
      .where('photos_removed_at', 'is', null)
      .where((eb) =>
        eb.exists(
          eb.selectFrom('case_photos').select('case_photos.id').whereRef('case_photos.case_id', '=', 'cases.id'),
        ),
      )
      .limit(200)
      .execute();
    if (batch.length === 0) break;
    const ids = batch.map((c) => c.id);
    await deps.db.transaction().execute(async (trx) => {
      const removed = await trx.deleteFrom('case_photos').where('case_id', 'in', ids).executeTakeFirst();
      await trx.updateTable('cases').set({ photos_removed_at: now.toISOString() }).where('id', 'in', ids).execute();
      photos += Number(removed.numDeletedRows);
      cases += ids.length;
    });
  }
  if (cases > 0) {
    await recordAudit(deps.db, deps.clock, CLI_WHO, {
      action: 'retention.case_photos_removed',
      detail: { cases, photos, closedBefore: before },
    });
  }
  return { cases, photos };
}
