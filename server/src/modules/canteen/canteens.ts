import { sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Kysely, Transaction } from 'kysely';
import { type Actor, canAt, inScope } from '../../platform/access/scope.ts';
import type { Permission } from '../../platform/access/roles.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { currentDay } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { randomBytes } from 'node:crypto';
import { absencesOf } from './care.ts';
import type { CanteenDinerTable, CanteenTable, Tier } from './tables.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { CANTEEN_DINERS } from './figures.ts';

export const CANTEEN = { zh: '食堂', en: 'Canteen' };
export const DINER = { zh: '就餐人', en: 'Diner' };

type Db = Kysely<DB> | Transaction<DB>;

/** Her age in whole years on a Shanghai day ('YYYY-MM-DD'). */
export function ageOnDay(birthDate: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** Age from which a diner pays the senior tier's price (80 岁以上). */
export const SENIOR_TIER_AGE = 80;

/** The tiers a resident falls in on a day, from the registry's facts: standard always, senior at 80+, 低保 by tag. */
export function tiersOf(person: { birthDate: string; tags: readonly string[] }, day: string): Tier[] {
  const tiers: Tier[] = ['standard'];
  if (ageOnDay(person.birthDate, day) >= SENIOR_TIER_AGE) tiers.push('senior');
  if (person.tags.includes('dibao')) tiers.push('dibao');
  return tiers;
}

export interface CanteenOut {
  id: string;
  orgId: string;
  orgName: string;
  name: string;
  address: string | null;
  subsidyAccount: string;
  lunchCutoff: string;
  dinnerCutoff: string;
  allowsWalkIns: boolean;
  absenceDays: number;
  minAge: number;
  eligibleTags: string[];
  createdAt: string;
}

export const toCanteenOut = (r: CanteenTable, orgName: string): CanteenOut => ({
  id: r.id,
  orgId: r.org_id,
  orgName,
  name: r.name,
  address: r.address,
  subsidyAccount: r.subsidy_account,
  lunchCutoff: r.lunch_cutoff,
  dinnerCutoff: r.dinner_cutoff,
  allowsWalkIns: r.allows_walk_ins === 1,
  absenceDays: r.absence_days,
  minAge: r.min_age,
  eligibleTags: r.eligible_tags === '' ? [] : r.eligible_tags.split(','),
  createdAt: r.created_at,
});

/** A canteen the actor holds `permission` over, or 404. */
export async function getCanteenInScope(
  deps: AppDeps,
  actor: Actor,
  permission: Permission,
  id: string,
): Promise<CanteenTable> {
  const row = await deps.db
    .selectFrom('canteens')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'canteens'>(actor, permission, 'org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(CANTEEN);
  return row;
}

/** A diner of this canteen, or 404. */
export async function getDinerOf(db: Db, canteenId: string, dinerId: string): Promise<CanteenDinerTable> {
  const row = await db
    .selectFrom('canteen_diners')
    .selectAll()
    .where('id', '=', dinerId)
    .where('canteen_id', '=', canteenId)
    .executeTakeFirst();
  if (row === undefined) throw notFound(DINER);
  return row;
}

export interface CanteenInput {
  orgId: string;
  name: string;
  address?: string | undefined;
  subsidyAccount: string;
  lunchCutoff: string;
  dinnerCutoff: string;
  allowsWalkIns: boolean;
  absenceDays: number;
  minAge: number;
  eligibleTags: string[];
}

/** Opens a 幸福食堂 at a community or village (or a unit under it). */
export async function createCanteen(deps: AppDeps, actor: Actor, input: CanteenInput): Promise<CanteenOut> {
  const org = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path', 'name', 'level'])
    .where('id', '=', input.orgId)
    .executeTakeFirst();
  if (org === undefined || !canAt(actor, 'canteen.manage', org.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  if (!['community', 'grid', 'group', 'compound'].includes(org.level))
    throw invalidField('orgId', 'not_community', {
      zh: '食堂设在社区、村或其下的单元',
      en: 'A canteen belongs to a community or village (or a unit under it)',
    });
  const known = await deps.db
    .selectFrom('care_tags')
    .select('code')
    .where('code', 'in', ['', ...input.eligibleTags])
    .execute();
  const unknown = input.eligibleTags.find((t) => !known.some((k) => k.code === t));
  if (unknown !== undefined)
    throw invalidField('eligibleTags', 'unknown_tag', { zh: `没有关爱标签 ${unknown}`, en: `No care tag ${unknown}` });
  const row: CanteenTable = {
    id: newId(),
    org_id: org.id,
    org_path: org.path,
    name: input.name,
    address: input.address ?? null,
    subsidy_account: input.subsidyAccount,
    lunch_cutoff: input.lunchCutoff,
    dinner_cutoff: input.dinnerCutoff,
    allows_walk_ins: input.allowsWalkIns ? 1 : 0,
    absence_days: input.absenceDays,
    min_age: input.minAge,
    eligible_tags: input.eligibleTags.join(','),
    created_at: deps.clock.now().toISOString(),
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('canteens').values(row).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'canteen.create',
      targetType: 'canteen',
      targetId: row.id,
      orgPath: row.org_path,
      detail: { name: row.name },
    });
  });
  return toCanteenOut(row, org.name);
}

/** Canteens in the actor's scope. */
export async function listCanteens(deps: AppDeps, actor: Actor) {
  const rows = await deps.db
    .selectFrom('canteens')
    .innerJoin('org_units', 'org_units.id', 'canteens.org_id')
    .selectAll('canteens')
    .select('org_units.name as org_name')
    .where(inScope<DB, 'canteens'>(actor, 'canteen.read', 'canteens.org_path'))
    .orderBy('canteens.org_path')
    .limit(500)
    .execute();
  return { items: rows.map((r) => toCanteenOut(r, r.org_name)) };
}

export async function getCanteen(deps: AppDeps, actor: Actor, id: string): Promise<CanteenOut> {
  const row = await getCanteenInScope(deps, actor, 'canteen.read', id);
  const org = await deps.db
    .selectFrom('org_units')
    .select('name')
    .where('id', '=', row.org_id)
    .executeTakeFirstOrThrow();
  return toCanteenOut(row, org.name);
}

/** Care tags of residents, by resident id. */
export async function tagsOf(db: Db, residentIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (residentIds.length === 0) return out;
  for (let i = 0; i < residentIds.length; i += 500) {
    const rows = await db
      .selectFrom('resident_tags')
      .innerJoin('care_tags', 'care_tags.id', 'resident_tags.tag_id')
      .select(['resident_tags.resident_id', 'care_tags.code'])
      .where('resident_tags.resident_id', 'in', residentIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.resident_id, [...(out.get(r.resident_id) ?? []), r.code]);
  }
  return out;
}

/** Whether a resident may dine here: living within the canteen's place, old enough or holding an eligible care tag. */
export function isEligible(
  canteen: Pick<CanteenTable, 'org_path' | 'min_age' | 'eligible_tags'>,
  person: { orgPath: string; status: string; birthDate: string; tags: readonly string[] },
  day: string,
): boolean {
  if (person.status !== 'living' || !person.orgPath.startsWith(canteen.org_path)) return false;
  if (ageOnDay(person.birthDate, day) >= canteen.min_age) return true;
  const tags = canteen.eligible_tags === '' ? [] : canteen.eligible_tags.split(',');
  return person.tags.some((t) => tags.includes(t));
}

/** Residents of the canteen's place who may dine and are not yet its diners (a name search; at most 50). */
export async function listEligibleResidents(deps: AppDeps, actor: Actor, canteenId: string, q: string | undefined) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.manage', canteenId);
  const today = currentDay(deps.clock.now());
  const bornBy = `${Number(today.slice(0, 4)) - canteen.min_age}${today.slice(4)}`;
  const tags = canteen.eligible_tags === '' ? [] : canteen.eligible_tags.split(',');
  let query = deps.db
    .selectFrom('residents')
    .select(['residents.id', 'residents.name', 'residents.birth_date', 'residents.gender', 'residents.org_path'])
    .where('residents.org_path', '>=', canteen.org_path)
    .where('residents.org_path', '<', `${canteen.org_path.slice(0, -1)}0`)
    .where('residents.status', '=', 'living')
    .where((eb) =>
      eb.or([
        eb('residents.birth_date', '<=', bornBy),
        ...(tags.length === 0
          ? []
          : [
              eb.exists(
                eb
                  .selectFrom('resident_tags')
                  .innerJoin('care_tags', 'care_tags.id', 'resident_tags.tag_id')
                  .select(sql`1`.as('one'))
                  .whereRef('resident_tags.resident_id', '=', 'residents.id')
                  .where('care_tags.code', 'in', tags),
              ),
            ]),
      ]),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('canteen_diners')
            .select(sql`1`.as('one'))
            .whereRef('canteen_diners.resident_id', '=', 'residents.id')
            .where('canteen_diners.canteen_id', '=', canteen.id),
        ),
      ),
    );
  if (q !== undefined && q !== '') query = query.where('residents.name', 'like', `%${q.replace(/[%_\\]/g, '')}%`);
  const rows = await query.orderBy('residents.name').orderBy('residents.id').limit(50).execute();
  const tagMap = await tagsOf(
    deps.db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => ({
      residentId: r.id,
      name: r.name,
      age: ageOnDay(r.birth_date, today),
      gender: r.gender,
      tags: tagMap.get(r.id) ?? [],
    })),
  };
}

const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** A diner's code for the QR at meal time: 8 characters, no 0/O or 1/I to misread. */
export function newDinerCode(): string {
  const bytes = randomBytes(8);
  return Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

export interface DinerInput {
  residentId: string;
  isRegular: boolean;
  needsDelivery: boolean;
  route?: string | null | undefined;
  volunteer?: string | null | undefined;
}

/** Enrols a resident of the canteen's place as a diner; she must be eligible. Enrolling her twice is a 409. */
export async function enrolDiner(deps: AppDeps, actor: Actor, canteenId: string, input: DinerInput) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.manage', canteenId);
  const resident = await deps.db
    .selectFrom('residents')
    .select(['id', 'household_id', 'org_path', 'status', 'birth_date'])
    .where('id', '=', input.residentId)
    .executeTakeFirst();
  if (resident === undefined || !resident.org_path.startsWith(canteen.org_path))
    throw invalidField('residentId', 'not_resident_here', {
      zh: '该居民不在本食堂所在的社区/村',
      en: 'The resident does not live where this canteen serves',
    });
  const tags = (await tagsOf(deps.db, [resident.id])).get(resident.id) ?? [];
  const today = currentDay(deps.clock.now());
  if (
    !isEligible(
      canteen,
      { orgPath: resident.org_path, status: resident.status, birthDate: resident.birth_date, tags },
      today,
    )
  )
    throw invalidField('residentId', 'not_eligible', {
      zh: `该居民不符合就餐条件（${canteen.min_age} 岁以上或持有指定关爱标签）`,
      en: `The resident is not eligible (aged ${canteen.min_age}+ or holding an eligible care tag)`,
    });
  const now = deps.clock.now().toISOString();
  const row: CanteenDinerTable = {
    id: newId(),
    canteen_id: canteen.id,
    org_path: canteen.org_path,
    resident_id: resident.id,
    household_id: resident.household_id,
    code: newDinerCode(),
    is_regular: input.isRegular ? 1 : 0,
    needs_delivery: input.needsDelivery ? 1 : 0,
    route: input.route ?? null,
    volunteer: input.volunteer ?? null,
    status: 'active',
    version: 0,
    enrolled_at: now,
    left_at: null,
  };
  await deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('canteen_diners')
      .select('id')
      .where('canteen_id', '=', canteen.id)
      .where('resident_id', '=', resident.id)
      .executeTakeFirst();
    if (existing !== undefined)
      throw conflict('CONFLICT', 'residentId', { zh: '该居民已是本食堂的就餐人', en: 'Already a diner here' });
    await trx.insertInto('canteen_diners').values(row).execute();
    await syncServiceFigures(trx, CANTEEN_DINERS, [row.id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'canteen.diner_enrol',
      targetType: 'resident',
      targetId: resident.id,
      orgPath: canteen.org_path,
      detail: { canteenId: canteen.id, dinerId: row.id },
    });
  });
  return { id: row.id };
}

/** Changes a diner's regular/delivery marks, route and volunteer, or lets her leave (or come back). */
export async function updateDiner(
  deps: AppDeps,
  actor: Actor,
  canteenId: string,
  dinerId: string,
  input: {
    isRegular?: boolean | undefined;
    needsDelivery?: boolean | undefined;
    route?: string | null | undefined;
    volunteer?: string | null | undefined;
    isActive?: boolean | undefined;
  },
) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.manage', canteenId);
  const diner = await getDinerOf(deps.db, canteen.id, dinerId);
  const now = deps.clock.now().toISOString();
  const set: Partial<CanteenDinerTable> = {};
  if (input.isRegular !== undefined) set.is_regular = input.isRegular ? 1 : 0;
  if (input.needsDelivery !== undefined) set.needs_delivery = input.needsDelivery ? 1 : 0;
  if (input.route !== undefined) set.route = input.route === '' ? null : input.route;
  if (input.volunteer !== undefined) set.volunteer = input.volunteer === '' ? null : input.volunteer;
  if (input.isActive !== undefined) {
    set.status = input.isActive ? 'active' : 'left';
    set.left_at = input.isActive ? null : now;
  }
  if (Object.keys(set).length === 0) return { id: diner.id };
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('canteen_diners').set(set).where('id', '=', diner.id).execute();
    await syncServiceFigures(trx, CANTEEN_DINERS, [diner.id]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'canteen.diner_update',
      targetType: 'resident',
      targetId: diner.resident_id,
      orgPath: canteen.org_path,
      detail: { canteenId: canteen.id, dinerId: diner.id, ...input },
    });
  });
  return { id: diner.id };
}

/** Balances of diners (Σ of their 'diner' movements), by diner id. */
export async function balancesOf(db: Db, dinerIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < dinerIds.length; i += 500) {
    const rows = await db
      .selectFrom('canteen_ledger')
      .select(['diner_id', (eb) => eb.fn.sum<number>('amount_fen').as('balance')])
      .where('diner_id', 'in', dinerIds.slice(i, i + 500))
      .where('account', '=', 'diner')
      .groupBy('diner_id')
      .execute();
    for (const r of rows) out.set(r.diner_id, Number(r.balance));
  }
  return out;
}

/** The day she was last served (signed in, delivered), by diner id. */
export async function lastSeenOf(db: Db, dinerIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < dinerIds.length; i += 500) {
    const rows = await db
      .selectFrom('canteen_orders')
      .select(['diner_id', (eb) => eb.fn.max('day').as('day')])
      .where('diner_id', 'in', dinerIds.slice(i, i + 500))
      .where('served_at', 'is not', null)
      .groupBy('diner_id')
      .execute();
    for (const r of rows) if (r.day !== null) out.set(r.diner_id, String(r.day));
  }
  return out;
}

/** The canteen's diners with name, age, tiers, balance and when last seen. */
export async function listDiners(deps: AppDeps, actor: Actor, canteenId: string) {
  const canteen = await getCanteenInScope(deps, actor, 'canteen.read', canteenId);
  const rows = await deps.db
    .selectFrom('canteen_diners')
    .innerJoin('residents', 'residents.id', 'canteen_diners.resident_id')
    .innerJoin('households', 'households.id', 'canteen_diners.household_id')
    .selectAll('canteen_diners')
    .select(['residents.name', 'residents.birth_date', 'residents.gender', 'households.address'])
    .where('canteen_diners.canteen_id', '=', canteen.id)
    .orderBy('canteen_diners.status')
    .orderBy('residents.name')
    .orderBy('canteen_diners.id')
    .execute();
  const ids = rows.map((r) => r.id);
  const [balances, seen, absences, tags] = await Promise.all([
    balancesOf(deps.db, ids),
    lastSeenOf(deps.db, ids),
    absencesOf(deps.db, canteen.id),
    tagsOf(
      deps.db,
      rows.map((r) => r.resident_id),
    ),
  ]);
  const today = currentDay(deps.clock.now());
  return {
    items: rows.map((r) => ({
      id: r.id,
      residentId: r.resident_id,
      householdId: r.household_id,
      name: r.name,
      gender: r.gender,
      age: ageOnDay(r.birth_date, today),
      address: r.address,
      tiers: tiersOf({ birthDate: r.birth_date, tags: tags.get(r.resident_id) ?? [] }, today),
      code: r.code,
      isRegular: r.is_regular === 1,
      needsDelivery: r.needs_delivery === 1,
      route: r.route,
      volunteer: r.volunteer,
      isActive: r.status === 'active',
      balanceFen: balances.get(r.id) ?? 0,
      lastSeenDay: seen.get(r.id) ?? null,
      // the visit asked for her latest absence, while she has not been seen since
      absence: ((a) => (a !== undefined && (seen.get(r.id) ?? '') <= a.lastSeenDay ? a : null))(absences.get(r.id)),
      enrolledAt: r.enrolled_at,
    })),
  };
}

/** A bound resident's own diner records (one per canteen she is enrolled at); empty when unbound. */
export async function findMyDiners(deps: AppDeps, actor: Actor) {
  return deps.db
    .selectFrom('resident_bindings')
    .innerJoin('canteen_diners', 'canteen_diners.resident_id', 'resident_bindings.resident_id')
    .innerJoin('residents', 'residents.id', 'canteen_diners.resident_id')
    .selectAll('canteen_diners')
    .select(['residents.name', 'residents.birth_date'])
    .where('resident_bindings.user_id', '=', actor.userId)
    .where('resident_bindings.status', '=', 'bound')
    .where('canteen_diners.status', '=', 'active')
    .execute();
}
