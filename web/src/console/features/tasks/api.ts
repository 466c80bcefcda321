import { api, unwrap } from '../../../api/client';
import type { paths } from '../../../api/schema';
import type { TaskDetail, TaskOutcome, TaskSendBody, TaskSummary } from '../../../api/types';

export type { TaskDetail, TaskSendBody, TaskSummary };
export type Outcome = TaskOutcome;
export type Rollup = TaskDetail['rollups'][number];
export type TaskRecordBody = NonNullable<
  paths['/api/v1/tasks/{id}/targets/{orgId}/record']['post']['requestBody']
>['content']['application/json'];
export type Overlap = Awaited<ReturnType<typeof tasksApi.overlaps>>['items'][number];

export const APPROVAL_STATES = ['submitted', 'returned', 'approved'] as const;
export const ROLLUP_STATES = ['pending', 'ready', 'approved', 'returned', 'changed'] as const;
export const ATTENDANCES = ['in_person', 'video', 'written'] as const;

export const TASK_KINDS = [
  'report',
  'meeting',
  'inspection',
  'signboard',
  'document',
  'other',
] as const satisfies readonly TaskSendBody['kind'][];
export type TaskKind = (typeof TASK_KINDS)[number];

/** A kind from the server as one the console names; an unknown one reads as 'other'. */
export const kindOf = (kind: string): TaskKind => TASK_KINDS.find((k) => k === kind) ?? 'other';

export const ADMISSION_RULES = ['no_duty_item', 'unknown_duty_item', 'not_community_duty', 'not_street_duty'] as const;
export type AdmissionRule = (typeof ADMISSION_RULES)[number];
export const ruleOf = (rule: string | null): AdmissionRule | undefined => ADMISSION_RULES.find((r) => r === rule);

export type TaskBox = 'sent' | 'received';

const target = (id: string, orgId: string) => ({ params: { path: { id, orgId } } });

export const tasksApi = {
  send: (body: TaskSendBody) => unwrap(api.POST('/api/v1/tasks', { body })),
  list: (query: { box: TaskBox; orgId?: string; page?: number; pageSize?: number }) =>
    unwrap(api.GET('/api/v1/tasks', { params: { query } })),
  detail: (id: string) => unwrap(api.GET('/api/v1/tasks/{id}', { params: { path: { id } } })),
  answer: (id: string, orgId: string) =>
    unwrap(api.POST('/api/v1/tasks/{id}/targets/{orgId}/answer', { ...target(id, orgId), body: {} })),
  review: (id: string, orgId: string, body: { decision: 'uphold' | 'admit'; reason: string }) =>
    unwrap(api.POST('/api/v1/tasks/{id}/targets/{orgId}/review', { ...target(id, orgId), body })),
  overlaps: (body: TaskSendBody) => unwrap(api.POST('/api/v1/tasks/overlaps', { body })),
  record: (id: string, orgId: string, body: TaskRecordBody) =>
    unwrap(api.POST('/api/v1/tasks/{id}/targets/{orgId}/record', { ...target(id, orgId), body })),
  approve: (id: string, orgId: string) =>
    unwrap(api.POST('/api/v1/tasks/{id}/targets/{orgId}/approve', { ...target(id, orgId), body: {} })),
  returnReport: (id: string, orgId: string, comment: string) =>
    unwrap(api.POST('/api/v1/tasks/{id}/targets/{orgId}/return', { ...target(id, orgId), body: { comment } })),
  approveRollup: (id: string, orgId: string) =>
    unwrap(api.POST('/api/v1/tasks/{id}/rollups/{orgId}/approve', { ...target(id, orgId), body: {} })),
  returnRollup: (id: string, orgId: string, comment: string) =>
    unwrap(api.POST('/api/v1/tasks/{id}/rollups/{orgId}/return', { ...target(id, orgId), body: { comment } })),
};
