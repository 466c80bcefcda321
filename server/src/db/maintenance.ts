import { type Kysely, sql } from 'kysely';
import type { DB } from './types.ts';

/**
 * Refreshes the planner's statistics after a bulk load. Without them SQLite guesses, and may walk a
 * million-row index for a query one grid could answer; `analyze <table>` means the same on both engines.
 */
export async function analyzeTables(db: Kysely<DB>, tables: (keyof DB)[]): Promise<void> {
  for (const table of tables) await sql`analyze ${sql.table(String(table))}`.execute(db);
}
