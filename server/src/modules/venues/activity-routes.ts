import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import {
  cancelSignup,
  checkInSignup,
  createActivity,
  listActivitiesInScope,
  listMyActivities,
  listSignups,
  signUp,
} from './activities.ts';
import { getVenueFigures } from './figures.ts';
import {
  ActivityBody,
  ActivityList,
  ActivityOut,
  ActivityQuery,
  CheckInBody,
  Figures,
  FiguresQuery,
  IdParams,
  SignupList,
  SignupOut,
} from './schema.ts';

const tags = ['venues'];

/** Activities (sign-up with a waiting list, check-in, the participant list) and the centres' figures. */
export function activityRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/venue-activities',
      summary: '发布活动（在活动室举办则同时占用该时段）/ Publish an activity (its room is booked for it)',
      tags,
      auth: 'venue.manage',
      scope: { body: { centreId: 'venueCentre', spaceId: 'venueSpace' } },
      body: ActivityBody,
      response: ActivityOut,
      status: 201,
      handler: ({ actor, body }) => createActivity(deps, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/venue-activities',
      summary: '管辖范围内的活动 / Activities in scope',
      tags,
      auth: 'venue.manage',
      scope: { query: { centreId: 'venueCentre' } },
      query: ActivityQuery,
      response: ActivityList,
      handler: ({ actor, query }) => listActivitiesInScope(deps, actor, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/venue-activities/:id/signups',
      summary: '活动报名名单（含候补）/ The participant list, waiting list included',
      tags,
      auth: 'venue.manage',
      scope: { params: { id: 'venueActivity' } },
      params: IdParams,
      response: SignupList,
      handler: ({ params }) => listSignups(deps, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/venue-activities/:id/check-ins',
      summary: '活动签到（须已报名）/ Check a participant in (she must hold a place)',
      tags,
      auth: 'venue.manage',
      scope: {
        params: { id: 'venueActivity' },
        body: { signupId: { none: 'a sign-up of the activity named by :id, looked up among its sign-ups' } },
      },
      params: IdParams,
      body: CheckInBody,
      response: SignupOut,
      handler: ({ actor, params, body }) => checkInSignup(deps, actor, params.id, body.signupId),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/my/activities',
      summary: '我所在社区的活动与我的报名 / Activities of my community and my sign-ups',
      tags,
      auth: 'case.report',
      response: ActivityList,
      handler: ({ actor }) => listMyActivities(deps, actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/my/activities/:id/signup',
      summary: '报名活动（满员则候补）/ Sign up (the waiting list when full)',
      tags,
      auth: 'case.report',
      scope: { params: { id: 'venueActivity' } },
      params: IdParams,
      response: ActivityOut,
      handler: ({ actor, params }) => signUp(deps, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/my/activities/:id/cancel',
      summary: '取消报名（名额转给第一位候补）/ Withdraw (the place goes to the first waiting)',
      tags,
      auth: 'case.report',
      scope: { params: { id: 'venueActivity' } },
      params: IdParams,
      response: ActivityOut,
      handler: ({ actor, params }) => cancelSignup(deps, actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/orgs/:id/venue-figures',
      summary: '阵地使用统计（按中心、月份、层级）/ Use of the centres by centre, month and level',
      tags,
      auth: 'insight.read',
      scope: { params: { id: 'org' } },
      params: IdParams,
      query: FiguresQuery,
      response: Figures,
      handler: ({ actor, params, query }) => getVenueFigures(deps, actor, params.id, query.month),
    }),
  ];
}
