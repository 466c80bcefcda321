import { type Kysely, sql } from 'kysely';
import { dialectOf } from './database.ts';
import type { DB } from './types.ts';

/**
 * Refreshes the planner's statistics after a bulk load (outside any transaction). Without them SQLite
 * guesses, and may walk a million-row index for a query one grid could answer. On PostgreSQL the tables
 * are vacuumed too: that marks the freshly written pages all-visible, without which an index-only scan
 * (a page of residents chosen from the index alone) still visits every row it passes — autovacuum
 * would get there, but minutes after the import has been reported done.
 */
export async function analyzeTables(db: Kysely<DB>, tables: (keyof DB)[]): Promise<void> {
  const isPostgres = dialectOf(db) === 'postgres';
  for (const table of tables) {
    const name = sql.table(String(table));
    await (isPostgres ? sql`vacuum (analyze) ${name}` : sql`analyze ${name}`).execute(db);
  }
}
