import type { Kysely } from 'kysely';
import { countyKeyOf } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../access/scope.ts';
import { canAt, inScope } from '../access/scope.ts';
import type { Clock } from '../clock.ts';
import { newId } from '../ids.ts';
import type { AuditLogTable } from './tables.ts';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  orgId?: string | null;
  orgPath?: string | null;
  /** never personal numbers: callers pass ids and field names, not values */
  detail?: Record<string, unknown>;
  /** the actor asked not to be named (an anonymous reporter): only readers holding pii.reveal there see who */
  isActorSealed?: boolean;
}

export interface AuditWho {
  actorId: string | null;
  actorName: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const whoFromActor = (actor: Actor): AuditWho => ({
  actorId: actor.userId,
  actorName: actor.username,
  ip: actor.ip,
  userAgent: actor.userAgent,
});

/** One audit record as it is written; `recordAudit` writes one, `recordAudits` many at once. */
export function auditRow(clock: Clock, who: AuditWho, entry: AuditEntry): AuditLogTable {
  return {
    id: newId(),
    at: clock.now().toISOString(),
    actor_id: who.actorId,
    actor_name: who.actorName,
    action: entry.action,
    target_type: entry.targetType ?? null,
    target_id: entry.targetId ?? null,
    org_id: entry.orgId ?? null,
    org_path: entry.orgPath ?? null,
    // a record with no unit (a sign-in, a global setting) is stored with county 0
    county_key: entry.orgPath == null ? 0 : countyKeyOf(entry.orgPath),
    ip: who.ip,
    user_agent: who.userAgent?.slice(0, 500) ?? null,
    detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
    actor_sealed: entry.isActorSealed === true ? 1 : 0,
  };
}

/** Appends one audit record, in the caller's transaction when given one. */
export async function recordAudit(db: Kysely<DB>, clock: Clock, who: AuditWho, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values(auditRow(clock, who, entry))
    .execute();
}

/** Appends audit records built by `auditRow` in a few wide inserts (a group commit's batch). */
export async function recordAudits(db: Kysely<DB>, rows: readonly AuditLogTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('audit_log')
      .values(rows.slice(i, i + 500))
      .execute();
}

/** Whether the reader may see who acted on a record: always, unless its actor is sealed and she may not reveal there. */
export function canSeeAuditActor(reader: Actor, row: Pick<AuditLogTable, 'actor_sealed' | 'org_path'>): boolean {
  return row.actor_sealed !== 1 || (row.org_path !== null && canAt(reader, 'pii.reveal', row.org_path));
}

export interface AuditFilter {
  action?: string;
  actorId?: string;
  orgPath?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

/** Audit records in the actor's `audit.read` scope, newest first. Records with no org are visible to global scopes only. */
export async function listAuditInScope(db: Kysely<DB>, actor: Actor, filter: AuditFilter) {
  let query = db.selectFrom('audit_log').where(inScope<DB, 'audit_log'>(actor, 'audit.read', 'audit_log.org_path'));
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.actorId !== undefined) {
    // looking up what one person did must not find the records that hide her (a sealed actor)
    query = query
      .where('actor_id', '=', filter.actorId)
      .where((eb) =>
        eb.or([eb('actor_sealed', '=', 0), inScope<DB, 'audit_log'>(actor, 'pii.reveal', 'audit_log.org_path')(eb)]),
      );
  }
  if (filter.orgPath !== undefined) {
    query = query.where('org_path', '>=', filter.orgPath).where('org_path', '<', `${filter.orgPath.slice(0, -1)}0`);
  }
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  const [rows, total] = await Promise.all([
    query
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
