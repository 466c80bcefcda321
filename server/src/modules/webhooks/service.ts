import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope, inScopeWithin } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { DeliveryStatus } from './dispatcher.ts';
import { isForbiddenHost } from './egress.ts';
import { WEBHOOK_EVENTS, WEBHOOK_EVENT_NAMES, type WebhookEvent, isWebhookEvent } from './events.ts';
import { generateSecret } from './signature.ts';
import type {
  DeliveriesQuery,
  Subscriber,
  SubscriberCreateBody,
  SubscribersQuery,
  SubscriberUpdateBody,
} from './schema.ts';
import type { WebhookSubscriberTable } from './tables.ts';

const SUBSCRIBER = { zh: '推送订阅', en: 'Webhook subscriber' };
const DELIVERY = { zh: '推送记录', en: 'Webhook delivery' };

type Scoped = DB & { s: WebhookSubscriberTable };

/** A receiver's URL: http or https, with a host, no credentials or fragment in it; else 400 naming `url`. */
export function checkReceiverUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidField('url', 'invalid_url', {
      zh: '请填写完整的接收地址，如 https://12345.example.gov.cn/hooks/tianzige',
      en: 'Enter a full receiver URL, e.g. https://12345.example.gov.cn/hooks/tianzige',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidField('url', 'unsupported_scheme', {
      zh: '接收地址须以 https:// 或 http:// 开头',
      en: 'The receiver URL must start with https:// or http://',
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw invalidField('url', 'credentials_in_url', {
      zh: '接收地址中不能包含用户名或密码；接收方请用签名核验来源',
      en: 'No user name or password in the URL; the receiver checks the signature instead',
    });
  }
  if (url.hash !== '') {
    throw invalidField('url', 'fragment_in_url', { zh: '接收地址不能包含 # 片段', en: 'No #fragment in the URL' });
  }
  if (isForbiddenHost(url.hostname)) {
    // SSRF: the cloud's metadata service and link-local addresses are never a receiver (egress.ts)
    throw invalidField('url', 'forbidden_address', {
      zh: '接收地址不能指向云主机元数据服务或链路本地地址',
      en: 'The receiver URL may not point at a cloud metadata service or a link-local address',
    });
  }
  return url.toString();
}

/** The events asked for, each once and in the catalogue's order. */
const eventsText = (events: readonly WebhookEvent[]) => WEBHOOK_EVENTS.filter((e) => events.includes(e)).join(',');

async function countsOf(db: Kysely<DB>, ids: string[]) {
  const counts = new Map<string, Subscriber['counts']>(ids.map((id) => [id, { queued: 0, delivered: 0, parked: 0 }]));
  if (ids.length === 0) return counts;
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['subscriber_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('subscriber_id', 'in', ids)
    .groupBy(['subscriber_id', 'status'])
    .execute();
  for (const r of rows) {
    const c = counts.get(r.subscriber_id)!;
    const status = r.status === 'sending' ? 'queued' : (r.status as Exclude<DeliveryStatus, 'sending'>);
    c[status] += Number(r.n);
  }
  return counts;
}

type SubscriberRow = WebhookSubscriberTable & { org_name: string };

function toSubscriber(row: SubscriberRow, counts: Subscriber['counts']): Subscriber {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    events: row.events.split(',').filter(isWebhookEvent),
    orgId: row.org_id,
    orgName: row.org_name,
    isActive: row.is_active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    counts,
  };
}

const subscriberQuery = (db: Kysely<DB>) =>
  db
    .selectFrom('webhook_subscribers as s')
    .innerJoin('org_units as o', 'o.id', 's.org_id')
    .selectAll('s')
    .select('o.name as org_name');

/** A subscriber the actor manages (`webhook.manage` at its unit), or 404 like one that does not exist. */
async function loadSubscriber(db: Kysely<DB>, actor: Actor, id: string): Promise<SubscriberRow> {
  const row = await subscriberQuery(db)
    .where('s.id', '=', id)
    .where(inScope<Scoped, 's'>(actor, 'webhook.manage', 's.org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(SUBSCRIBER);
  return row;
}

/** The subscribers at units the actor manages (optionally under one unit), with their delivery counts. */
export async function listSubscribers(deps: AppDeps, actor: Actor, query: SubscribersQuery) {
  let within: string | undefined;
  if (query.orgId !== undefined) {
    const org = await deps.db.selectFrom('org_units').select('path').where('id', '=', query.orgId).executeTakeFirst();
    if (org === undefined) throw notFound({ zh: '组织', en: 'Org unit' });
    within = org.path;
  }
  const rows = await subscriberQuery(deps.db)
    .where(
      within === undefined
        ? inScope<Scoped, 's'>(actor, 'webhook.manage', 's.org_path')
        : inScopeWithin<Scoped, 's'>(actor, 'webhook.manage', 's.org_path', within),
    )
    .orderBy('s.created_at', 'desc')
    .execute();
  const counts = await countsOf(
    deps.db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => toSubscriber(r, counts.get(r.id)!)),
    events: WEBHOOK_EVENTS.map((type) => ({
      type,
      name: WEBHOOK_EVENT_NAMES[type].zh,
      nameEn: WEBHOOK_EVENT_NAMES[type].en,
    })),
  };
}

export async function getSubscriber(deps: AppDeps, actor: Actor, id: string): Promise<Subscriber> {
  const row = await loadSubscriber(deps.db, actor, id);
  return toSubscriber(row, (await countsOf(deps.db, [id])).get(id)!);
}

/**
 * Sets up a receiver at a unit the actor manages; its secret is generated here, kept encrypted and
 * returned this once. Audited (never the secret).
 */
export async function createSubscriber(deps: AppDeps, actor: Actor, body: SubscriberCreateBody) {
  const org = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path', 'name'])
    .where('id', '=', body.orgId)
    .executeTakeFirst();
  if (org === undefined || !canAt(actor, 'webhook.manage', org.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  const url = checkReceiverUrl(body.url);
  const secret = generateSecret();
  const now = deps.clock.now().toISOString();
  const id = newId();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_subscribers')
      .values({
        id,
        name: body.name,
        url,
        secret_enc: deps.pii.encrypt(secret),
        events: eventsText(body.events),
        org_id: org.id,
        org_path: org.path,
        is_active: 1,
        created_by: actor.userId,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'webhook.create',
      targetType: 'webhook_subscriber',
      targetId: id,
      orgId: org.id,
      orgPath: org.path,
      detail: { name: body.name, host: new URL(url).host, events: body.events },
    });
  });
  return { ...(await getSubscriber(deps, actor, id)), secret };
}

/** Renames it, points it elsewhere, changes its events, or switches it off and on; audited. */
export async function updateSubscriber(deps: AppDeps, actor: Actor, id: string, body: SubscriberUpdateBody) {
  const row = await loadSubscriber(deps.db, actor, id);
  const url = body.url === undefined ? undefined : checkReceiverUrl(body.url);
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('webhook_subscribers')
      .set({
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(url !== undefined ? { url } : {}),
        ...(body.events !== undefined ? { events: eventsText(body.events) } : {}),
        ...(body.isActive !== undefined ? { is_active: body.isActive ? 1 : 0 } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'webhook.update',
      targetType: 'webhook_subscriber',
      targetId: id,
      orgId: row.org_id,
      orgPath: row.org_path,
      detail: { changed: Object.keys(body), ...(url !== undefined ? { host: new URL(url).host } : {}) },
    });
  });
  return getSubscriber(deps, actor, id);
}

/** A new secret, returned this once; the old one stops signing at once. Audited. */
export async function rotateSubscriberSecret(deps: AppDeps, actor: Actor, id: string) {
  const row = await loadSubscriber(deps.db, actor, id);
  const secret = generateSecret();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('webhook_subscribers')
      .set({ secret_enc: deps.pii.encrypt(secret), updated_at: deps.clock.now().toISOString() })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'webhook.rotate_secret',
      targetType: 'webhook_subscriber',
      targetId: id,
      orgId: row.org_id,
      orgPath: row.org_path,
    });
  });
  return { ...(await getSubscriber(deps, actor, id)), secret };
}

/** Removes a subscriber and its delivery log; audited. */
export async function deleteSubscriber(deps: AppDeps, actor: Actor, id: string): Promise<void> {
  const row = await loadSubscriber(deps.db, actor, id);
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('webhook_deliveries').where('subscriber_id', '=', id).execute();
    await trx.deleteFrom('webhook_subscribers').where('id', '=', id).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'webhook.delete',
      targetType: 'webhook_subscriber',
      targetId: id,
      orgId: row.org_id,
      orgPath: row.org_path,
      detail: { name: row.name },
    });
  });
}

/** A subscriber's delivery log, newest first: state, attempts, last HTTP code and error, next try. */
export async function listSubscriberDeliveries(deps: AppDeps, actor: Actor, id: string, query: DeliveriesQuery) {
  await loadSubscriber(deps.db, actor, id);
  let q = deps.db.selectFrom('webhook_deliveries').selectAll().where('subscriber_id', '=', id);
  if (query.status !== undefined) q = q.where('status', '=', query.status);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.pageSize + 1)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return {
    items: rows.slice(0, query.pageSize).map((r) => ({
      id: r.id,
      eventId: r.event_id,
      eventType: r.event_type,
      caseNumber: caseNumberOf(r.payload),
      status: r.status as DeliveryStatus,
      attempts: r.attempts,
      lastStatusCode: r.last_status_code,
      lastError: r.last_error,
      nextAttemptAt: r.status === 'queued' ? r.next_attempt_at : null,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
      payload: r.payload,
    })),
    hasMore: rows.length > query.pageSize,
  };
}

function caseNumberOf(payload: string): string | null {
  try {
    return (JSON.parse(payload) as { case?: { number?: string } }).case?.number ?? null;
  } catch {
    return null;
  }
}

/**
 * Sends a parked (or delivered) delivery again: queued now with its attempts counted afresh, the
 * same body and event id (the receiver may have seen it: it dedupes by the delivery or event id). Audited.
 */
export async function redeliver(deps: AppDeps, actor: Actor, deliveryId: string): Promise<void> {
  const row = await deps.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_subscribers as s', 's.id', 'd.subscriber_id')
    .select(['d.id', 'd.status', 's.org_id', 's.org_path', 's.id as subscriber_id'])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (row === undefined || !canAt(actor, 'webhook.manage', row.org_path)) throw notFound(DELIVERY);
  if (row.status !== 'parked' && row.status !== 'delivered') {
    throw new AppError('INVALID_STATE', {
      zh: '该推送正在等待发送，无需重发',
      en: 'This delivery is still queued; it will be tried again by itself',
    });
  }
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'queued', attempts: 0, next_attempt_at: now, claim_token: null, updated_at: now })
      .where('id', '=', deliveryId)
      .where('status', '=', row.status)
      .execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'webhook.redeliver',
      targetType: 'webhook_delivery',
      targetId: deliveryId,
      orgId: row.org_id,
      orgPath: row.org_path,
      detail: { subscriberId: row.subscriber_id, was: row.status },
    });
  });
}
