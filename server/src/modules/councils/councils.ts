import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, inScope } from '../../platform/access/scope.ts';
import { requireWritten } from '../../platform/audit/guarded-write.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { CouncilCreateBody, CouncilOut, MemberBody, MemberOut } from './schema.ts';
import type { CouncilMemberTable, CouncilTable } from './tables.ts';

export const COUNCIL = { zh: '议事会', en: 'Council' };
export const MEMBER = { zh: '议事会成员', en: 'Council member' };
/** Units a council may sit at: a community (or village), a compound, a village group. */
const COUNCIL_LEVELS = ['community', 'compound', 'group'];

export const councilOut = (r: CouncilTable, orgName: string, memberCount: number): CouncilOut => ({
  id: r.id,
  orgId: r.org_id,
  orgName,
  name: r.name,
  voteBasis: r.vote_basis,
  quorum: r.quorum,
  majority: r.majority,
  supportThreshold: r.support_threshold,
  supportDays: r.support_days,
  memberCount,
  createdAt: r.created_at,
});

export const memberOut = (r: CouncilMemberTable): MemberOut => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  organization: r.organization,
  householdId: r.household_id,
  hasAccount: r.user_id !== null,
});

/** A council in the actor's scope for `council.manage`, or 404. */
export async function getCouncilInScope(db: Kysely<DB>, actor: Actor, id: string): Promise<CouncilTable> {
  const row = await db
    .selectFrom('councils')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'councils'>(actor, 'council.manage', 'org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(COUNCIL);
  return row;
}

/** The members a council has now (not those who left). */
export async function listActiveMembers(db: Kysely<DB>, councilId: string): Promise<CouncilMemberTable[]> {
  return db
    .selectFrom('council_members')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('left_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Which of these households have a member sitting on a council now (a residents' representative, or any
 * member the council tied to a household). The role a notice may be sent to.
 */
export async function householdsOnCouncils(db: Kysely<DB>, householdIds: readonly string[]): Promise<Set<string>> {
  if (householdIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('council_members')
    .select('household_id')
    .distinct()
    .where('household_id', 'in', [...householdIds])
    .where('left_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.household_id).filter((id): id is string => id !== null));
}

/** Sets up the council of a community, compound or village group with its rules (one per unit). */
export async function createCouncil(deps: AppDeps, actor: Actor, input: CouncilCreateBody): Promise<CouncilOut> {
  const org = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path', 'level', 'name'])
    .where('id', '=', input.orgId)
    .where(inScope<DB, 'org_units'>(actor, 'council.manage', 'path'))
    .executeTakeFirst();
  if (org === undefined) throw notFound({ zh: '组织', en: 'Org unit' });
  if (!COUNCIL_LEVELS.includes(org.level)) {
    throw invalidField('orgId', 'wrong_level', {
      zh: '议事会只能设在社区（村）、小区或村民小组',
      en: 'A council sits at a community (village), a compound or a village group',
    });
  }
  const now = deps.clock.now().toISOString();
  const row: CouncilTable = {
    id: newId(),
    org_id: org.id,
    org_path: org.path,
    name: input.name,
    vote_basis: input.voteBasis,
    quorum: input.quorum,
    majority: input.majority,
    support_threshold: input.supportThreshold,
    support_days: input.supportDays,
    created_at: now,
  };
  await deps.db.transaction().execute(async (trx) => {
    await requireWritten(
      trx,
      trx
        .insertInto('councils')
        .values(row)
        .onConflict((oc) => oc.column('org_id').doNothing())
        .executeTakeFirst(),
      () => conflict('CONFLICT', 'orgId', { zh: '该单位已有议事会', en: 'This unit already has a council' }),
      {
        clock: deps.clock,
        who: whoFromActor(actor),
        entry: {
          action: 'council.create',
          targetType: 'council',
          targetId: row.id,
          orgPath: row.org_path,
          detail: { voteBasis: row.vote_basis, quorum: row.quorum, majority: row.majority },
        },
      },
    );
  });
  return councilOut(row, org.name, 0);
}

/** The councils in the actor's scope, with their units' names and their member counts. */
export async function listCouncils(deps: AppDeps, actor: Actor): Promise<{ items: CouncilOut[] }> {
  const rows = await deps.db
    .selectFrom('councils')
    .innerJoin('org_units', 'org_units.id', 'councils.org_id')
    .selectAll('councils')
    .select('org_units.name as org_name')
    .where(inScope<DB, 'councils'>(actor, 'council.manage', 'councils.org_path'))
    .orderBy('councils.org_path')
    .limit(200)
    .execute();
  const counts = rows.length
    ? await deps.db
        .selectFrom('council_members')
        .select(['council_id', deps.db.fn.countAll<number>().as('n')])
        .where(
          'council_id',
          'in',
          rows.map((r) => r.id),
        )
        .where('left_at', 'is', null)
        .groupBy('council_id')
        .execute()
    : [];
  const countOf = new Map(counts.map((c) => [c.council_id, Number(c.n)]));
  return { items: rows.map((r) => councilOut(r, r.org_name, countOf.get(r.id) ?? 0)) };
}

/** A council with its members, for the console. */
export async function getCouncil(deps: AppDeps, actor: Actor, id: string) {
  const council = await getCouncilInScope(deps.db, actor, id);
  const org = await deps.db
    .selectFrom('org_units')
    .select('name')
    .where('id', '=', council.org_id)
    .executeTakeFirstOrThrow();
  const members = await listActiveMembers(deps.db, council.id);
  return { council: councilOut(council, org.name, members.length), members: members.map(memberOut) };
}

/**
 * Adds a member: a residents' representative names her household (in the council's unit), others the
 * organisation they speak for; an account, when given, is told of meetings through the outbox.
 */
export async function addMember(deps: AppDeps, actor: Actor, councilId: string, input: MemberBody): Promise<MemberOut> {
  const council = await getCouncilInScope(deps.db, actor, councilId);
  if (input.kind === 'resident_rep' && input.householdId === undefined) {
    throw invalidField('householdId', 'required', {
      zh: '居民代表须关联所在住户',
      en: "A residents' representative names her household",
    });
  }
  if (input.householdId !== undefined) {
    const household = await deps.db
      .selectFrom('households')
      .select('org_path')
      .where('id', '=', input.householdId)
      .executeTakeFirst();
    if (household === undefined || !household.org_path.startsWith(council.org_path)) {
      throw invalidField('householdId', 'outside_council', {
        zh: '该住户不在本议事会的范围内',
        en: "The household is not in the council's unit",
      });
    }
  }
  if (input.userId !== undefined) {
    const user = await deps.db.selectFrom('users').select('id').where('id', '=', input.userId).executeTakeFirst();
    if (user === undefined) throw invalidField('userId', 'unknown_user', { zh: '账号不存在', en: 'No such account' });
  }
  const row: CouncilMemberTable = {
    id: newId(),
    council_id: council.id,
    org_path: council.org_path,
    kind: input.kind,
    name: input.name,
    organization: input.organization ?? null,
    household_id: input.householdId ?? null,
    user_id: input.userId ?? null,
    created_at: deps.clock.now().toISOString(),
    left_at: null,
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('council_members').values(row).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'council.member_add',
      targetType: 'council',
      targetId: council.id,
      orgPath: council.org_path,
      detail: { memberId: row.id, kind: row.kind },
    });
  });
  return memberOut(row);
}

/** A member leaves the council (her past votes and sign-ins stay); leaving twice changes nothing. */
export async function removeMember(deps: AppDeps, actor: Actor, councilId: string, memberId: string) {
  const council = await getCouncilInScope(deps.db, actor, councilId);
  await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('council_members')
      .set({ left_at: deps.clock.now().toISOString() })
      .where('id', '=', memberId)
      .where('council_id', '=', council.id)
      .where('left_at', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      const exists = await trx
        .selectFrom('council_members')
        .select('id')
        .where('id', '=', memberId)
        .where('council_id', '=', council.id)
        .executeTakeFirst();
      if (exists === undefined) throw notFound(MEMBER);
      return;
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'council.member_remove',
      targetType: 'council',
      targetId: council.id,
      orgPath: council.org_path,
      detail: { memberId },
    });
  });
}
