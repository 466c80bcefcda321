import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { findDepartmentAbove } from '../orgs/departments.ts';
import type { DutyItemTable } from '../duties/tables.ts';

export interface UnitRef {
  id: string;
  path: string;
  name: string;
  level: string;
}

export interface Routing {
  handler: UnitRef;
  /** no item matched, or its department does not exist here: the fallback unit took it (兜底), flagged for review */
  isFallback: boolean;
  /** told about the case without handling it: the community of a department case, the department of an assist case */
  informed: UnitRef[];
}

const ancestorCache = new WeakMap<Kysely<DB>, Map<string, { at: number; units: UnitRef[] }>>();
const CACHE_MS = 10_000;

/** The units on the path from the root down to `path`, root first. */
export async function listAncestors(db: Kysely<DB>, path: string): Promise<UnitRef[]> {
  let perDb = ancestorCache.get(db);
  if (perDb === undefined) ancestorCache.set(db, (perDb = new Map<string, { at: number; units: UnitRef[] }>()));
  const hit = perDb.get(path);
  if (hit !== undefined && Date.now() - hit.at < CACHE_MS) return hit.units;
  const prefixes: string[] = [];
  for (let i = path.indexOf('/', 1); i !== -1; i = path.indexOf('/', i + 1)) prefixes.push(path.slice(0, i + 1));
  const rows = await db
    .selectFrom('org_units')
    .select(['id', 'path', 'name', 'level'])
    .where('path', 'in', prefixes)
    .orderBy('depth')
    .execute();
  if (perDb.size > 50_000) perDb.clear();
  perDb.set(path, { at: Date.now(), units: rows });
  return rows;
}

const nearest = (units: UnitRef[], level: string) => [...units].reverse().find((u) => u.level === level);

/** The fallback unit above a place: its street, else its county, else the place itself. */
export function fallbackUnit(ancestors: UnitRef[]): UnitRef {
  return nearest(ancestors, 'street') ?? nearest(ancestors, 'county') ?? ancestors[ancestors.length - 1]!;
}

/**
 * Duty item + place → the unit that handles the case. The community handles its own duties and
 * the ones it assists a department with; a department's own items go to that department (the
 * community only informed); street items to the street; no item → the street (兜底).
 */
export async function routeCase(db: Kysely<DB>, item: DutyItemTable | null, placePath: string): Promise<Routing> {
  const ancestors = await listAncestors(db, placePath);
  const community = nearest(ancestors, 'community');
  const street = nearest(ancestors, 'street');
  if (item === null) return { handler: fallbackUnit(ancestors), isFallback: true, informed: [] };
  switch (item.kind) {
    case 'community':
    case 'assist': {
      if (community === undefined) return { handler: fallbackUnit(ancestors), isFallback: true, informed: [] };
      const department =
        item.kind === 'assist' && item.department_kind !== null
          ? await findDepartmentAbove(db, placePath, item.department_kind)
          : null;
      return {
        handler: community,
        isFallback: false,
        informed: department === null ? [] : [{ ...department, level: 'department' }],
      };
    }
    case 'street':
      return street === undefined
        ? { handler: fallbackUnit(ancestors), isFallback: true, informed: [] }
        : { handler: street, isFallback: false, informed: community === undefined ? [] : [community] };
    case 'department': {
      const department = await findDepartmentAbove(db, placePath, item.department_kind ?? '');
      if (department === null) {
        const county = nearest(ancestors, 'county') ?? fallbackUnit(ancestors);
        return { handler: county, isFallback: true, informed: community === undefined ? [] : [community] };
      }
      return {
        handler: { ...department, level: 'department' },
        isFallback: false,
        informed: community === undefined ? [] : [community],
      };
    }
  }
}
