import { type ExpressionBuilder, type Expression, type SqlBool, sql } from 'kysely';
import type { Permission } from './roles.ts';
import { ROLES } from './roles.ts';

/** One role held at one org unit (and so over its whole subtree). */
export interface Assignment {
  role: keyof typeof ROLES;
  orgId: string;
  orgPath: string;
}

/** Who is acting: a signed-in user or an API key acting as its user. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  assignments: Assignment[];
  via: 'session' | 'apikey' | 'cli';
  ip: string | null;
  userAgent: string | null;
  /**
   * Permissions she holds on particular objects rather than over a unit — a person linked to households
   * (一亲三心) holds visit.record and visit.read at exactly those households. They admit her to a route
   * (`hasPermission`); which objects she reaches is each object's own rule (a `{ userId, permissions }`
   * reach in src/resources.ts, the field-work queries' `inFieldScope`), never a unit's subtree.
   */
  objectGrants?: readonly Permission[];
}

/** The end of a subtree's range: `/1/2s/` → `/1/2s0` ('0' sorts right after '/'). */
export function subtreeEnd(path: string): string {
  return `${path.slice(0, -1)}0`;
}

/** The parent's path (`/1/2s/9x/` → `/1/2s/`); the root is its own parent. */
export function parentPath(path: string): string {
  const cut = path.lastIndexOf('/', path.length - 2);
  return cut <= 0 ? path : path.slice(0, cut + 1);
}

export function isWithin(path: string, root: string): boolean {
  return path.startsWith(root);
}

/**
 * The roots of the subtrees in which the actor holds `permission`, with nested roots removed: each
 * assignment's unit, or its parent for a permission its role holds over the parent (`heldOverParent`).
 */
export function scopeRoots(actor: Actor, permission: Permission): string[] {
  const paths = actor.assignments
    .filter((a) => ROLES[a.role].permissions.includes(permission))
    .map((a) => (ROLES[a.role].heldOverParent?.includes(permission) === true ? parentPath(a.orgPath) : a.orgPath))
    .sort();
  const roots: string[] = [];
  for (const p of paths) {
    const last = roots[roots.length - 1];
    if (last === undefined || !isWithin(p, last)) roots.push(p);
  }
  return roots;
}

/** True when the actor holds `permission` somewhere: over a unit, or on objects granted to her (`objectGrants`). */
export function hasPermission(actor: Actor, permission: Permission): boolean {
  return scopeRoots(actor, permission).length > 0 || actor.objectGrants?.includes(permission) === true;
}

/** True when the actor holds `permission` at a unit covering `path`. */
export function canAt(actor: Actor, permission: Permission, path: string): boolean {
  return scopeRoots(actor, permission).some((root) => isWithin(path, root));
}

/**
 * Delegated administration: the actor could grant `role` at the unit with `path` — she holds
 * `role.grant` there and every permission of the role herself wherever the role would hold it (there,
 * or over the parent for the permissions the role holds over its unit's parent).
 */
export function canGrantRole(actor: Actor, role: string, path: string): boolean {
  if (!(role in ROLES)) return false;
  const { permissions, heldOverParent } = ROLES[role as keyof typeof ROLES];
  return (
    canAt(actor, 'role.grant', path) &&
    permissions.every((p) => canAt(actor, p, heldOverParent?.includes(p) === true ? parentPath(path) : path))
  );
}

/**
 * Where an object lies, as one way of seeing it: a path, seen with the permission of the route that
 * asks; a path seen with a permission of its own (a report is also its task sender's); or a user, whose
 * own object it is (a resident's case, an API key) — for every permission, or for the listed ones only
 * (a household she is linked to is hers to visit, not to edit); or a path seen from below, by a route of
 * one permission (an alliance is visible to every unit under it, changed only where it sits).
 */
export type Reach =
  | string
  | { permission: Permission; path: string }
  | { userId: string; permissions?: readonly Permission[] }
  /** seen, for this permission only, from the path and from every unit under it (a street's 党建联盟 by its communities) */
  | { permission: Permission; from: string };

/** True when the actor sees an object through `reach`; a bare path needs `permission` there. */
export function canReach(actor: Actor, permission: Permission | undefined, reach: Reach): boolean {
  if (typeof reach === 'string') return permission !== undefined && canAt(actor, permission, reach);
  // her own object; one granted to her for some permissions only (a linked household) is hers for those alone
  if ('userId' in reach)
    return (
      reach.userId === actor.userId &&
      (reach.permissions === undefined || (permission !== undefined && reach.permissions.includes(permission)))
    );
  if ('from' in reach)
    return (
      permission === reach.permission &&
      scopeRoots(actor, permission).some((root) => isWithin(root, reach.from) || isWithin(reach.from, root))
    );
  return canAt(actor, reach.permission, reach.path);
}

/**
 * The actor's scope for `permission` as half-open ranges [from, to) of a materialized path: what
 * `inScope` turns into SQL, for the few hot reads written as SQL text (`db/raw.ts`).
 */
export function scopeRanges(actor: Actor, permission: Permission): [string, string][] {
  return scopeRoots(actor, permission).map((root) => [root, subtreeEnd(root)]);
}

/**
 * The scope helper for SQL text (`db/raw.ts`): the condition on `column` with `?` placeholders, and its
 * parameters; undefined when the actor holds `permission` nowhere (the query would find nothing).
 */
export function scopeCondition(
  actor: Actor,
  permission: Permission,
  column: string,
): { text: string; params: string[] } | undefined {
  const ranges = scopeRanges(actor, permission);
  if (ranges.length === 0) return undefined;
  return {
    text: `(${ranges.map(() => `(${column} >= ? and ${column} < ?)`).join(' or ')})`,
    params: ranges.flat(),
  };
}

/**
 * The county key that goes with a scoped path column (docs/scale.md): the key's column, and the key every row
 * under a root carries — undefined where rows under that root may lie in several counties (a root above
 * county level). Each root's range then carries `key = K` too, so PostgreSQL partitioned by county reads
 * that county's partition alone, and Citus routes the query to one shard, instead of asking every county.
 */
export interface CountyKeyed {
  column: string;
  keyOf: (root: string) => number | undefined;
}

/** One root's range on `column`, with its county key when `keyed` gives one. */
function rootRange(column: string, root: string, keyed: CountyKeyed | undefined): Expression<SqlBool> {
  const ref = sql.ref(column);
  const range = sql<SqlBool>`${ref} >= ${root} and ${ref} < ${subtreeEnd(root)}`;
  const key = keyed?.keyOf(root);
  return keyed === undefined || key === undefined
    ? sql<SqlBool>`(${range})`
    : sql<SqlBool>`(${sql.ref(keyed.column)} = ${key} and ${range})`;
}

/**
 * The scope helper: every query of scoped data filters through this.
 * Turns the actor's scope for `permission` into range conditions on a materialized-path column,
 * which both SQLite and PostgreSQL answer with an index range scan.
 */
export function inScope<DB, TB extends keyof DB>(
  actor: Actor,
  permission: Permission,
  column: string,
  keyed?: CountyKeyed,
): (eb: ExpressionBuilder<DB, TB>) => Expression<SqlBool> {
  const roots = scopeRoots(actor, permission);
  return (eb) => {
    if (roots.length === 0) return sql<SqlBool>`1 = 0`;
    const conditions = roots.map((root) => rootRange(column, root, keyed));
    return conditions.length === 1 ? conditions[0]! : eb.or(conditions);
  };
}

/**
 * The scope helper narrowed to one subtree: the actor's scope for `permission` intersected with
 * `within`, as one range when `within` lies inside her scope. Two overlapping ranges on one column
 * would leave the planner free to scan the wider one; the intersection gives it only the narrow one.
 */
export function inScopeWithin<DB, TB extends keyof DB>(
  actor: Actor,
  permission: Permission,
  column: string,
  within: string,
  keyed?: CountyKeyed,
): (eb: ExpressionBuilder<DB, TB>) => Expression<SqlBool> {
  const roots = scopeRoots(actor, permission);
  const ranges = roots.some((root) => isWithin(within, root))
    ? [within]
    : roots.filter((root) => isWithin(root, within));
  return (eb) => {
    if (ranges.length === 0) return sql<SqlBool>`1 = 0`;
    const conditions = ranges.map((p) => rootRange(column, p, keyed));
    return conditions.length === 1 ? conditions[0]! : eb.or(conditions);
  };
}
