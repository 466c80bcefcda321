import { type Kysely, sql } from 'kysely';
import type { DialectName } from './database.ts';
import type { DB } from './types.ts';

/**
 * Makes transactions that name the same key take turns, so a limit counted from rows (read, then
 * written) holds when requests arrive together — on two app servers as on one. PostgreSQL: a
 * transaction-scoped advisory lock per key, taken in sorted order so two transactions never wait on
 * each other in a cycle. SQLite: nothing to do, every transaction begins IMMEDIATE and holds the one
 * writer lock (database.ts). Call it first thing inside the transaction, and read the counts after it.
 */
export async function takeTurns(trx: Kysely<DB>, dialect: DialectName, keys: readonly string[]): Promise<void> {
  if (dialect !== 'postgres') return;
  for (const key of [...new Set(keys)].sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  }
}
