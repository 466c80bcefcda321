import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { DecisionRef } from './decisions.ts';

/** The councils module's decisions by id (the one place the fund reads them). */
export async function lookUpDecisions(db: Kysely<DB>, ids: string[]): Promise<Map<string, DecisionRef>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<{ id: string; title: string; org_path: string; result: string }>`
    select id, title, org_path, result from council_decisions where id in (${sql.join(ids)})`.execute(db);
  return new Map(
    rows.map((r) => [r.id, { id: r.id, title: r.title, orgPath: r.org_path, isAdopted: r.result === 'adopted' }]),
  );
}
