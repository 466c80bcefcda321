import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, canReach, scopeRoots } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, conflict, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { isUniqueViolation } from './double-registration.ts';
import type { AllianceTable, ProjectState, UnitKind } from './tables.ts';
import { syncServiceFigures } from '../insights/service-figures.ts';
import { ALLIANCE_PROJECTS } from './figures.ts';

/**
 * 党建联盟 and 大党委 (issue 14, item 3): a street's or community's alliance, its member units, the 大党委's
 * part-time members from them, and the three lists — the community's needs (需求清单), the units'
 * resources (资源清单) and the projects (项目清单) that match them, each with owner, milestones and status.
 *
 * Who sees an alliance: `party.read` at its unit, or at any unit under it (a street's alliance is its
 * communities' too: "visible to the alliance"). Who changes it: `party.manage` at its unit.
 *
 * For other modules (the 积分超市 of module points): `getAllianceUnit` and `getAllianceResource` give a
 * member unit and a resource of its list by id, with the path of the alliance's unit, so a store item
 * donated by a unit can name both and be checked against the store's community.
 */

type Db = Kysely<DB> | Transaction<DB>;
export const ALLIANCE = { zh: '党建联盟', en: 'Party-building alliance' };

/** A member unit by id, or undefined. `orgPath` is the alliance's unit (a street or community). */
export async function getAllianceUnit(db: Db, id: string) {
  const row = await db
    .selectFrom('alliance_units')
    .select(['id', 'alliance_id', 'org_path', 'name', 'kind', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : {
        id: row.id,
        allianceId: row.alliance_id,
        orgPath: row.org_path,
        name: row.name,
        kind: row.kind,
        isActive: row.status === 'active',
      };
}

/** A resource of a unit's resources list by id, or undefined. */
export async function getAllianceResource(db: Db, id: string) {
  const row = await db
    .selectFrom('alliance_resources as r')
    .innerJoin('alliance_units as u', 'u.id', 'r.unit_id')
    .select(['r.id', 'r.alliance_id', 'r.org_path', 'r.unit_id', 'u.name as unit_name', 'r.title', 'r.status'])
    .where('r.id', '=', id)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : {
        id: row.id,
        allianceId: row.alliance_id,
        orgPath: row.org_path,
        unitId: row.unit_id,
        unitName: row.unit_name,
        title: row.title,
        isAvailable: row.status === 'available',
      };
}

/** True when the actor sees the alliance at `path`: `party.read` there, or at a unit under it (the `alliance` kind's reach). */
export function canSeeAlliance(actor: Actor, path: string): boolean {
  return canReach(actor, 'party.read', path) || canReach(actor, 'party.read', { permission: 'party.read', from: path });
}

/** The alliance the actor may see (or change, with `party.manage`), or 404. */
export async function getAllianceFor(db: Db, actor: Actor, id: string, mode: 'read' | 'manage') {
  const row = await db.selectFrom('alliances').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined || !canSeeAlliance(actor, row.org_path)) throw notFound(ALLIANCE);
  if (mode === 'manage' && !canAt(actor, 'party.manage', row.org_path)) throw notFound(ALLIANCE);
  return row;
}

/** Alliances the actor sees: those of units in her scope, and those of the units above them. */
export async function listAlliances(deps: AppDeps, actor: Actor) {
  const roots = scopeRoots(actor, 'party.read');
  if (roots.length === 0) return { items: [] };
  const rows = await deps.db.selectFrom('alliances').selectAll().orderBy('org_path').execute();
  const seen = rows.filter((r) => canSeeAlliance(actor, r.org_path));
  return { items: await Promise.all(seen.map((r) => describeAlliance(deps.db, actor, r))) };
}

async function describeAlliance(db: Db, actor: Actor, a: AllianceTable) {
  const [unit, units, council] = await Promise.all([
    db.selectFrom('org_units').select(['name']).where('id', '=', a.org_id).executeTakeFirst(),
    db
      .selectFrom('alliance_units')
      .select(['id', 'name', 'kind', 'contact_name', 'status', 'joined_at'])
      .where('alliance_id', '=', a.id)
      .orderBy('joined_at')
      .orderBy('name')
      .execute(),
    db
      .selectFrom('alliance_council_members')
      .select(['id', 'unit_id', 'name', 'post'])
      .where('alliance_id', '=', a.id)
      .where('ended_at', 'is', null)
      .orderBy('created_at')
      .execute(),
  ]);
  return {
    id: a.id,
    orgId: a.org_id,
    orgName: unit?.name ?? '',
    name: a.name,
    canManage: canAt(actor, 'party.manage', a.org_path),
    units: units.map((u) => ({
      id: u.id,
      name: u.name,
      kind: u.kind,
      contactName: u.contact_name,
      isActive: u.status === 'active',
      joinedAt: u.joined_at,
    })),
    council: council.map((c) => ({ id: c.id, unitId: c.unit_id, name: c.name, post: c.post })),
  };
}

export async function getAlliance(deps: AppDeps, actor: Actor, id: string) {
  return describeAlliance(deps.db, actor, await getAllianceFor(deps.db, actor, id, 'read'));
}

/** Sets up the alliance of a street or community (one each). */
export async function createAlliance(deps: AppDeps, actor: Actor, input: { orgId: string; name: string }) {
  const unit = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path', 'level'])
    .where('id', '=', input.orgId)
    .executeTakeFirst();
  if (unit === undefined || !canAt(actor, 'party.manage', unit.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  if (unit.level !== 'street' && unit.level !== 'community')
    throw invalidField('orgId', 'not_street_or_community', {
      zh: '党建联盟设在街道（乡镇）或社区（村）',
      en: 'An alliance belongs to a street/town or a community/village',
    });
  const row: AllianceTable = {
    id: newId(),
    org_id: unit.id,
    org_path: unit.path,
    name: input.name.trim(),
    created_by: actor.userId,
    created_at: deps.clock.now().toISOString(),
  };
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('alliances').values(row).execute();
      await audit(trx, deps, actor, row, 'alliance.create', row.id, {});
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict('CONFLICT', 'orgId', { zh: '该单位已有党建联盟', en: 'This unit already has an alliance' });
    throw error;
  }
  return describeAlliance(deps.db, actor, row);
}

function audit(
  trx: Db,
  deps: AppDeps,
  actor: Actor,
  alliance: Pick<AllianceTable, 'org_id' | 'org_path'>,
  action: string,
  targetId: string,
  detail: Record<string, unknown>,
) {
  return recordAudit(trx, deps.clock, whoFromActor(actor), {
    action,
    targetType: 'alliance',
    targetId,
    orgId: alliance.org_id,
    orgPath: alliance.org_path,
    detail,
  });
}

/** A unit joins the alliance. */
export async function addAllianceUnit(
  deps: AppDeps,
  actor: Actor,
  allianceId: string,
  input: { name: string; kind: UnitKind; contactName?: string | undefined },
) {
  const alliance = await getAllianceFor(deps.db, actor, allianceId, 'manage');
  const id = newId();
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('alliance_units')
        .values({
          id,
          alliance_id: alliance.id,
          org_path: alliance.org_path,
          name: input.name.trim(),
          kind: input.kind,
          contact_name: input.contactName?.trim() ?? null,
          status: 'active',
          joined_at: deps.clock.now().toISOString(),
          left_at: null,
        })
        .execute();
      await audit(trx, deps, actor, alliance, 'alliance.unit_add', id, {});
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict('CONFLICT', 'name', { zh: '该单位已是成员单位', en: 'This unit is already a member' });
    throw error;
  }
  return getAlliance(deps, actor, alliance.id);
}

/** A 大党委 part-time member (兼职委员) from a member unit. */
export async function addCouncilMember(
  deps: AppDeps,
  actor: Actor,
  allianceId: string,
  input: { unitId: string; name: string; post: string },
) {
  const alliance = await getAllianceFor(deps.db, actor, allianceId, 'manage');
  await requireUnitOf(deps.db, alliance.id, input.unitId, 'unitId');
  const id = newId();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('alliance_council_members')
      .values({
        id,
        alliance_id: alliance.id,
        org_path: alliance.org_path,
        unit_id: input.unitId,
        name: input.name.trim(),
        post: input.post.trim(),
        created_at: deps.clock.now().toISOString(),
        ended_at: null,
      })
      .execute();
    await audit(trx, deps, actor, alliance, 'alliance.council_add', id, {});
  });
  return getAlliance(deps, actor, alliance.id);
}

async function requireUnitOf(db: Db, allianceId: string, unitId: string, field: string) {
  const unit = await db
    .selectFrom('alliance_units')
    .select(['id', 'name'])
    .where('id', '=', unitId)
    .where('alliance_id', '=', allianceId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (unit === undefined)
    throw invalidField(field, 'unknown_unit', {
      zh: '该单位不是此联盟的成员单位',
      en: 'Not a member unit of this alliance',
    });
  return unit;
}

/** The three lists of an alliance, as its members see them. */
export async function getAllianceLists(deps: AppDeps, actor: Actor, allianceId: string) {
  const alliance = await getAllianceFor(deps.db, actor, allianceId, 'read');
  const [needs, resources, projects] = await Promise.all([
    deps.db
      .selectFrom('alliance_needs')
      .select(['id', 'title', 'description', 'status', 'created_at'])
      .where('alliance_id', '=', alliance.id)
      .orderBy('created_at', 'desc')
      .execute(),
    deps.db
      .selectFrom('alliance_resources as r')
      .innerJoin('alliance_units as u', 'u.id', 'r.unit_id')
      .select(['r.id', 'r.unit_id', 'u.name as unit_name', 'r.title', 'r.description', 'r.status', 'r.created_at'])
      .where('r.alliance_id', '=', alliance.id)
      .orderBy('r.created_at', 'desc')
      .execute(),
    deps.db
      .selectFrom('alliance_projects')
      .selectAll()
      .where('alliance_id', '=', alliance.id)
      .orderBy('created_at', 'desc')
      .execute(),
  ]);
  const milestones =
    projects.length === 0
      ? []
      : await deps.db
          .selectFrom('alliance_milestones')
          .selectAll()
          .where(
            'project_id',
            'in',
            projects.map((p) => p.id),
          )
          .orderBy('position')
          .execute();
  return {
    allianceId: alliance.id,
    needs: needs.map((n) => ({
      id: n.id,
      title: n.title,
      description: n.description,
      status: n.status,
      createdAt: n.created_at,
    })),
    resources: resources.map((r) => ({
      id: r.id,
      unitId: r.unit_id,
      unitName: r.unit_name,
      title: r.title,
      description: r.description,
      status: r.status,
      createdAt: r.created_at,
    })),
    projects: projects.map((p) => ({
      id: p.id,
      title: p.title,
      description: p.description,
      ownerUnitId: p.owner_unit_id,
      ownerName: p.owner_name,
      needId: p.need_id,
      resourceId: p.resource_id,
      status: p.status,
      version: p.version,
      createdAt: p.created_at,
      doneAt: p.done_at,
      milestones: milestones
        .filter((m) => m.project_id === p.id)
        .map((m) => ({ id: m.id, title: m.title, dueOn: m.due_on, doneAt: m.done_at })),
    })),
  };
}

/**
 * Adds an entry to one of the alliance's two offer lists — the community's needs (open) or a member unit's
 * resources (available, naming the unit) — in one transaction, audited: the one builder both routes use.
 */
async function addListEntry(
  deps: AppDeps,
  actor: Actor,
  allianceId: string,
  list: 'need' | 'resource',
  input: { unitId?: string | undefined; title: string; description?: string | undefined },
) {
  const alliance = await getAllianceFor(deps.db, actor, allianceId, 'manage');
  const unit = list === 'resource' ? await requireUnitOf(deps.db, alliance.id, input.unitId ?? '', 'unitId') : null;
  const now = deps.clock.now().toISOString();
  const entry = {
    id: newId(),
    alliance_id: alliance.id,
    org_path: alliance.org_path,
    title: input.title.trim(),
    description: input.description?.trim() ?? null,
    created_by: actor.userId,
    created_at: now,
    updated_at: now,
  };
  await deps.db.transaction().execute(async (trx) => {
    if (unit === null)
      await trx
        .insertInto('alliance_needs')
        .values({ ...entry, status: 'open' })
        .execute();
    else
      await trx
        .insertInto('alliance_resources')
        .values({ ...entry, unit_id: unit.id, status: 'available' })
        .execute();
    await audit(trx, deps, actor, alliance, `alliance.${list}_add`, entry.id, {});
  });
  return { id: entry.id };
}

/** Adds a need to the community's needs list. */
export const addNeed = (
  deps: AppDeps,
  actor: Actor,
  allianceId: string,
  input: { title: string; description?: string | undefined },
) => addListEntry(deps, actor, allianceId, 'need', input);

/** Adds a resource a member unit offers to the resources list. */
export const addResource = (
  deps: AppDeps,
  actor: Actor,
  allianceId: string,
  input: { unitId: string; title: string; description?: string | undefined },
) => addListEntry(deps, actor, allianceId, 'resource', input);

/** A project matching a need with a resource: owner (a member unit), milestones; status starts planned. */
export async function addProject(
  deps: AppDeps,
  actor: Actor,
  allianceId: string,
  input: {
    title: string;
    description?: string | undefined;
    ownerUnitId: string;
    needId?: string | undefined;
    resourceId?: string | undefined;
    milestones: { title: string; dueOn?: string | undefined }[];
  },
) {
  const alliance = await getAllianceFor(deps.db, actor, allianceId, 'manage');
  const owner = await requireUnitOf(deps.db, alliance.id, input.ownerUnitId, 'ownerUnitId');
  for (const [field, table, value] of [
    ['needId', 'alliance_needs', input.needId],
    ['resourceId', 'alliance_resources', input.resourceId],
  ] as const) {
    if (value === undefined) continue;
    const hit = await deps.db
      .selectFrom(table)
      .select('id')
      .where('id', '=', value)
      .where('alliance_id', '=', alliance.id)
      .executeTakeFirst();
    if (hit === undefined)
      throw invalidField(field, 'not_in_alliance', {
        zh: '不在此联盟的清单中',
        en: 'Not on this alliance’s lists',
      });
  }
  const now = deps.clock.now().toISOString();
  const id = newId();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('alliance_projects')
      .values({
        id,
        alliance_id: alliance.id,
        org_path: alliance.org_path,
        title: input.title.trim(),
        description: input.description?.trim() ?? null,
        owner_unit_id: owner.id,
        owner_name: owner.name,
        need_id: input.needId ?? null,
        resource_id: input.resourceId ?? null,
        status: 'planned',
        version: 1,
        created_by: actor.userId,
        created_at: now,
        updated_at: now,
        done_at: null,
      })
      .execute();
    await syncServiceFigures(trx, ALLIANCE_PROJECTS, [id]);
    if (input.milestones.length > 0)
      await trx
        .insertInto('alliance_milestones')
        .values(
          input.milestones.map((m, position) => ({
            id: newId(),
            project_id: id,
            position,
            title: m.title.trim(),
            due_on: m.dueOn ?? null,
            done_at: null,
          })),
        )
        .execute();
    if (input.needId !== undefined)
      await trx
        .updateTable('alliance_needs')
        .set({ status: 'matched', updated_at: now })
        .where('id', '=', input.needId)
        .where('status', '=', 'open')
        .execute();
    await audit(trx, deps, actor, alliance, 'alliance.project_add', id, {});
  });
  return { id };
}

const NEXT: Record<ProjectState, readonly ProjectState[]> = {
  planned: ['in_progress', 'cancelled'],
  in_progress: ['done', 'cancelled'],
  done: [],
  cancelled: [],
};

/** Moves a project on (planned → in progress → done, or cancelled), checked against its version. */
export async function setProjectStatus(
  deps: AppDeps,
  actor: Actor,
  projectId: string,
  input: { status: ProjectState; version: number },
) {
  const project = await deps.db
    .selectFrom('alliance_projects')
    .selectAll()
    .where('id', '=', projectId)
    .executeTakeFirst();
  if (project === undefined) throw notFound({ zh: '项目', en: 'Project' });
  const alliance = await getAllianceFor(deps.db, actor, project.alliance_id, 'manage');
  if (!NEXT[project.status].includes(input.status))
    throw invalidField('status', 'invalid_transition', {
      zh: '项目不能转到该状态',
      en: 'The project cannot move to this status',
    });
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('alliance_projects')
      .set({
        status: input.status,
        version: project.version + 1,
        updated_at: now,
        done_at: input.status === 'done' ? now : null,
      })
      .where('id', '=', projectId)
      .where('version', '=', input.version)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1)
      throw new AppError('CONFLICT', { zh: '项目已被他人修改，请刷新', en: 'The project changed; reload it' }, [
        { code: 'stale', field: 'version', message_zh: '项目已被他人修改', message_en: 'The project changed' },
      ]);
    await syncServiceFigures(trx, ALLIANCE_PROJECTS, [projectId]);
    await audit(trx, deps, actor, alliance, 'alliance.project_status', projectId, { status: input.status });
  });
  return { id: projectId, status: input.status, version: project.version + 1 };
}

/** Marks a milestone reached. */
export async function completeMilestone(deps: AppDeps, actor: Actor, milestoneId: string) {
  const m = await deps.db
    .selectFrom('alliance_milestones as m')
    .innerJoin('alliance_projects as p', 'p.id', 'm.project_id')
    .select(['m.id', 'm.done_at', 'p.alliance_id', 'p.id as project_id'])
    .where('m.id', '=', milestoneId)
    .executeTakeFirst();
  if (m === undefined) throw notFound({ zh: '里程碑', en: 'Milestone' });
  const alliance = await getAllianceFor(deps.db, actor, m.alliance_id, 'manage');
  if (m.done_at !== null) return { id: m.id, doneAt: m.done_at };
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('alliance_milestones').set({ done_at: now }).where('id', '=', m.id).execute();
    await audit(trx, deps, actor, alliance, 'alliance.milestone_done', m.id, { projectId: m.project_id });
  });
  return { id: m.id, doneAt: now };
}
