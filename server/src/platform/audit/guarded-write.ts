import type { InsertResult, Kysely, UpdateResult } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Clock } from '../clock.ts';
import type { AppError } from '../errors.ts';
import { type AuditEntry, type AuditWho, recordAudit } from './service.ts';

/** The rows an update, or an insert … on conflict do nothing, changed. */
function rowsWritten(result: UpdateResult | InsertResult): number {
  return Number('numUpdatedRows' in result ? result.numUpdatedRows : (result.numInsertedOrUpdatedRows ?? 0n));
}

/**
 * A write guarded by the state it needs (`… where status = 'pending'`, `on conflict do nothing`): when it
 * changed no row that state no longer holds — another request got there first — and `refusal()` is thrown,
 * so the caller's transaction writes nothing. Otherwise the audit entry, when given, is recorded in the
 * same transaction (`db` is that transaction).
 */
export async function requireWritten(
  db: Kysely<DB>,
  write: Promise<UpdateResult | InsertResult>,
  refusal: () => AppError,
  audit?: { clock: Clock; who: AuditWho; entry: AuditEntry },
): Promise<void> {
  if (rowsWritten(await write) === 0) throw refusal();
  if (audit !== undefined) await recordAudit(db, audit.clock, audit.who, audit.entry);
}
