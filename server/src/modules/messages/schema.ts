import { z } from 'zod';
import { CHANNELS, MESSAGE_KIND_NAMES } from './kinds.ts';
import { MESSAGE_STATUSES } from './outbox.ts';

const Page = {
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
};

export const MyMessagesQuery = z.strictObject({ ...Page, isUnreadOnly: z.enum(['true', 'false']).optional() });
export type MyMessagesQuery = z.infer<typeof MyMessagesQuery>;

export const MessageIdParams = z.strictObject({ id: z.string().uuid() });

/** Mark read: the ids given, or (none given) all her unread messages. */
export const MarkMessagesReadBody = z.strictObject({ ids: z.array(z.uuid()).max(200).optional() });

export const MyMessage = z.object({
  id: z.string(),
  kind: z.string(),
  /** the case it is about, when it is about one (the bell opens it) */
  caseId: z.string().nullable(),
  title: z.string(),
  titleEn: z.string(),
  createdAt: z.string(),
  isRead: z.boolean(),
});

export const MyMessagesPage = z.object({
  items: z.array(MyMessage),
  unread: z.number().int(),
  hasMore: z.boolean(),
});

const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

export const QuietHoursBody = z
  .strictObject({ start: Clock, end: Clock })
  .refine((q) => q.start !== q.end, { message: 'start and end must differ', path: ['end'] });

export const Preferences = z.object({
  kinds: z.array(
    z.object({
      kind: z.string(),
      label: z.string(),
      labelEn: z.string(),
      /** who receives it: the phone's settings show resident kinds, the console's staff kinds */
      audience: z.enum(['resident', 'staff', 'anyone']),
      channels: z.array(z.enum(CHANNELS)),
      isChoosable: z.boolean(),
      isUrgent: z.boolean(),
      /** by SMS and WeChat it reaches her only in the daily digest */
      isDigested: z.boolean(),
    }),
  ),
  quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
});
export type Preferences = z.infer<typeof Preferences>;

export const PreferencesBody = z.strictObject({
  /** kind → channels; kinds left out keep their current choice */
  kinds: z
    .partialRecord(z.enum(MESSAGE_KIND_NAMES as [string, ...string[]]), z.array(z.enum(CHANNELS)).max(CHANNELS.length))
    .optional(),
  /** null turns quiet hours off */
  quietHours: QuietHoursBody.nullable().optional(),
});
export type PreferencesBody = z.infer<typeof PreferencesBody>;

export const DeliveriesQuery = z.strictObject({
  ...Page,
  orgId: z.string().uuid().optional(),
  status: z.enum(MESSAGE_STATUSES).optional(),
  channel: z.enum(CHANNELS).optional(),
});
export type DeliveriesQuery = z.infer<typeof DeliveriesQuery>;

export const Delivery = z.object({
  id: z.string(),
  recipientUserId: z.string().nullable(),
  recipientName: z.string().nullable(),
  kind: z.string(),
  channel: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

export const DeliveriesPage = z.object({ items: z.array(Delivery), hasMore: z.boolean() });
