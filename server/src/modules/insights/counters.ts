import { type Nullable, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import { rawRows } from '../../db/raw.ts';
import type { OrgLevel } from '../orgs/tables.ts';
import { type Actor, scopeCondition } from '../../platform/access/scope.ts';
import { OPEN_STATUSES } from '../cases/states.ts';
import { CASE_STATE_DIMS, VISIT_DUE_DIMS } from './facts.ts';
import { type VisitWindow, standingOn } from '../fieldwork/standing.ts';
import { ratio } from '../../platform/ratio.ts';

/** The counters of one unit, by fact, as [dims, n] pairs. */
export type UnitCounters = Map<string, [string, number][]>;

/**
 * A unit's counter rows packed into one text by the database (`fact␟dims␟n`, joined by ␞): a grid's
 * cases panel reads a few hundred counters, and handing each over as a row object costs the driver about
 * a microsecond a row — more than finding them. Counter dims hold codes, months and days, never ␟ or ␞.
 */
const PACKED = {
  sqlite: 'group_concat(c.fact || char(31) || c.dims || char(31) || c.n, char(30))',
  postgres: 'string_agg(c.fact || chr(31) || c.dims || chr(31) || c.n, chr(30))',
} as const;

/** SQL text of a scalar subquery: the packed counters of `factCount` facts (`?` each) at the unit `pathColumn`. */
function packedCounters(database: Database, pathColumn: string, factCount: number): string {
  if (factCount === 0) return 'null';
  return `(select ${PACKED[database.dialect]} from insight_counters c
    where c.org_path = ${pathColumn} and c.fact in (${Array.from({ length: factCount }, () => '?').join(', ')}))`;
}

/** The counters a packed text holds (null: none). */
function unpack(packed: string | null): UnitCounters {
  const unit: UnitCounters = new Map();
  if (packed === null) return unit;
  for (const entry of packed.split('\x1e')) {
    const a = entry.indexOf('\x1f');
    const b = entry.lastIndexOf('\x1f');
    addCounter(unit, entry.slice(0, a), entry.slice(a + 1, b), entry.slice(b + 1));
  }
  return unit;
}

/**
 * Reads the named facts' counters for each unit path (primary-key lookups, 300 units per statement; on
 * PostgreSQL the statements run side by side on the pool's connections — a city's report reads a
 * million counters).
 */
export async function readCounters(
  database: Database,
  paths: readonly string[],
  facts: readonly string[],
): Promise<Map<string, UnitCounters>> {
  const out = new Map<string, UnitCounters>(paths.map((p) => [p, new Map()]));
  const chunks: string[][] = [];
  for (let i = 0; i < paths.length; i += 300) chunks.push(paths.slice(i, i + 300));
  await Promise.all(
    chunks.map(async (chunk) => {
      const rows = await database.db
        .selectFrom('insight_counters as c')
        .select(['c.org_path', sql<string>`${sql.raw(PACKED[database.dialect])}`.as('packed')])
        .where('c.org_path', 'in', chunk)
        .where('c.fact', 'in', facts)
        .groupBy('c.org_path')
        .execute();
      for (const r of rows) out.set(r.org_path, unpack(r.packed));
    }),
  );
  return out;
}

function addCounter(unit: UnitCounters, fact: string, dims: string, n: string) {
  const list = unit.get(fact);
  const entry: [string, number] = [dims, Number(n)];
  if (list === undefined) unit.set(fact, [entry]);
  else list.push(entry);
}

/** A unit as a panel names it. */
export interface PanelUnit {
  id: string;
  name: string;
  level: OrgLevel;
  code: string | null;
  path: string;
}

/** The levels a dashboard drills through (departments are not places). */
const DRILL_LEVELS: readonly OrgLevel[] = ['province', 'city', 'county', 'street', 'community', 'grid'];

/** SQL text: `ch` is a unit one level down from `u` that figures drill into (takes DRILL_LEVELS as parameters). */
const DRILL_CHILD = `ch.parent_id = u.id and ch.level in (${DRILL_LEVELS.map(() => '?').join(', ')}) and ch.retired_at is null`;

/**
 * One unit and its counters of the named facts, in one statement through the scope helper: a dashboard
 * panel of a grid is a single indexed read. With `withChildLevel`, also the level its drill-down opens on
 * (null for a grid). Undefined when the unit does not exist or lies outside the actor's scope for reading
 * insights (the caller answers 404 either way).
 */
export async function readUnitCounters(
  database: Database,
  actor: Actor,
  orgId: string,
  facts: readonly string[],
  withChildLevel = false,
): Promise<{ unit: PanelUnit; childLevel: OrgLevel | null; counters: UnitCounters } | undefined> {
  const scope = scopeCondition(actor, 'insight.read', 'u.path');
  if (scope === undefined) return undefined;
  const childLevel = withChildLevel
    ? `(select ch.level from org_units ch where ${DRILL_CHILD} order by ch.code, ch.name limit 1)`
    : 'null';
  const rows = await rawRows<PanelUnit & { child_level: OrgLevel | null; packed: string | null }>(
    database,
    `select u.id, u.name, u.level, u.code, u.path, ${childLevel} as child_level,
       ${packedCounters(database, 'u.path', facts.length)} as packed
     from org_units u
     where u.id = ? and ${scope.text}`,
    [...(withChildLevel ? DRILL_LEVELS : []), ...facts, orgId, ...scope.params],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const { child_level, packed, ...unit } = row;
  // a unit without counters of these facts packs to null
  return { unit, childLevel: child_level, counters: unpack(packed) };
}

/**
 * A unit in the actor's scope for insights and the units one level down that figures drill into, each
 * child with its counters of the named facts, in one statement (a grid, which has none, costs one indexed
 * read). Undefined when the unit is not in her scope.
 */
export async function readDrillUnit(database: Database, actor: Actor, orgId: string, facts: readonly string[]) {
  const scope = scopeCondition(actor, 'insight.read', 'u.path');
  if (scope === undefined) return undefined;
  const rows = await rawRows<
    { unit_name: string; unit_level: OrgLevel; unit_code: string | null; unit_path: string } & Nullable<PanelUnit> & {
        packed: string | null;
      }
  >(
    database,
    `select u.name as unit_name, u.level as unit_level, u.code as unit_code, u.path as unit_path,
       ch.id, ch.name, ch.level, ch.code, ch.path, ${packedCounters(database, 'ch.path', facts.length)} as packed
     from org_units u left join org_units ch on ${DRILL_CHILD}
     where u.id = ? and ${scope.text}
     order by ch.code, ch.name`,
    [...facts, ...DRILL_LEVELS, orgId, ...scope.params],
  );
  const first = rows[0];
  if (first === undefined) return undefined;
  return {
    unit: { id: orgId, name: first.unit_name, level: first.unit_level, code: first.unit_code, path: first.unit_path },
    children: rows.flatMap((r) =>
      r.id === null
        ? []
        : [{ id: r.id, name: r.name!, level: r.level!, code: r.code, path: r.path!, counters: unpack(r.packed) }],
    ),
  };
}

/** A unit and the units above it, by following parents (one statement, whatever the depth). Not scoped. */
export function readLineage(database: Database, orgId: string) {
  return rawRows<{ id: string; name: string; level: OrgLevel; path: string }>(
    database,
    `with recursive up(id, parent_id, name, level, path) as (
       select id, parent_id, name, level, path from org_units where id = ?
       union all
       select p.id, p.parent_id, p.name, p.level, p.path from org_units p join up on p.id = up.parent_id)
     select id, name, level, path from up`,
    [orgId],
  );
}

/** Σ n of a fact, over the entries whose dims pass `where`. */
export function sumOf(c: UnitCounters, fact: string, where?: (dims: string) => boolean): number {
  let total = 0;
  for (const [dims, n] of c.get(fact) ?? []) if (where === undefined || where(dims)) total += n;
  return total;
}

/** The open states, as the cases module defines them (cases/states.ts). */
export const OPEN_STATES: ReadonlySet<string> = new Set(OPEN_STATUSES);

/** Open cases (submitted, accepted, in progress) and of those the overdue ones, from `case.state`. */
export function openCaseFigures(c: UnitCounters): { open: number; overdue: number } {
  let open = 0;
  let overdue = 0;
  for (const [dims, n] of c.get('case.state') ?? []) {
    const d = CASE_STATE_DIMS.decode(dims);
    if (!OPEN_STATES.has(d.status)) continue;
    open += n;
    if (d.dueState === 'overdue') overdue += n;
  }
  return { open, overdue };
}

/**
 * Figures about visits as of the window's today, by the one definition in fieldwork/standing.ts:
 * every household counts (`hh`), those without a visit-status row as never visited; overdue, due soon
 * (7 calendar days) and covered (visited and not overdue) from the day each next visit is due;
 * coverage = covered ÷ households.
 */
export function visitFigures(c: UnitCounters, w: VisitWindow) {
  const households = sumOf(c, 'hh');
  let visited = 0;
  let overdue = 0;
  let dueSoon = 0;
  for (const [dims, n] of c.get('visit.due') ?? []) {
    const d = VISIT_DUE_DIMS.decode(dims);
    const standing = standingOn(d.isVisited === '1', d.dueDay === 'none' ? null : d.dueDay, w);
    if (standing === 'never') continue;
    visited += n;
    if (standing === 'overdue') overdue += n;
    else if (standing === 'due') dueSoon += n;
  }
  const covered = visited - overdue;
  return {
    households,
    tracked: sumOf(c, 'visit.tracked'),
    overdue,
    dueSoon,
    visitedThisMonth: sumOf(c, 'visit.last', (d) => d === w.month),
    neverVisited: households - visited,
    covered,
    coverage: ratio(covered, households),
  };
}

/** The facts visitFigures reads. */
export const VISIT_FIGURE_FACTS = ['hh', 'visit.tracked', 'visit.due', 'visit.last'] as const;
