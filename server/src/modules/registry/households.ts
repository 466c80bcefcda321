import { sql } from 'kysely';
import { keyedByPlace } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope, inScopeWithin } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { buildGridLocator } from '../orgs/locate.ts';
import { getOrgInScope } from '../orgs/service.ts';
import { syncHouseholdRollups } from '../insights/rollups.ts';
import { changeEntry, importedCreations, newestFirst } from './history.ts';
import { toResidentsOut } from './residents.ts';
import { dropTagsUnusableAt } from './care-tags.ts';
import { disclosureFor, shapeHistoryEntry } from './disclosure.ts';
import type { HouseholdCreateBody, HouseholdOut, HouseholdUpdateBody } from './schema.ts';
import type { HouseholdTable } from './tables.ts';
import { countyKeyOf } from '../../db/county-key.ts';

const HOUSEHOLD = { zh: '住户', en: 'Household' };
type RegistryPermission = 'resident.read' | 'resident.write';

export async function getHouseholdInScope(
  deps: AppDeps,
  actor: Actor,
  id: string,
  permission: RegistryPermission = 'resident.read',
) {
  const row = await deps.db
    .selectFrom('households')
    .selectAll()
    .where('id', '=', id)
    .where(
      inScope<DB, 'households'>(actor, permission, 'households.org_path', await keyedByPlace(deps.db, 'households')),
    )
    .executeTakeFirst();
  if (row === undefined) throw notFound(HOUSEHOLD);
  return row;
}

async function toHouseholdsOut(deps: AppDeps, rows: HouseholdTable[]): Promise<HouseholdOut[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const orgs = await deps.db
    .selectFrom('org_units')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(rows.map((r) => r.org_id))])
    .execute();
  const buildingIds = rows.map((r) => r.building_id).filter((b): b is string => b !== null);
  const buildings =
    buildingIds.length === 0
      ? []
      : await deps.db.selectFrom('buildings').select(['id', 'name']).where('id', 'in', buildingIds).execute();
  const counts = await deps.db
    .selectFrom('residents')
    .select(['household_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('household_id', 'in', ids)
    .where('status', '=', 'living')
    .groupBy('household_id')
    .execute();
  const heads = await deps.db
    .selectFrom('residents')
    .select(['household_id', 'name'])
    .where('household_id', 'in', ids)
    .where('relation', '=', '户主')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    orgId: r.org_id,
    orgName: orgs.find((o) => o.id === r.org_id)?.name ?? '',
    address: r.address,
    buildingName: buildings.find((b) => b.id === r.building_id)?.name ?? null,
    unitNo: r.unit_no,
    roomNo: r.room_no,
    lng: r.lng,
    lat: r.lat,
    memberCount: Number(counts.find((c) => c.household_id === r.id)?.n ?? 0),
    headName: heads.find((h) => h.household_id === r.id)?.name ?? null,
    version: r.version,
    updatedAt: r.updated_at,
  }));
}

/** The unit a household belongs to: a grid, or a community whose grid is found from the coordinates. */
async function placeHousehold(
  deps: AppDeps,
  actor: Actor,
  orgId: string,
  point: { lng?: number | undefined; lat?: number | undefined },
) {
  const unit = await getOrgInScope(deps.db, actor, { id: orgId });
  if (!canAt(actor, 'resident.write', unit.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  if (unit.level === 'grid') return unit;
  if (unit.level !== 'community') {
    throw invalidField('orgId', 'wrong_level', {
      zh: '住户须归属网格或社区',
      en: 'A household belongs to a grid or a community',
    });
  }
  if (point.lng !== undefined && point.lat !== undefined) {
    const grid = (await buildGridLocator(deps.db, unit.path)).locate(point.lng, point.lat);
    if (grid !== null) return { ...unit, id: grid.id, path: grid.path, name: grid.name };
  }
  return unit;
}

export async function createHousehold(deps: AppDeps, actor: Actor, body: HouseholdCreateBody): Promise<HouseholdOut> {
  const unit = await placeHousehold(deps, actor, body.orgId, body);
  const now = deps.clock.now().toISOString();
  const row: HouseholdTable = {
    id: newId(),
    org_id: unit.id,
    org_path: unit.path,
    county_key: countyKeyOf(unit.path),
    building_id: null,
    address: body.address,
    unit_no: body.unitNo ?? null,
    room_no: body.roomNo ?? null,
    lng: body.lng ?? null,
    lat: body.lat ?? null,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await deps.db.transaction().execute(async (trx) => {
    if (body.buildingName !== undefined) {
      const existing = await trx
        .selectFrom('buildings')
        .select('id')
        .where('org_id', '=', unit.id)
        .where('name', '=', body.buildingName)
        .executeTakeFirst();
      row.building_id = existing?.id ?? newId();
      if (existing === undefined) {
        await trx
          .insertInto('buildings')
          .values({
            id: row.building_id,
            org_id: unit.id,
            org_path: unit.path,
            name: body.buildingName,
            created_at: now,
          })
          .execute();
      }
    }
    await trx.insertInto('households').values(row).execute();
    await syncHouseholdRollups(trx, [row.id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'household.create',
      targetType: 'household',
      targetId: row.id,
      orgId: unit.id,
      orgPath: unit.path,
    });
  });
  return (await toHouseholdsOut(deps, [row]))[0]!;
}

export async function listHouseholds(
  deps: AppDeps,
  actor: Actor,
  filter: { orgId?: string | undefined; q?: string | undefined; page: number; pageSize: number },
) {
  const unit = filter.orgId === undefined ? null : await getOrgInScope(deps.db, actor, { id: filter.orgId });
  const keyed = await keyedByPlace(deps.db, 'households');
  let query = deps.db
    .selectFrom('households')
    .where(
      unit === null
        ? inScope<DB, 'households'>(actor, 'resident.read', 'households.org_path', keyed)
        : inScopeWithin<DB, 'households'>(actor, 'resident.read', 'households.org_path', unit.path, keyed),
    );
  if (filter.q !== undefined)
    query = query.where('address', 'like', sql<string>`${`%${filter.q.replace(/[\\%_]/g, '')}%`}`);
  const [rows, total] = await Promise.all([
    query
      .selectAll()
      .orderBy('org_path')
      .orderBy('address')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await toHouseholdsOut(deps, rows), total: Number(total.n) };
}

/** A household with its members (all statuses) and the history of each. */
export async function getHouseholdDetail(deps: AppDeps, actor: Actor, id: string) {
  const row = await getHouseholdInScope(deps, actor, id);
  const [out] = await toHouseholdsOut(deps, [row]);
  const members = await deps.db
    .selectFrom('residents')
    .selectAll()
    .where('household_id', '=', id)
    .orderBy('birth_date')
    .execute();
  const changes =
    members.length === 0
      ? []
      : await deps.db
          .selectFrom('resident_changes')
          .selectAll()
          .where(
            'resident_id',
            'in',
            members.map((m) => m.id),
          )
          .orderBy('at', 'desc')
          .limit(200)
          .execute();
  const history = newestFirst([
    ...changes.map(changeEntry),
    ...(await importedCreations(deps.db, members, row.address)),
  ]);
  return {
    ...out!,
    members: await toResidentsOut(deps, actor, members),
    history: history.map(({ residentId, ...h }) => ({
      ...shapeHistoryEntry(h, disclosureFor(actor, row.org_path)),
      residentName: members.find((m) => m.id === residentId)?.name ?? '',
    })),
  };
}

export async function updateHousehold(
  deps: AppDeps,
  actor: Actor,
  id: string,
  body: HouseholdUpdateBody,
): Promise<HouseholdOut> {
  const current = await getHouseholdInScope(deps, actor, id, 'resident.write');
  if (current.version !== body.version) {
    throw new AppError('INVALID_STATE', {
      zh: '该住户已被他人修改，请刷新后重试',
      en: 'The household was changed by someone else; reload and retry',
    });
  }
  const unit = body.orgId === undefined ? null : await placeHousehold(deps, actor, body.orgId, {});
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('households')
      .set({
        ...(body.address !== undefined ? { address: body.address } : {}),
        ...(body.unitNo !== undefined ? { unit_no: body.unitNo } : {}),
        ...(body.roomNo !== undefined ? { room_no: body.roomNo } : {}),
        ...(unit !== null ? { org_id: unit.id, org_path: unit.path, county_key: countyKeyOf(unit.path) } : {}),
        version: current.version + 1,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    if (unit !== null && unit.path !== current.org_path) {
      // Moving a household between grids carries its members and their tags along (but not tags of a unit it left).
      await trx
        .updateTable('residents')
        .set({ org_path: unit.path, county_key: countyKeyOf(unit.path) })
        .where('household_id', '=', id)
        .execute();
      const members = await trx.selectFrom('residents').select('id').where('household_id', '=', id).execute();
      await dropTagsUnusableAt(
        trx,
        members.map((m) => m.id),
        unit.path,
      );
      await trx
        .updateTable('resident_tags')
        .set({ org_path: unit.path, county_key: countyKeyOf(unit.path) })
        .where('resident_id', 'in', trx.selectFrom('residents').select('id').where('household_id', '=', id))
        .execute();
      // and its members' account bindings: the unit's staff who now hold the household decide them
      await trx
        .updateTable('resident_bindings')
        .set({ org_path: unit.path })
        .where('household_id', '=', id)
        .where('status', 'in', ['pending', 'bound'])
        .execute();
    }
    await syncHouseholdRollups(trx, [id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'household.update',
      targetType: 'household',
      targetId: id,
      orgId: unit?.id ?? current.org_id,
      orgPath: unit?.path ?? current.org_path,
      detail: { fields: Object.keys(body).filter((k) => k !== 'version') },
    });
  });
  return (await toHouseholdsOut(deps, [await getHouseholdInScope(deps, actor, id)]))[0]!;
}
