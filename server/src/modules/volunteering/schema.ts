import { z } from 'zod';

const Id = z.uuid();
const Instant = z.iso.datetime({ offset: true });

export const IdParams = z.strictObject({ id: Id });
export const OrgQuery = z.strictObject({ orgId: Id });

export const ActivityBody = z.strictObject({
  orgId: Id,
  kind: z.enum(['activity', 'need']).describe('activity: many slots; need (认领): usually one'),
  title: z.string().trim().min(1).max(100),
  description: z.string().trim().max(2000).optional(),
  place: z.string().trim().max(200).optional(),
  startsAt: Instant,
  endsAt: Instant,
  slots: z.number().int().min(1).max(500),
  ruleCode: z.string().min(1).max(40).optional().describe('the points rule its hours earn by (volunteer_hour)'),
  needRef: Id.optional().describe('the alliance need (需求清单) it answers'),
});
export const Activity = z.object({
  id: z.string(),
  orgId: z.string(),
  kind: z.enum(['activity', 'need']),
  title: z.string(),
  description: z.string().nullable(),
  place: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  slots: z.number().int(),
  taken: z.number().int(),
  ruleCode: z.string(),
  needRef: z.string().nullable(),
  status: z.enum(['published', 'cancelled', 'closed']),
  createdByName: z.string(),
  createdAt: z.string(),
});
export const Signup = z.object({
  id: z.string(),
  activityId: z.string(),
  volunteerName: z.string(),
  status: z.enum(['signed', 'cancelled', 'checked_in', 'checked_out', 'confirmed']),
  createdAt: z.string(),
  checkedInAt: z.string().nullable(),
  checkedInVia: z.enum(['qr', 'staff']).nullable(),
  checkedOutAt: z.string().nullable(),
  checkedOutVia: z.enum(['qr', 'staff']).nullable(),
  minutes: z.number().int().nullable(),
  confirmedAt: z.string().nullable(),
  confirmedByName: z.string().nullable(),
  points: z.number().int().nullable(),
});
export const ActivityList = z.object({ items: z.array(Activity) });
export const ActivityDetail = Activity.extend({ checkinCode: z.string(), signups: z.array(Signup) });
export const MyActivityList = z.object({ items: z.array(Activity.extend({ mine: Signup.nullable() })) });

export const ScanBody = z.strictObject({
  code: z.string().min(1).max(64).describe('the secret the QR at the place carries'),
});
export const StaffCheckBody = z.strictObject({
  action: z.enum(['in', 'out']),
  at: Instant.optional().describe('when (default now)'),
});
export const ConfirmBody = z.strictObject({
  minutes: z
    .number()
    .int()
    .min(1)
    .max(1440, { message: 'At most 24 hours (1440 minutes) a day' })
    .optional()
    .describe('the minutes served, when staff correct the checked time'),
});
