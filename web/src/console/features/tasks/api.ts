import { api, unwrap } from '../../../api/client';
import type { TaskDetail, TaskOutcome, TaskSendBody, TaskSummary } from '../../../api/types';

export type { TaskDetail, TaskSendBody, TaskSummary };
export type Outcome = TaskOutcome;

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

export const ADMISSION_RULES = ['no_duty_item', 'unknown_duty_item', 'not_community_duty'] as const;
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
};
