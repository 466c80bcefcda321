import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { shapePersonal } from './disclosure.ts';

/**
 * What the registry tells a resident's own account (issue 20, item 1): the look-up of a bind attempt by
 * ID number's blind index, and her household as a grid worker would see it — masked, never revealed.
 */

/**
 * Living residents holding the ID number with one of the blind indexes `idBidx` (each valid key's: two
 * during a key rotation); the registry keeps one, read them all.
 */
export async function findLivingResidentsByIdNumber(db: Kysely<DB>, idBidx: string[]) {
  return db
    .selectFrom('residents as r')
    .innerJoin('households as h', 'h.id', 'r.household_id')
    .select(['r.id', 'r.name', 'r.household_id', 'r.phone_bidx', 'h.org_path', 'h.org_id'])
    .where('r.id_number_bidx', 'in', idBidx)
    .where('r.status', '=', 'living')
    .execute();
}

/** A registry resident's name and masked phone, for the staff who confirm a binding request. */
export async function findResidentSummaries(deps: AppDeps, ids: string[]) {
  if (ids.length === 0) return new Map<string, { name: string; address: string; orgName: string }>();
  const rows = await deps.db
    .selectFrom('residents as r')
    .innerJoin('households as h', 'h.id', 'r.household_id')
    .innerJoin('org_units as o', 'o.id', 'h.org_id')
    .select(['r.id', 'r.name', 'h.address', 'o.name as org_name'])
    .where('r.id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, address: r.address, orgName: r.org_name }]));
}

/** The community (or the nearest unit above it) a place lies in: its name and path. */
async function findCommunityOf(db: Kysely<DB>, path: string) {
  const segments = path.split('/').filter(Boolean);
  const prefixes = segments.map((_, i) => `/${segments.slice(0, i + 1).join('/')}/`);
  const units = await db
    .selectFrom('org_units')
    .select(['id', 'name', 'full_name', 'level', 'path'])
    .where('path', 'in', prefixes)
    .execute();
  const community = units.find((u) => u.level === 'community');
  return community ?? units.sort((a, b) => b.path.length - a.path.length)[0];
}

/**
 * Her household: address, unit and community, and its living members with numbers masked and birth
 * year only (disclosure `masked`, what a grid worker sees); no care tags or staff notes. It is the
 * household the registry holds her in now — never one remembered from when she bound (after a move
 * that one is someone else's home); undefined when she no longer lives in the registry (moved out,
 * deceased, deleted) or the household is gone.
 */
export async function getHouseholdForResident(deps: AppDeps, selfResidentId: string) {
  const household = await deps.db
    .selectFrom('residents as r')
    .innerJoin('households as h', 'h.id', 'r.household_id')
    .innerJoin('org_units as o', 'o.id', 'h.org_id')
    .select(['h.id', 'h.address', 'h.org_path', 'o.name as org_name'])
    .where('r.id', '=', selfResidentId)
    .where('r.status', '=', 'living')
    .executeTakeFirst();
  if (household === undefined) return undefined;
  const householdId = household.id;
  const [members, community] = await Promise.all([
    deps.db
      .selectFrom('residents')
      .selectAll()
      .where('household_id', '=', householdId)
      .where('status', '=', 'living')
      .orderBy('birth_date')
      .execute(),
    findCommunityOf(deps.db, household.org_path),
  ]);
  const now = deps.clock.now();
  return {
    address: household.address,
    unitName: household.org_name,
    communityName: community?.name ?? household.org_name,
    communityFullName: community?.full_name ?? household.org_name,
    members: members.map((m) => {
      const personal = shapePersonal(deps.pii, m, 'masked', now);
      return {
        name: m.name,
        relation: m.relation,
        gender: m.gender,
        birthYear: personal.birthYear,
        age: personal.age,
        idNumber: personal.idNumber,
        phone: personal.phone,
        isSelf: m.id === selfResidentId,
      };
    }),
  };
}
