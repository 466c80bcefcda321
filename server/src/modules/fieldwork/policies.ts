import { syncVisitRollups } from '../insights/rollups.ts';
import type { Kysely } from 'kysely';
import { countyKeyOf } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import { DAY_MS } from '../../platform/calendar.ts';
import { type Actor, canAt } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { listCareTagsAt } from '../registry/care-tags.ts';
import { getOrgInScope } from '../orgs/service.ts';
import type { PolicyBody } from './schema.ts';

/** The shipped intervals in days, by care tag code; '' is everyone else. */
export const DEFAULT_INTERVALS: ReadonlyMap<string, number> = new Map([
  ['living_alone', 7],
  ['dibao', 30],
  ['disabled', 30],
  ['', 90],
]);

/** The intervals in force in one community: the defaults with its overrides laid over them. */
export type Intervals = Map<string, number>;

/** The community a path lies in (its first four segments: nation/province/city/county/street/community → 6). */
export function communityPathOf(path: string): string | null {
  const segments = path.split('/').filter(Boolean);
  return segments.length >= 6 ? `/${segments.slice(0, 6).join('/')}/` : null;
}

/** Intervals for every community under `paths`, keyed by community path (one query). */
export async function loadIntervals(db: Kysely<DB>, communityPaths: string[]): Promise<Map<string, Intervals>> {
  const unique = [...new Set(communityPaths)];
  const out = new Map<string, Intervals>();
  for (const p of unique) out.set(p, new Map(DEFAULT_INTERVALS));
  if (unique.length === 0) return out;
  const rows = await db
    .selectFrom('visit_policies')
    .select(['org_path', 'care_tag', 'interval_days'])
    .where('org_path', 'in', unique)
    .execute();
  for (const r of rows) out.get(r.org_path)?.set(r.care_tag, r.interval_days);
  return out;
}

/** A household's interval: the shortest over its members' tags, never longer than the "everyone else" one. */
export function intervalFor(intervals: Intervals, tagCodes: Iterable<string>): number {
  let days = intervals.get('') ?? 90;
  for (const code of tagCodes) {
    const d = intervals.get(code);
    if (d !== undefined && d < days) days = d;
  }
  return days;
}

/** Care tag codes of the living members of each household. */
export async function loadHouseholdTags(db: Kysely<DB>, householdIds: string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const id of householdIds) out.set(id, new Set());
  if (householdIds.length === 0) return out;
  const rows = await db
    .selectFrom('residents as r')
    .innerJoin('resident_tags as rt', 'rt.resident_id', 'r.id')
    .innerJoin('care_tags as t', 't.id', 'rt.tag_id')
    .select(['r.household_id', 't.code'])
    .where('r.household_id', 'in', householdIds)
    .where('r.status', '=', 'living')
    .execute();
  for (const r of rows) out.get(r.household_id)?.add(r.code);
  return out;
}

const addDays = (isoAt: string, days: number) => new Date(Date.parse(isoAt) + days * DAY_MS).toISOString();

/** A household's interval now: its community's policies over its living members' tags (two reads side by side). */
export async function householdInterval(db: Kysely<DB>, household: { id: string; org_path: string }): Promise<number> {
  const community = communityPathOf(household.org_path);
  const [intervals, tags] = await Promise.all([
    loadIntervals(db, community === null ? [] : [community]),
    loadHouseholdTags(db, [household.id]),
  ]);
  return intervalFor(intervals.get(community ?? '') ?? new Map(DEFAULT_INTERVALS), tags.get(household.id) ?? []);
}

/**
 * Records a visit in the household's status with one statement: the latest visit wins (a visit synced
 * late, dated before the last one, changes nothing), and the next due date follows `days`.
 */
export async function recordVisitInStatus(
  trx: Kysely<DB>,
  household: { id: string; org_path: string },
  visitedAt: string,
  days: number,
): Promise<void> {
  await trx
    .insertInto('household_visit_status')
    .values({
      household_id: household.id,
      org_path: household.org_path,
      county_key: countyKeyOf(household.org_path),
      last_visit_at: visitedAt,
      next_due_at: addDays(visitedAt, days),
      interval_days: days,
    })
    .onConflict((oc) =>
      oc
        .column('household_id')
        .doUpdateSet((eb) => ({
          org_path: eb.ref('excluded.org_path'),
          county_key: eb.ref('excluded.county_key'),
          last_visit_at: eb.ref('excluded.last_visit_at'),
          next_due_at: eb.ref('excluded.next_due_at'),
          interval_days: eb.ref('excluded.interval_days'),
        }))
        .where((eb) =>
          eb.or([
            eb('household_visit_status.last_visit_at', 'is', null),
            eb('household_visit_status.last_visit_at', '<', eb.ref('excluded.last_visit_at')),
          ]),
        ),
    )
    .execute();
  await syncVisitRollups(trx, [household.id]);
}

/**
 * Writes a household's visit status after a visit at `visitedAt` (or, with none, re-times the last one):
 * the latest visit wins, and the next due date follows the household's interval now.
 */
export async function refreshVisitStatus(
  trx: Kysely<DB>,
  household: { id: string; org_path: string },
  visitedAt: string | null,
): Promise<void> {
  const community = communityPathOf(household.org_path);
  const intervals = (await loadIntervals(trx, community === null ? [] : [community])).get(community ?? '');
  const tags = (await loadHouseholdTags(trx, [household.id])).get(household.id) ?? new Set<string>();
  const days = intervalFor(intervals ?? new Map(DEFAULT_INTERVALS), tags);
  const current = await trx
    .selectFrom('household_visit_status')
    .select('last_visit_at')
    .where('household_id', '=', household.id)
    .executeTakeFirst();
  const candidates = [current?.last_visit_at ?? null, visitedAt].filter((v): v is string => v !== null).sort();
  const last = candidates[candidates.length - 1] ?? null;
  const row = {
    org_path: household.org_path,
    county_key: countyKeyOf(household.org_path),
    last_visit_at: last,
    next_due_at: last === null ? null : addDays(last, days),
    interval_days: days,
  };
  if (current === undefined) {
    await trx
      .insertInto('household_visit_status')
      .values({ household_id: household.id, ...row })
      .execute();
  } else {
    await trx.updateTable('household_visit_status').set(row).where('household_id', '=', household.id).execute();
  }
  await syncVisitRollups(trx, [household.id]);
}

/** Re-times every visited household under a community after its policies changed. */
async function refreshCommunity(trx: Kysely<DB>, communityPath: string): Promise<void> {
  const end = `${communityPath.slice(0, -1)}0`;
  const rows = await trx
    .selectFrom('household_visit_status as s')
    .innerJoin('households as h', 'h.id', 's.household_id')
    .select(['s.household_id', 's.last_visit_at', 'h.org_path'])
    .where('h.org_path', '>=', communityPath)
    .where('h.org_path', '<', end)
    .execute();
  const intervals = (await loadIntervals(trx, [communityPath])).get(communityPath)!;
  const tags = await loadHouseholdTags(
    trx,
    rows.map((r) => r.household_id),
  );
  for (const r of rows) {
    const days = intervalFor(intervals, tags.get(r.household_id) ?? []);
    await trx
      .updateTable('household_visit_status')
      .set({
        org_path: r.org_path,
        county_key: countyKeyOf(r.org_path),
        interval_days: days,
        next_due_at: r.last_visit_at === null ? null : addDays(r.last_visit_at, days),
      })
      .where('household_id', '=', r.household_id)
      .execute();
  }
  await syncVisitRollups(
    trx,
    rows.map((r) => r.household_id),
  );
}

/** The community a unit belongs to (itself when it is one), or null above communities. */
async function communityOf(db: Kysely<DB>, unit: { level: string; path: string }) {
  if (unit.level === 'community') return unit.path;
  const path = communityPathOf(unit.path);
  if (path === null) return null;
  const row = await db.selectFrom('org_units').select(['path', 'level']).where('path', '=', path).executeTakeFirst();
  return row?.level === 'community' ? row.path : null;
}

/** The policies in force at a unit: a grid shows its community's, a unit above communities the defaults. */
export async function listVisitPolicies(deps: AppDeps, actor: Actor, orgId: string) {
  const unit = await getOrgInScope(deps.db, actor, { id: orgId });
  if (!canAt(actor, 'visit.read', unit.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  const community = await communityOf(deps.db, unit);
  const overrides =
    community === null
      ? []
      : await deps.db
          .selectFrom('visit_policies')
          .select(['care_tag', 'interval_days'])
          .where('org_path', '=', community)
          .execute();
  const items = [...DEFAULT_INTERVALS].map(([tag, days]) => {
    const own = overrides.find((o) => o.care_tag === tag);
    return {
      careTag: tag === '' ? null : tag,
      intervalDays: own?.interval_days ?? days,
      source: own === undefined ? ('default' as const) : ('community' as const),
    };
  });
  for (const o of overrides
    .filter((o) => !DEFAULT_INTERVALS.has(o.care_tag))
    .sort((a, b) => a.care_tag.localeCompare(b.care_tag)))
    items.push({ careTag: o.care_tag, intervalDays: o.interval_days, source: 'community' });
  return { items };
}

/** Replaces a community's overrides and re-times its visited households, in one transaction. */
export async function setVisitPolicies(deps: AppDeps, actor: Actor, orgId: string, body: PolicyBody) {
  const unit = await getOrgInScope(deps.db, actor, { id: orgId });
  if (!canAt(actor, 'visit.manage', unit.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  if (unit.level !== 'community') {
    throw new AppError('INVALID_STATE', {
      zh: '走访频次按社区（村）设置，请在社区一级调整',
      en: 'Visit policies are set per community',
    });
  }
  // the community's own tags and those of the units above it: another community's custom tag is unknown here
  const tags = await listCareTagsAt(deps.db, unit.path);
  const seen = new Set<string>();
  for (const [i, item] of body.items.entries()) {
    const code = item.careTag ?? '';
    const tag = tags.find((t) => t.code === code);
    if (code !== '' && (tag === undefined || tag.is_derived === 1)) {
      throw invalidField(`items.${i}.careTag`, 'unknown_care_tag', {
        zh: `未知或不可设置的关爱标签：${code}`,
        en: `Unknown or derived care tag: ${code}`,
      });
    }
    if (seen.has(code)) {
      throw invalidField(`items.${i}.careTag`, 'duplicate', {
        zh: '同一标签只能设置一次',
        en: 'Each care tag once only',
      });
    }
    seen.add(code);
  }
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('visit_policies').where('org_id', '=', unit.id).execute();
    if (body.items.length > 0) {
      await trx
        .insertInto('visit_policies')
        .values(
          body.items.map((i) => ({
            org_id: unit.id,
            org_path: unit.path,
            care_tag: i.careTag ?? '',
            interval_days: i.intervalDays,
            updated_by: actor.userId,
            updated_at: now,
          })),
        )
        .execute();
    }
    await refreshCommunity(trx, unit.path);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'visit.policy.set',
      targetType: 'org',
      targetId: unit.id,
      orgId: unit.id,
      orgPath: unit.path,
      detail: { items: body.items },
    });
  });
  return listVisitPolicies(deps, actor, orgId);
}
