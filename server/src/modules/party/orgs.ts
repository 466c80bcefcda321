import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScopeWithin, subtreeEnd } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { enrolCandidatesUnder, withdrawCandidate } from './declared-members.ts';
import { isUniqueViolation } from './double-registration.ts';
import type { MemberDuty, PartyOrgKind, PartyOrgTable } from './tables.ts';

/**
 * Party organisations on the org tree (issue 14, item 1): a street's 党委 (or 党工委), a community's 党总支 or
 * 党支部, a 党小组 per 村民小组 or grid. Members come from the registry (a resident's membership is her 党员
 * record: one active membership each, held by the database) or from partner (alliance) units. The registry's
 * 党员 is not a care tag: declared by import or the registry form it becomes a membership at her place, or a
 * candidate offered here until an organisation exists there (declared-members.ts).
 */

const ORG = { zh: '组织', en: 'Org unit' };
const PARTY_ORG = { zh: '党组织', en: 'Party organisation' };

/** Which party organisation kinds sit at which level of the org tree. */
const KINDS_AT: Record<string, readonly PartyOrgKind[]> = {
  district: ['committee'],
  street: ['committee', 'general_branch'],
  community: ['general_branch', 'branch'],
  grid: ['branch', 'group'],
  compound: ['group'],
  group: ['group'],
};

/** The party organisations at a unit and under it, with member counts. */
export async function listPartyOrgs(deps: AppDeps, actor: Actor, orgId: string) {
  const unit = await deps.db.selectFrom('org_units').select(['id', 'path']).where('id', '=', orgId).executeTakeFirst();
  if (unit === undefined || !canAt(actor, 'party.read', unit.path)) throw notFound(ORG);
  const rows = await deps.db
    .selectFrom('party_orgs')
    .innerJoin('org_units', 'org_units.id', 'party_orgs.org_id')
    .select([
      'party_orgs.id',
      'party_orgs.org_id',
      'org_units.name as unit_name',
      'party_orgs.parent_id',
      'party_orgs.kind',
      'party_orgs.name',
      'party_orgs.org_path',
    ])
    .where(inScopeWithin<DB, 'party_orgs'>(actor, 'party.read', 'party_orgs.org_path', unit.path))
    .orderBy('party_orgs.org_path')
    .orderBy('party_orgs.name')
    .execute();
  const counts =
    rows.length === 0
      ? []
      : await deps.db
          .selectFrom('party_members')
          .select(['party_org_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where(
            'party_org_id',
            'in',
            rows.map((r) => r.id),
          )
          .where('status', '=', 'active')
          .groupBy('party_org_id')
          .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      orgId: r.org_id,
      unitName: r.unit_name,
      parentId: r.parent_id,
      kind: r.kind,
      name: r.name,
      members: Number(counts.find((c) => c.party_org_id === r.id)?.n ?? 0),
    })),
  };
}

/** Sets up a party organisation at a unit, under its parent organisation (if any). */
export async function createPartyOrg(
  deps: AppDeps,
  actor: Actor,
  input: { orgId: string; kind: PartyOrgKind; name: string; parentId?: string | undefined },
) {
  const unit = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path', 'level'])
    .where('id', '=', input.orgId)
    .executeTakeFirst();
  if (unit === undefined || !canAt(actor, 'party.manage', unit.path)) throw notFound(ORG);
  if (!(KINDS_AT[unit.level] ?? []).includes(input.kind))
    throw invalidField('kind', 'kind_not_at_level', {
      zh: '该级组织不设此类党组织（如党小组设在村民小组或网格）',
      en: 'This kind of party organisation does not sit at this level',
    });
  if (input.parentId !== undefined) {
    const parent = await deps.db
      .selectFrom('party_orgs')
      .select(['org_path'])
      .where('id', '=', input.parentId)
      .executeTakeFirst();
    if (parent === undefined || !unit.path.startsWith(parent.org_path))
      throw invalidField('parentId', 'not_above', {
        zh: '上级党组织须在本单位或其上级',
        en: 'The parent organisation must sit at this unit or above',
      });
  }
  const row: PartyOrgTable = {
    id: newId(),
    org_id: unit.id,
    org_path: unit.path,
    parent_id: input.parentId ?? null,
    kind: input.kind,
    name: input.name.trim(),
    created_by: actor.userId,
    created_at: deps.clock.now().toISOString(),
  };
  let enrolled = 0;
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('party_orgs').values(row).execute();
      // the registry's 党员 waiting under this unit become its members (party/declared-members.ts)
      enrolled = await enrolCandidatesUnder(trx, deps.clock.now(), row.org_path, actor.userId);
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'party.org_create',
        targetType: 'party_org',
        targetId: row.id,
        orgId: unit.id,
        orgPath: unit.path,
        detail: { kind: input.kind, enrolled },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict('CONFLICT', 'name', { zh: '本单位已有同名党组织', en: 'This unit already has one by this name' });
    throw error;
  }
  return { id: row.id, orgId: unit.id, parentId: row.parent_id, kind: row.kind, name: row.name, enrolled };
}

async function getPartyOrgFor(deps: AppDeps, actor: Actor, id: string, permission: 'party.read' | 'party.manage') {
  const row = await deps.db.selectFrom('party_orgs').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined || !canAt(actor, permission, row.org_path)) throw notFound(PARTY_ORG);
  return row;
}

/** A party organisation's active members. */
export async function listPartyMembers(deps: AppDeps, actor: Actor, partyOrgId: string) {
  const org = await getPartyOrgFor(deps, actor, partyOrgId, 'party.read');
  const rows = await deps.db
    .selectFrom('party_members as m')
    .leftJoin('alliance_units as u', 'u.id', 'm.alliance_unit_id')
    .select(['m.id', 'm.resident_id', 'm.alliance_unit_id', 'u.name as unit_name', 'm.name', 'm.duty', 'm.joined_on'])
    .where('m.party_org_id', '=', org.id)
    .where('m.status', '=', 'active')
    .orderBy('m.duty')
    .orderBy('m.name')
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      residentId: r.resident_id,
      allianceUnitId: r.alliance_unit_id,
      unitName: r.unit_name,
      name: r.name,
      duty: r.duty,
      joinedOn: r.joined_on,
    })),
  };
}

/** The registry's 党员 under a unit whose place has no party organisation yet: offered to staff to enrol. */
export async function listPartyCandidates(deps: AppDeps, actor: Actor, orgId: string) {
  const unit = await deps.db.selectFrom('org_units').select(['id', 'path']).where('id', '=', orgId).executeTakeFirst();
  if (unit === undefined || !canAt(actor, 'party.read', unit.path)) throw notFound(ORG);
  const rows = await deps.db
    .selectFrom('party_candidates as c')
    .innerJoin('residents as r', 'r.id', 'c.resident_id')
    .innerJoin('households as h', 'h.id', 'r.household_id')
    .innerJoin('org_units as o', 'o.id', 'h.org_id')
    .select(['c.resident_id', 'c.name', 'c.source', 'c.created_at', 'o.name as unit_name'])
    .where('c.org_path', '>=', unit.path)
    .where('c.org_path', '<', subtreeEnd(unit.path))
    .where('r.status', '=', 'living')
    .orderBy('c.org_path')
    .orderBy('c.name')
    .limit(500)
    .execute();
  return {
    items: rows.map((r) => ({
      residentId: r.resident_id,
      name: r.name,
      unitName: r.unit_name,
      source: r.source,
      since: r.created_at,
    })),
  };
}

/** Adds a member: a resident of the organisation's unit, or a person from a partner unit of its alliance. */
export async function addPartyMember(
  deps: AppDeps,
  actor: Actor,
  partyOrgId: string,
  input: {
    residentId?: string | undefined;
    allianceUnitId?: string | undefined;
    name?: string | undefined;
    duty: MemberDuty;
    joinedOn?: string | undefined;
  },
) {
  const org = await getPartyOrgFor(deps, actor, partyOrgId, 'party.manage');
  let name: string;
  if (input.residentId !== undefined) {
    const resident = await deps.db
      .selectFrom('residents')
      .select(['id', 'name', 'org_path', 'status'])
      .where('id', '=', input.residentId)
      .executeTakeFirst();
    if (resident === undefined || !resident.org_path.startsWith(org.org_path) || resident.status !== 'living')
      throw invalidField('residentId', 'not_here', {
        zh: '该居民不在此党组织所在单位',
        en: 'This resident does not live under this organisation’s unit',
      });
    name = resident.name;
  } else if (input.allianceUnitId !== undefined && input.name !== undefined) {
    const unit = await deps.db
      .selectFrom('alliance_units')
      .select(['id', 'org_path'])
      .where('id', '=', input.allianceUnitId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (unit === undefined || !(org.org_path.startsWith(unit.org_path) || unit.org_path.startsWith(org.org_path)))
      throw invalidField('allianceUnitId', 'unknown_unit', {
        zh: '该单位不是此地党建联盟的成员单位',
        en: 'Not a member unit of an alliance here',
      });
    name = input.name.trim();
  } else {
    throw invalidField('residentId', 'required', {
      zh: '请选择居民，或填写共建单位及姓名',
      en: 'Choose a resident, or give a partner unit and a name',
    });
  }
  const id = newId();
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('party_members')
        .values({
          id,
          party_org_id: org.id,
          org_path: org.org_path,
          resident_id: input.residentId ?? null,
          alliance_unit_id: input.residentId === undefined ? (input.allianceUnitId ?? null) : null,
          name,
          duty: input.duty,
          status: 'active',
          joined_on: input.joinedOn ?? null,
          created_by: actor.userId,
          created_at: deps.clock.now().toISOString(),
          ended_at: null,
        })
        .execute();
      if (input.residentId !== undefined) await withdrawCandidate(trx, input.residentId);
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'party.member_add',
        targetType: 'party_member',
        targetId: id,
        orgId: org.org_id,
        orgPath: org.org_path,
        detail: { partyOrgId: org.id },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict('CONFLICT', 'residentId', {
        zh: '该居民已是某党组织的党员（组织关系只有一个）',
        en: 'This resident is already a member of a party organisation',
      });
    throw error;
  }
  return { id, name };
}

/** Ends a membership (transferred out, or passed away); the row stays as history. */
export async function endPartyMember(deps: AppDeps, actor: Actor, memberId: string) {
  const row = await deps.db
    .selectFrom('party_members')
    .select(['id', 'party_org_id', 'status'])
    .where('id', '=', memberId)
    .executeTakeFirst();
  if (row === undefined) throw notFound({ zh: '党员', en: 'Member' });
  const org = await getPartyOrgFor(deps, actor, row.party_org_id, 'party.manage');
  if (row.status !== 'active') return;
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('party_members')
      .set({ status: 'ended', ended_at: deps.clock.now().toISOString() })
      .where('id', '=', memberId)
      .where('status', '=', 'active')
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'party.member_end',
      targetType: 'party_member',
      targetId: memberId,
      orgId: org.org_id,
      orgPath: org.org_path,
      detail: {},
    });
  });
}
