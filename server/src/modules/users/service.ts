import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { ROLES, type Permission, type RoleId } from '../../platform/access/roles.ts';
import { type Actor, type Assignment, canAt, canGrantRole, inScope } from '../../platform/access/scope.ts';
import { hashPassword, findPasswordProblem, generatePassword } from '../../platform/auth/password.ts';
import { recordAudit, whoFromActor, type AuditWho } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, conflict, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { PHONE_PATTERN, maskPhone, normalizePhone } from '../../platform/pii/crypto.ts';
import { findOrgFullNames, getOrgInScope } from '../orgs/service.ts';
import { forgetCachedAuth } from './auth-cache.ts';
import * as repo from './repo.ts';
import type { UserCreateBody, UserOut, UserUpdateBody } from './schema.ts';
import type { UserTable } from './tables.ts';
import { LINKAGE_GRANTS, hasLinkages } from '../fieldwork/reach.ts';

const USER = { zh: '用户', en: 'User' };
const ASSIGNMENT = { zh: '角色授权', en: 'Role assignment' };

/** Builds the acting identity of a user from her role assignments. */
export async function loadActor(
  db: Kysely<DB>,
  user: Pick<UserTable, 'id' | 'username' | 'display_name'>,
  context: { via: Actor['via']; ip: string | null; userAgent: string | null },
): Promise<Actor> {
  const [rows, isLinked] = await Promise.all([
    db.selectFrom('role_assignments').select(['role', 'org_id', 'org_path']).where('user_id', '=', user.id).execute(),
    hasLinkages(db, user.id),
  ]);
  const assignments: Assignment[] = rows
    .filter((r) => r.role in ROLES)
    .map((r) => ({ role: r.role as RoleId, orgId: r.org_id, orgPath: r.org_path }));
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    assignments,
    // linked to households (一亲三心): field work at exactly those (fieldwork/reach.ts)
    ...(isLinked ? { objectGrants: LINKAGE_GRANTS } : {}),
    ...context,
  };
}

/** Permissions the actor holds anywhere (for showing menus; checks always use scope). */
export function listPermissions(actor: Actor): Permission[] {
  return [
    ...new Set([...actor.assignments.flatMap((a) => ROLES[a.role].permissions), ...(actor.objectGrants ?? [])]),
  ].sort();
}

function toAssignmentOut(row: Awaited<ReturnType<typeof repo.listAssignments>>[number]) {
  const role = ROLES[row.role as RoleId];
  return {
    id: row.id,
    role: role.id,
    roleName_zh: role.name_zh,
    roleName_en: role.name_en,
    orgId: row.org_id,
    orgName: row.org_full_name,
  };
}

/** The roles among `held` that the actor could not have granted, each at its unit. */
function rolesBeyondAuthority<A extends { role: string; org_path: string }>(actor: Actor, held: A[]): A[] {
  return held.filter((a) => !canGrantRole(actor, a.role, a.org_path));
}

/**
 * Users as the API shows them to `actor`: phone masked, assignments with unit names, and whether she may
 * manage each (the rule of `getUserToManage`, so that the console offers only the actions that work).
 */
export async function toUsersOut(deps: AppDeps, actor: Actor, users: UserTable[]): Promise<UserOut[]> {
  const assignments = await repo.listAssignments(
    deps.db,
    users.map((u) => u.id),
  );
  const homes = await findOrgFullNames(deps.db, [...new Set(users.map((u) => u.home_org_id))]);
  const now = deps.clock.now().toISOString();
  return users.map((u) => {
    const held = assignments.filter((a) => a.user_id === u.id);
    return {
      id: u.id,
      username: u.username,
      displayName: u.display_name,
      phone: u.phone_enc === null ? null : maskPhone(deps.pii.decrypt(u.phone_enc)),
      homeOrgId: u.home_org_id,
      homeOrgName: homes.get(u.home_org_id) ?? '',
      isDisabled: u.is_disabled === 1,
      isLocked: u.locked_until !== null && u.locked_until > now,
      mustChangePassword: u.must_change_password === 1,
      createdAt: u.created_at,
      assignments: held.map(toAssignmentOut),
      canManage: canAt(actor, 'user.manage', u.home_org_path) && rolesBeyondAuthority(actor, held).length === 0,
    };
  });
}

function parsePhone(input: string | null | undefined): string | null | undefined {
  if (input === undefined || input === null || input.trim() === '') return input === undefined ? undefined : null;
  const phone = normalizePhone(input);
  if (!PHONE_PATTERN.test(phone)) {
    throw invalidField('phone', 'invalid_phone', {
      zh: '电话号码格式不正确（11 位手机号或带区号的固定电话）',
      en: 'Invalid phone number (11-digit mobile or landline with area code)',
    });
  }
  return phone;
}

/** A user the actor may see (`user.read` over her home unit), or 404. */
export async function getUserInScope(deps: AppDeps, actor: Actor, id: string, permission: Permission = 'user.read') {
  const user = await deps.db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'users'>(actor, permission, 'users.home_org_path'))
    .executeTakeFirst();
  if (user === undefined) throw notFound(USER);
  return user;
}

export async function listUsersInScope(
  deps: AppDeps,
  actor: Actor,
  filter: { q?: string | undefined; orgId?: string | undefined; page: number; pageSize: number },
) {
  let query = deps.db.selectFrom('users').where(inScope<DB, 'users'>(actor, 'user.read', 'users.home_org_path'));
  if (filter.orgId !== undefined) {
    const org = await getOrgInScope(deps.db, actor, { id: filter.orgId });
    query = query.where('home_org_path', '>=', org.path).where('home_org_path', '<', `${org.path.slice(0, -1)}0`);
  }
  if (filter.q !== undefined && filter.q !== '') {
    const pattern = `%${filter.q.replace(/[\\%_]/g, '')}%`;
    query = query.where((eb) => eb.or([eb('username', 'like', pattern), eb('display_name', 'like', pattern)]));
  }
  const [rows, total] = await Promise.all([
    query
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await toUsersOut(deps, actor, rows), total: Number(total.n) };
}

/**
 * A user the actor may manage (reset, disable, edit, grant or revoke roles): she manages the user's home
 * unit and could have granted every role the user holds, each at its unit (DESIGN rule 11) — a community
 * secretary does not manage a user homed in her community who holds the street role above it. Every
 * user-management path goes through here. A home outside her `user.manage` scope answers 404 (rule 1);
 * a user in scope who holds a role beyond her authority answers 403: the list shows that user, with
 * those roles, so the refusal tells nothing new.
 */
export async function getUserToManage(deps: AppDeps, actor: Actor, id: string): Promise<UserTable> {
  const user = await getUserInScope(deps, actor, id, 'user.manage');
  const beyond = rolesBeyondAuthority(actor, await repo.listAssignments(deps.db, [id]));
  if (beyond.length > 0) {
    const roles = beyond.map((a) => ({
      org: a.org_name,
      ...(ROLES[a.role as RoleId] ?? { name_zh: a.role, name_en: a.role }),
    }));
    throw new AppError('FORBIDDEN', {
      zh: `您无权管理此账号：其拥有超出您授权范围的角色（${roles.map((r) => `${r.org}·${r.name_zh}`).join('、')}），只有能授予其全部角色的管理员才能重置密码、停用、修改或调整角色`,
      en: `You have no authority over this account: it holds roles beyond yours (${roles.map((r) => `${r.name_en} at ${r.org}`).join(', ')}); only someone who could grant every role it holds may reset, disable, edit it or change its roles`,
    });
  }
  return user;
}

/** Delegated administration: the actor may grant `role` at a unit only as `canGrantRole` allows. */
async function checkGrant(deps: AppDeps, actor: Actor, role: RoleId, orgId: string) {
  const org = await getOrgInScope(deps.db, actor, { id: orgId });
  if (!canGrantRole(actor, role, org.path)) {
    throw new AppError('FORBIDDEN', {
      zh: `您不能在“${org.name}”授予“${ROLES[role].name_zh}”角色：只能在本人管辖范围内授予本人拥有的权限`,
      en: `You cannot grant "${role}" at ${org.name}: only permissions you hold yourself, inside your own scope`,
    });
  }
  return org;
}

export interface NewAccount {
  username: string;
  displayName: string;
  phone?: string | null | undefined;
  password?: string | undefined;
  /** a resident's own account: she signs in by SMS code or WeChat, never by password */
  isPasswordless?: boolean;
  homeOrg: { id: string; path: string };
  roles: { role: RoleId; org: { id: string; path: string } }[];
  mustChangePassword: boolean;
}

/** The password hash of an account that has no password. */
export const PASSWORDLESS = '!passwordless';

/** Inserts a user with her roles inside the caller's transaction; checks nothing about the actor. */
export async function insertAccount(
  trx: Kysely<DB>,
  deps: AppDeps,
  who: AuditWho,
  account: NewAccount,
): Promise<{ user: UserTable; initialPassword: string | null }> {
  const username = account.username.toLowerCase();
  if ((await repo.findUserByUsername(trx, username)) !== undefined) {
    throw conflict('USERNAME_TAKEN', 'username', {
      zh: `登录名“${username}”已被占用`,
      en: `Username "${username}" is taken`,
    });
  }
  let initialPassword: string | null = null;
  let password = account.password;
  if (account.isPasswordless === true) {
    password = undefined;
  } else if (password === undefined || password === '') {
    password = generatePassword();
    initialPassword = password;
  } else {
    const problem = findPasswordProblem(password);
    if (problem !== null) throw invalidField('password', problem.code, problem);
  }
  const phone = parsePhone(account.phone);
  const now = deps.clock.now().toISOString();
  const user: UserTable = {
    id: newId(),
    username,
    display_name: account.displayName,
    phone_enc: phone == null ? null : deps.pii.encrypt(phone),
    phone_bidx: phone == null ? null : deps.pii.blindIndex('phone', phone),
    // not a hash: no password verifies against it (verifyPassword answers false)
    password_hash: password === undefined ? PASSWORDLESS : await hashPassword(password),
    must_change_password: account.mustChangePassword || initialPassword !== null ? 1 : 0,
    is_disabled: 0,
    locked_until: null,
    home_org_id: account.homeOrg.id,
    home_org_path: account.homeOrg.path,
    created_by: who.actorId,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('users').values(user).execute();
  await recordAudit(trx, deps.clock, who, {
    action: 'user.create',
    targetType: 'user',
    targetId: user.id,
    orgId: account.homeOrg.id,
    orgPath: account.homeOrg.path,
    detail: { username },
  });
  for (const grant of account.roles) await insertAssignment(trx, deps, who, user, grant.role, grant.org);
  return { user, initialPassword };
}

async function insertAssignment(
  trx: Kysely<DB>,
  deps: AppDeps,
  who: AuditWho,
  user: Pick<UserTable, 'id' | 'username'>,
  role: RoleId,
  org: { id: string; path: string },
) {
  const existing = await trx
    .selectFrom('role_assignments')
    .select('id')
    .where('user_id', '=', user.id)
    .where('role', '=', role)
    .where('org_id', '=', org.id)
    .executeTakeFirst();
  if (existing !== undefined) {
    throw conflict('CONFLICT', 'role', {
      zh: '该用户已在此单位拥有此角色',
      en: 'The user already holds this role at this unit',
    });
  }
  const id = newId();
  await trx
    .insertInto('role_assignments')
    .values({
      id,
      user_id: user.id,
      role,
      org_id: org.id,
      org_path: org.path,
      created_by: who.actorId,
      created_at: deps.clock.now().toISOString(),
    })
    .execute();
  await recordAudit(trx, deps.clock, who, {
    action: 'role.grant',
    targetType: 'user',
    targetId: user.id,
    orgId: org.id,
    orgPath: org.path,
    detail: { role, username: user.username, assignmentId: id },
  });
  return id;
}

/** Creates a user under a unit the actor manages, with roles she may grant. */
export async function createUser(deps: AppDeps, actor: Actor, body: UserCreateBody) {
  const home = await getOrgInScope(deps.db, actor, { id: body.homeOrgId });
  if (!canAt(actor, 'user.manage', home.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  const roles: NewAccount['roles'] = [];
  for (const grant of body.roles)
    roles.push({ role: grant.role, org: await checkGrant(deps, actor, grant.role, grant.orgId) });
  const created = await deps.db.transaction().execute((trx) =>
    insertAccount(trx, deps, whoFromActor(actor), {
      username: body.username,
      displayName: body.displayName,
      phone: body.phone,
      password: body.password,
      homeOrg: home,
      roles,
      mustChangePassword: true,
    }),
  );
  const [user] = await toUsersOut(deps, actor, [created.user]);
  return { user: user!, initialPassword: created.initialPassword };
}

export async function updateUser(deps: AppDeps, actor: Actor, id: string, body: UserUpdateBody): Promise<UserOut> {
  const user = await getUserToManage(deps, actor, id);
  const phone = parsePhone(body.phone);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({
        ...(body.displayName !== undefined ? { display_name: body.displayName } : {}),
        ...(phone !== undefined
          ? {
              phone_enc: phone === null ? null : deps.pii.encrypt(phone),
              phone_bidx: phone === null ? null : deps.pii.blindIndex('phone', phone),
            }
          : {}),
        ...(body.isDisabled !== undefined ? { is_disabled: body.isDisabled ? 1 : 0 } : {}),
        updated_at: deps.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    if (body.isDisabled === true) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'user.update',
      targetType: 'user',
      targetId: id,
      orgId: user.home_org_id,
      orgPath: user.home_org_path,
      detail: { fields: Object.keys(body) },
    });
  });
  forgetCachedAuth(deps.db, id);
  const [out] = await toUsersOut(deps, actor, [(await repo.findUserById(deps.db, id))!]);
  return out!;
}

/** Sets a generated password that must be changed at next login; ends the user's sessions. */
export async function resetPassword(deps: AppDeps, actor: Actor, id: string) {
  const user = await getUserToManage(deps, actor, id);
  const initialPassword = generatePassword();
  const hash = await hashPassword(initialPassword);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({
        password_hash: hash,
        must_change_password: 1,
        locked_until: null,
        updated_at: deps.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await trx.deleteFrom('login_failures').where('user_id', '=', id).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'user.reset_password',
      targetType: 'user',
      targetId: id,
      orgId: user.home_org_id,
      orgPath: user.home_org_path,
    });
  });
  forgetCachedAuth(deps.db, id);
  return { initialPassword };
}

export async function grantRole(deps: AppDeps, actor: Actor, userId: string, role: RoleId, orgId: string) {
  const user = await getUserToManage(deps, actor, userId);
  const org = await checkGrant(deps, actor, role, orgId);
  const id = await deps.db
    .transaction()
    .execute((trx) => insertAssignment(trx, deps, whoFromActor(actor), user, role, org));
  forgetCachedAuth(deps.db, userId);
  const [row] = await repo.listAssignments(deps.db, [userId]).then((rows) => rows.filter((r) => r.id === id));
  return toAssignmentOut(row!);
}

export async function revokeRole(deps: AppDeps, actor: Actor, userId: string, assignmentId: string) {
  // authority over every role she holds, this one included
  const user = await getUserToManage(deps, actor, userId);
  const assignment = await deps.db
    .selectFrom('role_assignments')
    .selectAll()
    .where('id', '=', assignmentId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (assignment === undefined) throw notFound(ASSIGNMENT);
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('role_assignments').where('id', '=', assignmentId).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'role.revoke',
      targetType: 'user',
      targetId: userId,
      orgId: assignment.org_id,
      orgPath: assignment.org_path,
      detail: { role: assignment.role, username: user.username, assignmentId },
    });
  });
  forgetCachedAuth(deps.db, userId);
}

/** Shows a user's full phone number to a holder of `pii.reveal`, recording why. */
export async function revealUserPhone(deps: AppDeps, actor: Actor, id: string, reason: string) {
  const user = await getUserInScope(deps, actor, id, 'pii.reveal');
  await recordAudit(deps.db, deps.clock, whoFromActor(actor), {
    action: 'pii.reveal',
    targetType: 'user',
    targetId: id,
    orgId: user.home_org_id,
    orgPath: user.home_org_path,
    detail: { field: 'phone', reason },
  });
  return { phone: user.phone_enc === null ? null : deps.pii.decrypt(user.phone_enc) };
}

/**
 * The enabled staff holding one of `roles` at or under any of `paths` (every 网格员 of a community's
 * grids): one row per account, with the first such assignment. Notices reach staff by role through it.
 */
export async function listStaffWithRolesUnder(
  db: Kysely<DB>,
  roles: readonly RoleId[],
  paths: readonly string[],
): Promise<{ userId: string; name: string; role: RoleId; orgId: string; orgPath: string }[]> {
  if (roles.length === 0 || paths.length === 0) return [];
  const rows = await db
    .selectFrom('role_assignments as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .select(['u.id', 'u.display_name', 'a.role', 'a.org_id', 'a.org_path'])
    .where('a.role', 'in', [...roles])
    .where('u.is_disabled', '=', 0)
    .where((eb) =>
      eb.or(paths.map((p) => eb.and([eb('a.org_path', '>=', p), eb('a.org_path', '<', `${p.slice(0, -1)}0`)]))),
    )
    .orderBy('a.org_path')
    .orderBy('u.display_name')
    .orderBy('u.id')
    .execute();
  const out = new Map<string, { userId: string; name: string; role: RoleId; orgId: string; orgPath: string }>();
  for (const r of rows) {
    if (!out.has(r.id))
      out.set(r.id, {
        userId: r.id,
        name: r.display_name,
        role: r.role as RoleId,
        orgId: r.org_id,
        orgPath: r.org_path,
      });
  }
  return [...out.values()];
}
