import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import { currentMonth, monthRange } from '../../platform/calendar.ts';
import { keyedByPlace } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import { type Actor, inScope, inScopeWithin, isWithin } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { maskPhone } from '../../platform/pii/crypto.ts';
import { listCurrentDutyItems } from '../duties/service.ts';
import { ageOn } from '../registry/id-number.ts';
import { listCareTags } from '../registry/care-tags.ts';
import { getUnitFor } from './linkage.ts';
import { communityPathOf } from './policies.ts';
import { hasLinkages, inFieldRound } from './reach.ts';
import { type VisitStanding, type VisitWindow, visitStanding, visitStandingSql, visitWindow } from './standing.ts';
import type { Coverage, FieldCache } from './schema.ts';
import { listOpenRequests } from './visit-requests.ts';

/**
 * Every household `where` selects, with or without a visit-status row, and its standing by the one
 * definition (standing.ts): the rows the coverage page counts and the workbench lists, so the two agree.
 */
function householdStandings(
  db: Kysely<DB>,
  where: (eb: ExpressionBuilder<DB, 'households'>) => Expression<SqlBool>,
  window: VisitWindow,
) {
  return db.selectFrom((eb) =>
    eb
      .selectFrom('households')
      .leftJoin('household_visit_status as s', 's.household_id', 'households.id')
      .where(where)
      .select([
        'households.id',
        'households.address',
        'households.org_id',
        'households.org_path',
        's.next_due_at',
        visitStandingSql(window).as('standing'),
      ])
      .as('h'),
  );
}

interface Figures {
  households: number;
  due: number;
  overdue: number;
  visitedThisMonth: number;
  neverVisited: number;
}
const zero = (): Figures => ({ households: 0, due: 0, overdue: 0, visitedThisMonth: 0, neverVisited: 0 });
const add = (a: Figures, b: Figures) => {
  a.households += b.households;
  a.due += b.due;
  a.overdue += b.overdue;
  a.visitedThisMonth += b.visitedThisMonth;
  a.neverVisited += b.neverVisited;
};

/**
 * Visit coverage under a unit: households due within 7 days, overdue, visited in the month and never
 * visited, for the unit, each direct sub-unit and each grid worker at or under it. Every household counts,
 * classified by the one definition the dashboard, reports and the phone use (standing.ts). Two grouped
 * queries over the units where households live, summed up in memory.
 */
export async function getCoverage(
  deps: AppDeps,
  actor: Actor,
  orgId: string,
  month: string | undefined,
): Promise<Coverage> {
  const unit = await getUnitFor(deps, actor, orgId, 'visit.read');
  const now = deps.clock.now();
  const theMonth = month ?? currentMonth(now);
  const range = monthRange(theMonth);
  const window = visitWindow(now);
  const within = inScopeWithin<DB, 'households'>(
    actor,
    'visit.read',
    'households.org_path',
    unit.path,
    await keyedByPlace(deps.db, 'households'),
  );
  const [standingRows, visitedRows, children, workers] = await Promise.all([
    householdStandings(deps.db, within, window)
      .select(['h.org_path', 'h.standing', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['h.org_path', 'h.standing'])
      .execute(),
    deps.db
      .selectFrom('visits')
      .innerJoin('households', 'households.id', 'visits.household_id')
      .where(within)
      .where('visits.visited_at', '>=', range.start)
      .where('visits.visited_at', '<', range.end)
      .select(['households.org_path', sql<number>`count(distinct visits.household_id)`.as('n')])
      .groupBy('households.org_path')
      .execute(),
    deps.db
      .selectFrom('org_units')
      .select(['id', 'name', 'level', 'path'])
      .where('parent_id', '=', unit.id)
      .where('level', '!=', 'department')
      .where('retired_at', 'is', null)
      .orderBy('code')
      .orderBy('name')
      .execute(),
    deps.db
      .selectFrom('role_assignments as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .select(['u.id', 'u.display_name', 'a.org_path'])
      .where('a.role', '=', 'grid_worker')
      .where('a.org_path', '>=', unit.path)
      .where('a.org_path', '<', `${unit.path.slice(0, -1)}0`)
      .where('u.is_disabled', '=', 0)
      .orderBy('u.display_name')
      .execute(),
  ]);
  const leaves = new Map<string, Figures>();
  for (const r of standingRows) {
    let leaf = leaves.get(r.org_path);
    if (leaf === undefined) leaves.set(r.org_path, (leaf = zero()));
    const n = Number(r.n);
    leaf.households += n;
    const standing: VisitStanding = r.standing;
    if (standing === 'never') leaf.neverVisited += n;
    else if (standing === 'overdue') leaf.overdue += n;
    else if (standing === 'due') leaf.due += n;
  }
  for (const r of visitedRows) {
    const leaf = leaves.get(r.org_path);
    if (leaf !== undefined) leaf.visitedThisMonth = Number(r.n);
  }
  const sumUnder = (roots: string[]) => {
    const f = zero();
    for (const [path, leaf] of leaves) if (roots.some((root) => isWithin(path, root))) add(f, leaf);
    return f;
  };
  const rootsOf = new Map<string, { name: string; paths: string[] }>();
  for (const w of workers) {
    const entry = rootsOf.get(w.id) ?? { name: w.display_name, paths: [] };
    entry.paths.push(w.org_path);
    rootsOf.set(w.id, entry);
  }
  return {
    unit: { id: unit.id, name: unit.name, level: unit.level },
    month: theMonth,
    ...sumUnder([unit.path]),
    children: children.map((c) => ({ unit: { id: c.id, name: c.name, level: c.level }, ...sumUnder([c.path]) })),
    workers: [...rootsOf].map(([userId, w]) => ({
      userId,
      name: w.name,
      // nested assignments would count a household twice
      ...sumUnder(w.paths.filter((p) => !w.paths.some((q) => q !== p && isWithin(p, q)))),
    })),
  };
}

const URGENCY_ORDER: Record<VisitStanding, number> = { overdue: 0, never: 1, due: 2, ok: 3 };

/**
 * What the phone keeps offline after sign-in: every household in the caller's `visit.record` scope
 * with its living members (phones masked), visit status and open visit requests (visit-requests.ts),
 * requested and most urgent first — her "today" list.
 */
export async function getFieldCache(deps: AppDeps, actor: Actor): Promise<FieldCache> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const window = visitWindow(now);
  // her round: her units (a street-wide role only while she is linked to none) and the households linked to her
  const isLinked = await hasLinkages(deps.db, actor.userId);
  const [households, residents, tagRows, allTags, items, requests] = await Promise.all([
    deps.db
      .selectFrom('households')
      .leftJoin('household_visit_status as s', 's.household_id', 'households.id')
      .where(
        inFieldRound<'households'>(actor, isLinked, 'households.org_path', {
          column: 'households.id',
          holds: 'household',
        }),
      )
      .select([
        'households.id',
        'households.version',
        'households.address',
        'households.org_id',
        'households.org_path',
        'households.lng',
        'households.lat',
        's.last_visit_at',
        's.next_due_at',
      ])
      .execute(),
    deps.db
      .selectFrom('residents')
      .where(
        inFieldRound<'residents'>(actor, isLinked, 'residents.org_path', {
          column: 'residents.household_id',
          holds: 'household',
        }),
      )
      .where('status', '=', 'living')
      .select(['id', 'household_id', 'version', 'name', 'gender', 'birth_date', 'relation', 'phone_enc'])
      .orderBy('birth_date')
      .execute(),
    deps.db
      .selectFrom('resident_tags')
      .where(
        inFieldRound<'resident_tags'>(actor, isLinked, 'resident_tags.org_path', {
          column: 'resident_tags.resident_id',
          holds: 'resident',
        }),
      )
      .select(['resident_id', 'tag_id'])
      .execute(),
    listCareTags(deps.db),
    listCurrentDutyItems(deps.db),
    listOpenRequests(deps, actor, 'visit.record'),
  ]);
  const requestsOf = new Map<string, FieldCache['households'][number]['requests']>();
  for (const r of requests) {
    const list = requestsOf.get(r.householdId) ?? [];
    list.push({
      id: r.id,
      source: r.source,
      reasonCode: r.reasonCode,
      reasonZh: r.reasonZh,
      reasonEn: r.reasonEn,
      requestedAt: r.requestedAt,
      dueOn: r.dueOn,
    });
    requestsOf.set(r.householdId, list);
  }
  const orgIds = [...new Set(households.map((h) => h.org_id))];
  const communityPaths = [...new Set(households.map((h) => communityPathOf(h.org_path) ?? h.org_path))];
  const units =
    orgIds.length === 0
      ? []
      : await deps.db
          .selectFrom('org_units')
          .select(['id', 'path', 'name', 'level'])
          .where((eb) => eb.or([eb('id', 'in', orgIds), eb('path', 'in', communityPaths)]))
          .execute();
  const tagCode = new Map(allTags.map((t) => [t.id, t.code]));
  const over80 = allTags.find((t) => t.code === 'over_80')?.code;
  const tagsOf = new Map<string, string[]>();
  for (const t of tagRows) {
    const code = tagCode.get(t.tag_id);
    if (code !== undefined) tagsOf.set(t.resident_id, [...(tagsOf.get(t.resident_id) ?? []), code]);
  }
  const membersOf = new Map<string, FieldCache['households'][number]['members']>();
  for (const r of residents) {
    const age = ageOn(r.birth_date, now);
    const careTags = [...(tagsOf.get(r.id) ?? [])];
    if (over80 !== undefined && age >= 80) careTags.push(over80);
    const list = membersOf.get(r.household_id) ?? [];
    list.push({
      id: r.id,
      version: r.version,
      name: r.name,
      gender: r.gender,
      age,
      relation: r.relation,
      phoneMasked: r.phone_enc === null ? null : maskPhone(deps.pii.decrypt(r.phone_enc)),
      careTags,
    });
    membersOf.set(r.household_id, list);
  }
  const out = households.map((h) => {
    const unit = units.find((u) => u.id === h.org_id);
    const community = units.find((u) => u.path === communityPathOf(h.org_path));
    const members = membersOf.get(h.id) ?? [];
    const urgency = visitStanding(h, window);
    return {
      id: h.id,
      version: h.version,
      address: h.address,
      orgId: h.org_id,
      gridName: unit !== undefined && unit.level !== 'community' ? unit.name : '',
      communityName: community?.name ?? '',
      lng: h.lng,
      lat: h.lat,
      careTags: [...new Set(members.flatMap((m) => m.careTags))],
      lastVisitAt: h.last_visit_at,
      nextDueAt: h.next_due_at,
      urgency,
      requests: requestsOf.get(h.id) ?? [],
      members,
    };
  });
  out.sort(
    (a, b) =>
      // a visit someone asked for comes before the round's own order
      Number(b.requests.length > 0) - Number(a.requests.length > 0) ||
      URGENCY_ORDER[a.urgency] - URGENCY_ORDER[b.urgency] ||
      (a.nextDueAt ?? '').localeCompare(b.nextDueAt ?? '') ||
      a.address.localeCompare(b.address, 'zh-CN'),
  );
  const worker = await deps.db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('id', '=', actor.userId)
    .executeTakeFirstOrThrow();
  return {
    generatedAt: nowIso,
    worker: { id: worker.id, name: worker.display_name },
    dutyItems: items
      .filter((i) => i.is_retired === 0 && (i.is_public === 1 || i.kind === 'community' || i.kind === 'assist'))
      .map((i) => ({ code: i.code, name: i.name, kind: i.kind })),
    households: out,
  };
}

/**
 * Households in the actor's `visit.read` scope whose visit is overdue by the one definition (standing.ts),
 * most overdue first: how many, and the first `limit` (the workbench's 走访逾期). Counted the way
 * getCoverage counts `overdue`, so the two agree for any unit.
 */
export async function listOverdueHouseholds(deps: AppDeps, actor: Actor, limit: number) {
  const overdue = householdStandings(
    deps.db,
    inScope<DB, 'households'>(actor, 'visit.read', 'households.org_path', await keyedByPlace(deps.db, 'households')),
    visitWindow(deps.clock.now()),
  ).where('h.standing', '=', 'overdue');
  const [rows, counted] = await Promise.all([
    overdue
      .select(['h.id', 'h.address', 'h.org_id', 'h.next_due_at'])
      .orderBy('h.next_due_at')
      .orderBy('h.id')
      .limit(limit)
      .execute(),
    overdue.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { total: Number(counted.n), items: rows };
}
