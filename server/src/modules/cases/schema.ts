import { z } from 'zod';
import { Cursor } from '../../platform/http/keyset.ts';
import { CASE_CHANNELS, CASE_EVENT_KINDS, CASE_STATUSES } from './tables.ts';

export const MAX_PHOTOS = 9;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const PHOTO_LIMITS = { field: 'photos', maxCount: MAX_PHOTOS, maxBytes: MAX_PHOTO_BYTES } as const;

const Lng = z.number().min(-180).max(180);
const Lat = z.number().min(-90).max(90);
const Reason = z.string().trim().min(2).max(500);
const DutyCode = z.string().regex(/^[A-Z]{1,6}-\d{1,4}$/, { message: 'Use a duty item code such as HJ-001' });

/** What every channel hands to intake. */
const IntakeFields = {
  dutyCode: DutyCode.optional().describe('the duty item; omitted when the caller cannot tell (routed to the street)'),
  description: z.string().trim().min(2).max(2000),
  priority: z.enum(['normal', 'urgent']).default('normal'),
  lng: Lng.optional(),
  lat: Lat.optional(),
  address: z.string().trim().max(200).optional(),
  householdId: z.uuid().optional(),
  orgId: z.uuid().optional().describe('the grid or community where it happened, when there is no point'),
  contactName: z.string().trim().max(40).optional(),
  contactPhone: z
    .string()
    .trim()
    .regex(/^1\d{10}$|^0\d{2,3}-?\d{7,8}$/, { message: 'Use a mobile (11 digits) or landline number' })
    .optional(),
  isAnonymous: z.boolean().default(false),
};

function checkPoint(v: { lng?: number | undefined; lat?: number | undefined }, ctx: z.RefinementCtx) {
  if ((v.lng === undefined) !== (v.lat === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [v.lng === undefined ? 'lng' : 'lat'],
      message: 'Give both longitude and latitude',
      params: { zh: '经度和纬度须同时提供' },
    });
  }
}

export const StaffIntakeBody = z
  .strictObject({
    ...IntakeFields,
    channel: z.enum(['phone', 'walk_in', 'grid_worker']),
    force: z.boolean().default(false).describe('submit even when open duplicates were offered'),
  })
  .superRefine(checkPoint);
export type StaffIntakeBody = z.infer<typeof StaffIntakeBody>;

export const ResidentIntakeBody = z
  .strictObject({
    ...IntakeFields,
    dutyCode: DutyCode,
    force: z.boolean().default(false),
  })
  .omit({ householdId: true, orgId: true })
  .superRefine(checkPoint);
export type ResidentIntakeBody = z.infer<typeof ResidentIntakeBody>;

export const HotlineTicket = z
  .strictObject({
    ticketNo: z.string().trim().min(1).max(60),
    dutyCode: DutyCode.optional(),
    description: z.string().trim().min(2).max(2000),
    priority: z.enum(['normal', 'urgent']).default('normal'),
    lng: Lng.optional(),
    lat: Lat.optional(),
    address: z.string().trim().max(200).optional(),
    orgCode: z
      .string()
      .regex(/^\d{12}(\d{3})?$/)
      .optional(),
    contactName: z.string().trim().max(40).optional(),
    contactPhone: IntakeFields.contactPhone,
    receivedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine(checkPoint);
export type HotlineTicket = z.infer<typeof HotlineTicket>;
/** Tickets as JSON, or none when the tickets come as an .xlsx file (multipart field `file`). */
export const HotlineImportBody = z.strictObject({ tickets: z.array(z.unknown()).min(1).max(5000).optional() });
export const HotlineImportResult = z.object({
  created: z.number().int(),
  existing: z.number().int(),
  cases: z.array(z.object({ ticketNo: z.string(), caseId: z.string(), number: z.string(), isNew: z.boolean() })),
});

export const DuplicateCandidate = z.object({
  id: z.string(),
  number: z.string(),
  dutyName: z.string().nullable(),
  description: z.string().nullable().describe('only for a case the caller may see whole (staff in scope, her own)'),
  status: z.enum(CASE_STATUSES),
  distanceMeters: z.number(),
  createdAt: z.string(),
});

export const CaseSummary = z.object({
  id: z.string(),
  number: z.string(),
  channel: z.enum(CASE_CHANNELS),
  status: z.enum(CASE_STATUSES),
  priority: z.enum(['normal', 'urgent']),
  dutyCode: z.string().nullable(),
  dutyName: z.string().nullable(),
  isFallback: z.boolean(),
  description: z.string().nullable().describe('null for a case the resident follows: she sees its public summary'),
  address: z.string().nullable(),
  orgName: z.string(),
  handlerOrgId: z.string(),
  handlerName: z.string(),
  dueState: z.enum(['ok', 'due_soon', 'overdue']),
  acceptDueAt: z.string(),
  resolveDueAt: z.string(),
  isSupervised: z.boolean(),
  isEscalated: z.boolean(),
  isPaused: z.boolean(),
  rating: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CaseSummary = z.infer<typeof CaseSummary>;

export const CaseEventOut = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.enum(CASE_EVENT_KINDS),
  isPublic: z.boolean(),
  actorName: z.string().nullable(),
  text: z.string().nullable(),
  photoIds: z.array(z.string()),
});

export const CaseDetail = CaseSummary.extend({
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  orgId: z.string(),
  householdId: z.string().nullable(),
  duty: z
    .object({
      id: z.string(),
      code: z.string(),
      revision: z.number().int(),
      name: z.string(),
      kind: z.string(),
      departmentName: z.string().nullable(),
      legalBasis: z.string(),
    })
    .nullable(),
  escalatedOrgName: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable().describe('masked: 138****5678'),
  isAnonymous: z.boolean(),
  pauseReason: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  isSolved: z.boolean().nullable(),
  ratingComment: z.string().nullable(),
  mergedIntoId: z.string().nullable(),
  version: z.number().int(),
  viewer: z
    .enum(['staff', 'reporter', 'follower'])
    .describe('who the caller is to the case: staff in scope, the resident who reported it, or one who follows it'),
  photoIds: z.array(z.string()),
  timeline: z.array(CaseEventOut),
  /** what the caller may do now (staff: workflow steps; the reporter: rate, reopen) */
  actions: z.array(z.string()),
});
export type CaseDetail = z.infer<typeof CaseDetail>;

export const IntakeResult = z.object({
  case: CaseDetail.nullable(),
  duplicates: z.array(DuplicateCandidate).describe('open cases of the same item nearby, offered instead of a new one'),
});

export const CaseQueueQuery = z.strictObject({
  queue: z.enum(['mine', 'unit', 'due_soon', 'overdue', 'escalated', 'all']).default('all'),
  status: z.enum([...CASE_STATUSES, 'open']).optional(),
  dutyCode: DutyCode.optional(),
  orgId: z.uuid().optional(),
  /** a case number as residents quote it on the phone (SQ…), case and spaces ignored */
  number: z
    .string()
    .trim()
    .max(40)
    .transform((v) => v.replace(/\s+/g, '').toUpperCase())
    .optional(),
  cursor: Cursor.optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
});
export type CaseQueueQuery = z.infer<typeof CaseQueueQuery>;

export const CasePage = z.object({
  items: z.array(CaseSummary),
  total: z.number().int().describe('capped: at most 1,000 are counted'),
  isTotalCapped: z.boolean(),
  pageSize: z.number().int(),
  nextCursor: z.string().nullable().describe('the page of older cases; null on the last page'),
  prevCursor: z.string().nullable().describe('the page of newer cases; null on the first page'),
});

export const CaseIdParams = z.strictObject({ id: z.uuid() });

export const ReassignTargets = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      level: z.string(),
      /** the district or city a department belongs to */
      parentName: z.string().nullable(),
    }),
  ),
});
export const PhotoParams = z.strictObject({ id: z.uuid(), photoId: z.uuid() });

export const VersionedBody = z.strictObject({ version: z.number().int().min(1) });
export const ReasonBody = VersionedBody.extend({ reason: Reason });
export const ResolveBody = VersionedBody.extend({ result: z.string().trim().min(2).max(2000) });
export type ResolveBody = z.infer<typeof ResolveBody>;
export const ReassignBody = ReasonBody.extend({
  toOrgId: z.uuid(),
  dutyCode: DutyCode.optional().describe('re-classify while reassigning'),
});
export const MergeBody = VersionedBody.extend({ intoCaseId: z.uuid() });
export const TextBody = z.strictObject({ text: z.string().trim().min(1).max(2000) });
export const RatingBody = z.strictObject({
  rating: z.number().int().min(1).max(5),
  isSolved: z.boolean(),
  comment: z.string().trim().max(500).optional(),
});
export const RevealBody = z.strictObject({ reason: Reason });
export const RevealedContact = z.object({ contactName: z.string().nullable(), contactPhone: z.string().nullable() });
/** Following a case offered as a duplicate: the place she is reporting from (the case must lie within 200 m of it). */
export const FollowBody = z.strictObject({ lng: Lng.optional(), lat: Lat.optional() }).superRefine(checkPoint);
export type FollowBody = z.infer<typeof FollowBody>;

export const RatesQuery = z.strictObject({
  orgId: z.uuid(),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  dutyCode: DutyCode.optional(),
});
export type RatesQuery = z.infer<typeof RatesQuery>;

export const Rates = z.object({
  received: z.number().int(),
  acceptedOnTime: z.number().int(),
  responseRate: z.number().nullable().describe('accepted within the deadline ÷ received'),
  closed: z.number().int(),
  solved: z.number().int(),
  resolutionRate: z.number().nullable().describe('solved ÷ closed (rejected excluded)'),
  rated: z.number().int(),
  satisfied: z.number().int(),
  satisfactionRate: z.number().nullable().describe('ratings ≥ 4 ÷ rated'),
  meanAcceptHours: z.number().nullable(),
  meanResolveHours: z.number().nullable(),
  overdueNow: z.number().int(),
  everOverdue: z.number().int(),
});
export type Rates = z.infer<typeof Rates>;

export const RatesReport = z.object({
  org: z.object({ id: z.string(), name: z.string(), level: z.string() }),
  from: z.string(),
  to: z.string(),
  total: Rates,
  children: z.array(z.object({ id: z.string(), name: z.string(), level: z.string(), rates: Rates })),
  byItem: z.array(z.object({ code: z.string(), name: z.string(), rates: Rates })),
});
