import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { DecisionRef } from './decisions.ts';

/**
 * Decisions by id for showing the ledger — to staff and to owners alike, who may not hold the councils'
 * permission but may read what their fund's spending was approved by (the title and where it was taken).
 */
export async function lookUpDecisions(db: Kysely<DB>, ids: string[]): Promise<Map<string, DecisionRef>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('council_decisions')
    .select(['id', 'title', 'org_path', 'result'])
    .where('id', 'in', ids)
    .execute();
  return new Map(
    rows.map((r) => [r.id, { id: r.id, title: r.title, orgPath: r.org_path, isAdopted: r.result === 'adopted' }]),
  );
}
