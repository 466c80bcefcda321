import { z } from 'zod';
import { Month } from '../reports/schema.ts';
import { TASK_KINDS } from './tables.ts';

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
});
export type TaskSendBody = z.infer<typeof TaskSendBody>;

export const TaskListQuery = z.strictObject({
  box: z.enum(['sent', 'received']),
  orgId: z.uuid().optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type TaskListQuery = z.infer<typeof TaskListQuery>;

export const TaskIdParams = z.strictObject({ id: z.uuid() });
export const TargetParams = z.strictObject({ id: z.uuid(), orgId: z.uuid() });
export const EmptyBody = z.strictObject({});
export const ReviewBody = z.strictObject({
  decision: z.enum(['uphold', 'admit']),
  reason: z.string().trim().min(2).max(500),
});

const UnitRef = z.object({ id: z.string(), name: z.string(), level: z.string(), code: z.string().nullable() });
export const Outcome = z.object({
  orgId: z.string(),
  orgName: z.string(),
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
});
export const TaskSent = z.object({ id: z.string(), outcomes: z.array(Outcome) });
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
});
export const TaskList = z.object({ items: z.array(TaskItem), total: z.number() });
export const TaskDetail = TaskItem.extend({
  description: z.string().nullable(),
  templateName: z.string().nullable(),
  outcomes: z.array(Outcome),
});
export const AnswerResult = z.object({ reportId: z.string(), filledCells: z.number(), typedCells: z.number() });

export const TaskTargetsQuery = z.strictObject({ fromOrgId: z.uuid().optional() });
export const TaskTargets = z.object({
  fromOrgId: z.string(),
  items: z.array(
    z.object({ id: z.string(), name: z.string(), code: z.string().nullable(), parentName: z.string().nullable() }),
  ),
});
