import type { ExpressionBuilder } from 'kysely';
import type { DB } from '../../db/types.ts';
import { ROLES } from '../../platform/access/roles.ts';
import type { Actor } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';

/**
 * A unit's notifications are for the staff who handle or oversee its cases: the units where she holds
 * `case.read`. A resident assigned to her community never sees its staff inbox.
 */
function unitsWhoseCasesSheSees(actor: Actor): string[] {
  return actor.assignments.filter((a) => ROLES[a.role].permissions.includes('case.read')).map((a) => a.orgId);
}

/** Her own notifications and those of the units she is assigned to, newest first. */
export async function listNotifications(deps: AppDeps, actor: Actor) {
  const unitIds = unitsWhoseCasesSheSees(actor);
  const mine = (eb: ExpressionBuilder<DB, 'notifications'>) =>
    eb.or([eb('user_id', '=', actor.userId), ...(unitIds.length > 0 ? [eb('org_id', 'in', unitIds)] : [])]);
  function base() {
    return deps.db.selectFrom('notifications');
  }
  const rows = await base().selectAll().where(mine).orderBy('created_at', 'desc').limit(50).execute();
  const unread = await base()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(mine)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return {
    items: rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      kind: r.kind,
      title: r.title_zh,
      titleEn: r.title_en,
      createdAt: r.created_at,
      isRead: r.read_at !== null,
    })),
    unread: Number(unread.n),
  };
}

/** Marks some (or all) of her notifications read. */
export async function markNotificationsRead(deps: AppDeps, actor: Actor, ids: string[] | undefined): Promise<void> {
  const unitIds = unitsWhoseCasesSheSees(actor);
  let q = deps.db
    .updateTable('notifications')
    .set({ read_at: deps.clock.now().toISOString() })
    .where('read_at', 'is', null)
    .where((eb) =>
      eb.or([eb('user_id', '=', actor.userId), ...(unitIds.length > 0 ? [eb('org_id', 'in', unitIds)] : [])]),
    );
  if (ids !== undefined) q = q.where('id', 'in', ids.length > 0 ? ids : ['none']);
  await q.execute();
}
