import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import {
  DeliveriesPage,
  DeliveriesQuery,
  DeliveryIdParams,
  Subscriber,
  SubscriberCreateBody,
  SubscriberIdParams,
  SubscriberList,
  SubscribersQuery,
  SubscriberUpdateBody,
  SubscriberWithSecret,
} from './schema.ts';
import {
  createSubscriber,
  deleteSubscriber,
  getSubscriber,
  listSubscriberDeliveries,
  listSubscribers,
  redeliver,
  rotateSubscriberSecret,
  updateSubscriber,
} from './service.ts';

const tags = ['webhooks'];

/** Subscribers of signed case events (12345, 一网统管, partners), their delivery log and redelivery. */
export function webhookRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/webhooks',
      summary: '推送订阅列表 / Webhook subscribers at units I manage',
      tags,
      auth: 'webhook.manage',
      scope: { query: { orgId: 'org' } },
      query: SubscribersQuery,
      response: SubscriberList,
      handler: ({ actor, query }) => listSubscribers(deps, actor, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/webhooks',
      summary: '新建推送订阅（密钥仅显示一次）/ Create a webhook subscriber (the secret is shown once)',
      tags,
      auth: 'webhook.manage',
      scope: { body: { orgId: 'org' } },
      body: SubscriberCreateBody,
      response: SubscriberWithSecret,
      status: 201,
      handler: ({ actor, body }) => createSubscriber(deps, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/webhooks/:id',
      summary: '推送订阅 / One webhook subscriber',
      tags,
      auth: 'webhook.manage',
      scope: { params: { id: 'webhookSubscriber' } },
      params: SubscriberIdParams,
      response: Subscriber,
      handler: ({ actor, params }) => getSubscriber(deps, actor, params.id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/webhooks/:id',
      summary: '修改推送订阅（名称、地址、事件、启停）/ Change a webhook subscriber',
      tags,
      auth: 'webhook.manage',
      scope: { params: { id: 'webhookSubscriber' } },
      params: SubscriberIdParams,
      body: SubscriberUpdateBody,
      response: Subscriber,
      handler: ({ actor, params, body }) => updateSubscriber(deps, actor, params.id, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/webhooks/:id/secret',
      summary: '更换签名密钥（新密钥仅显示一次）/ Rotate the signing secret (shown once)',
      tags,
      auth: 'webhook.manage',
      scope: { params: { id: 'webhookSubscriber' } },
      params: SubscriberIdParams,
      response: SubscriberWithSecret,
      handler: ({ actor, params }) => rotateSubscriberSecret(deps, actor, params.id),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/webhooks/:id',
      summary: '删除推送订阅及其推送记录 / Delete a webhook subscriber and its delivery log',
      tags,
      auth: 'webhook.manage',
      scope: { params: { id: 'webhookSubscriber' } },
      params: SubscriberIdParams,
      response: null,
      status: 204,
      handler: async ({ actor, params }) => {
        await deleteSubscriber(deps, actor, params.id);
        return null;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/webhooks/:id/deliveries',
      summary: '推送记录（状态、HTTP 状态码、错误、次数、下次重试）/ A subscriber’s delivery log',
      tags,
      auth: 'webhook.manage',
      scope: { params: { id: 'webhookSubscriber' } },
      params: SubscriberIdParams,
      query: DeliveriesQuery,
      response: DeliveriesPage,
      handler: ({ actor, params, query }) => listSubscriberDeliveries(deps, actor, params.id, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/webhook-deliveries/:id/redeliver',
      summary: '重新推送（已搁置或已送达的）/ Redeliver a parked or delivered delivery',
      tags,
      auth: 'webhook.manage',
      scope: { params: { id: 'webhookDelivery' } },
      params: DeliveryIdParams,
      response: null,
      status: 204,
      handler: async ({ actor, params }) => {
        await redeliver(deps, actor, params.id);
        return null;
      },
    }),
  ];
}
