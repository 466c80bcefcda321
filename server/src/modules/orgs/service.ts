import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope, scopeRoots, subtreeEnd } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, forbidden, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { findGeometryProblem } from './geometry.ts';
import * as repo from './repo.ts';
import { bumpOrgVersion, listUnitsAtLevel } from './subtree-index.ts';
import { LEVEL_NAMES, type OrgCreateBody, type OrgUnit, type OrgUpdateBody } from './schema.ts';
import type { OrgLevel, OrgUnitTable } from './tables.ts';

const ORG = { zh: '组织', en: 'Org unit' };

/** Maps a row to the API shape; the path and internal key never leave the server. */
export function toOrgUnit(row: OrgUnitTable & { has_children: number }): OrgUnit {
  return {
    id: row.id,
    parentId: row.parent_id,
    level: row.level,
    name: row.name,
    fullName: row.full_name,
    code: row.code,
    hasChildren: Number(row.has_children) === 1,
    hasGeometry: row.geometry !== null,
  };
}

const readScope = (actor: Actor) => inScope<DB, 'org_units'>(actor, 'org.read', 'org_units.path');

/** A unit the actor may read, or 404. */
export async function getOrgInScope(db: Kysely<DB>, actor: Actor, by: { id: string } | { code: string }) {
  const row = await repo.findOrg(db, readScope(actor), by);
  if (row === undefined) throw notFound(ORG);
  return row;
}

/** The tops of the actor's visible tree. */
export async function listScopeRoots(db: Kysely<DB>, actor: Actor): Promise<OrgUnit[]> {
  const rows = await repo.listOrgsByPath(db, scopeRoots(actor, 'org.read'));
  return rows.map(toOrgUnit);
}

export async function listChildrenInScope(db: Kysely<DB>, actor: Actor, id: string): Promise<OrgUnit[]> {
  await getOrgInScope(db, actor, { id });
  return (await repo.listChildren(db, readScope(actor), id)).map(toOrgUnit);
}

/** Ancestors root-first for the breadcrumb, only those inside the actor's scope. */
export async function listAncestorsInScope(db: Kysely<DB>, actor: Actor, id: string): Promise<OrgUnit[]> {
  const unit = await getOrgInScope(db, actor, { id });
  const segments = unit.path.split('/').filter(Boolean);
  const ancestorPaths = segments.slice(0, -1).map((_, i) => `/${segments.slice(0, i + 1).join('/')}/`);
  const roots = scopeRoots(actor, 'org.read');
  const visible = ancestorPaths.filter((p) => roots.some((r) => p.startsWith(r)));
  return (await repo.listOrgsByPath(db, visible)).map(toOrgUnit);
}

export async function searchOrgsInScope(
  db: Kysely<DB>,
  actor: Actor,
  options: { q: string; level: string | undefined; limit: number },
): Promise<OrgUnit[]> {
  return (await repo.searchOrgs(db, readScope(actor), options)).map(toOrgUnit);
}

/** Units per level below a unit, and users whose home is in that subtree. */
export async function getSubtreeStats(db: Kysely<DB>, actor: Actor, id: string) {
  const unit = await getOrgInScope(db, actor, { id });
  const rows = await repo.countSubtreeByLevel(db, unit.path);
  const users = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('home_org_path', '>=', unit.path)
    .where('home_org_path', '<', `${unit.path.slice(0, -1)}0`)
    .executeTakeFirstOrThrow();
  return { counts: Object.fromEntries(rows.map((r) => [r.level, Number(r.n)])), users: Number(users.n) };
}

/** The unit's outline and those of the grids, compounds and groups below it, as GeoJSON. */
export async function getOrgMap(db: Kysely<DB>, actor: Actor, id: string) {
  const unit = await getOrgInScope(db, actor, { id });
  const rows = await repo.listGeometriesInSubtree(db, readScope(actor), unit.path);
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((r) => ({
      type: 'Feature' as const,
      properties: { id: r.id, name: r.name, level: r.level, code: r.code },
      geometry: JSON.parse(r.geometry ?? 'null') as unknown,
    })),
  };
}

function checkGeometry(geometry: unknown, field = 'geometry'): void {
  const found = findGeometryProblem(geometry);
  if (found !== null) throw invalidField(field, found.code, found.message);
}

function allowedParentLevels(level: OrgLevel): OrgLevel[] {
  return level === 'compound' ? ['community', 'grid'] : ['community'];
}

/** The next free code below a community: its 12-digit code plus three digits. */
export async function nextSubUnitCode(db: Kysely<DB>, communityCode: string): Promise<string> {
  const used = new Set(await repo.listCodesWithPrefix(db, communityCode));
  for (let n = 1; n < 1000; n++) {
    const code = `${communityCode}${String(n).padStart(3, '0')}`;
    if (!used.has(code)) return code;
  }
  throw new AppError('INVALID_STATE', { zh: '该社区下的编码已用尽', en: 'No codes left under this community' });
}

export interface NewSubUnit {
  parent: OrgUnitTable;
  level: OrgLevel;
  name: string;
  geometry: unknown;
  code?: string;
}

/** Inserts a grid, compound or villager group below its parent (inside the caller's transaction). */
export async function insertSubUnit(trx: Kysely<DB>, now: string, unit: NewSubUnit): Promise<OrgUnitTable> {
  const communityCode = (unit.parent.code ?? '').slice(0, 12);
  const code = unit.code ?? (await nextSubUnitCode(trx, communityCode));
  const key = await repo.allocateOrgKeys(trx, 1);
  const row: OrgUnitTable = {
    id: newId(),
    key,
    parent_id: unit.parent.id,
    path: `${unit.parent.path}${repo.pathSegment(key)}`,
    depth: unit.parent.depth + 1,
    level: unit.level,
    name: unit.name,
    full_name: `${unit.parent.full_name}${unit.name}`,
    code,
    geometry: unit.geometry === undefined || unit.geometry === null ? null : JSON.stringify(unit.geometry),
    department_kind: null,
    retired_at: null,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('org_units').values(row).execute();
  await bumpOrgVersion(trx);
  return row;
}

/** Creates a grid, compound or villager group under a community the actor manages. */
export async function createSubUnit(deps: AppDeps, actor: Actor, body: OrgCreateBody): Promise<OrgUnit> {
  const parent = await getOrgInScope(deps.db, actor, { id: body.parentId });
  if (!canAt(actor, 'org.manage', parent.path)) throw forbidden();
  if (!allowedParentLevels(body.level).includes(parent.level)) {
    const levelZh = LEVEL_NAMES[body.level].zh;
    throw invalidField('parentId', 'wrong_parent_level', {
      zh: `${levelZh}只能建在${allowedParentLevels(body.level)
        .map((l) => LEVEL_NAMES[l].zh)
        .join('或')}之下`,
      en: `A ${body.level} can only be created under: ${allowedParentLevels(body.level).join(', ')}`,
    });
  }
  if (body.geometry !== undefined) checkGeometry(body.geometry);
  const now = deps.clock.now().toISOString();
  const row = await deps.db.transaction().execute(async (trx) => {
    const created = await insertSubUnit(trx, now, {
      parent,
      level: body.level,
      name: body.name,
      geometry: body.geometry,
    });
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'org.create',
      targetType: 'org',
      targetId: created.id,
      orgId: created.id,
      orgPath: created.path,
      detail: { level: created.level, name: created.name, code: created.code },
    });
    return created;
  });
  return toOrgUnit({ ...row, has_children: 0 });
}

/** Renames a sub-community unit or changes its outline. Division units come from the national import only. */
export async function updateSubUnit(deps: AppDeps, actor: Actor, id: string, body: OrgUpdateBody): Promise<OrgUnit> {
  const unit = await getOrgInScope(deps.db, actor, { id });
  if (!canAt(actor, 'org.manage', unit.path)) throw forbidden();
  if (!['grid', 'compound', 'group'].includes(unit.level)) {
    throw new AppError('INVALID_STATE', {
      zh: '行政区划单位来自国家区划导入，不能在此修改',
      en: 'Division units come from the national import and cannot be edited here',
    });
  }
  if (body.geometry !== undefined && body.geometry !== null) checkGeometry(body.geometry);
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('org_units')
      .set({
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.geometry !== undefined
          ? { geometry: body.geometry === null ? null : JSON.stringify(body.geometry) }
          : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    if (body.name !== undefined && body.name !== unit.name) {
      // full_name is the parent's full name plus the name, for the unit and every unit below it
      const newFullName = `${unit.full_name.slice(0, unit.full_name.length - unit.name.length)}${body.name}`;
      const oldLength = [...unit.full_name].length;
      await trx
        .updateTable('org_units')
        .set({ full_name: sql<string>`${newFullName} || substr(full_name, ${oldLength + 1})` })
        .where('path', '>=', unit.path)
        .where('path', '<', subtreeEnd(unit.path))
        .execute();
    }
    await bumpOrgVersion(trx);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'org.update',
      targetType: 'org',
      targetId: id,
      orgId: id,
      orgPath: unit.path,
      detail: { fields: Object.keys(body) },
    });
  });
  return toOrgUnit(await getOrgInScope(deps.db, actor, { id }));
}

/** Every unit of one level below a unit in scope (e.g. all communities of a district), in path order. */
export async function listUnitsAtLevelInScope(db: Kysely<DB>, actor: Actor, id: string, level: OrgLevel) {
  const unit = await getOrgInScope(db, actor, { id });
  const units = await listUnitsAtLevel(db, unit.path, level);
  return units.map((u) => ({ id: u.id, name: u.name, code: u.code }));
}

/** Full names of units by id (for showing the unit beside users, assignments, audit records). */
export async function findOrgFullNames(db: Kysely<DB>, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await db.selectFrom('org_units').select(['id', 'full_name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.full_name]));
}
