import { z } from 'zod';
import { Month } from '../reports/schema.ts';
import { APPROVAL_STATES, ATTENDANCES, TASK_KINDS } from './tables.ts';

const Name = z.string().trim().min(1).max(50);

export const TaskSendBody = z.strictObject({
  title: z.string().trim().min(2).max(200),
  kind: z.enum(TASK_KINDS),
  dutyItemCode: z.string().trim().min(1).max(20).optional(),
  targetOrgIds: z.array(z.uuid()).min(1).max(2000),
  templateId: z.uuid().optional(),
  period: Month.optional(),
  dueAt: z.iso.datetime({ offset: true }).optional(),
  description: z.string().trim().max(2000).optional(),
  fromOrgId: z.uuid().optional(),
  /** a meeting: when it starts, how long (minutes), where or by which video link, who must attend */
  meeting: z
    .strictObject({
      startsAt: z.iso.datetime({ offset: true }),
      minutes: z.number().int().min(10).max(600),
      place: z.string().trim().min(2).max(200).optional(),
      videoUrl: z
        .url({ protocol: /^https?$/ })
        .max(500)
        .optional(),
      attendees: z.array(Name).max(20),
      allowVideo: z.boolean().default(false),
      allowWritten: z.boolean().default(false),
    })
    .optional(),
  /** a document: a reply is asked, not only "read" */
  replyRequired: z.boolean().optional(),
  /** an inspection: the checklist the community goes through */
  checklist: z.array(z.string().trim().min(2).max(100)).max(50).optional(),
  /** the overlapping task this one joins instead of being sent again (one answer, several requesters) */
  mergeIntoTaskId: z.uuid().optional(),
  /** send although an overlapping task was sent: the sender was told and chose to */
  sendSeparately: z.boolean().optional(),
});
export type TaskSendBody = z.infer<typeof TaskSendBody>;

export const TaskListQuery = z.strictObject({
  box: z.enum(['sent', 'received']),
  orgId: z.uuid().optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type TaskListQuery = z.infer<typeof TaskListQuery>;

export const Overlap = z.object({
  taskId: z.string(),
  title: z.string(),
  kind: z.string(),
  fromOrgName: z.string(),
  period: z.string().nullable(),
  sharedTargets: z.number(),
  /** same duty item, same report template, or a template asking the same figures */
  reason: z.enum(['same_item', 'same_template', 'same_metrics']),
  /** the task answers everything the new one asks: merging loses nothing */
  canMerge: z.boolean(),
});
export const OverlapList = z.object({ items: z.array(Overlap) });

export const MeetingRecord = z.strictObject({
  kind: z.literal('meeting'),
  attendance: z.enum(ATTENDANCES),
  /** who attended (in person or by video) */
  attendees: z.array(Name).max(20).default([]),
  /** the written input sent instead of attending */
  writtenInput: z.string().trim().max(2000).optional(),
  summary: z.string().trim().max(1000).optional(),
});
export const DocumentRecord = z.strictObject({
  kind: z.literal('document'),
  reply: z.string().trim().max(2000).optional(),
});
export const InspectionRecord = z.strictObject({
  kind: z.literal('inspection'),
  inspectedOn: z.iso.date(),
  checklist: z.array(z.strictObject({ item: z.string().trim().min(1).max(100), isOk: z.boolean() })).max(50),
  findings: z.string().trim().min(2).max(2000),
  /** problems found that need handling: each opens a case at the community through intake */
  followUps: z
    .array(
      z.strictObject({
        description: z.string().trim().min(4).max(1000),
        dutyItemCode: z.string().trim().min(1).max(20).optional(),
        address: z.string().trim().max(200).optional(),
      }),
    )
    .max(20)
    .default([]),
});
/** a signboard or other task: done, with a note of what was done */
export const OtherRecord = z.strictObject({
  kind: z.literal('other'),
  note: z.string().trim().min(2).max(1000),
});
export const TaskRecordBody = z.discriminatedUnion('kind', [
  MeetingRecord,
  DocumentRecord,
  InspectionRecord,
  OtherRecord,
]);
export type TaskRecordBody = z.infer<typeof TaskRecordBody>;
export const ReturnBody = z.strictObject({ comment: z.string().trim().min(2).max(500) });

export const TaskIdParams = z.strictObject({ id: z.uuid() });
export const TargetParams = z.strictObject({ id: z.uuid(), orgId: z.uuid() });
export const EmptyBody = z.strictObject({});
export const ReviewBody = z.strictObject({
  decision: z.enum(['uphold', 'admit']),
  reason: z.string().trim().min(2).max(500),
});

const Difference = z.object({ row: z.string(), column: z.string(), approved: z.unknown(), now: z.unknown() });
const UnitRef = z.object({ id: z.string(), name: z.string(), level: z.string(), code: z.string().nullable() });
export const Outcome = z.object({
  orgId: z.string(),
  orgName: z.string(),
  /** a community or a street */
  orgLevel: z.string(),
  /** the caller stands at the level above this target: she approves or returns its report */
  canJudge: z.boolean(),
  status: z.enum(['admitted', 'refused']),
  reason_zh: z.string().nullable(),
  reason_en: z.string().nullable(),
  rule: z.string().nullable(),
  reportId: z.string().nullable(),
  answeredAt: z.string().nullable(),
  filledCells: z.number().nullable(),
  typedCells: z.number().nullable(),
  review: z
    .object({
      decision: z.string(),
      reason: z.string().nullable(),
      reviewerName: z.string().nullable(),
      at: z.string(),
    })
    .nullable(),
  doneAt: z.string().nullable(),
  /** the community's record of a meeting, document or inspection */
  record: z.record(z.string(), z.unknown()).nullable(),
  isOverdue: z.boolean(),
  approval: z
    .object({
      state: z.enum(APPROVAL_STATES),
      comment: z.string().nullable(),
      byName: z.string().nullable(),
      at: z.string().nullable(),
      approvedReportId: z.string().nullable(),
      /** cells where the answer waiting for approval differs from the approved one */
      difference: z.array(Difference),
    })
    .nullable(),
});
export const TaskSent = z.object({ id: z.string(), merged: z.boolean(), outcomes: z.array(Outcome) });
export const TaskItem = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.string(),
  dutyItemCode: z.string().nullable(),
  dutyItemName: z.string().nullable(),
  fromOrg: UnitRef,
  createdAt: z.string(),
  dueAt: z.string().nullable(),
  period: z.string().nullable(),
  templateId: z.string().nullable(),
  targets: z.number(),
  admitted: z.number(),
  refused: z.number(),
  answered: z.number(),
  done: z.number(),
  overdue: z.number(),
  approved: z.number(),
});
export const TaskList = z.object({ items: z.array(TaskItem), total: z.number() });
export const Rollup = z.object({
  orgId: z.string(),
  orgName: z.string(),
  /** the caller stands at the level above the street: she approves or returns its roll-up */
  canJudge: z.boolean(),
  /** pending: communities not all approved; ready: the district may approve; changed: approved, then a correction was approved below */
  state: z.enum(['pending', 'ready', 'approved', 'returned', 'changed']),
  communities: z.number(),
  approvedCommunities: z.number(),
  comment: z.string().nullable(),
  byName: z.string().nullable(),
  at: z.string().nullable(),
  table: z.object({ header: z.array(z.string()), rows: z.array(z.array(z.unknown())), totals: z.array(z.unknown()) }),
  difference: z.array(Difference),
});
export const ApprovalStep = z.object({
  orgId: z.string(),
  orgName: z.string(),
  level: z.string(),
  action: z.string(),
  comment: z.string().nullable(),
  reportId: z.string().nullable(),
  actorName: z.string().nullable(),
  at: z.string(),
});
export const TaskDetail = TaskItem.extend({
  description: z.string().nullable(),
  templateName: z.string().nullable(),
  meeting: z
    .object({
      startsAt: z.string().nullable(),
      minutes: z.number().nullable(),
      place: z.string().nullable(),
      videoUrl: z.string().nullable(),
      attendees: z.array(z.string()),
      allowVideo: z.boolean(),
      allowWritten: z.boolean(),
    })
    .nullable(),
  replyRequired: z.boolean(),
  checklist: z.array(z.string()),
  requesters: z.array(z.object({ orgId: z.string(), orgName: z.string(), title: z.string(), at: z.string() })),
  isSender: z.boolean(),
  outcomes: z.array(Outcome),
  rollups: z.array(Rollup),
  steps: z.array(ApprovalStep),
});
export const AnswerResult = z.object({ reportId: z.string(), filledCells: z.number(), typedCells: z.number() });
export const RollupParams = z.strictObject({ id: z.uuid(), orgId: z.uuid() });

export const TaskTargetsQuery = z.strictObject({ fromOrgId: z.uuid().optional() });
export const TaskTargets = z.object({
  fromOrgId: z.string(),
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      code: z.string().nullable(),
      /** community or street */
      level: z.string(),
      parentName: z.string().nullable(),
    }),
  ),
});
