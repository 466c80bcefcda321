import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/access/scope.ts';
import {
  findPasswordProblem,
  hashPassword,
  randomToken,
  sha256,
  verifyPassword,
} from '../../platform/auth/password.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { HOUR, MINUTE } from '../../platform/clock.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestAuth } from '../../platform/http/route.ts';
import { maskPhone } from '../../platform/pii/crypto.ts';
import * as repo from './repo.ts';
import { type CachedAuth, authCacheOf, forgetCachedAuth } from './auth-cache.ts';
import { PASSWORDLESS, listPermissions, loadActor, toUsersOut } from './service.ts';
import type { UserTable } from './tables.ts';

export const SESSION_COOKIE = 'tz_session';
export const CSRF_COOKIE = 'tz_csrf';
export const IDLE_TIMEOUT_MS = 30 * MINUTE;
export const ABSOLUTE_TIMEOUT_MS = 12 * HOUR;
/** Failed sign-ins to one account from one source within FAILURE_WINDOW_MS that lock that source out. */
export const LOCK_AFTER_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * MINUTE;
const TOUCH_EVERY_MS = MINUTE;

const badCredentials = () =>
  new AppError('BAD_CREDENTIALS', { zh: '用户名或密码错误', en: 'Wrong username or password' });

// Checked against on every refusal that has no real hash to check (an unknown username, a locked source),
// so that every refused sign-in costs one argon2 verification and timing does not tell them apart.
let dummyHash: Promise<string> | undefined;
const NO_USER = '-';

interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** Failures of one account from one source address since `since`. */
async function countRecentFailures(db: AppDeps['db'], userId: string, ip: string | null, since: Date) {
  const row = await db
    .selectFrom('login_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('ip', ip === null ? 'is' : '=', ip)
    .where('at', '>', since.toISOString())
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Checks a password; on success opens a server-side session. Five failures within 15 minutes lock the
 * account for that source address only, so that nobody can lock another person out from elsewhere; a
 * locked account answers exactly like an unknown username (same status, body and one argon2
 * verification), so that a lock does not tell an outsider which names exist.
 */
export async function login(deps: AppDeps, input: { username: string; password: string }, client: ClientInfo) {
  const { db, clock } = deps;
  const user = await repo.findUserByUsername(db, input.username);
  const now = clock.now();
  const windowStart = new Date(now.getTime() - FAILURE_WINDOW_MS);
  const failures = await countRecentFailures(db, user?.id ?? NO_USER, client.ip, windowStart);
  const isLocked = user !== undefined && failures >= LOCK_AFTER_FAILURES;
  dummyHash ??= hashPassword('not-a-real-password-1A!');
  const isValid = await verifyPassword(
    user === undefined || isLocked || user.password_hash === PASSWORDLESS ? await dummyHash : user.password_hash,
    input.password,
  );
  if (user === undefined) {
    await recordAudit(
      db,
      clock,
      { actorId: null, actorName: input.username.slice(0, 64), ...client },
      { action: 'auth.login_failed', detail: { reason: 'unknown_user' } },
    );
    throw badCredentials();
  }
  const who = { actorId: user.id, actorName: user.username, ...client };
  const audit = { targetType: 'user', targetId: user.id, orgId: user.home_org_id, orgPath: user.home_org_path };
  if (isLocked) {
    await recordAudit(db, clock, who, { action: 'auth.login_failed', ...audit, detail: { reason: 'locked' } });
    throw badCredentials();
  }
  if (!isValid || user.is_disabled === 1) {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('login_failures')
        .values({ id: newId(), user_id: user.id, at: now.toISOString(), ip: client.ip })
        .execute();
      await recordAudit(trx, clock, who, {
        action: 'auth.login_failed',
        ...audit,
        detail: { reason: user.is_disabled === 1 ? 'disabled' : 'password' },
      });
      if (failures + 1 < LOCK_AFTER_FAILURES) return;
      // Shown to administrators as "locked" (a reset clears it); the lock itself is the failures of this source.
      const until = new Date(now.getTime() + FAILURE_WINDOW_MS).toISOString();
      await trx.updateTable('users').set({ locked_until: until }).where('id', '=', user.id).execute();
      await recordAudit(trx, clock, who, { action: 'auth.locked', ...audit, detail: { until } });
    });
    throw badCredentials();
  }
  const { token, csrfToken } = await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('login_failures')
      .where('user_id', '=', user.id)
      .where('ip', client.ip === null ? 'is' : '=', client.ip)
      .execute();
    const opened = await insertSession(trx, now, user.id, client);
    await recordAudit(trx, clock, who, { action: 'auth.login', ...audit });
    return opened;
  });
  const actor = await loadActor(db, user, { via: 'session', ...client });
  return { token, csrfToken, me: await describeMe(deps, actor, user) };
}

/**
 * Opens a server-side session for a user who has proven who she is (a password, a resident's SMS code or
 * WeChat sign-in), inside the caller's transaction: the cookie token and the CSRF token to hand her.
 */
export async function insertSession(
  trx: AppDeps['db'],
  now: Date,
  userId: string,
  client: ClientInfo,
): Promise<{ token: string; csrfToken: string }> {
  const token = randomToken();
  const csrfToken = randomToken(24);
  await trx
    .insertInto('sessions')
    .values({
      id: sha256(token),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ABSOLUTE_TIMEOUT_MS).toISOString(),
      ip: client.ip,
      user_agent: client.userAgent?.slice(0, 500) ?? null,
    })
    .execute();
  return { token, csrfToken };
}

/** Resolves the session cookie or bearer API key of a request; null when neither is valid. */
export async function authenticateRequest(deps: AppDeps, request: FastifyRequest): Promise<RequestAuth | null> {
  const client = { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
  const header = request.headers.authorization;
  if (header !== undefined && header.startsWith('Bearer '))
    return authenticateApiKey(deps, header.slice(7).trim(), client);
  const token = request.cookies[SESSION_COOKIE];
  if (token === undefined || token === '') return null;
  return authenticateSession(deps, token, client);
}

async function authenticateSession(deps: AppDeps, token: string, client: ClientInfo): Promise<RequestAuth | null> {
  const { db, clock } = deps;
  const id = sha256(token);
  const key = sessionKey(id);
  const cache = authCacheOf(db);
  const now = clock.now();
  const hit = cache.get(key, now.getTime());
  // A hit within its window still honours both timeouts; an apparent timeout is confirmed from the database,
  // where another app server may have recorded later activity.
  if (hit !== undefined && !isSessionExpired(hit.expiresAt!, hit.lastSeenMs, now)) {
    if (now.getTime() - hit.lastSeenMs > TOUCH_EVERY_MS) {
      await db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', id).execute();
      hit.lastSeenMs = now.getTime();
    }
    return toRequestAuth(hit, client);
  }
  const generation = cache.startLoad();
  const session = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (session === undefined) return null;
  const lastSeenMs = new Date(session.last_seen_at).getTime();
  const user = await repo.findUserById(db, session.user_id);
  if (isSessionExpired(session.expires_at, lastSeenMs, now) || user === undefined || user.is_disabled === 1) {
    cache.forget(key);
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  let touchedMs = lastSeenMs;
  if (now.getTime() - lastSeenMs > TOUCH_EVERY_MS) {
    await db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', id).execute();
    touchedMs = now.getTime();
  }
  const actor = await loadActor(db, user, { via: 'session', ...client });
  const resolved: CachedAuth = {
    userId: user.id,
    actor,
    csrfToken: session.csrf_token,
    sessionId: id,
    mustChangePassword: user.must_change_password === 1,
    expiresAt: session.expires_at,
    lastSeenMs: touchedMs,
    apiKeyId: null,
  };
  cache.set(key, resolved, now.getTime(), generation);
  return toRequestAuth(resolved, client);
}

const sessionKey = (sessionId: string) => `session:${sessionId}`;
const apiKeyKey = (keyHash: string) => `apikey:${keyHash}`;

function isSessionExpired(expiresAt: string, lastSeenMs: number, now: Date): boolean {
  return expiresAt <= now.toISOString() || lastSeenMs + IDLE_TIMEOUT_MS <= now.getTime();
}

/** The cached identity with this request's own client details (audit records say where a request came from). */
function toRequestAuth(cached: CachedAuth, client: ClientInfo): RequestAuth {
  return {
    actor: { ...cached.actor, ip: client.ip, userAgent: client.userAgent },
    csrfToken: cached.csrfToken,
    sessionId: cached.sessionId,
    mustChangePassword: cached.mustChangePassword,
  };
}

async function authenticateApiKey(deps: AppDeps, token: string, client: ClientInfo): Promise<RequestAuth | null> {
  const { db, clock } = deps;
  const hash = sha256(token);
  const key = apiKeyKey(hash);
  const cache = authCacheOf(db);
  const now = clock.now();
  const hit = cache.get(key, now.getTime());
  if (hit !== undefined) {
    if (now.getTime() - hit.lastSeenMs > TOUCH_EVERY_MS) {
      await db
        .updateTable('api_keys')
        .set({ last_used_at: now.toISOString() })
        .where('id', '=', hit.apiKeyId!)
        .execute();
      hit.lastSeenMs = now.getTime();
    }
    return toRequestAuth(hit, client);
  }
  const generation = cache.startLoad();
  const row = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('key_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined) return null;
  const user = await repo.findUserById(db, row.user_id);
  if (user === undefined || user.is_disabled === 1) return null;
  let lastUsedMs = row.last_used_at === null ? null : new Date(row.last_used_at).getTime();
  if (lastUsedMs === null || now.getTime() - lastUsedMs > TOUCH_EVERY_MS) {
    await db.updateTable('api_keys').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
    lastUsedMs = now.getTime();
  }
  const actor = await loadActor(db, user, { via: 'apikey', ...client });
  const resolved: CachedAuth = {
    userId: user.id,
    actor,
    csrfToken: null,
    sessionId: null,
    // a key acts as its user, so it waits for her password change too (403 PASSWORD_CHANGE_REQUIRED)
    mustChangePassword: user.must_change_password === 1,
    expiresAt: null,
    lastSeenMs: lastUsedMs,
    apiKeyId: row.id,
  };
  cache.set(key, resolved, now.getTime(), generation);
  return toRequestAuth(resolved, client);
}

/**
 * The actor of a request authenticated outside the route table (Open311's `api_key`), refused with
 * 403 PASSWORD_CHANGE_REQUIRED while her password change is pending, as every route of the table is.
 */
export function actorAfterPasswordChange(auth: RequestAuth): Actor {
  if (auth.mustChangePassword) {
    throw new AppError('PASSWORD_CHANGE_REQUIRED', {
      zh: '请先修改初始密码',
      en: 'Change your initial password first',
    });
  }
  return auth.actor;
}

export async function logout(deps: AppDeps, auth: RequestAuth): Promise<void> {
  if (auth.sessionId === null) return;
  const user = await repo.findUserById(deps.db, auth.actor.userId);
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('id', '=', auth.sessionId!).execute();
    await recordAudit(trx, deps.clock, whoFromActor(auth.actor), {
      action: 'auth.logout',
      targetType: 'user',
      targetId: auth.actor.userId,
      orgId: user?.home_org_id ?? null,
      orgPath: user?.home_org_path ?? null,
    });
  });
  authCacheOf(deps.db).forget(sessionKey(auth.sessionId));
}

/** The signed-in user as the console needs her. */
export async function describeMe(deps: AppDeps, actor: Actor, user?: UserTable) {
  const row = user ?? (await repo.findUserById(deps.db, actor.userId));
  if (row === undefined) throw notFound();
  const [out] = await toUsersOut(deps, actor, [row]);
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    phone: row.phone_enc === null ? null : maskPhone(deps.pii.decrypt(row.phone_enc)),
    mustChangePassword: row.must_change_password === 1,
    permissions: listPermissions(actor),
    assignments: out?.assignments ?? [],
  };
}

/** Changes the caller's own password; other sessions of hers end. */
export async function changePassword(
  deps: AppDeps,
  auth: RequestAuth,
  input: { currentPassword: string; newPassword: string },
) {
  const user = await repo.findUserById(deps.db, auth.actor.userId);
  if (user === undefined) throw notFound();
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw invalidField('currentPassword', 'wrong_password', { zh: '当前密码不正确', en: 'Current password is wrong' });
  }
  const problem = findPasswordProblem(input.newPassword);
  if (problem !== null) throw invalidField('newPassword', problem.code, problem);
  if (input.newPassword === input.currentPassword) {
    throw invalidField('newPassword', 'same_password', {
      zh: '新密码不能与当前密码相同',
      en: 'The new password must differ from the current one',
    });
  }
  const hash = await hashPassword(input.newPassword);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash, must_change_password: 0, updated_at: deps.clock.now().toISOString() })
      .where('id', '=', user.id)
      .execute();
    let others = trx.deleteFrom('sessions').where('user_id', '=', user.id);
    if (auth.sessionId !== null) others = others.where('id', '!=', auth.sessionId);
    await others.execute();
    await recordAudit(trx, deps.clock, whoFromActor(auth.actor), {
      action: 'auth.password_change',
      targetType: 'user',
      targetId: user.id,
      orgId: user.home_org_id,
      orgPath: user.home_org_path,
    });
  });
  forgetCachedAuth(deps.db, user.id);
}
