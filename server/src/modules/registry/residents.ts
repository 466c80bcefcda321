import type { Kysely } from 'kysely';
import { keyedByPlace } from '../../db/county-key.ts';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, type FieldError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { changeEntry, importedCreations, newestFirst } from './history.ts';
import {
  declaredPartyMembers,
  enrolDeclaredMembers,
  partyStateOf,
  withdrawCandidate,
} from '../party/declared-members.ts';
import { dropTagsUnusableAt, listCareTags, listCareTagsAt, resolveTags } from './care-tags.ts';
import { splitPartyLabel } from './vocabulary.ts';
import { takeExactSearch } from './exact-search.ts';
import { getHouseholdInScope } from './households.ts';
import { disclosureFor, shapeHistoryEntry, shapePersonal } from './disclosure.ts';
import { checkResidentIdentity, idNumberIndexes, phoneIndexes } from './resident-input.ts';
import { syncResidentRollups } from '../insights/rollups.ts';
import type { ResidentCreateBody, ResidentOut, ResidentUpdateBody } from './schema.ts';
import type { ResidentChangeTable, ResidentTable } from './tables.ts';
import { countyKeyOf } from '../../db/county-key.ts';

const RESIDENT = { zh: '居民', en: 'Resident' };

function validationError(errors: FieldError[]): AppError {
  return new AppError('VALIDATION', { zh: '居民信息有误', en: 'Invalid resident' }, errors);
}

/** Where a resident's household is: its address and the unit (grid, community…) it belongs to. */
export interface HouseholdPlace {
  id: string;
  address: string;
  org_id: string;
  org_name: string;
}

/** What a caller that joined households and tags into its own query already knows. */
export interface ResidentContext {
  places: HouseholdPlace[];
  tagRows: { resident_id: string; tag_id: string }[];
}

/**
 * Residents as the API shows them to `actor`: numbers masked and the birth date as her disclosure allows
 * (disclosure.ts), tags named, 高龄 derived from age. A caller that joined the households and tags
 * already passes them (`context`), which saves two queries.
 */
export async function toResidentsOut(
  deps: AppDeps,
  actor: Actor,
  rows: ResidentTable[],
  context?: ResidentContext,
): Promise<ResidentOut[]> {
  if (rows.length === 0) return [];
  const now = deps.clock.now();
  const householdIds = [...new Set(rows.map((r) => r.household_id))];
  // Independent lookups: on PostgreSQL they travel side by side rather than one round trip after another.
  const [households, tags, tagRows, partyMembers] = await Promise.all([
    context?.places ??
      deps.db
        .selectFrom('households as h')
        .innerJoin('org_units as o', 'o.id', 'h.org_id')
        .select(['h.id', 'h.address', 'h.org_id', 'o.name as org_name'])
        .where('h.id', 'in', householdIds)
        .execute(),
    listCareTags(deps.db),
    context?.tagRows ??
      deps.db
        .selectFrom('resident_tags')
        .select(['resident_id', 'tag_id'])
        .where(
          'resident_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute(),
    declaredPartyMembers(
      deps.db,
      rows.map((r) => r.id),
    ),
  ]);
  const byHousehold = new Map(households.map((h) => [h.id, h]));
  const over80 = tags.find((t) => t.code === 'over_80');
  return rows.map((r) => {
    const h = byHousehold.get(r.household_id);
    const personal = shapePersonal(deps.pii, r, disclosureFor(actor, r.org_path), now);
    const age = personal.age;
    const own = tagRows
      .filter((t) => t.resident_id === r.id)
      .map((t) => tags.find((x) => x.id === t.tag_id))
      .filter((t) => t !== undefined);
    const careTags = own.map((t) => ({ code: t.code, name: t.name, isDerived: false }));
    if (over80 !== undefined && age >= 80 && r.status === 'living')
      careTags.push({ code: over80.code, name: over80.name, isDerived: true });
    return {
      id: r.id,
      householdId: r.household_id,
      address: h?.address ?? '',
      orgId: h?.org_id ?? '',
      orgName: h?.org_name ?? '',
      name: r.name,
      idNumber: personal.idNumber,
      noIdReason: r.no_id_reason,
      gender: r.gender,
      birthDate: personal.birthDate,
      birthYear: personal.birthYear,
      age,
      phone: personal.phone,
      ethnicity: r.ethnicity,
      relation: r.relation,
      residenceType: r.residence_type,
      status: r.status,
      statusDate: r.status_date,
      careTags,
      isPartyMember: partyMembers.has(r.id),
      notes: r.notes,
      version: r.version,
      updatedAt: r.updated_at,
    };
  });
}

/** A resident in the actor's scope for `permission`, or 404. */
export async function getResidentInScope(
  deps: AppDeps,
  actor: Actor,
  id: string,
  permission: 'resident.read' | 'resident.write' | 'pii.reveal' = 'resident.read',
) {
  const row = await deps.db
    .selectFrom('residents')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'residents'>(actor, permission, 'residents.org_path', await keyedByPlace(deps.db, 'residents')))
    .executeTakeFirst();
  if (row === undefined) throw notFound(RESIDENT);
  return row;
}

/**
 * The duplicate check of a create or edit: an exact look-up by ID number, charged against the actor's
 * exact-search allowance and audited whatever it finds (429 when used up). A miss answers too — the
 * create or edit goes through where "registered elsewhere" would have refused it — so charging only
 * hits left an unlimited oracle: edit a resident's number through every candidate of a masked one,
 * free until the one that is registered elsewhere. A holder in the actor's scope is named (409
 * `duplicate_id_number`); one elsewhere answers only that she is registered elsewhere (409
 * `registered_elsewhere`) — no name, no community — and the way on is a move request (move-requests.ts).
 */
async function duplicateIdNumber(
  deps: AppDeps,
  actor: Actor,
  /** every valid key's blind index of the number (two during a key rotation) */
  bidx: string[],
  exceptId?: string,
): Promise<AppError | null> {
  await takeExactSearch(deps, actor, { kinds: ['id_number'], purpose: 'duplicate_check' });
  let q = deps.db
    .selectFrom('residents')
    .select(['id', 'name', 'org_path', 'household_id'])
    .where('id_number_bidx', 'in', bidx);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  const existing = await q.executeTakeFirst();
  if (existing === undefined) return null;
  if (canAt(actor, 'resident.read', existing.org_path)) {
    return new AppError(
      'CONFLICT',
      {
        zh: `该身份证号已登记：${existing.name}`,
        en: `This ID number is already registered: ${existing.name}`,
      },
      [
        {
          code: 'duplicate_id_number',
          field: 'idNumber',
          message_zh: '身份证号已登记',
          message_en: 'ID number already registered',
          existingResidentId: existing.id,
        },
      ],
    );
  }
  return registeredElsewhere();
}

/** 409 for a number registered outside the actor's scope: nothing about who or where. */
export function registeredElsewhere(): AppError {
  return new AppError(
    'CONFLICT',
    {
      zh: '该身份证号已在其他地方登记。如该居民已迁来本辖区，请发起迁入申请，由其所在社区确认迁出',
      en: 'This ID number is registered elsewhere. If the resident has moved here, send a move request for her community to confirm',
    },
    [
      {
        code: 'registered_elsewhere',
        field: 'idNumber',
        message_zh: '已在其他地方登记，可发起迁入申请',
        message_en: 'Registered elsewhere; a move request can be sent',
      },
    ],
  );
}

async function writeTags(trx: Kysely<DB>, residentId: string, orgPath: string, tagIds: string[]) {
  await trx.deleteFrom('resident_tags').where('resident_id', '=', residentId).execute();
  if (tagIds.length > 0) {
    await trx
      .insertInto('resident_tags')
      .values(
        tagIds.map((tag_id) => ({
          resident_id: residentId,
          tag_id,
          org_path: orgPath,
          county_key: countyKeyOf(orgPath),
        })),
      )
      .execute();
  }
}

type ChangeInput = Omit<
  ResidentChangeTable,
  'id' | 'at' | 'actor_id' | 'actor_name' | 'resident_id' | 'org_path' | 'county_key'
>;

async function recordChanges(
  trx: Kysely<DB>,
  deps: AppDeps,
  actor: Actor,
  resident: { id: string; org_path: string },
  changes: ChangeInput[],
) {
  if (changes.length === 0) return;
  const at = deps.clock.now().toISOString();
  await trx
    .insertInto('resident_changes')
    .values(
      changes.map((c) => ({
        id: newId(),
        resident_id: resident.id,
        org_path: resident.org_path,
        // her history stays in the county where it was written (a later move does not carry it)
        county_key: countyKeyOf(resident.org_path),
        at,
        actor_id: actor.userId,
        actor_name: actor.username,
        ...c,
      })),
    )
    .execute();
}

/** Registers a resident in a household the actor may write to. */
export async function createResident(deps: AppDeps, actor: Actor, body: ResidentCreateBody): Promise<ResidentOut> {
  const household = await getHouseholdInScope(deps, actor, body.householdId, 'resident.write');
  const now = deps.clock.now();
  const identity = checkResidentIdentity(deps.pii, body, now);
  if (!identity.ok) throw validationError(identity.errors);
  const split = splitPartyLabel(body.careTags);
  const isPartyMember = body.isPartyMember ?? split.isPartyMember;
  const tags = resolveTags(await listCareTagsAt(deps.db, household.org_path), split.careLabels);
  if (tags.unknown.length > 0) {
    throw validationError([
      {
        code: 'unknown_care_tag',
        field: 'careTags',
        message_zh: `未知的关爱标签：${tags.unknown.join('、')}`,
        message_en: `Unknown care tags: ${tags.unknown.join(', ')}`,
      },
    ]);
  }
  if (identity.value.id_number_bidx !== null && body.idNumber != null) {
    const dup = await duplicateIdNumber(deps, actor, idNumberIndexes(deps.pii, body.idNumber, now) ?? []);
    if (dup !== null) throw dup;
  }
  const iso = now.toISOString();
  const row: ResidentTable = {
    id: newId(),
    household_id: household.id,
    org_path: household.org_path,
    county_key: countyKeyOf(household.org_path),
    ...identity.value,
    ethnicity: body.ethnicity,
    relation: body.relation,
    residence_type: body.residenceType,
    status: body.status,
    status_date: body.statusDate ?? null,
    notes: body.notes ?? null,
    version: 1,
    created_at: iso,
    updated_at: iso,
    import_job_id: null,
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('residents').values(row).execute();
    await writeTags(trx, row.id, row.org_path, tags.ids);
    if (isPartyMember) await enrolDeclaredMembers(trx, now, [row], 'registry', actor.userId);
    await syncResidentRollups(trx, [row.id]);
    await recordChanges(trx, deps, actor, row, [
      { kind: 'create', field: null, old_value: null, new_value: household.address },
    ]);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'resident.create',
      targetType: 'resident',
      targetId: row.id,
      orgId: household.org_id,
      orgPath: household.org_path,
    });
  });
  return (await toResidentsOut(deps, actor, [row]))[0]!;
}

function staleVersion(): AppError {
  return new AppError(
    'INVALID_STATE',
    { zh: '该记录已被他人修改，请刷新后重试', en: 'The record was changed by someone else; reload and retry' },
    [{ code: 'stale_version', field: 'version', message_zh: '版本已过期', message_en: 'Stale version' }],
  );
}

/** Changes a resident's facts; each changed field is recorded old → new (personal numbers only as "changed"). */
export async function updateResident(
  deps: AppDeps,
  actor: Actor,
  id: string,
  body: ResidentUpdateBody,
): Promise<ResidentOut> {
  const current = await getResidentInScope(deps, actor, id, 'resident.write');
  if (current.version !== body.version) throw staleVersion();
  const now = deps.clock.now();
  const changes: ChangeInput[] = [];
  const next: Partial<ResidentTable> = {};
  const touchesIdentity = ['name', 'idNumber', 'noIdReason', 'gender', 'birthDate', 'phone'].some((k) => k in body);
  if (touchesIdentity) {
    const currentId = current.id_number_enc === null ? null : deps.pii.decrypt(current.id_number_enc);
    const currentPhone = current.phone_enc === null ? null : deps.pii.decrypt(current.phone_enc);
    const idNumber = body.idNumber !== undefined ? body.idNumber : currentId;
    const identity = checkResidentIdentity(
      deps.pii,
      {
        name: body.name ?? current.name,
        idNumber,
        noIdReason: body.noIdReason !== undefined ? body.noIdReason : current.no_id_reason,
        gender: body.gender ?? (idNumber === null ? current.gender : undefined),
        birthDate: body.birthDate ?? (idNumber === null ? current.birth_date : undefined),
        phone: body.phone !== undefined ? body.phone : currentPhone,
      },
      now,
    );
    if (!identity.ok) throw validationError(identity.errors);
    const v = identity.value;
    // the same number is the same whichever valid key indexed it (a key rotation converts rows one by one)
    const idTokens = idNumber === null ? [] : (idNumberIndexes(deps.pii, idNumber, now) ?? []);
    const isIdChanged =
      current.id_number_bidx === null ? v.id_number_bidx !== null : !idTokens.includes(current.id_number_bidx);
    const phone = body.phone !== undefined ? body.phone : currentPhone;
    const phoneTokens = phone === null ? [] : (phoneIndexes(deps.pii, phone) ?? []);
    const isPhoneChanged =
      current.phone_bidx === null ? v.phone_bidx !== null : !phoneTokens.includes(current.phone_bidx);
    if (v.id_number_bidx !== null && isIdChanged) {
      const dup = await duplicateIdNumber(deps, actor, idTokens, id);
      if (dup !== null) throw dup;
    }
    if (isIdChanged) {
      Object.assign(next, { id_number_enc: v.id_number_enc, id_number_bidx: v.id_number_bidx });
      changes.push({
        kind: 'update',
        field: 'idNumber',
        old_value: current.id_number_bidx === null ? null : '******',
        new_value: v.id_number_bidx === null ? null : '******',
      });
    }
    if (isPhoneChanged) {
      Object.assign(next, { phone_enc: v.phone_enc, phone_bidx: v.phone_bidx });
      changes.push({
        kind: 'update',
        field: 'phone',
        old_value: current.phone_bidx === null ? null : '******',
        new_value: v.phone_bidx === null ? null : '******',
      });
    }
    for (const [field, column] of [
      ['name', 'name'],
      ['noIdReason', 'no_id_reason'],
      ['gender', 'gender'],
      ['birthDate', 'birth_date'],
    ] as const) {
      if (v[column] !== current[column]) {
        Object.assign(next, { [column]: v[column] });
        changes.push({ kind: 'update', field, old_value: current[column], new_value: v[column] });
      }
    }
    if (v.name !== current.name) next.name_initials = v.name_initials;
  }
  const plain = [
    ['ethnicity', 'ethnicity'],
    ['relation', 'relation'],
    ['residenceType', 'residence_type'],
    ['status', 'status'],
    ['statusDate', 'status_date'],
    ['notes', 'notes'],
  ] as const;
  for (const [field, column] of plain) {
    const value = body[field];
    if (value !== undefined && value !== current[column]) {
      Object.assign(next, { [column]: value });
      changes.push({
        kind: field === 'status' ? 'status' : 'update',
        field,
        old_value: current[column],
        new_value: value,
      });
    }
  }
  let tagIds: string[] | undefined;
  let party: 'enrol' | 'withdraw' | undefined;
  // 党员: the form's switch when given, else a 党员 label among the care tags given
  let isDeclared = body.isPartyMember;
  if (body.careTags !== undefined) {
    const all = await listCareTags(deps.db);
    const { isPartyMember, careLabels } = splitPartyLabel(body.careTags);
    isDeclared ??= isPartyMember;
    const tags = resolveTags(await listCareTagsAt(deps.db, current.org_path), careLabels);
    if (tags.unknown.length > 0) {
      throw validationError([
        {
          code: 'unknown_care_tag',
          field: 'careTags',
          message_zh: `未知的关爱标签：${tags.unknown.join('、')}`,
          message_en: `Unknown care tags: ${tags.unknown.join(', ')}`,
        },
      ]);
    }
    const before = (await deps.db.selectFrom('resident_tags').select('tag_id').where('resident_id', '=', id).execute())
      .map((t) => t.tag_id)
      .sort();
    if (before.join() !== [...tags.ids].sort().join()) {
      tagIds = tags.ids;
      const name = (ids: string[]) => ids.map((i) => all.find((t) => t.id === i)?.name ?? '').join('、');
      changes.push({ kind: 'tags', field: 'careTags', old_value: name(before), new_value: name(tags.ids) });
    }
  }
  if (isDeclared !== undefined) {
    // 党员 declared makes a membership (or a candidacy); left out, only a candidacy is withdrawn — a
    // membership ends on the party page, with its organisation: the switch turned off on a member says so
    const partyState = await partyStateOf(deps.db, id);
    if (body.isPartyMember === false && partyState === 'member') {
      throw validationError([
        {
          code: 'membership_ends_on_party_page',
          field: 'isPartyMember',
          message_zh: '她已是党组织的成员：请在“党建与双报到”页面由其党组织办理组织关系转出',
          message_en: 'She is a member of a party organisation: her membership ends on the party page',
        },
      ]);
    }
    party = isDeclared
      ? partyState === null
        ? 'enrol'
        : undefined
      : partyState === 'candidate'
        ? 'withdraw'
        : undefined;
    if (party !== undefined) {
      changes.push({
        kind: 'tags',
        field: 'isPartyMember',
        old_value: party === 'enrol' ? '' : '党员',
        new_value: party === 'enrol' ? '党员' : '',
      });
    }
  }
  if (changes.length === 0) return (await toResidentsOut(deps, actor, [current]))[0]!;
  await deps.db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('residents')
      .set({ ...next, version: current.version + 1, updated_at: now.toISOString() })
      .where('id', '=', id)
      .where('version', '=', current.version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw staleVersion();
    if (tagIds !== undefined) await writeTags(trx, id, current.org_path, tagIds);
    if (party === 'enrol') await enrolDeclaredMembers(trx, now, [current], 'registry', actor.userId);
    if (party === 'withdraw') await withdrawCandidate(trx, id);
    await syncResidentRollups(trx, [id]);
    await recordChanges(trx, deps, actor, current, changes);
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'resident.update',
      targetType: 'resident',
      targetId: id,
      orgPath: current.org_path,
      detail: { fields: changes.map((c) => c.field) },
    });
  });
  return (
    await toResidentsOut(deps, actor, [
      await deps.db.selectFrom('residents').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    ])
  )[0]!;
}

/**
 * Writes a move inside the caller's transaction: the resident and her tags follow the household's place,
 * custom tags not usable there are dropped (another community's tags do not travel), the change is
 * recorded in her history and audited. Used by a move within scope and by an accepted move request.
 */
export async function relocateResident(
  trx: Kysely<DB>,
  deps: AppDeps,
  actor: Actor,
  current: ResidentTable,
  from: { id: string; address: string },
  to: { id: string; address: string; org_id: string; org_path: string },
  detail: Record<string, unknown> = {},
): Promise<void> {
  const id = current.id;
  const iso = deps.clock.now().toISOString();
  const result = await trx
    .updateTable('residents')
    .set({
      household_id: to.id,
      org_path: to.org_path,
      county_key: countyKeyOf(to.org_path),
      version: current.version + 1,
      updated_at: iso,
    })
    .where('id', '=', id)
    .where('version', '=', current.version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw staleVersion();
  await dropTagsUnusableAt(trx, [id], to.org_path);
  await trx
    .updateTable('resident_tags')
    .set({ org_path: to.org_path, county_key: countyKeyOf(to.org_path) })
    .where('resident_id', '=', id)
    .execute();
  // her account's binding follows her: her new community's staff decide it, the old one's no longer see it
  await trx
    .updateTable('resident_bindings')
    .set({ household_id: to.id, org_path: to.org_path })
    .where('resident_id', '=', id)
    .where('status', 'in', ['pending', 'bound'])
    .execute();
  await syncResidentRollups(trx, [id]);
  await recordChanges(trx, deps, actor, { id, org_path: to.org_path }, [
    { kind: 'move', field: 'household', old_value: from.address, new_value: to.address },
  ]);
  await recordAudit(trx, deps.clock, whoFromActor(actor), {
    action: 'resident.move',
    targetType: 'resident',
    targetId: id,
    orgId: to.org_id,
    orgPath: to.org_path,
    detail: { fromHousehold: from.id, toHousehold: to.id, ...detail },
  });
}

/** Moves a resident to another household (also across grids and communities, if both are in scope); history kept. */
export async function moveResident(
  deps: AppDeps,
  actor: Actor,
  id: string,
  householdId: string,
  version: number,
): Promise<ResidentOut> {
  const current = await getResidentInScope(deps, actor, id, 'resident.write');
  if (current.version !== version) throw staleVersion();
  const from = await getHouseholdInScope(deps, actor, current.household_id, 'resident.read');
  const to = await getHouseholdInScope(deps, actor, householdId, 'resident.write');
  if (to.id === current.household_id) return (await toResidentsOut(deps, actor, [current]))[0]!;
  await deps.db.transaction().execute((trx) => relocateResident(trx, deps, actor, current, from, to));
  return (
    await toResidentsOut(deps, actor, [
      await deps.db.selectFrom('residents').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    ])
  )[0]!;
}

/** Shows one full personal number to a holder of `pii.reveal`, audited with the reason. */
export async function revealResidentField(
  deps: AppDeps,
  actor: Actor,
  id: string,
  field: 'idNumber' | 'phone',
  reason: string,
) {
  const row = await getResidentInScope(deps, actor, id, 'pii.reveal');
  await recordAudit(deps.db, deps.clock, whoFromActor(actor), {
    action: 'pii.reveal',
    targetType: 'resident',
    targetId: id,
    orgPath: row.org_path,
    detail: { field, reason },
  });
  const enc = field === 'idNumber' ? row.id_number_enc : row.phone_enc;
  return { field, value: enc === null ? null : deps.pii.decrypt(enc) };
}

export async function listResidentHistory(deps: AppDeps, actor: Actor, id: string) {
  const resident = await getResidentInScope(deps, actor, id);
  const changes = await deps.db
    .selectFrom('resident_changes')
    .selectAll()
    .where('resident_id', '=', id)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const household = await deps.db
    .selectFrom('households')
    .select('address')
    .where('id', '=', resident.household_id)
    .executeTakeFirstOrThrow();
  const history = newestFirst([
    ...changes.map(changeEntry),
    ...(await importedCreations(deps.db, [resident], household.address)),
  ]);
  const disclosure = disclosureFor(actor, resident.org_path);
  return history.map(({ residentId: _, ...h }) => shapeHistoryEntry(h, disclosure));
}
