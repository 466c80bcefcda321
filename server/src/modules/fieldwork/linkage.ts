import { sql } from 'kysely';
import { keyedByPlace } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import { type Actor, type CountyKeyed, canAt, inScope, inScopeWithin } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getOrgInScope } from '../orgs/service.ts';
import { forgetCachedAuth } from '../users/auth-cache.ts';
import { currentMonth, monthRange } from '../../platform/calendar.ts';
import type { LinkageCreateBody, LinkageQuery } from './schema.ts';
import { LINKAGE_KINDS, type LinkageKind } from './tables.ts';

const ORG = { zh: '组织', en: 'Org unit' };
const LINKAGE = { zh: '联户关系', en: 'Linkage' };

/** A unit the actor holds `permission` at, or 404. */
export async function getUnitFor(
  deps: AppDeps,
  actor: Actor,
  orgId: string,
  permission: 'visit.read' | 'linkage.manage',
) {
  const unit = await getOrgInScope(deps.db, actor, { id: orgId });
  if (!canAt(actor, permission, unit.path)) throw notFound(ORG);
  return unit;
}

/** Households under `path` in the actor's scope for `permission`, as a condition on `households.org_path`. */
const householdsWithin = (
  actor: Actor,
  permission: 'visit.read' | 'linkage.manage',
  path: string,
  keyed: CountyKeyed | undefined,
) => inScopeWithin<DB, 'households'>(actor, permission, 'households.org_path', path, keyed);

/**
 * Links one person to households of a unit with one kind: the listed households, a grid's, or a
 * building's. Households outside the unit or the actor's scope are refused; existing links are skipped.
 */
export async function createLinkages(deps: AppDeps, actor: Actor, orgId: string, body: LinkageCreateBody) {
  const unit = await getUnitFor(deps, actor, orgId, 'linkage.manage');
  const person = await deps.db
    .selectFrom('users')
    .select(['id'])
    .where('id', '=', body.userId)
    .where('is_disabled', '=', 0)
    // the person linked is an account in her scope; one from elsewhere is as unknown as one of nobody
    .where(inScope<DB, 'users'>(actor, 'linkage.manage', 'users.home_org_path'))
    .executeTakeFirst();
  if (person === undefined) {
    throw invalidField('userId', 'unknown_user', { zh: '该人员不存在或已停用', en: 'No such active account' });
  }
  let query = deps.db
    .selectFrom('households')
    .select(['households.id', 'households.org_path'])
    .where(householdsWithin(actor, 'linkage.manage', unit.path, await keyedByPlace(deps.db, 'households')));
  if (body.householdIds !== undefined) query = query.where('households.id', 'in', body.householdIds);
  else if (body.gridId !== undefined) {
    const grid = await deps.db.selectFrom('org_units').select('path').where('id', '=', body.gridId).executeTakeFirst();
    if (grid === undefined || !grid.path.startsWith(unit.path) || !canAt(actor, 'linkage.manage', grid.path))
      throw invalidField('gridId', 'unknown_grid', { zh: '该网格不在此单位内', en: 'No such grid under this unit' });
    query = query
      .where('households.org_path', '>=', grid.path)
      .where('households.org_path', '<', `${grid.path.slice(0, -1)}0`);
  } else {
    const building = await deps.db
      .selectFrom('buildings')
      .select('org_path')
      .where('id', '=', body.buildingId!)
      .executeTakeFirst();
    if (building === undefined || !building.org_path.startsWith(unit.path))
      throw invalidField('buildingId', 'unknown_building', {
        zh: '该楼栋不在此单位内',
        en: 'No such building under this unit',
      });
    query = query.where('households.building_id', '=', body.buildingId!);
  }
  const households = await query.execute();
  if (body.householdIds !== undefined && households.length !== new Set(body.householdIds).size) {
    const i = body.householdIds.findIndex((id) => !households.some((h) => h.id === id));
    throw invalidField(`householdIds.${i}`, 'unknown_household', {
      zh: '该住户不存在或不在此单位内',
      en: 'No such household under this unit',
    });
  }
  const existing = new Set<string>();
  for (let i = 0; i < households.length; i += 500) {
    const rows = await deps.db
      .selectFrom('linkages')
      .select('household_id')
      .where('user_id', '=', body.userId)
      .where('kind', '=', body.kind)
      .where(
        'household_id',
        'in',
        households.slice(i, i + 500).map((h) => h.id),
      )
      .execute();
    for (const r of rows) existing.add(r.household_id);
  }
  const fresh = households.filter((h) => !existing.has(h.id));
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    for (let i = 0; i < fresh.length; i += 500) {
      await trx
        .insertInto('linkages')
        .values(
          fresh.slice(i, i + 500).map((h) => ({
            id: newId(),
            household_id: h.id,
            user_id: body.userId,
            kind: body.kind,
            created_by: actor.userId,
            created_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['household_id', 'user_id', 'kind']).doNothing())
        .execute();
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'linkage.create',
      targetType: 'user',
      targetId: body.userId,
      orgId: unit.id,
      orgPath: unit.path,
      detail: { kind: body.kind, households: fresh.length },
    });
  });
  // her session carries the field-work grants of a linked person from her next request on
  forgetCachedAuth(deps.db, body.userId);
  return { created: fresh.length, skipped: households.length - fresh.length };
}

export async function deleteLinkage(deps: AppDeps, actor: Actor, id: string): Promise<void> {
  const row = await deps.db
    .selectFrom('linkages')
    .innerJoin('households', 'households.id', 'linkages.household_id')
    .select(['linkages.id', 'linkages.user_id', 'linkages.kind', 'households.org_path', 'households.org_id'])
    .where('linkages.id', '=', id)
    .where(
      inScope<DB, 'households'>(
        actor,
        'linkage.manage',
        'households.org_path',
        await keyedByPlace(deps.db, 'households'),
      ),
    )
    .executeTakeFirst();
  if (row === undefined) throw notFound(LINKAGE);
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('linkages').where('id', '=', id).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'linkage.delete',
      targetType: 'linkage',
      targetId: id,
      orgId: row.org_id,
      orgPath: row.org_path,
      detail: { userId: row.user_id, kind: row.kind },
    });
  });
  forgetCachedAuth(deps.db, row.user_id);
}

export async function listLinkages(deps: AppDeps, actor: Actor, orgId: string, query: LinkageQuery) {
  const unit = await getUnitFor(deps, actor, orgId, 'visit.read');
  let base = deps.db
    .selectFrom('linkages')
    .innerJoin('households', 'households.id', 'linkages.household_id')
    .where(householdsWithin(actor, 'visit.read', unit.path, await keyedByPlace(deps.db, 'households')));
  if (query.kind !== undefined) base = base.where('linkages.kind', '=', query.kind);
  if (query.userId !== undefined) base = base.where('linkages.user_id', '=', query.userId);
  const [rows, total] = await Promise.all([
    base
      .innerJoin('users', 'users.id', 'linkages.user_id')
      .select([
        'linkages.id',
        'linkages.household_id',
        'households.address',
        'linkages.user_id',
        'users.display_name',
        'linkages.kind',
        'linkages.created_at',
      ])
      .orderBy('households.org_path')
      .orderBy('households.address')
      .orderBy('linkages.id')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      householdId: r.household_id,
      address: r.address,
      userId: r.user_id,
      userName: r.display_name,
      kind: r.kind,
      createdAt: r.created_at,
    })),
    total: Number(total.n),
  };
}

/** Households under a unit that nobody is linked to (the gaps), by address. */
export async function listLinkageGaps(
  deps: AppDeps,
  actor: Actor,
  orgId: string,
  query: { page: number; pageSize: number },
) {
  const unit = await getUnitFor(deps, actor, orgId, 'visit.read');
  const base = deps.db
    .selectFrom('households')
    .where(householdsWithin(actor, 'visit.read', unit.path, await keyedByPlace(deps.db, 'households')))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('linkages').select('linkages.id').whereRef('linkages.household_id', '=', 'households.id'),
        ),
      ),
    );
  const [rows, total] = await Promise.all([
    base
      .innerJoin('org_units', 'org_units.id', 'households.org_id')
      .select(['households.id', 'households.address', 'org_units.name as grid_name'])
      .orderBy('households.org_path')
      .orderBy('households.address')
      .orderBy('households.id')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const tags =
    rows.length === 0
      ? []
      : await deps.db
          .selectFrom('residents as r')
          .innerJoin('resident_tags as rt', 'rt.resident_id', 'r.id')
          .innerJoin('care_tags as t', 't.id', 'rt.tag_id')
          .select(['r.household_id', 't.code'])
          .where(
            'r.household_id',
            'in',
            rows.map((r) => r.id),
          )
          .where('r.status', '=', 'living')
          .execute();
  return {
    items: rows.map((r) => ({
      householdId: r.id,
      address: r.address,
      gridName: r.grid_name,
      careTags: [...new Set(tags.filter((t) => t.household_id === r.id).map((t) => t.code))],
    })),
    total: Number(total.n),
  };
}

/** Each linked person's load under a unit: distinct households, and links by kind; most loaded first. */
export async function listLinkageLoad(deps: AppDeps, actor: Actor, orgId: string) {
  const unit = await getUnitFor(deps, actor, orgId, 'visit.read');
  const rows = await deps.db
    .selectFrom('linkages')
    .innerJoin('households', 'households.id', 'linkages.household_id')
    .innerJoin('users', 'users.id', 'linkages.user_id')
    .where(householdsWithin(actor, 'visit.read', unit.path, await keyedByPlace(deps.db, 'households')))
    .select(['linkages.user_id', 'users.display_name', 'linkages.kind', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['linkages.user_id', 'users.display_name', 'linkages.kind'])
    .execute();
  const byUser = new Map<
    string,
    { userId: string; name: string; households: number; byKind: Record<string, number> }
  >();
  for (const r of rows) {
    const entry = byUser.get(r.user_id) ?? { userId: r.user_id, name: r.display_name, households: 0, byKind: {} };
    entry.byKind[r.kind] = Number(r.n);
    byUser.set(r.user_id, entry);
  }
  // distinct households across kinds (a person linked to one household twice, by two kinds, carries it once)
  const distinct = await deps.db
    .selectFrom('linkages')
    .innerJoin('households', 'households.id', 'linkages.household_id')
    .where(householdsWithin(actor, 'visit.read', unit.path, await keyedByPlace(deps.db, 'households')))
    .select(['linkages.user_id', sql<number>`count(distinct linkages.household_id)`.as('n')])
    .groupBy('linkages.user_id')
    .execute();
  for (const d of distinct) {
    const entry = byUser.get(d.user_id);
    if (entry !== undefined) entry.households = Number(d.n);
  }
  // her visits at her linked households this month: the work the load is measured against
  const month = monthRange(currentMonth(deps.clock.now()));
  const visited = await deps.db
    .selectFrom('visits')
    .innerJoin('linkages', (j) =>
      j.onRef('linkages.household_id', '=', 'visits.household_id').onRef('linkages.user_id', '=', 'visits.recorded_by'),
    )
    .where(
      inScopeWithin<DB, 'visits'>(
        actor,
        'visit.read',
        'visits.org_path',
        unit.path,
        await keyedByPlace(deps.db, 'visits'),
      ),
    )
    .where('visits.visited_at', '>=', month.start)
    .where('visits.visited_at', '<', month.end)
    .select(['visits.recorded_by', sql<number>`count(distinct visits.id)`.as('n')])
    .groupBy('visits.recorded_by')
    .execute();
  const items = [...byUser.values()].map((e) => ({
    userId: e.userId,
    name: e.name,
    households: e.households,
    visitsThisMonth: Number(visited.find((v) => v.recorded_by === e.userId)?.n ?? 0),
    byKind: Object.fromEntries(LINKAGE_KINDS.map((k: LinkageKind) => [k, e.byKind[k] ?? 0])),
  }));
  items.sort((a, b) => b.households - a.households || a.name.localeCompare(b.name, 'zh-CN'));
  return { items };
}
