import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type AuditWho, recordAudit } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { maskPhone } from '../../platform/pii/crypto.ts';
import { ensureNationRoot } from '../orgs/divisions.ts';
import { describeMe, insertSession } from '../users/auth.ts';
import { loadActor } from '../users/service.ts';
import { insertAccount } from '../users/service.ts';
import type { UserTable } from '../users/tables.ts';

/**
 * Residents' own accounts. A resident account is a passwordless `users` row holding the `resident` role
 * at the root of the platform (she may report anywhere in its territory, as the demo's residents do),
 * found by her phone's or WeChat openid's blind index in `resident_accounts` — never by the phone on a
 * staff account: a staff member's number signs in to a resident account of its own (created on first
 * use), so an SMS code can never open a staff account. Staff keep their passwords.
 */

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export type SignInVia = 'sms' | 'wechat';

const accountDisabled = () =>
  new AppError('FORBIDDEN', { zh: '该账号已停用，请联系社区', en: 'This account is disabled; contact your community' });

const staffAccount = () =>
  new AppError('FORBIDDEN', {
    zh: '工作人员账号请使用用户名和密码登录',
    en: 'Staff accounts sign in with their user name and password',
  });

/** A user name nobody chooses: `jm_` and ten random letters and digits. */
function newResidentUsername(): string {
  return `jm_${crypto
    .randomBytes(8)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 10)}`;
}

/** Her account by the handle she signs in with, created on first use; whether it was just made. */
export async function findOrCreateResidentAccount(
  trx: Kysely<DB>,
  deps: AppDeps,
  who: AuditWho,
  handle: { kind: 'phone'; phone: string } | { kind: 'wechat'; openId: string },
): Promise<{ user: UserTable; isNew: boolean }> {
  // every valid key's index (two during a key rotation); a new account takes the writing key's, the first
  const tokens =
    handle.kind === 'phone'
      ? deps.pii.blindIndexes('phone', handle.phone)
      : deps.pii.blindIndexes('wechat_openid', handle.openId);
  const bidx = tokens[0]!;
  const column = handle.kind === 'phone' ? 'ra.phone_bidx' : 'ra.wechat_openid_bidx';
  const existing = await trx
    .selectFrom('resident_accounts as ra')
    .innerJoin('users as u', 'u.id', 'ra.user_id')
    .selectAll('u')
    .where(column, 'in', tokens)
    .executeTakeFirst();
  if (existing !== undefined) return { user: existing, isNew: false };
  const root = await ensureNationRoot(trx, deps.clock);
  const { user } = await insertAccount(trx, deps, who, {
    username: newResidentUsername(),
    displayName: handle.kind === 'phone' ? `居民 ${maskPhone(handle.phone)}` : '微信用户',
    phone: handle.kind === 'phone' ? handle.phone : null,
    isPasswordless: true,
    homeOrg: root,
    roles: [{ role: 'resident', org: root }],
    mustChangePassword: false,
  });
  await trx
    .insertInto('resident_accounts')
    .values({
      user_id: user.id,
      phone_bidx: handle.kind === 'phone' ? bidx : null,
      wechat_openid_bidx: handle.kind === 'wechat' ? bidx : null,
      wechat_openid_enc: handle.kind === 'wechat' ? deps.pii.encrypt(handle.openId) : null,
      created_at: deps.clock.now().toISOString(),
    })
    .execute();
  return { user, isNew: true };
}

/** Opens her session inside the caller's transaction (the same sessions as a password sign-in), audited. */
export async function openResidentSession(
  trx: Kysely<DB>,
  deps: AppDeps,
  user: UserTable,
  client: ClientInfo,
  via: SignInVia,
): Promise<{ token: string; csrfToken: string }> {
  if (user.is_disabled === 1) throw accountDisabled();
  // a code or an openid opens a resident's account only: one that was given any other role (an admin
  // making a resident's account a staff one) signs in with a password, as every staff account does
  const staffRole = await trx
    .selectFrom('role_assignments')
    .select('role')
    .where('user_id', '=', user.id)
    .where('role', '!=', 'resident')
    .executeTakeFirst();
  if (staffRole !== undefined) throw staffAccount();
  const opened = await insertSession(trx, deps.clock.now(), user.id, client);
  await recordAudit(
    trx,
    deps.clock,
    { actorId: user.id, actorName: user.username, ...client },
    {
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
      orgId: user.home_org_id,
      orgPath: user.home_org_path,
      detail: { via },
    },
  );
  return opened;
}

/** What the app is told after she signs in: the same `me` as a password sign-in. */
export async function describeSignedIn(deps: AppDeps, user: UserTable, client: ClientInfo) {
  const actor = await loadActor(deps.db, user, { via: 'session', ...client });
  return describeMe(deps, actor, user);
}

/** True when the user is a resident account (made by SMS or WeChat sign-in). */
export async function isResidentAccount(db: Kysely<DB>, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('resident_accounts')
    .select('user_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}
