import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import {
  DeliveriesPage,
  DeliveriesQuery,
  MarkMessagesReadBody,
  MessageIdParams,
  MyMessagesPage,
  MyMessagesQuery,
  Preferences,
  PreferencesBody,
} from './schema.ts';
import {
  getPreferences,
  listDeliveries,
  listMyMessages,
  markMyMessageRead,
  markMyMessagesRead,
  updatePreferences,
} from './service.ts';

const tags = ['messages'];

/** The bell, her channel choices, and the delivery status staff read for the people in their scope. */
export function messageRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/messages/mine',
      summary: '我的消息（站内）/ My in-app messages',
      tags,
      auth: 'authenticated',
      query: MyMessagesQuery,
      response: MyMessagesPage,
      handler: ({ actor, query }) => listMyMessages(deps, actor, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/messages/mine/:id/read',
      summary: '标记为已读 / Mark one of my messages read',
      tags,
      auth: 'authenticated',
      scope: {
        params: { id: { none: "a message is its recipient's own: the service answers 404 for anyone else's" } },
      },
      params: MessageIdParams,
      response: null,
      status: 204,
      handler: async ({ actor, params }) => {
        await markMyMessageRead(deps, actor, params.id);
        return null;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/messages/mine/read',
      summary: '标记为已读（不传 ids 则全部）/ Mark my messages read (all when no ids)',
      tags,
      auth: 'authenticated',
      scope: { body: { ids: { none: "only the caller's own messages are marked" } } },
      body: MarkMessagesReadBody,
      response: null,
      status: 204,
      handler: async ({ actor, body }) => {
        await markMyMessagesRead(deps, actor, body.ids);
        return null;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/messages/preferences',
      summary: '消息设置：各类消息的渠道、免打扰时段 / My message channels and quiet hours',
      tags,
      auth: 'authenticated',
      response: Preferences,
      handler: ({ actor }) => getPreferences(deps, actor),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/messages/preferences',
      summary: '修改消息设置 / Change my message channels and quiet hours',
      tags,
      auth: 'authenticated',
      body: PreferencesBody,
      response: Preferences,
      handler: ({ actor, body }) => updatePreferences(deps, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/messages/deliveries',
      summary: '消息投递状态（辖区内人员）/ Delivery status of messages to people in scope',
      tags,
      auth: 'user.read',
      scope: { query: { orgId: 'org' } },
      query: DeliveriesQuery,
      response: DeliveriesPage,
      handler: ({ actor, query }) => listDeliveries(deps, actor, query),
    }),
  ];
}
