import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { closedDays, hhmmOf, minutesOf } from './time.ts';
import type { BookerKind, SpaceKind, VenueCentreTable, VenueSpaceTable } from './tables.ts';

export const CENTRE = { zh: '服务中心', en: 'Service centre' };
export const SPACE = { zh: '活动室', en: 'Room' };

export interface SpaceInput {
  name: string;
  kind: SpaceKind;
  areaM2: number;
  capacity: number;
  equipment?: string | undefined;
  opens: string;
  closes: string;
  closedWeekdays: number[];
  bookers: BookerKind[];
  needsApproval: boolean;
  isActive?: boolean | undefined;
}

export const spaceOut = (s: VenueSpaceTable, photoIds: string[] = []) => ({
  id: s.id,
  centreId: s.centre_id,
  name: s.name,
  kind: s.kind,
  areaM2: s.area_m2,
  capacity: s.capacity,
  equipment: s.equipment,
  opens: hhmmOf(s.opens_min),
  closes: hhmmOf(s.closes_min),
  closedWeekdays: closedDays(s),
  bookers: s.bookers.split(',').filter((b) => b !== '') as BookerKind[],
  needsApproval: s.needs_approval === 1,
  isActive: s.is_active === 1,
  photoIds,
});
export type SpaceOut = ReturnType<typeof spaceOut>;

/**
 * The centre with its rooms, its total area and the share of it residents may book (the report's
 * "90% of the space for the people"): both computed from the rooms, never typed.
 */
export function centreOut(
  c: VenueCentreTable,
  spaces: VenueSpaceTable[],
  orgName: string,
  photos: Map<string, string[]> = new Map(),
) {
  const active = spaces.filter((s) => s.is_active === 1);
  const totalAreaM2 = active.reduce((n, s) => n + s.area_m2, 0);
  const residentAreaM2 = active
    .filter((s) => s.bookers.split(',').includes('resident'))
    .reduce((n, s) => n + s.area_m2, 0);
  return {
    id: c.id,
    orgId: c.org_id,
    orgName,
    name: c.name,
    address: c.address,
    totalAreaM2,
    residentAreaM2,
    residentShare: totalAreaM2 === 0 ? null : residentAreaM2 / totalAreaM2,
    spaces: spaces.map((s) => spaceOut(s, photos.get(s.id) ?? [])),
  };
}

function spaceColumns(input: SpaceInput) {
  const opens = minutesOf(input.opens);
  const closes = minutesOf(input.closes);
  if (opens === undefined)
    throw invalidField('opens', 'invalid_time', {
      zh: '开放时间应为整点或半点',
      en: 'Opening time must be on the hour or half hour',
    });
  if (closes === undefined)
    throw invalidField('closes', 'invalid_time', {
      zh: '关闭时间应为整点或半点',
      en: 'Closing time must be on the hour or half hour',
    });
  if (closes <= opens)
    throw invalidField('closes', 'reversed_times', {
      zh: '关闭时间必须晚于开放时间',
      en: 'Closing must be after opening',
    });
  return {
    name: input.name.trim(),
    kind: input.kind,
    area_m2: input.areaM2,
    capacity: input.capacity,
    equipment: input.equipment === undefined || input.equipment.trim() === '' ? null : input.equipment.trim(),
    opens_min: opens,
    closes_min: closes,
    closed_weekdays: [...new Set(input.closedWeekdays)].sort().join(','),
    bookers: [...new Set(input.bookers)].join(','),
    needs_approval: input.needsApproval ? 1 : 0,
    is_active: input.isActive === false ? 0 : 1,
  };
}

async function orgNames(db: Kysely<DB>, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('org_units').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

async function spacesOf(db: Kysely<DB>, centreIds: string[]) {
  if (centreIds.length === 0) return [];
  return db
    .selectFrom('venue_spaces')
    .selectAll()
    .where('centre_id', 'in', centreIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The photo ids of a room, in order. */
export async function photoIdsOf(db: Kysely<DB>, spaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('venue_space_photos')
    .select('id')
    .where('space_id', '=', spaceId)
    .orderBy('position')
    .execute();
  return rows.map((r) => r.id);
}

async function photosOf(db: Kysely<DB>, spaceIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (spaceIds.length === 0) return out;
  const rows = await db
    .selectFrom('venue_space_photos')
    .select(['id', 'space_id'])
    .where('space_id', 'in', spaceIds)
    .orderBy('space_id')
    .orderBy('position')
    .execute();
  for (const r of rows) out.set(r.space_id, [...(out.get(r.space_id) ?? []), r.id]);
  return out;
}

/** Centres with their rooms, as a list. */
export async function describeCentres(db: Kysely<DB>, centres: VenueCentreTable[]) {
  const [spaces, names] = await Promise.all([
    spacesOf(
      db,
      centres.map((c) => c.id),
    ),
    orgNames(db, [...new Set(centres.map((c) => c.org_id))]),
  ]);
  const photos = await photosOf(
    db,
    spaces.map((s) => s.id),
  );
  return centres.map((c) =>
    centreOut(
      c,
      spaces.filter((s) => s.centre_id === c.id),
      names.get(c.org_id) ?? '',
      photos,
    ),
  );
}

/** Opens a service centre (党群服务中心) at a community, village or compound. */
export async function createCentre(
  deps: AppDeps,
  actor: Actor,
  input: { orgId: string; name: string; address?: string | undefined },
) {
  const org = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path', 'name'])
    .where('id', '=', input.orgId)
    .executeTakeFirst();
  if (org === undefined || !canAt(actor, 'venue.manage', org.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  const row: VenueCentreTable = {
    id: newId(),
    org_id: org.id,
    org_path: org.path,
    name: input.name.trim(),
    address: input.address === undefined || input.address.trim() === '' ? null : input.address.trim(),
    created_at: deps.clock.now().toISOString(),
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('venue_centres').values(row).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'venue.centre_create',
      targetType: 'venue_centre',
      targetId: row.id,
      orgPath: row.org_path,
      detail: { name: row.name },
    });
  });
  return centreOut(row, [], org.name);
}

/** Centres in the actor's scope (for `permission`), each with its rooms. */
export async function listCentresInScope(deps: AppDeps, actor: Actor) {
  const centres = await deps.db
    .selectFrom('venue_centres')
    .selectAll()
    .where(inScope<DB, 'venue_centres'>(actor, 'venue.manage', 'org_path'))
    .orderBy('org_path')
    .orderBy('created_at')
    .limit(200)
    .execute();
  return { items: await describeCentres(deps.db, centres) };
}

export async function getCentreRow(db: Kysely<DB>, centreId: string) {
  const row = await db.selectFrom('venue_centres').selectAll().where('id', '=', centreId).executeTakeFirst();
  if (row === undefined) throw notFound(CENTRE);
  return row;
}

export async function getSpaceRow(db: Kysely<DB>, spaceId: string) {
  const row = await db.selectFrom('venue_spaces').selectAll().where('id', '=', spaceId).executeTakeFirst();
  if (row === undefined) throw notFound(SPACE);
  return row;
}

/** Adds a room to a centre. */
export async function createSpace(deps: AppDeps, actor: Actor, centreId: string, input: SpaceInput) {
  const centre = await getCentreRow(deps.db, centreId);
  const row: VenueSpaceTable = {
    id: newId(),
    centre_id: centre.id,
    org_path: centre.org_path,
    ...spaceColumns(input),
    qr_token: crypto.randomBytes(18).toString('base64url'),
    created_at: deps.clock.now().toISOString(),
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('venue_spaces').values(row).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'venue.space_create',
      targetType: 'venue_space',
      targetId: row.id,
      orgPath: row.org_path,
      detail: { name: row.name, kind: row.kind },
    });
  });
  return spaceOut(row);
}

/** Changes a room's description, hours or rules; bookings already made keep their times. */
export async function updateSpace(deps: AppDeps, actor: Actor, spaceId: string, input: SpaceInput) {
  const space = await getSpaceRow(deps.db, spaceId);
  const columns = spaceColumns(input);
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('venue_spaces').set(columns).where('id', '=', space.id).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'venue.space_update',
      targetType: 'venue_space',
      targetId: space.id,
      orgPath: space.org_path,
      detail: { name: columns.name },
    });
  });
  return spaceOut({ ...space, ...columns }, await photoIdsOf(deps.db, space.id));
}

/** The room's QR code text (for staff to print and hang at the door): the check-in page with its secret. */
export async function getSpaceQr(deps: AppDeps, spaceId: string) {
  const space = await getSpaceRow(deps.db, spaceId);
  return { spaceId: space.id, path: `/m/venues/check-in?space=${space.id}&t=${space.qr_token}` };
}

/** Her bound household's unit path, or a 403 telling her to bind first. */
export async function boundPathOf(db: Kysely<DB>, userId: string): Promise<string> {
  const binding = await db
    .selectFrom('resident_bindings')
    .select('org_path')
    .where('user_id', '=', userId)
    .where('status', '=', 'bound')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (binding === undefined)
    throw new AppError('FORBIDDEN', { zh: '请先在"我的"中绑定住户', en: 'Bind your account to your household first' }, [
      {
        code: 'not_bound',
        field: 'spaceId',
        message_zh: '请先在"我的"中绑定住户',
        message_en: 'Bind your account to your household first',
      },
    ]);
  return binding.org_path;
}

/**
 * The name a resident's booking or sign-up carries for staff: her name in the registry (through her
 * binding), else the account's display name.
 */
export async function residentNameOf(db: Kysely<DB>, actor: Actor): Promise<string> {
  const row = await db
    .selectFrom('resident_bindings')
    .innerJoin('residents', 'residents.id', 'resident_bindings.resident_id')
    .select('residents.name')
    .where('resident_bindings.user_id', '=', actor.userId)
    .where('resident_bindings.status', '=', 'bound')
    .orderBy('resident_bindings.created_at', 'desc')
    .executeTakeFirst();
  return row?.name ?? actor.displayName;
}

/** The centres serving her household (its community's, a compound's point), with their rooms. */
export async function listMyCentres(deps: AppDeps, actor: Actor) {
  const binding = await deps.db
    .selectFrom('resident_bindings')
    .select('org_path')
    .where('user_id', '=', actor.userId)
    .where('status', '=', 'bound')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (binding === undefined) return { isBound: false, items: [] };
  const ancestors: string[] = [];
  for (let i = binding.org_path.indexOf('/', 1); i !== -1; i = binding.org_path.indexOf('/', i + 1))
    ancestors.push(binding.org_path.slice(0, i + 1));
  const centres = await deps.db
    .selectFrom('venue_centres')
    .selectAll()
    .where('org_path', 'in', ancestors)
    .orderBy('org_path')
    .execute();
  const items = await describeCentres(deps.db, centres);
  return {
    isBound: true,
    items: items.map((c) => ({ ...c, spaces: c.spaces.filter((s) => s.isActive && s.bookers.includes('resident')) })),
  };
}
