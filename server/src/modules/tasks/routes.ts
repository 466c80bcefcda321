import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import {
  AnswerResult,
  EmptyBody,
  Outcome,
  ReviewBody,
  TargetParams,
  TaskDetail,
  TaskIdParams,
  TaskList,
  TaskListQuery,
  TaskSendBody,
  TaskSent,
  TaskTargets,
  TaskTargetsQuery,
} from './schema.ts';
import { answerTask, getTask, listTaskTargets, listTasks, reviewRefusal, sendTask } from './service.ts';

const tags = ['tasks'];
const task = { params: { id: 'task' } } as const;
/** A template is named from the shared catalogue every unit may use (reports/templates.ts). */
const sharedTemplate = { none: 'report templates are a shared catalogue every unit may read and copy' } as const;

/** 准入: tasks sent down to communities, admitted or refused against the duty list, answered, reviewed. */
export function taskRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/tasks',
      summary: '向社区下发任务（自动准入审查）/ Send a task to communities (admission checked at once)',
      tags,
      auth: 'task.send',
      scope: {
        body: {
          fromOrgId: 'org',
          templateId: sharedTemplate,
          targetOrgIds: {
            none: "a department's targets lie in its district, beyond its own unit; admission (准入) refuses any outside the sender's reach",
          },
        },
      },
      body: TaskSendBody,
      response: TaskSent,
      status: 201,
      handler: ({ actor, body }) => sendTask(deps, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tasks',
      summary: '已发 / 收到的任务 / Tasks sent or received',
      tags,
      auth: 'authenticated',
      scope: { query: { orgId: { kind: 'org', permission: 'task.read' } } },
      query: TaskListQuery,
      response: TaskList,
      handler: ({ actor, query }) => listTasks(deps, actor, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tasks/targets',
      summary: '可下发任务的社区 / Communities a task may be sent to',
      tags,
      auth: 'task.send',
      scope: { query: { fromOrgId: 'org' } },
      query: TaskTargetsQuery,
      response: TaskTargets,
      handler: ({ actor, query }) => listTaskTargets(deps, actor, query.fromOrgId),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tasks/:id',
      summary: '任务详情与准入结果 / A task with its outcomes',
      tags,
      auth: 'authenticated',
      scope: task,
      params: TaskIdParams,
      response: TaskDetail,
      handler: ({ actor, params }) => getTask(deps, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/tasks/:id/targets/:orgId/answer',
      summary: '以生成的报表报送任务 / Answer a report task with its generated report',
      tags,
      auth: 'report.generate',
      scope: { params: { id: 'task', orgId: 'org' } },
      params: TargetParams,
      body: EmptyBody,
      response: AnswerResult,
      status: 201,
      handler: ({ actor, params }) => answerTask(deps, actor, params.id, params.orgId),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/tasks/:id/targets/:orgId/review',
      summary: '街道复核拒收 / Street review of a refusal',
      tags,
      auth: 'task.read',
      scope: { params: { id: 'task', orgId: 'org' } },
      params: TargetParams,
      body: ReviewBody,
      response: Outcome,
      handler: ({ actor, params, body }) => reviewRefusal(deps, actor, params.id, params.orgId, body),
    }),
  ];
}
