import type { Nullable } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import type { UserTable } from '../users/tables.ts';
import type { OutboxMessageTable } from './tables.ts';
import { inScope, inScopeWithin } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import {
  type Channel,
  MESSAGE_KINDS,
  MESSAGE_KIND_NAMES,
  type MessageKindDefinition,
  SENSITIVE_KINDS,
  isMessageKind,
  renderMessage,
} from './kinds.ts';
import { channelsFor, quietHoursOf } from './outbox.ts';
import { clockToMinutes, minutesToClock } from './quiet-hours.ts';
import type { DeliveriesQuery, MyMessagesQuery, Preferences, PreferencesBody } from './schema.ts';

type Scoped = DB & { m: OutboxMessageTable; u: Nullable<UserTable> };

const MESSAGE = { zh: '消息', en: 'Message' };

/** Her in-app messages (the bell), newest first, a page at a time; a secret (a code) is never listed. */
export async function listMyMessages(deps: AppDeps, actor: Actor, query: MyMessagesQuery) {
  const base = () =>
    deps.db
      .selectFrom('outbox_messages')
      .where('recipient_user_id', '=', actor.userId)
      .where('channel', '=', 'in_app')
      .where('kind', 'not in', [...SENSITIVE_KINDS]);
  let page = base().select(['id', 'kind', 'payload', 'created_at', 'read_at']);
  if (query.isUnreadOnly === 'true') page = page.where('read_at', 'is', null);
  const rows = await page
    .orderBy('id', 'desc')
    .limit(query.pageSize + 1)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  const unread = await base()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return {
    items: rows.slice(0, query.pageSize).map((r) => {
      const params = (JSON.parse(r.payload) as { params: Record<string, string> }).params;
      return {
        id: r.id,
        kind: r.kind,
        caseId: params.caseId ?? null,
        title: renderMessage(r.kind, params, 'zh'),
        titleEn: renderMessage(r.kind, params, 'en'),
        createdAt: r.created_at,
        isRead: r.read_at !== null,
      };
    }),
    unread: Number(unread.n),
    hasMore: rows.length > query.pageSize,
  };
}

/** Marks one of her in-app messages read; anyone else's is 404, like a missing one. */
export async function markMyMessageRead(deps: AppDeps, actor: Actor, id: string): Promise<void> {
  const row = await deps.db
    .selectFrom('outbox_messages')
    .select(['id', 'read_at'])
    .where('id', '=', id)
    .where('recipient_user_id', '=', actor.userId)
    .where('channel', '=', 'in_app')
    .executeTakeFirst();
  if (row === undefined) throw notFound(MESSAGE);
  if (row.read_at !== null) return;
  await deps.db
    .updateTable('outbox_messages')
    .set({ read_at: deps.clock.now().toISOString() })
    .where('id', '=', id)
    .where('read_at', 'is', null)
    .execute();
}

/** Marks her unread in-app messages read: the ones named, or all of them. */
export async function markMyMessagesRead(deps: AppDeps, actor: Actor, ids: string[] | undefined): Promise<void> {
  let q = deps.db
    .updateTable('outbox_messages')
    .set({ read_at: deps.clock.now().toISOString() })
    .where('recipient_user_id', '=', actor.userId)
    .where('channel', '=', 'in_app')
    .where('read_at', 'is', null);
  if (ids !== undefined) q = q.where('id', 'in', ids.length > 0 ? ids : ['none']);
  await q.execute();
}

/** Her channels for every kind and her quiet hours. */
export async function getPreferences(deps: AppDeps, actor: Actor): Promise<Preferences> {
  const kinds = await Promise.all(
    MESSAGE_KIND_NAMES.filter((kind) => MESSAGE_KINDS[kind].audience !== 'none').map(async (kind) => {
      const def: MessageKindDefinition = MESSAGE_KINDS[kind];
      return {
        kind,
        label: def.name.zh,
        labelEn: def.name.en,
        audience: def.audience as 'resident' | 'staff' | 'anyone',
        channels: await channelsFor(deps.db, actor.userId, kind),
        isChoosable: def.isChoosable,
        isUrgent: def.isUrgent,
        isDigested: def.isDigested,
      };
    }),
  );
  const quiet = await quietHoursOf(deps.db, actor.userId);
  return {
    kinds,
    quietHours: quiet === null ? null : { start: minutesToClock(quiet.startMin), end: minutesToClock(quiet.endMin) },
  };
}

/** Changes her channels for some kinds and, when given, her quiet hours; audited. */
export async function updatePreferences(deps: AppDeps, actor: Actor, body: PreferencesBody): Promise<Preferences> {
  const now = deps.clock.now().toISOString();
  const entries = Object.entries(body.kinds ?? {}).filter((e): e is [string, Channel[]] => e[1] !== undefined);
  for (const [kind, channels] of entries) {
    if (!isMessageKind(kind))
      throw invalidField(`kinds.${kind}`, 'unknown_kind', { zh: '未知的消息类型', en: 'unknown kind of message' });
    if (!MESSAGE_KINDS[kind].isChoosable) {
      throw invalidField(`kinds.${kind}`, 'not_choosable', {
        zh: '此类消息的发送渠道不可更改',
        en: 'the channels of this kind of message cannot be changed',
      });
    }
    if (new Set(channels).size !== channels.length) {
      throw invalidField(`kinds.${kind}`, 'duplicate_channel', { zh: '渠道重复', en: 'a channel is listed twice' });
    }
  }
  if (entries.length === 0 && body.quietHours === undefined) {
    throw new AppError('VALIDATION', { zh: '没有要修改的内容', en: 'nothing to change' }, [
      { code: 'empty', field: 'kinds', message_zh: '没有要修改的内容', message_en: 'nothing to change' },
    ]);
  }
  await deps.db.transaction().execute(async (trx) => {
    for (const [kind, channels] of entries) {
      await trx
        .insertInto('message_preferences')
        .values({ user_id: actor.userId, kind, channels: channels.join(','), updated_at: now })
        .onConflict((oc) =>
          oc.columns(['user_id', 'kind']).doUpdateSet({ channels: channels.join(','), updated_at: now }),
        )
        .execute();
    }
    if (body.quietHours !== undefined) {
      const start = body.quietHours === null ? null : clockToMinutes(body.quietHours.start);
      const end = body.quietHours === null ? null : clockToMinutes(body.quietHours.end);
      await trx
        .insertInto('message_settings')
        .values({ user_id: actor.userId, quiet_start_min: start, quiet_end_min: end, updated_at: now })
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet({ quiet_start_min: start, quiet_end_min: end, updated_at: now }),
        )
        .execute();
    }
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'message.preferences',
      targetType: 'user',
      targetId: actor.userId,
      detail: { kinds: Object.fromEntries(entries), quietHours: body.quietHours ?? 'unchanged' },
    });
  });
  return getPreferences(deps, actor);
}

/**
 * Delivery status of the messages sent to people homed in her scope for `user.read` (optionally under
 * one unit), newest first: kind, channel, status, attempts, the provider's error code. Never the text
 * or the address.
 */
export async function listDeliveries(deps: AppDeps, actor: Actor, query: DeliveriesQuery) {
  let within: string | undefined;
  if (query.orgId !== undefined) {
    const org = await deps.db.selectFrom('org_units').select('path').where('id', '=', query.orgId).executeTakeFirst();
    if (org === undefined) throw notFound({ zh: '组织', en: 'Org unit' });
    within = org.path;
  }
  let q = deps.db
    .selectFrom('outbox_messages as m')
    .leftJoin('users as u', 'u.id', 'm.recipient_user_id')
    .select([
      'm.id',
      'm.recipient_user_id',
      'u.display_name',
      'm.kind',
      'm.channel',
      'm.status',
      'm.attempts',
      'm.next_attempt_at',
      'm.last_error',
      'm.created_at',
      'm.sent_at',
    ])
    .where(
      within === undefined
        ? inScope<Scoped, 'm' | 'u'>(actor, 'user.read', 'm.recipient_org_path')
        : inScopeWithin<Scoped, 'm' | 'u'>(actor, 'user.read', 'm.recipient_org_path', within),
    );
  if (query.status !== undefined) q = q.where('m.status', '=', query.status);
  if (query.channel !== undefined) q = q.where('m.channel', '=', query.channel);
  const rows = await q
    .orderBy('m.id', 'desc')
    .limit(query.pageSize + 1)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return {
    items: rows.slice(0, query.pageSize).map((r) => ({
      id: r.id,
      recipientUserId: r.recipient_user_id,
      recipientName: r.display_name,
      kind: r.kind,
      channel: r.channel,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.status === 'queued' ? r.next_attempt_at : null,
      lastError: r.last_error,
      createdAt: r.created_at,
      sentAt: r.sent_at,
    })),
    hasMore: rows.length > query.pageSize,
  };
}
