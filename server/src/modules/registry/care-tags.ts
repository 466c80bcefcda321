import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, isWithin, scopeRoots } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getOrgInScope } from '../orgs/service.ts';
import type { CareTagTable } from './tables.ts';
import { isCareTagCode } from './vocabulary.ts';

// Read on every resident page; kept for a minute per database (other app servers' additions show up within it).
const cache = new WeakMap<Kysely<DB>, { at: number; rows: CareTagTable[] }>();
const CACHE_MS = 60_000;

/**
 * Every care tag, whoever made it: for naming the tags a resident already carries. Choosing one goes
 * through `usableAt`. The registry's 党员 is not among them: it is a party membership (vocabulary.ts).
 */
export async function listCareTags(db: Kysely<DB>): Promise<CareTagTable[]> {
  const hit = cache.get(db);
  if (hit !== undefined && Date.now() - hit.at < CACHE_MS) return hit.rows;
  const rows = await db
    .selectFrom('care_tags')
    .selectAll()
    .orderBy('is_builtin', 'desc')
    .orderBy('created_at')
    .orderBy('code')
    .execute()
    .then((all) => all.filter((t) => isCareTagCode(t.code)));
  cache.set(db, { at: Date.now(), rows });
  return rows;
}

/**
 * Whether a tag may be given to (or searched for among) people at `path`: a built-in tag anywhere, a
 * custom tag only under the unit that made it. A community's tag is not another community's, nor the
 * street's or city's above it.
 */
export function isUsableAt(tag: CareTagTable, path: string): boolean {
  return tag.org_path === null || isWithin(path, tag.org_path);
}

/** The tags usable at a place. */
export const usableAt = (tags: CareTagTable[], path: string) => tags.filter((t) => isUsableAt(t, path));

/** The tags usable at the place of a household, a search or an import: the one rule every writer uses. */
export async function listCareTagsAt(db: Kysely<DB>, path: string): Promise<CareTagTable[]> {
  return usableAt(await listCareTags(db), path);
}

/**
 * The tags an actor may see in a list or search: built-in ones, those of the units above and at her
 * scope roots (usable everywhere she works), and — for a search across her scope — those made below.
 */
export function visibleTo(tags: CareTagTable[], actor: Actor, options: { isIncludingBelow: boolean }) {
  const roots = scopeRoots(actor, 'resident.read');
  return tags.filter(
    (t) =>
      t.org_path === null ||
      roots.some((root) => isWithin(root, t.org_path!) || (options.isIncludingBelow && isWithin(t.org_path!, root))),
  );
}

/** Adds a custom tag (e.g. 重病患者) owned by a unit in the actor's `caretag.manage` scope; its code derives from its id. */
export async function createCareTag(deps: AppDeps, actor: Actor, body: { name: string; orgId?: string | undefined }) {
  const roots = scopeRoots(actor, 'caretag.manage');
  const unit =
    body.orgId !== undefined
      ? await getOrgInScope(deps.db, actor, { id: body.orgId })
      : roots.length === 1
        ? await deps.db.selectFrom('org_units').selectAll().where('path', '=', roots[0]!).executeTakeFirstOrThrow()
        : null;
  if (unit === null) {
    throw conflict('VALIDATION', 'orgId', { zh: '请选择标签所属单位', en: 'Choose the unit the tag belongs to' });
  }
  if (!canAt(actor, 'caretag.manage', unit.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  const name = body.name;
  const existing = await deps.db
    .selectFrom('care_tags')
    .select(['id', 'org_path'])
    .where('name', '=', name)
    .executeTakeFirst();
  if (existing !== undefined) {
    // Names are unique across the platform; another unit's tag is not named, only refused.
    const isVisible = existing.org_path === null || isWithin(unit.path, existing.org_path);
    throw conflict(
      'CONFLICT',
      'name',
      isVisible
        ? { zh: `关爱标签“${name}”已存在`, en: `Care tag "${name}" exists` }
        : { zh: `名称“${name}”已被使用，请换一个名称`, en: `The name "${name}" is taken; choose another` },
    );
  }
  const id = newId();
  const row: CareTagTable = {
    id,
    code: `tag_${id.slice(-12)}`,
    name,
    is_builtin: 0,
    is_derived: 0,
    created_at: deps.clock.now().toISOString(),
    org_id: unit.id,
    org_path: unit.path,
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('care_tags').values(row).execute();
    cache.delete(deps.db);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'caretag.create',
      targetType: 'care_tag',
      targetId: id,
      orgId: unit.id,
      orgPath: unit.path,
      detail: { name },
    });
  });
  cache.delete(deps.db);
  return { ...row, org_name: unit.name };
}

/**
 * Resolves tag codes or names among the tags given (those usable at the place: `listCareTagsAt`);
 * unknown labels, other units' tags and derived tags (assigned by no one) are returned apart.
 */
export function resolveTags(usable: CareTagTable[], labels: string[]): { ids: string[]; unknown: string[] } {
  const ids: string[] = [];
  const unknown: string[] = [];
  for (const label of labels.map((l) => l.trim()).filter((l) => l !== '')) {
    const tag = usable.find((t) => t.code === label || t.name === label);
    if (tag === undefined || tag.is_derived === 1) unknown.push(label);
    else if (!ids.includes(tag.id)) ids.push(tag.id);
  }
  return { ids, unknown };
}

/**
 * Drops from residents who moved to `path` the custom tags not usable there (another unit's tags do not
 * travel): one read of their tags and one delete, however many they are.
 */
export async function dropTagsUnusableAt(db: Kysely<DB>, residentIds: string[], path: string): Promise<void> {
  if (residentIds.length === 0) return;
  const all = await listCareTags(db);
  const held = await db
    .selectFrom('resident_tags')
    .select('tag_id')
    .distinct()
    .where('resident_id', 'in', residentIds)
    .execute();
  const dropped = held
    .map((r) => all.find((t) => t.id === r.tag_id))
    .filter((t): t is CareTagTable => t !== undefined && !isUsableAt(t, path))
    .map((t) => t.id);
  if (dropped.length === 0) return;
  await db.deleteFrom('resident_tags').where('resident_id', 'in', residentIds).where('tag_id', 'in', dropped).execute();
}

/** The tags a caller may choose from: usable at `orgId` (in her scope), or wherever she works; with their units. */
export async function listCareTagsFor(deps: AppDeps, actor: Actor, orgId: string | undefined) {
  const all = await listCareTags(deps.db);
  const tags =
    orgId === undefined
      ? visibleTo(all, actor, { isIncludingBelow: false })
      : usableAt(all, (await getOrgInScope(deps.db, actor, { id: orgId })).path);
  const ownerIds = [...new Set(tags.map((t) => t.org_id).filter((id): id is string => id !== null))];
  const owners =
    ownerIds.length === 0
      ? new Map<string, string>()
      : new Map(
          (await deps.db.selectFrom('org_units').select(['id', 'name']).where('id', 'in', ownerIds).execute()).map(
            (o) => [o.id, o.name],
          ),
        );
  return {
    items: tags.map((t) => ({
      code: t.code,
      name: t.name,
      isDerived: t.is_derived === 1,
      isBuiltin: t.is_builtin === 1,
      orgId: t.org_id,
      orgName: t.org_id === null ? null : (owners.get(t.org_id) ?? null),
    })),
  };
}
