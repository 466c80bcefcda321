import { z } from 'zod';
import { CHANGE_STATES, FACT_FIELDS, FINDING_TOPICS, LINKAGE_KINDS, VISIT_KINDS } from './tables.ts';

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const MAX_BATCH_OPS = 200;

const Id = z.uuid();
const Point = z.strictObject({ lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) });
const DutyCode = z.string().regex(/^[A-Z]{1,6}-\d{1,4}$/, { message: 'Use a duty item code such as HJ-001' });
const Priority = z.enum(['normal', 'urgent']);
const PHONE = /^1\d{10}$|^0\d{2,3}-?\d{7,8}$/;
const TAG_CODE = /^[a-z][a-z0-9_]{1,39}$/;

export const IdParams = z.strictObject({ id: Id });
export const PhotoParams = z.strictObject({ id: Id, photoId: Id });
const Page = {
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
};

// ---- linkage ----

export const LinkageQuery = z.strictObject({ kind: z.enum(LINKAGE_KINDS).optional(), userId: Id.optional(), ...Page });
export type LinkageQuery = z.infer<typeof LinkageQuery>;
export const LinkageCreateBody = z
  .strictObject({
    userId: Id,
    kind: z.enum(LINKAGE_KINDS),
    householdIds: z.array(Id).min(1).max(5000).optional(),
    gridId: Id.optional(),
    buildingId: Id.optional(),
  })
  .superRefine((v, ctx) => {
    const given = [v.householdIds, v.gridId, v.buildingId].filter((x) => x !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['householdIds'],
        message: 'Give exactly one of householdIds, gridId or buildingId',
        params: { zh: '请在住户列表、网格、楼栋中选择一种' },
      });
    }
  });
export type LinkageCreateBody = z.infer<typeof LinkageCreateBody>;
export const LinkageOut = z.object({
  id: z.string(),
  householdId: z.string(),
  address: z.string(),
  userId: z.string(),
  userName: z.string(),
  kind: z.enum(LINKAGE_KINDS),
  createdAt: z.string(),
});
export const LinkagePage = z.object({ items: z.array(LinkageOut), total: z.number().int() });
export const LinkageCreated = z.object({ created: z.number().int(), skipped: z.number().int() });
export const GapQuery = z.strictObject(Page);
export const GapPage = z.object({
  items: z.array(
    z.object({
      householdId: z.string(),
      address: z.string(),
      gridName: z.string(),
      careTags: z.array(z.string()),
    }),
  ),
  total: z.number().int(),
});
export const LinkageLoad = z.object({
  items: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      households: z.number().int(),
      byKind: z.record(z.string(), z.number().int()),
      /** visits she recorded this month (Shanghai) at households under the unit that are linked to her */
      visitsThisMonth: z.number().int(),
    }),
  ),
});

// ---- policies ----

export const PolicyItem = z.strictObject({
  careTag: z.string().regex(TAG_CODE, { message: 'Use a care tag code such as living_alone' }).nullable(),
  intervalDays: z.number().int().min(1).max(365),
});
export const PolicyBody = z.strictObject({ items: z.array(PolicyItem).max(100) });
export type PolicyBody = z.infer<typeof PolicyBody>;
export const PolicyList = z.object({
  items: z.array(
    z.object({
      careTag: z.string().nullable(),
      intervalDays: z.number().int(),
      source: z.enum(['default', 'community']),
    }),
  ),
});

// ---- visits ----

const Fact = z
  .strictObject({
    residentId: Id,
    field: z.enum(FACT_FIELDS),
    value: z.union([z.string().trim().max(500), z.boolean()]),
    baseVersion: z.number().int().min(1),
  })
  .superRefine((f, ctx) => {
    const bad = (en: string, zh: string) =>
      ctx.addIssue({ code: 'custom', path: ['value'], message: en, params: { zh } });
    switch (f.field) {
      case 'phone':
        if (typeof f.value !== 'string' || !PHONE.test(f.value))
          bad('Use a mobile (11 digits) or landline number', '请填写 11 位手机号或固定电话');
        break;
      case 'living_alone':
        if (typeof f.value !== 'boolean') bad('true or false', '请填写是或否');
        break;
      case 'status':
        if (typeof f.value !== 'string' || !['living', 'moved_out', 'deceased'].includes(f.value))
          bad('One of living, moved_out, deceased', '状态须为在住、迁出或去世');
        break;
      case 'notes':
        if (typeof f.value !== 'string') bad('Text', '请填写文字');
        break;
      case 'care_tag_add':
      case 'care_tag_remove':
        if (typeof f.value !== 'string' || !TAG_CODE.test(f.value)) bad('A care tag code', '请填写关爱标签代码');
        break;
    }
  });
export type Fact = z.infer<typeof Fact>;

export const VisitInput = z.strictObject({
  householdId: Id,
  visitedAt: z.iso.datetime({ offset: true }),
  kind: z.enum(VISIT_KINDS),
  location: Point.optional(),
  companionIds: z.array(Id).max(10).optional(),
  findings: z
    .array(z.strictObject({ topic: z.enum(FINDING_TOPICS), note: z.string().trim().max(1000).optional() }))
    .max(FINDING_TOPICS.length),
  note: z.string().trim().max(2000).optional(),
  photoClientIds: z.array(Id).max(9).optional(),
  facts: z.array(Fact).max(20).optional(),
  openCase: z
    .strictObject({
      dutyItemCode: DutyCode.optional(),
      description: z.string().trim().min(2).max(2000),
      priority: Priority.optional(),
    })
    .optional(),
});
export type VisitInput = z.infer<typeof VisitInput>;
export const VisitBody = VisitInput.extend({ clientId: Id });

export const CaseInput = z.strictObject({
  householdId: Id.optional(),
  location: Point.optional(),
  dutyItemCode: DutyCode.optional(),
  description: z.string().trim().min(2).max(2000),
  priority: Priority.optional(),
  photoClientIds: z.array(Id).max(9).optional(),
  visitClientId: Id.optional(),
});
export type CaseInput = z.infer<typeof CaseInput>;

export const HouseholdChangeInput = z
  .strictObject({
    householdId: Id,
    residentId: Id,
    baseVersion: z.number().int().min(1),
    field: z.enum(FACT_FIELDS),
    value: z.union([z.string().trim().max(500), z.boolean()]),
  })
  .superRefine((v, ctx) => {
    const parsed = Fact.safeParse({
      residentId: v.residentId,
      field: v.field,
      value: v.value,
      baseVersion: v.baseVersion,
    });
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom' });
  });
export type HouseholdChangeInput = z.infer<typeof HouseholdChangeInput>;

/** An op of the phone's queue; its payload is checked per kind, so one bad op does not refuse the batch. */
export const SyncOp = z.strictObject({
  clientId: Id,
  kind: z.enum(['visit', 'case', 'household_change']),
  payload: z.unknown(),
});
export type SyncOp = z.infer<typeof SyncOp>;
export const SyncBatchBody = z.strictObject({ ops: z.array(z.unknown()).min(1).max(MAX_BATCH_OPS) });

const ErrorOut = z.object({ code: z.string(), field: z.string(), message_zh: z.string(), message_en: z.string() });
export const SyncResult = z.object({
  clientId: z.string(),
  status: z.enum(['created', 'duplicate', 'stale', 'rejected']),
  id: z.string().optional(),
  caseId: z.string().optional(),
  caseNumber: z.string().optional(),
  /** a visit's facts and what became of each: applied at once, proposed to staff, or stale (based on an old version) */
  facts: z
    .array(z.object({ residentId: z.string().nullable(), field: z.enum(FACT_FIELDS), state: z.enum(CHANGE_STATES) }))
    .optional(),
  error: ErrorOut.optional(),
});
export type SyncResult = z.infer<typeof SyncResult>;
export const SyncBatchResult = z.object({ results: z.array(SyncResult) });
export const PhotoReceipt = z.object({ clientId: z.string(), photoId: z.string() });

export const FactOut = z.object({
  id: z.string(),
  residentId: z.string().nullable(),
  field: z.enum(FACT_FIELDS),
  value: z.union([z.string(), z.boolean(), z.null()]).describe('a phone is masked'),
  state: z.enum(CHANGE_STATES),
});
export const VisitOut = z.object({
  id: z.string(),
  householdId: z.string(),
  address: z.string(),
  visitedAt: z.string(),
  kind: z.enum(VISIT_KINDS),
  visitors: z.array(z.object({ id: z.string(), name: z.string() })),
  location: z.object({ lng: z.number(), lat: z.number() }).nullable(),
  findings: z.array(z.object({ topic: z.enum(FINDING_TOPICS), note: z.string().nullable() })),
  note: z.string().nullable(),
  photos: z.array(z.object({ id: z.string(), url: z.string() })),
  caseIds: z.array(z.string()),
  facts: z.array(FactOut),
  createdAt: z.string(),
});
export type VisitOut = z.infer<typeof VisitOut>;
export const VisitList = z.object({ items: z.array(VisitOut) });
export const VisitRecorded = z.object({
  visit: VisitOut,
  caseId: z.string().nullable(),
  caseNumber: z.string().nullable(),
});

// ---- household changes ----

export const ChangeQuery = z.strictObject({ state: z.enum(['proposed', 'stale']).optional(), ...Page });
export const ChangeOut = z.object({
  id: z.string(),
  householdId: z.string(),
  address: z.string(),
  residentId: z.string().nullable(),
  residentName: z.string().nullable(),
  field: z.enum(FACT_FIELDS),
  value: z.union([z.string(), z.boolean(), z.null()]).describe('a phone is masked'),
  baseVersion: z.number().int(),
  currentVersion: z.number().int().nullable(),
  state: z.enum(CHANGE_STATES),
  proposedBy: z.object({ id: z.string(), name: z.string() }),
  visitId: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
});
export const ChangeList = z.object({ items: z.array(ChangeOut), total: z.number().int() });
export const RejectBody = z.strictObject({ reason: z.string().trim().max(500).optional() });

// ---- coverage and the field cache ----

export const CoverageQuery = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'Use YYYY-MM' })
    .optional(),
});
const Figures = {
  households: z.number().int(),
  due: z.number().int(),
  overdue: z.number().int(),
  visitedThisMonth: z.number().int(),
  neverVisited: z.number().int(),
};
const UnitOut = z.object({ id: z.string(), name: z.string(), level: z.string() });
export const Coverage = z.object({
  unit: UnitOut,
  month: z.string(),
  ...Figures,
  children: z.array(z.object({ unit: UnitOut, ...Figures })),
  workers: z.array(z.object({ userId: z.string(), name: z.string(), ...Figures })),
});
export type Coverage = z.infer<typeof Coverage>;

/** A visit asked for at a household (visit-requests.ts), as the today list shows it. */
export const VisitRequestCached = z.object({
  id: z.string(),
  source: z.object({ kind: z.string(), id: z.string() }),
  reasonCode: z.string(),
  reasonZh: z.string(),
  reasonEn: z.string(),
  requestedAt: z.string(),
  dueOn: z.string(),
});

export const FieldCache = z.object({
  generatedAt: z.string(),
  worker: z.object({ id: z.string(), name: z.string() }),
  dutyItems: z.array(z.object({ code: z.string(), name: z.string(), kind: z.string() })),
  households: z.array(
    z.object({
      id: z.string(),
      version: z.number().int(),
      address: z.string(),
      orgId: z.string(),
      gridName: z.string(),
      communityName: z.string(),
      lng: z.number().nullable(),
      lat: z.number().nullable(),
      careTags: z.array(z.string()),
      lastVisitAt: z.string().nullable(),
      nextDueAt: z.string().nullable(),
      urgency: z.enum(['overdue', 'due', 'ok', 'never']),
      /** visits asked for here and not yet made (visit-requests.ts): they put the household on today's list */
      requests: z.array(VisitRequestCached),
      members: z.array(
        z.object({
          id: z.string(),
          version: z.number().int(),
          name: z.string(),
          gender: z.string(),
          age: z.number().int(),
          relation: z.string(),
          phoneMasked: z.string().nullable(),
          careTags: z.array(z.string()),
        }),
      ),
    }),
  ),
});
export type FieldCache = z.infer<typeof FieldCache>;

export const AppointmentParams = z.strictObject({ id: Id, appointmentId: Id });
export const AppointmentBody = z.strictObject({
  at: z.iso.datetime({ offset: true }).describe('when she will come (ISO 8601 with offset)'),
  note: z.string().trim().max(200).optional().describe('what to have ready, e.g. 请准备好户口本'),
});
const Appointment = z.object({
  id: z.string(),
  householdId: z.string(),
  at: z.string(),
  note: z.string().nullable(),
  status: z.enum(['planned', 'cancelled']),
  workerName: z.string(),
  createdAt: z.string(),
  cancelledAt: z.string().nullable(),
});
export const AppointmentOut = z.object({ appointment: Appointment, told: z.number().int() });
export const AppointmentList = z.object({ items: z.array(Appointment) });
