import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { ResidentChangeTable, ResidentTable } from './tables.ts';

export interface HistoryEntry {
  residentId: string;
  at: string;
  actorName: string | null;
  kind: ResidentChangeTable['kind'];
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
}

export const changeEntry = (c: ResidentChangeTable): HistoryEntry => ({
  residentId: c.resident_id,
  at: c.at,
  actorName: c.actor_name,
  kind: c.kind,
  field: c.field,
  oldValue: c.old_value,
  newValue: c.new_value,
});

/**
 * The creation of residents a ledger import wrote: told from the import job, which records who ran it,
 * rather than from a history row per resident (a million-row import would write a million of them).
 */
export async function importedCreations(
  db: Kysely<DB>,
  residents: Pick<ResidentTable, 'id' | 'import_job_id' | 'created_at'>[],
  address: string,
): Promise<HistoryEntry[]> {
  const jobIds = [...new Set(residents.map((r) => r.import_job_id).filter((j): j is string => j !== null))];
  if (jobIds.length === 0) return [];
  const jobs = new Map(
    (await db.selectFrom('import_jobs').select(['id', 'actor_name']).where('id', 'in', jobIds).execute()).map((j) => [
      j.id,
      j.actor_name,
    ]),
  );
  return residents
    .filter((r) => r.import_job_id !== null)
    .map((r) => ({
      residentId: r.id,
      at: r.created_at,
      actorName: jobs.get(r.import_job_id!) ?? null,
      kind: 'create',
      field: 'import',
      oldValue: null,
      newValue: address,
    }));
}

/** Newest first, as the history is read. */
export const newestFirst = (entries: HistoryEntry[]) =>
  entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
