import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope } from '../../platform/access/scope.ts';
import { notFound } from '../../platform/errors.ts';
import type { CaseTable } from './tables.ts';

export const CASE = { zh: '诉求', en: 'Case' };

/**
 * The cases an actor may see: handled in her scope, happened in her scope (the community is told
 * about department cases), or escalated to a unit in her scope. All three go through the scope helper.
 */
export function visibleCases(actor: Actor) {
  return (eb: Parameters<ReturnType<typeof inScope<DB, 'cases'>>>[0]) =>
    eb.or([
      inScope<DB, 'cases'>(actor, 'case.read', 'cases.handler_path')(eb),
      inScope<DB, 'cases'>(actor, 'case.read', 'cases.org_path')(eb),
      inScope<DB, 'cases'>(actor, 'case.read', 'cases.escalated_path')(eb),
    ]);
}

/** A case the actor may see, or 404. */
export async function getVisibleCase(db: Kysely<DB>, actor: Actor, id: string): Promise<CaseTable> {
  const row = await db
    .selectFrom('cases')
    .selectAll()
    .where('id', '=', id)
    .where(visibleCases(actor))
    .executeTakeFirst();
  if (row === undefined) throw notFound(CASE);
  return row;
}

/** A case the resident reported herself (or joined), or 404. */
export async function getReportedCase(db: Kysely<DB>, userId: string, id: string): Promise<CaseTable> {
  const row = await db
    .selectFrom('cases')
    .selectAll()
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('reporter_user_id', '=', userId),
        eb.exists(
          eb
            .selectFrom('case_reporters')
            .select('case_reporters.user_id')
            .where('case_reporters.case_id', '=', eb.ref('cases.id'))
            .where('case_reporters.user_id', '=', userId),
        ),
      ]),
    )
    .executeTakeFirst();
  if (row === undefined) throw notFound(CASE);
  return row;
}

export const canHandle = (actor: Actor, c: Pick<CaseTable, 'handler_path'>) =>
  canAt(actor, 'case.handle', c.handler_path);

/** Upper levels: a unit strictly above the handler where she holds the permission. */
export function canActAbove(
  actor: Actor,
  permission: 'case.supervise' | 'case.handle',
  c: Pick<CaseTable, 'handler_path'>,
) {
  const parent = c.handler_path.slice(0, c.handler_path.lastIndexOf('/', c.handler_path.length - 2) + 1);
  return parent.length > 1 && canAt(actor, permission, parent);
}
