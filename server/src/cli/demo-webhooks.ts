import type { AppDeps } from '../platform/deps.ts';
import { newId } from '../platform/ids.ts';
import { emitCaseEvent, WEBHOOK_EVENTS } from '../modules/webhooks/events.ts';
import { generateSecret } from '../modules/webhooks/signature.ts';

const NAME = '演示：区 12345 平台（接收端未开启）';
/** Nothing listens here on a laptop: the demo's deliveries show retries, then parking, in the log. */
const URL = 'http://127.0.0.1:48089/12345/tianzige';

/**
 * The demo's webhook subscriber: 安宁区's 12345 platform, at a local address that is off, told of the
 * five latest cases of the district (and of every step taken while demoing). Runs once; writes a row
 * and a few deliveries, so it costs start-up nothing noticeable.
 */
export async function seedDemoWebhooks(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const existing = await deps.db
    .selectFrom('webhook_subscribers')
    .select('id')
    .where('name', '=', NAME)
    .executeTakeFirst();
  if (existing !== undefined) return;
  const district = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path'])
    .where('code', '=', '620105')
    .executeTakeFirst();
  if (district === undefined) return;
  const creator = await deps.db.selectFrom('users').select('id').where('username', '=', 'anning').executeTakeFirst();
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_subscribers')
      .values({
        id: newId(),
        name: NAME,
        url: URL,
        secret_enc: deps.pii.encrypt(generateSecret()),
        events: WEBHOOK_EVENTS.join(','),
        org_id: district.id,
        org_path: district.path,
        is_active: 1,
        created_by: creator?.id ?? null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const latest = await trx
      .selectFrom('cases')
      .selectAll()
      .where('org_path', '>=', district.path)
      .where('org_path', '<', `${district.path.slice(0, -1)}0`)
      .orderBy('created_at', 'desc')
      .limit(5)
      .execute();
    for (const c of latest) await emitCaseEvent(trx, { row: c, kind: 'submitted', at: now });
  });
  log(
    `demo webhooks: 安宁区's 12345 subscriber at ${URL} (off): its deliveries retry, then park — 系统管理 → 数据推送 as anning`,
  );
}
