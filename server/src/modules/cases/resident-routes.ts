import { z } from 'zod';
import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { submitCase } from './intake.ts';
import { checkPhotos } from './photos.ts';
import { getMyCaseDetail, listMyCases } from './queries.ts';
import { intakeResponse } from './routes.ts';
import {
  CaseDetail,
  CaseIdParams,
  CaseSummary,
  FollowBody,
  IntakeResult,
  PHOTO_LIMITS,
  RatingBody,
  ResidentIntakeBody,
  RevealBody,
} from './schema.ts';
import { joinCase, rateCase, reopenByResident } from './workflow.ts';

const tags = ['my-cases'];
const scoped = { params: { id: 'myCase' } } as const;

/**
 * The resident's side: report, follow, rate, reopen. Only her own cases and those she follows exist for
 * her (others are 404); rating and reopening are the reporter's alone (a follower gets 403).
 */
export function residentCaseRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/my/cases',
      summary: '居民提交诉求（可附至多 9 张照片，multipart：payload + photos）/ Report a case',
      tags,
      auth: 'case.report',
      body: ResidentIntakeBody,
      files: PHOTO_LIMITS,
      response: IntakeResult,
      status: 201,
      handler: async ({ actor, body, files }) => {
        const { force, ...fields } = body;
        const outcome = await submitCase(
          deps,
          { ...fields, channel: 'resident_app', photos: checkPhotos(files), force },
          { actor, permission: 'case.report' },
        );
        return intakeResponse(deps, actor, outcome, true);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/my/cases',
      summary: '我的诉求 / My cases',
      tags,
      auth: 'case.report',
      response: z.object({ items: z.array(CaseSummary) }),
      handler: ({ actor }) => listMyCases(deps, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/my/cases/:id',
      summary: '我的诉求详情 / One of my cases',
      tags,
      auth: 'case.report',
      scope: scoped,
      params: CaseIdParams,
      response: CaseDetail,
      handler: ({ actor, params }) => getMyCaseDetail(deps, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/my/cases/:id/rating',
      summary: '评价（1–5 星）/ Rate a resolved case',
      tags,
      auth: 'case.report',
      scope: scoped,
      params: CaseIdParams,
      body: RatingBody,
      response: CaseDetail,
      handler: async ({ actor, params, body }) => {
        await rateCase(deps, actor, params.id, body);
        return getMyCaseDetail(deps, actor, params.id);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/my/cases/:id/reopen',
      summary: '重新打开（关闭后 7 天内）/ Reopen within 7 days',
      tags,
      auth: 'case.report',
      scope: scoped,
      params: CaseIdParams,
      body: RevealBody,
      response: CaseDetail,
      handler: async ({ actor, params, body }) => {
        await reopenByResident(deps, actor, params.id, body.reason);
        return getMyCaseDetail(deps, actor, params.id);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/my/cases/:id/follow',
      summary:
        '关注附近已有的同类诉求（代替重复提交；须给出所在位置，200 米内）/ Follow a case nearby instead of filing a duplicate',
      tags,
      auth: 'case.report',
      scope: {
        params: {
          id: { none: 'following joins a case that is not hers yet; joinCase decides which cases she may join' },
        },
      },
      params: CaseIdParams,
      body: FollowBody.optional(),
      response: CaseDetail,
      handler: async ({ actor, params, body }) => {
        await joinCase(deps, actor, params.id, body);
        return getMyCaseDetail(deps, actor, params.id);
      },
    }),
  ];
}
