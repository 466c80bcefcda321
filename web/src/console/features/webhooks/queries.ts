import type { paths } from '../../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type SubscriberList = Json<paths['/api/v1/webhooks']['get']['responses'][200]>;
export type Subscriber = SubscriberList['items'][number];
export type WebhookEvent = Subscriber['events'][number];
export type DeliveryPage = Json<paths['/api/v1/webhooks/{id}/deliveries']['get']['responses'][200]>;
export type Delivery = DeliveryPage['items'][number];
export type DeliveryStatus = Delivery['status'];

export const webhookKeys = {
  all: ['webhooks'] as const,
  deliveries: (id: string, status: string | undefined, page: number) =>
    ['webhooks', id, 'deliveries', status, page] as const,
};
