import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { CareTagTable } from './tables.ts';

// Read on every resident page; kept for a minute per database (other app servers' additions show up within it).
const cache = new WeakMap<Kysely<DB>, { at: number; rows: CareTagTable[] }>();
const CACHE_MS = 60_000;

export async function listCareTags(db: Kysely<DB>): Promise<CareTagTable[]> {
  const hit = cache.get(db);
  if (hit !== undefined && Date.now() - hit.at < CACHE_MS) return hit.rows;
  const rows = await db
    .selectFrom('care_tags')
    .selectAll()
    .orderBy('is_builtin', 'desc')
    .orderBy('created_at')
    .orderBy('code')
    .execute();
  cache.set(db, { at: Date.now(), rows });
  return rows;
}

/** Adds a tag to the shared list (e.g. 重病患者); its code is derived from its id. */
export async function createCareTag(deps: AppDeps, actor: Actor, name: string) {
  const existing = await deps.db.selectFrom('care_tags').select('id').where('name', '=', name).executeTakeFirst();
  if (existing !== undefined)
    throw conflict('CONFLICT', 'name', { zh: `关爱标签“${name}”已存在`, en: `Care tag "${name}" exists` });
  const id = newId();
  const row: CareTagTable = {
    id,
    code: `tag_${id.slice(-12)}`,
    name,
    is_builtin: 0,
    is_derived: 0,
    created_at: deps.clock.now().toISOString(),
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('care_tags').values(row).execute();
    cache.delete(deps.db);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'caretag.create',
      targetType: 'care_tag',
      targetId: id,
      detail: { name },
    });
  });
  return row;
}

/** Resolves tag codes or names; unknown labels and derived tags (assigned by no one) are returned apart. */
export function resolveTags(all: CareTagTable[], labels: string[]): { ids: string[]; unknown: string[] } {
  const ids: string[] = [];
  const unknown: string[] = [];
  for (const label of labels.map((l) => l.trim()).filter((l) => l !== '')) {
    const tag = all.find((t) => t.code === label || t.name === label);
    if (tag === undefined || tag.is_derived === 1) unknown.push(label);
    else if (!ids.includes(tag.id)) ids.push(tag.id);
  }
  return { ids, unknown };
}
