import { type ExpressionBuilder, type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Permission } from '../../platform/access/roles.ts';
import { type Actor, inScope, scopeRoots, subtreeEnd } from '../../platform/access/scope.ts';

/**
 * Who reaches a household for field work (issue 14, item 4: 一亲三心 made usable). Two ways, one rule:
 * a role over the unit it lies in (a grid worker's grid, a community's staff), or a linkage to it — any of
 * the four kinds (linkage.ts) — which grants exactly `LINKAGE_GRANTS` at exactly that household: she sees it
 * in the field app, members masked as a grid worker sees hers, reads its visits and records visits there.
 * Being linked grants nothing else: no registry page, no other household of the unit, no unit figures.
 *
 * Every field-work read of a household or visit goes through `inFieldScope`; the route check goes through
 * the actor's `objectGrants` (users/service.ts loadActor) and the household's and visit's reaches in
 * src/resources.ts. `reach.test.ts` walks the field-work routes as linked people.
 */
export const LINKAGE_GRANTS: readonly Permission[] = ['visit.record', 'visit.read'];

const isLinkageGrant = (permission: Permission) => LINKAGE_GRANTS.includes(permission);

/** True when the user is linked to at least one household (her session then carries `LINKAGE_GRANTS`). */
export async function hasLinkages(db: Kysely<DB>, userId: string): Promise<boolean> {
  const row = await db.selectFrom('linkages').select('id').where('user_id', '=', userId).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * The field-work scope on a table whose rows lie at a household: `pathColumn` in the actor's scope for
 * `permission`, or `householdColumn` naming a household she is linked to (for `LINKAGE_GRANTS` only).
 */
export function inFieldScope<TB extends keyof DB>(
  actor: Actor,
  permission: Permission,
  pathColumn: string,
  householdColumn: string,
): (eb: ExpressionBuilder<DB, TB>) => Expression<SqlBool> {
  const scoped = inScope<DB, TB>(actor, permission, pathColumn);
  if (!isLinkageGrant(permission)) return scoped;
  return (eb) =>
    eb.or([
      scoped(eb),
      sql<SqlBool>`exists (select 1 from linkages where linkages.household_id = ${sql.ref(householdColumn)} and linkages.user_id = ${actor.userId})`,
    ]);
}

/**
 * The roots of the field app's own round: her `visit.record` units at community level or below — and, for
 * one who holds it over a whole street or district, that too unless she is linked to households (a town
 * cadre stationed in a village, 驻村连心, works that village on her phone, not the whole town).
 */
export function fieldRoundRoots(actor: Actor, isLinked: boolean): string[] {
  // a community's path has six segments (/nation/province/city/district/street/community/)
  const depth = (path: string) => path.split('/').filter(Boolean).length;
  return scopeRoots(actor, 'visit.record').filter((root) => !isLinked || depth(root) >= 6);
}

/** The households she is linked to (any kind), each once. */
export async function linkedHouseholdIds(db: Kysely<DB>, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('linkages')
    .select('household_id')
    .distinct()
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => r.household_id);
}

/**
 * The field app's round as a condition: rows of `column` (a path) under `fieldRoundRoots`, or of a household
 * she is linked to — `linkedColumn` holding a household id (`'household'`) or a resident id (`'resident'`).
 */
export function inFieldRound<TB extends keyof DB>(
  actor: Actor,
  isLinked: boolean,
  column: string,
  linked: { column: string; holds: 'household' | 'resident' },
): (eb: ExpressionBuilder<DB, TB>) => Expression<SqlBool> {
  const roots = fieldRoundRoots(actor, isLinked);
  return (eb) => {
    const ref = sql.ref(column);
    const terms = roots.map((root) => sql<SqlBool>`(${ref} >= ${root} and ${ref} < ${subtreeEnd(root)})`);
    if (isLinked) {
      const of = sql.ref(linked.column);
      terms.push(
        linked.holds === 'household'
          ? sql<SqlBool>`${of} in (select household_id from linkages where user_id = ${actor.userId})`
          : sql<SqlBool>`${of} in (select residents.id from residents inner join linkages on linkages.household_id = residents.household_id where linkages.user_id = ${actor.userId})`,
      );
    }
    if (terms.length === 0) return sql<SqlBool>`1 = 0`;
    return terms.length === 1 ? terms[0]! : eb.or(terms);
  };
}
