import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, myRoutes, type RouteDef } from '../../platform/http/route.ts';
import {
  Activity,
  ActivityBody,
  ActivityDetail,
  ActivityList,
  ConfirmBody,
  IdParams,
  MyActivityList,
  OrgQuery,
  ScanBody,
  Signup,
  StaffCheckBody,
} from './schema.ts';
import {
  cancelActivity,
  cancelMySignup,
  confirmHours,
  createActivity,
  getActivity,
  listActivities,
  listMyActivities,
  scanMyCode,
  signUp,
  staffCheck,
} from './service.ts';

const tags = ['volunteering'];
const hers = {
  id: { none: "an activity of the signed-in resident's own community, looked up there by the service" },
} as const;

/** Her own: the signed-in person's routes of this module. */
const mine = myRoutes({ tags, auth: 'case.report' });

export function volunteeringRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/volunteer/activities',
      summary: '志愿活动与需求 / Volunteer activities and needs',
      tags,
      auth: 'volunteer.manage',
      scope: { query: { orgId: 'org' } },
      query: OrgQuery,
      response: ActivityList,
      handler: ({ actor, query }) => listActivities(deps, actor, query.orgId),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/volunteer/activities',
      summary: '发布志愿活动或需求 / Publish an activity or need',
      tags,
      auth: 'volunteer.manage',
      scope: { body: { orgId: 'org', needRef: { none: 'an alliance need it answers, kept as a reference' } } },
      body: ActivityBody,
      response: Activity,
      status: 201,
      handler: ({ actor, body }) => createActivity(deps, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/volunteer/activities/:id',
      summary: '活动详情、签到码与报名 / An activity, its check-in code and sign-ups',
      tags,
      auth: 'volunteer.manage',
      scope: { params: { id: 'volunteerActivity' } },
      params: IdParams,
      response: ActivityDetail,
      handler: ({ actor, params }) => getActivity(deps, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/volunteer/activities/:id/cancel',
      summary: '取消活动 / Cancel an activity',
      tags,
      auth: 'volunteer.manage',
      scope: { params: { id: 'volunteerActivity' } },
      params: IdParams,
      response: Activity,
      handler: ({ actor, params }) => cancelActivity(deps, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/volunteer/signups/:id/check',
      summary: '工作人员代签到/签退 / Staff check a volunteer in or out',
      tags,
      auth: 'volunteer.manage',
      scope: { params: { id: 'volunteerSignup' } },
      params: IdParams,
      body: StaffCheckBody,
      response: Signup,
      handler: ({ actor, params, body }) => staffCheck(deps, actor, params.id, body.action, body.at),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/volunteer/signups/:id/confirm',
      summary: '确认服务时长并发放积分 / Confirm the hours (points are awarded)',
      tags,
      auth: 'volunteer.manage',
      scope: { params: { id: 'volunteerSignup' } },
      params: IdParams,
      body: ConfirmBody,
      response: Signup,
      handler: ({ actor, params, body }) => confirmHours(deps, actor, params.id, body.minutes),
    }),
    // ——— the resident (bound) ———
    mine({
      method: 'GET',
      path: '/volunteer/activities',
      summary: '我所在社区的志愿活动与需求 / Activities and needs of my community',
      response: MyActivityList,
      handler: ({ actor }) => listMyActivities(deps, actor),
    }),
    mine({
      method: 'POST',
      path: '/volunteer/activities/:id/signup',
      summary: '报名/认领 / Sign up or claim',
      scope: { params: hers },
      params: IdParams,
      response: Signup,
      status: 201,
      handler: ({ actor, params }) => signUp(deps, actor, params.id),
    }),
    mine({
      method: 'POST',
      path: '/volunteer/activities/:id/withdraw',
      summary: '取消报名（签到前）/ Withdraw before check-in',
      scope: { params: hers },
      params: IdParams,
      response: Signup,
      handler: ({ actor, params }) => cancelMySignup(deps, actor, params.id),
    }),
    mine({
      method: 'POST',
      path: '/volunteer/activities/:id/scan',
      summary: '扫码签到/签退 / Scan the QR at the place: check in, then out',
      scope: { params: hers },
      params: IdParams,
      body: ScanBody,
      response: Signup,
      handler: ({ actor, params, body }) => scanMyCode(deps, actor, params.id, body.code),
    }),
  ];
}
