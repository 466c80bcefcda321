import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt } from '../../platform/access/scope.ts';
import { recordAudit, type AuditWho, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict, forbidden, invalidField } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './repo.ts';
import { getOrgInScope, toOrgUnit } from './service.ts';
import { bumpOrgVersion } from './subtree-index.ts';
import type { OrgUnitTable } from './tables.ts';

/**
 * Departments (职能部门: 教育局, 民政局, …) are org units of level `department` below a county, city
 * or street. Their kind is the code duty items name; routing looks for it above a case's place.
 */
export async function insertDepartment(
  trx: Kysely<DB>,
  now: string,
  parent: OrgUnitTable,
  department: { kind: string; name: string },
): Promise<OrgUnitTable> {
  const key = await repo.allocateOrgKeys(trx, 1);
  const row: OrgUnitTable = {
    id: newId(),
    key,
    parent_id: parent.id,
    path: `${parent.path}${repo.pathSegment(key)}`,
    depth: parent.depth + 1,
    level: 'department',
    name: department.name,
    // a department named after its district (安宁区教育局) does not repeat it in the full name
    full_name: `${parent.full_name}${department.name.startsWith(parent.name) ? department.name.slice(parent.name.length) : department.name}`,
    code: null,
    geometry: null,
    department_kind: department.kind,
    retired_at: null,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('org_units').values(row).execute();
  await bumpOrgVersion(trx);
  return row;
}

const PARENT_LEVELS = ['city', 'county', 'street'];

/** Creates a department below a county, city or street the actor manages; one per kind there. */
export async function createDepartment(
  deps: AppDeps,
  actor: Actor,
  body: { parentId: string; kind: string; name: string },
) {
  const parent = await getOrgInScope(deps.db, actor, { id: body.parentId });
  if (!canAt(actor, 'org.manage', parent.path)) throw forbidden();
  if (!PARENT_LEVELS.includes(parent.level)) {
    throw invalidField('parentId', 'wrong_parent_level', {
      zh: '职能部门只能建在市、区县或街道之下',
      en: 'A department belongs to a city, county or street',
    });
  }
  const row = await deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('org_units')
      .select('id')
      .where('parent_id', '=', parent.id)
      .where('department_kind', '=', body.kind)
      .executeTakeFirst();
    if (existing !== undefined) {
      throw conflict('CONFLICT', 'kind', {
        zh: '该单位下已有此类职能部门',
        en: 'This unit already has such a department',
      });
    }
    const created = await insertDepartment(trx, deps.clock.now().toISOString(), parent, body);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'org.create',
      targetType: 'org',
      targetId: created.id,
      orgId: created.id,
      orgPath: created.path,
      detail: { level: 'department', kind: body.kind, name: body.name },
    });
    return created;
  });
  return toOrgUnit({ ...row, has_children: 0 });
}

/** Creates every missing department of `kinds` below a unit (demo data and the CLI). */
export async function ensureDepartments(
  deps: Pick<AppDeps, 'db' | 'clock'>,
  who: AuditWho,
  parent: OrgUnitTable,
  kinds: { kind: string; name: string }[],
): Promise<number> {
  return deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('org_units')
      .select('department_kind')
      .where('parent_id', '=', parent.id)
      .where('level', '=', 'department')
      .execute();
    const have = new Set(existing.map((e) => e.department_kind));
    const now = deps.clock.now().toISOString();
    let created = 0;
    for (const k of kinds) {
      if (have.has(k.kind)) continue;
      const row = await insertDepartment(trx, now, parent, { kind: k.kind, name: `${parent.name}${k.name}` });
      await recordAudit(trx, deps.clock, who, {
        action: 'org.create',
        targetType: 'org',
        targetId: row.id,
        orgId: row.id,
        orgPath: row.path,
        detail: { level: 'department', kind: k.kind },
      });
      created += 1;
    }
    return created;
  });
}

/**
 * The department of `kind` nearest above `path`: among the units on the path (street, county,
 * city, …), the deepest one that has such a department. Null when none has.
 */
export async function findDepartmentAbove(
  db: Kysely<DB>,
  path: string,
  kind: string,
): Promise<{ id: string; path: string; name: string; parentId: string } | null> {
  const ancestorPaths: string[] = [];
  for (let i = path.indexOf('/', 1); i !== -1; i = path.indexOf('/', i + 1)) ancestorPaths.push(path.slice(0, i + 1));
  if (ancestorPaths.length === 0) return null;
  const rows = await db
    .selectFrom('org_units as d')
    .innerJoin('org_units as p', 'p.id', 'd.parent_id')
    .select(['d.id', 'd.path', 'd.name', 'd.parent_id', 'p.depth'])
    .where('d.department_kind', '=', kind)
    .where('d.retired_at', 'is', null)
    .where('p.path', 'in', ancestorPaths)
    .orderBy('p.depth', 'desc')
    .limit(1)
    .execute();
  const row = rows[0];
  return row === undefined ? null : { id: row.id, path: row.path, name: row.name, parentId: row.parent_id! };
}
