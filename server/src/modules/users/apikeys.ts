import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { randomToken, sha256 } from '../../platform/auth/password.ts';
import { recordAudit, whoFromActor, type AuditWho } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { forgetCachedAuth } from './auth-cache.ts';
import * as repo from './repo.ts';

const KEY = { zh: 'API 密钥', en: 'API key' };

/** Makes a key acting as `userId`; the key is returned once and only its hash is stored. */
export async function insertApiKey(trx: Kysely<DB>, deps: AppDeps, who: AuditWho, userId: string, name: string) {
  const key = `tzk_${randomToken(32)}`;
  const id = newId();
  const prefix = key.slice(0, 12);
  const user = await repo.findUserById(trx, userId);
  await trx
    .insertInto('api_keys')
    .values({
      id,
      user_id: userId,
      name,
      prefix,
      key_hash: sha256(key),
      created_at: deps.clock.now().toISOString(),
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  await recordAudit(trx, deps.clock, who, {
    action: 'apikey.create',
    targetType: 'apikey',
    targetId: id,
    orgId: user?.home_org_id ?? null,
    orgPath: user?.home_org_path ?? null,
    detail: { name, prefix },
  });
  return { id, name, prefix, key };
}

export async function createApiKey(deps: AppDeps, actor: Actor, name: string) {
  return deps.db.transaction().execute((trx) => insertApiKey(trx, deps, whoFromActor(actor), actor.userId, name));
}

export async function listOwnApiKeys(deps: AppDeps, actor: Actor) {
  const rows = await deps.db
    .selectFrom('api_keys')
    .selectAll()
    .where('user_id', '=', actor.userId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

export async function revokeApiKey(deps: AppDeps, actor: Actor, id: string) {
  const row = await deps.db
    .selectFrom('api_keys')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (row === undefined || row.revoked_at !== null) throw notFound(KEY);
  const user = await repo.findUserById(deps.db, actor.userId);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('api_keys')
      .set({ revoked_at: deps.clock.now().toISOString() })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'apikey.revoke',
      targetType: 'apikey',
      targetId: id,
      orgId: user?.home_org_id ?? null,
      orgPath: user?.home_org_path ?? null,
    });
  });
  forgetCachedAuth(deps.db, actor.userId);
}
