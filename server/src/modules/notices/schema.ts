import { z } from 'zod';

const Id = z.uuid();
const Text = (max: number) => z.string().trim().min(1).max(max);

/** At most this many attachments to a notice, each at most this big. */
export const MAX_ATTACHMENTS = 5;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_LIMITS = { field: 'attachments', maxCount: MAX_ATTACHMENTS, maxBytes: MAX_ATTACHMENT_BYTES };

/**
 * The roles a notice may be sent to, as the platform knows them from its own data. Resident roles select
 * households (with a living member holding the role); staff roles select accounts (every holder of the
 * role at or under the audience's units), told in their bell, with no household follow-up.
 */
export const RESIDENT_ROLES = ['party_member', 'dual_member', 'volunteer', 'council_member'] as const;
export const STAFF_ROLES = ['grid_worker', 'community_staff'] as const;
export const AUDIENCE_ROLES = [...RESIDENT_ROLES, ...STAFF_ROLES] as const;
export type AudienceRole = (typeof AUDIENCE_ROLES)[number];
export type StaffRole = (typeof STAFF_ROLES)[number];
export const isStaffRole = (role: AudienceRole): role is StaffRole => (STAFF_ROLES as readonly string[]).includes(role);

/** One name per role, here and in the console (notices.role.*). */
export const AUDIENCE_ROLE_NAMES: Record<AudienceRole, { zh: string; en: string }> = {
  party_member: { zh: '党员', en: 'Party member' },
  dual_member: { zh: '双报到党员', en: '双报到 member' },
  volunteer: { zh: '志愿者', en: 'Volunteer' },
  council_member: { zh: '议事会成员', en: 'Council member' },
  grid_worker: { zh: '网格员', en: 'Grid worker' },
  community_staff: { zh: '社区工作者', en: 'Community staff' },
};

/**
 * Who a notice goes to: the households at or under the sending unit (or under `unitIds`, grids or
 * compounds below it), narrowed — when given — to those with a living member carrying one of
 * `careTags` (codes or names; `over_80` is the age, as everywhere) and aged at least `minAge`, or to the
 * households of a roster (`householdIds`); `roles` narrows the households to those with a member holding
 * one of its resident roles, and adds the staff holding one of its staff roles at or under the units.
 */
export const NoticeAudience = z.strictObject({
  unitIds: z.array(Id).max(50).optional().describe('grids, compounds or communities at or under orgId; default: orgId'),
  careTags: z.array(Text(50)).max(20).optional().describe('care tag codes or names: a member carrying any of them'),
  minAge: z.number().int().min(0).max(120).optional().describe('a living member at least this old'),
  householdIds: z.array(Id).max(5000).optional().describe('a roster: exactly these households'),
  roles: z
    .array(z.enum(AUDIENCE_ROLES))
    .max(AUDIENCE_ROLES.length)
    .optional()
    .describe(
      'party_member 党员, dual_member 双报到党员, volunteer 志愿者 (hours confirmed), council_member 议事会成员: households with such a member; grid_worker 网格员, community_staff 社区工作者: those staff, by account',
    ),
});
export type NoticeAudience = z.infer<typeof NoticeAudience>;

export const NoticeBody = z.strictObject({
  orgId: Id.describe('the unit it is sent from (its audience lies at or under it)'),
  title: Text(100),
  body: Text(20_000).describe('the notice or policy text'),
  explainer: Text(5_000).optional().describe('说文解策: what it means, in plain words'),
  audience: NoticeAudience,
  followUpDays: z
    .number()
    .int()
    .min(1)
    .max(60)
    .nullable()
    .optional()
    .describe('after this many days unread, households go to their grid workers as visits (default 3; null: never)'),
});
export type NoticeBody = z.infer<typeof NoticeBody>;

export const PreviewBody = NoticeBody.pick({ orgId: true, audience: true });
export const AudiencePreview = z.object({
  households: z.number().int(),
  accounts: z.number().int().describe('resident accounts bound to those households'),
  staff: z.number().int().describe('staff accounts reached by a staff role'),
});

export const NoticeParams = z.strictObject({ id: Id });
export const AttachmentParams = z.strictObject({ id: Id, attachmentId: Id });
export const QuestionParams = z.strictObject({ id: Id });

export const NoticeListQuery = z.strictObject({
  orgId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const Attachment = z.object({ id: z.string(), name: z.string(), mime: z.string(), size: z.number().int() });

export const NoticeSummary = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: z.string(),
  title: z.string(),
  sentAt: z.string(),
  sentByName: z.string(),
  followUpDays: z.number().int().nullable(),
  followedUpAt: z.string().nullable(),
  households: z.number().int(),
  accounts: z.number().int(),
  staff: z.number().int(),
  read: z.number().int(),
  staffRead: z.number().int(),
  explained: z.number().int(),
  questionsOpen: z.number().int(),
});

const Question = z.object({
  id: z.string(),
  body: z.string(),
  askedAt: z.string(),
  address: z.string().nullable(),
  answer: z.string().nullable(),
  isPublic: z.boolean(),
  answeredByName: z.string().nullable(),
  answeredAt: z.string().nullable(),
  caseId: z.string().nullable(),
  caseNumber: z.string().nullable(),
});

export const NoticeDetail = NoticeSummary.extend({
  body: z.string(),
  explainer: z.string().nullable(),
  audience: NoticeAudience,
  attachments: z.array(Attachment),
  questions: z.array(Question),
  /** staff reached by role, each with her own read receipt */
  staffReceipts: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      role: z.enum(STAFF_ROLES),
      unitName: z.string(),
      readAt: z.string().nullable(),
    }),
  ),
});

export const ReceiptQuery = z.strictObject({
  state: z.enum(['all', 'read', 'unread']).default('all'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});

export const Receipts = z.object({
  total: z.number().int(),
  items: z.array(
    z.object({
      householdId: z.string(),
      address: z.string(),
      unitName: z.string(),
      accounts: z.number().int(),
      readAt: z.string().nullable(),
      readers: z.number().int(),
      /** 入户讲解: the visit asked for, and the visit that answered it */
      visit: z
        .object({
          status: z.enum(['open', 'closed', 'withdrawn']),
          requestedAt: z.string(),
          dueOn: z.string(),
          closedAt: z.string().nullable(),
          visitId: z.string().nullable(),
        })
        .nullable(),
    }),
  ),
});

export const FollowUpResult = z.object({ requested: z.number().int(), alreadyRequested: z.number().int() });

export const AnswerBody = z.strictObject({
  answer: Text(5_000),
  isPublic: z.boolean().describe('true: in the notice’s FAQ for everyone it went to; false: to the asker alone'),
});
export const QuestionOut = Question;
export const CaseFromQuestion = z.object({ caseId: z.string(), caseNumber: z.string() });

// ---- the resident's side ----

export const MyNoticeSummary = z.object({
  id: z.string(),
  title: z.string(),
  orgName: z.string(),
  sentAt: z.string(),
  isRead: z.boolean(),
});
export const MyNoticeList = z.object({ items: z.array(MyNoticeSummary), unread: z.number().int() });
export const MyNoticeDetail = MyNoticeSummary.extend({
  body: z.string(),
  explainer: z.string().nullable(),
  attachments: z.array(Attachment),
  /** public answers, and her own questions with their answers */
  faq: z.array(z.object({ question: z.string(), answer: z.string(), answeredAt: z.string() })),
  myQuestions: z.array(
    z.object({
      id: z.string(),
      body: z.string(),
      askedAt: z.string(),
      answer: z.string().nullable(),
      isPublic: z.boolean(),
    }),
  ),
});
export const AskBody = z.strictObject({ body: Text(1_000) });
