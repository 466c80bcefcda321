import type { Kysely } from 'kysely';
import { countyKeyOf } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope, inScopeWithin } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { maskPhone, normalizePhone } from '../../platform/pii/crypto.ts';
import { listCareTagsAt } from '../registry/care-tags.ts';
import { updateResident } from '../registry/residents.ts';
import type { ResidentUpdateBody } from '../registry/schema.ts';
import { getOrgInScope } from '../orgs/service.ts';
import { refreshVisitStatus } from './policies.ts';
import type { Fact } from './schema.ts';
import type { ChangeState, FactField, HouseholdChangeTable } from './tables.ts';

const CHANGE = { zh: '住户信息变更', en: 'Household change' };
const TAG_FIELDS: FactField[] = ['living_alone', 'care_tag_add', 'care_tag_remove'];

/** May this actor change the registry at `path` directly (and so have her facts applied at once)? */
export const canApplyAt = (actor: Actor, path: string) =>
  canAt(actor, 'household.change.apply', path) && canAt(actor, 'resident.write', path);

/**
 * Checks facts against the household before anything is written: each names a member of it, and a
 * tag it adds or removes exists, is assignable and is usable at the household's place (another
 * community's custom tag is as unknown as one that does not exist). Returns each fact's resident version.
 */
export async function checkFacts(
  deps: AppDeps,
  household: { id: string; org_path: string },
  facts: Fact[],
  fieldPrefix: string,
): Promise<Map<string, number>> {
  if (facts.length === 0) return new Map();
  const members = await deps.db
    .selectFrom('residents')
    .select(['id', 'version'])
    .where('household_id', '=', household.id)
    .where(
      'id',
      'in',
      facts.map((f) => f.residentId),
    )
    .execute();
  const versions = new Map(members.map((m) => [m.id, m.version]));
  const tags = await listCareTagsAt(deps.db, household.org_path);
  for (const [i, f] of facts.entries()) {
    if (!versions.has(f.residentId)) {
      throw invalidField(`${fieldPrefix}${i}.residentId`, 'not_a_member', {
        zh: '该居民不是此住户的成员',
        en: 'The resident is not a member of this household',
      });
    }
    if (f.field === 'care_tag_add' || f.field === 'care_tag_remove') {
      const tag = tags.find((t) => t.code === f.value);
      if (tag === undefined || tag.is_derived === 1) {
        throw invalidField(`${fieldPrefix}${i}.value`, 'unknown_care_tag', {
          zh: `未知或不可设置的关爱标签：${String(f.value)}`,
          en: `Unknown or derived care tag: ${String(f.value)}`,
        });
      }
    }
  }
  return versions;
}

/** The state a fact starts in: stale when the resident moved on since the device saw her. */
export function initialState(actor: Actor, path: string, baseVersion: number, currentVersion: number): ChangeState {
  if (baseVersion !== currentVersion) return 'stale';
  return canApplyAt(actor, path) ? 'applied' : 'proposed';
}

/** Writes fact rows inside the caller's transaction; those to apply are stored `proposed` until applied. */
export async function insertChanges(
  trx: Kysely<DB>,
  deps: AppDeps,
  actor: Actor,
  household: { id: string; org_path: string },
  visitId: string | null,
  facts: { fact: Fact; state: ChangeState }[],
): Promise<{ id: string; toApply: boolean }[]> {
  const now = deps.clock.now().toISOString();
  const rows: HouseholdChangeTable[] = facts.map(({ fact, state }) => {
    const isPhone = fact.field === 'phone';
    return {
      id: newId(),
      county_key: countyKeyOf(household.org_path),
      household_id: household.id,
      resident_id: fact.residentId,
      org_path: household.org_path,
      visit_id: visitId,
      field: fact.field,
      value: isPhone ? null : JSON.stringify(fact.value),
      value_enc: isPhone ? deps.pii.encrypt(normalizePhone(String(fact.value))) : null,
      base_version: fact.baseVersion,
      state: state === 'applied' ? 'proposed' : state,
      proposed_by: actor.userId,
      created_at: now,
      decided_by: null,
      decided_at: null,
      reason: null,
    };
  });
  if (rows.length > 0) await trx.insertInto('household_changes').values(rows).execute();
  return rows.map((r, i) => ({ id: r.id, toApply: facts[i]!.state === 'applied' }));
}

async function residentUpdate(
  deps: AppDeps,
  change: HouseholdChangeTable,
  version: number,
): Promise<ResidentUpdateBody> {
  const value: unknown = change.value === null ? null : JSON.parse(change.value);
  switch (change.field) {
    case 'phone':
      return { version, phone: deps.pii.decrypt(change.value_enc!) };
    case 'status':
      return { version, status: value as 'living' | 'moved_out' | 'deceased' };
    case 'notes':
      return { version, notes: String(value) };
    case 'living_alone':
    case 'care_tag_add':
    case 'care_tag_remove': {
      const current = await deps.db
        .selectFrom('resident_tags as rt')
        .innerJoin('care_tags as t', 't.id', 'rt.tag_id')
        .select('t.code')
        .where('rt.resident_id', '=', change.resident_id!)
        .execute();
      const codes = new Set(current.map((c) => c.code));
      const code = change.field === 'living_alone' ? 'living_alone' : String(value);
      const isAdd = change.field === 'living_alone' ? value === true : change.field === 'care_tag_add';
      if (isAdd) codes.add(code);
      else codes.delete(code);
      return { version, careTags: [...codes] };
    }
  }
}

/**
 * Applies one stored change through the registry's own update (history and audit are the registry's),
 * on `version` (the fact's base for a visitor, the current one for staff deciding). Marks the row.
 */
export async function applyChange(
  deps: AppDeps,
  actor: Actor,
  change: HouseholdChangeTable,
  version: number,
): Promise<ChangeState> {
  const now = deps.clock.now().toISOString();
  let state: ChangeState = 'applied';
  let reason: string | null = null;
  try {
    await updateResident(deps, actor, change.resident_id!, await residentUpdate(deps, change, version));
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    state = error.code === 'INVALID_STATE' ? 'stale' : 'rejected';
    reason = error.errors[0]?.message_zh ?? error.messages.zh;
  }
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('household_changes')
      .set({ state, decided_by: actor.userId, decided_at: now, reason })
      .where('id', '=', change.id)
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: state === 'applied' ? 'household.change.apply' : `household.change.${state}`,
      targetType: 'household_change',
      targetId: change.id,
      orgPath: change.org_path,
      detail: { field: change.field, residentId: change.resident_id },
    });
    if (state === 'applied' && TAG_FIELDS.includes(change.field)) {
      const household = await trx
        .selectFrom('households')
        .select(['id', 'org_path'])
        .where('id', '=', change.household_id)
        .executeTakeFirstOrThrow();
      await refreshVisitStatus(trx, household, null);
    }
  });
  return state;
}

/** Applies the facts a visitor may apply herself, right after her visit was stored. */
export async function applyOwnFacts(deps: AppDeps, actor: Actor, ids: string[]): Promise<void> {
  for (const id of ids) {
    const change = await deps.db.selectFrom('household_changes').selectAll().where('id', '=', id).executeTakeFirst();
    if (change !== undefined && change.state === 'proposed')
      await applyChange(deps, actor, change, change.base_version);
  }
}

export function factValueOut(row: Pick<HouseholdChangeTable, 'value' | 'value_enc'>, deps: AppDeps) {
  if (row.value_enc !== null) return maskPhone(deps.pii.decrypt(row.value_enc));
  return row.value === null ? null : (JSON.parse(row.value) as string | boolean);
}

async function getChangeInScope(deps: AppDeps, actor: Actor, id: string) {
  const row = await deps.db
    .selectFrom('household_changes')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'household_changes'>(actor, 'household.change.apply', 'household_changes.org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(CHANGE);
  return row;
}

const alreadyDecided = () =>
  new AppError('INVALID_STATE', { zh: '该变更已处理', en: 'This change has already been decided' });

/** Staff apply a proposed or stale change onto the resident as she is now. */
export async function applyHouseholdChange(deps: AppDeps, actor: Actor, id: string) {
  const change = await getChangeInScope(deps, actor, id);
  if (change.state !== 'proposed' && change.state !== 'stale') throw alreadyDecided();
  const resident = await deps.db
    .selectFrom('residents')
    .select('version')
    .where('id', '=', change.resident_id ?? '')
    .executeTakeFirst();
  if (resident === undefined) throw alreadyDecided();
  await applyChange(deps, actor, change, resident.version);
  return getHouseholdChange(deps, actor, id);
}

export async function rejectHouseholdChange(deps: AppDeps, actor: Actor, id: string, reason: string | undefined) {
  const change = await getChangeInScope(deps, actor, id);
  if (change.state !== 'proposed' && change.state !== 'stale') throw alreadyDecided();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('household_changes')
      .set({
        state: 'rejected',
        decided_by: actor.userId,
        decided_at: deps.clock.now().toISOString(),
        reason: reason ?? null,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'household.change.reject',
      targetType: 'household_change',
      targetId: id,
      orgPath: change.org_path,
    });
  });
  return getHouseholdChange(deps, actor, id);
}

async function toChangesOut(deps: AppDeps, rows: HouseholdChangeTable[]) {
  if (rows.length === 0) return [];
  const [households, residents, users] = await Promise.all([
    deps.db
      .selectFrom('households')
      .select(['id', 'address'])
      .where('id', 'in', [...new Set(rows.map((r) => r.household_id))])
      .execute(),
    deps.db
      .selectFrom('residents')
      .select(['id', 'name', 'version'])
      .where('id', 'in', [...new Set(rows.map((r) => r.resident_id ?? ''))])
      .execute(),
    deps.db
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where('id', 'in', [...new Set(rows.map((r) => r.proposed_by))])
      .execute(),
  ]);
  return rows.map((r) => {
    const resident = residents.find((x) => x.id === r.resident_id);
    return {
      id: r.id,
      householdId: r.household_id,
      address: households.find((h) => h.id === r.household_id)?.address ?? '',
      residentId: r.resident_id,
      residentName: resident?.name ?? null,
      field: r.field,
      value: factValueOut(r, deps),
      baseVersion: r.base_version,
      currentVersion: resident?.version ?? null,
      state: r.state,
      proposedBy: { id: r.proposed_by, name: users.find((u) => u.id === r.proposed_by)?.display_name ?? '' },
      visitId: r.visit_id,
      createdAt: r.created_at,
      decidedAt: r.decided_at,
      reason: r.reason,
    };
  });
}

async function getHouseholdChange(deps: AppDeps, actor: Actor, id: string) {
  return (await toChangesOut(deps, [await getChangeInScope(deps, actor, id)]))[0]!;
}

/** Changes waiting for staff under a unit: proposed by visitors without the permission, or stale. */
export async function listHouseholdChanges(
  deps: AppDeps,
  actor: Actor,
  orgId: string,
  query: { state?: 'proposed' | 'stale' | undefined; page: number; pageSize: number },
) {
  const unit = await getOrgInScope(deps.db, actor, { id: orgId });
  if (!canAt(actor, 'household.change.apply', unit.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  const base = deps.db
    .selectFrom('household_changes')
    .where(
      inScopeWithin<DB, 'household_changes'>(actor, 'household.change.apply', 'household_changes.org_path', unit.path),
    )
    .where('state', 'in', query.state === undefined ? ['proposed', 'stale'] : [query.state]);
  const [rows, total] = await Promise.all([
    base
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await toChangesOut(deps, rows), total: Number(total.n) };
}
