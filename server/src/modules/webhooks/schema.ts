import { z } from 'zod';
import { DELIVERY_STATUSES } from './dispatcher.ts';
import { WEBHOOK_EVENTS } from './events.ts';

const Page = {
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
};

const Events = z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length);

export const SubscriberIdParams = z.strictObject({ id: z.string().uuid() });
export const DeliveryIdParams = z.strictObject({ id: z.string().uuid() });

export const SubscriberCreateBody = z.strictObject({
  name: z.string().trim().min(1).max(60),
  /** http or https; checked in the service so a bad one is named in words */
  url: z.string().trim().min(1).max(2000),
  events: Events,
  /** the unit whose cases it hears of */
  orgId: z.string().uuid(),
});
export type SubscriberCreateBody = z.infer<typeof SubscriberCreateBody>;

export const SubscriberUpdateBody = z.strictObject({
  name: z.string().trim().min(1).max(60).optional(),
  url: z.string().trim().min(1).max(2000).optional(),
  events: Events.optional(),
  isActive: z.boolean().optional(),
});
export type SubscriberUpdateBody = z.infer<typeof SubscriberUpdateBody>;

export const SubscribersQuery = z.strictObject({ orgId: z.string().uuid().optional() });
export type SubscribersQuery = z.infer<typeof SubscribersQuery>;

export const Subscriber = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  orgId: z.string(),
  orgName: z.string(),
  isActive: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** deliveries by state: what waits, what was delivered, what is parked */
  counts: z.object({ queued: z.number().int(), delivered: z.number().int(), parked: z.number().int() }),
});
export type Subscriber = z.infer<typeof Subscriber>;

export const SubscriberList = z.object({
  items: z.array(Subscriber),
  events: z.array(z.object({ type: z.enum(WEBHOOK_EVENTS), name: z.string(), nameEn: z.string() })),
});

/** The answer to creating a subscriber or rotating its secret: the only time the secret is shown. */
export const SubscriberWithSecret = Subscriber.extend({ secret: z.string() });

export const DeliveriesQuery = z.strictObject({ ...Page, status: z.enum(DELIVERY_STATUSES).optional() });
export type DeliveriesQuery = z.infer<typeof DeliveriesQuery>;

export const Delivery = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  caseNumber: z.string().nullable(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  /** the JSON body sent, as signed */
  payload: z.string(),
});
export const DeliveriesPage = z.object({ items: z.array(Delivery), hasMore: z.boolean() });
