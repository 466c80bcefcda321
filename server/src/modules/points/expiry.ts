import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { addMonths, shanghaiMonth } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { enqueueMessage } from '../messages/outbox.ts';
import { communityAccount, isPostgresDb, isUniqueViolation, postJournal } from './ledger.ts';
import type { PointsPolicyTable } from './tables.ts';

/** How often the server looks for points to expire; each account and cut month is expired once, whenever it runs. */
export const EXPIRY_INTERVAL_MS = 60 * 60_000;

/**
 * The month before which earned points have expired under a policy, now: `rolling` — N months after the
 * month earned; `year_end` — at the turn of the year once N months have passed (points earned in 2025
 * under a 12-month policy expire when 2027 begins). Null when the policy keeps points for ever.
 */
export function expiryCut(policy: Pick<PointsPolicyTable, 'expiry_months' | 'expiry_at'>, now: Date): string | null {
  if (policy.expiry_months === null) return null;
  const month = shanghaiMonth(now);
  const from = policy.expiry_at === 'year_end' ? `${month.slice(0, 4)}-01` : month;
  return addMonths(from, -policy.expiry_months);
}

/**
 * Expires points by each community's policy as compensating journals (member → the community's
 * `expired` account): per account, whatever she earned before the cut month and has not spent since
 * (oldest first: expired = max(0, credits before the cut − all debits so far, earlier expiry included)).
 * One journal per account and cut month — its source, held by the journals' unique source index — so a
 * job run twice, or on two servers at once, expires nothing twice; each account is worked out inside its
 * own transaction with the account locked, so a redemption at the same moment is counted. The resident
 * is told through the outbox, once per journal.
 */
export async function expirePoints(db: Kysely<DB>, now: Date): Promise<{ accounts: number; points: number }> {
  const policies = await db.selectFrom('points_policies').selectAll().where('expiry_months', 'is not', null).execute();
  let accounts = 0;
  let points = 0;
  for (const policy of policies) {
    const cut = expiryCut(policy, now)!;
    // the accounts with credits before the cut: the candidates (worked out exactly below, one by one)
    const candidates = await db
      .selectFrom('points_movements')
      .select('account_id')
      .distinct()
      .where('community_path', '=', policy.org_path)
      .where('account_role', '=', 'member')
      .where('month', '<', cut)
      .where('amount', '>', 0)
      .execute();
    for (const { account_id: accountId } of candidates) {
      const source = { kind: 'points_expiry', id: `${accountId}:${cut}` };
      try {
        const expired = await db.transaction().execute(async (trx) => {
          if (isPostgresDb(trx)) {
            await trx.selectFrom('points_accounts').select('id').where('id', '=', accountId).forUpdate().execute();
          }
          const seen = await trx
            .selectFrom('points_journals')
            .select('id')
            .where('source_kind', '=', source.kind)
            .where('source_id', '=', source.id)
            .executeTakeFirst();
          if (seen !== undefined) return 0;
          const sums = await trx
            .selectFrom('points_movements')
            .select([
              (eb) =>
                eb.fn
                  .sum<number | string | null>(
                    eb
                      .case()
                      .when(eb.and([eb('amount', '>', 0), eb('month', '<', cut)]))
                      .then(eb.ref('amount'))
                      .else(0)
                      .end(),
                  )
                  .as('old_credits'),
              (eb) =>
                eb.fn
                  .sum<number | string | null>(eb.case().when('amount', '<', 0).then(eb.ref('amount')).else(0).end())
                  .as('debits'),
            ])
            .where('account_id', '=', accountId)
            .executeTakeFirstOrThrow();
          const due = Number(sums.old_credits ?? 0) + Number(sums.debits ?? 0);
          if (due <= 0) return 0;
          const expiredAccount = await communityAccount(trx, now, policy.org_path, 'expired');
          const { journalId } = await postJournal(trx, now, {
            communityPath: policy.org_path,
            kind: 'expire',
            reason: `${cut} 以前获得的积分到期`,
            source,
            actor: { id: null, name: 'system' },
            postings: [
              { accountId, amount: -due },
              { accountId: expiredAccount.id, amount: due },
            ],
          });
          for (const userId of await usersOfAccount(trx, accountId)) {
            await enqueueMessage(trx, {
              now,
              kind: 'points.expired',
              recipientUserId: userId,
              params: { points: String(due), month: cut },
              onceKey: `points.expired:${journalId}:${userId}`,
            });
          }
          return due;
        });
        if (expired > 0) {
          accounts += 1;
          points += expired;
        }
      } catch (error) {
        // another server expired this account for this cut month a moment ago
        if (!isUniqueViolation(error)) throw error;
      }
    }
  }
  return { accounts, points };
}

/** The signed-in people an account's points belong to: her own account, or every bound member of a pooled household. */
async function usersOfAccount(db: Kysely<DB>, accountId: string): Promise<string[]> {
  const account = await db
    .selectFrom('points_accounts')
    .select(['owner_kind', 'owner_id'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  let query = db
    .selectFrom('resident_bindings as b')
    .innerJoin('residents as r', 'r.id', 'b.resident_id')
    .select('b.user_id')
    .distinct()
    .where('b.status', '=', 'bound');
  query =
    account.owner_kind === 'household'
      ? query.where('r.household_id', '=', account.owner_id)
      : query.where('r.id', '=', account.owner_id);
  return (await query.execute()).map((r) => r.user_id);
}

/** The scheduled job: every hour, on every server (each expiry happens once, whichever runs it). */
export function startPointsExpiry(deps: AppDeps, onError: (error: unknown) => void): { stop: () => Promise<void> } {
  let running: Promise<unknown> | null = null;
  const run = () => {
    if (running !== null) return;
    running = expirePoints(deps.db, deps.clock.now())
      .catch(onError)
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, EXPIRY_INTERVAL_MS);
  timer.unref();
  run();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
