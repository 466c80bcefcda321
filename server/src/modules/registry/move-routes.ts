import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { acceptMoveRequest, createMoveRequest, declineMoveRequest, listMoveRequests } from './move-requests.ts';
import {
  IdParams,
  MoveRequestCreateBody,
  MoveRequestDecisionBody,
  MoveRequestList,
  MoveRequestListQuery,
  MoveRequestOut,
} from './schema.ts';

const tags = ['registry'];

/** 迁入申请: ask another community to move a resident registered there; its staff accept or decline. */
export function moveRequestRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/resident-move-requests',
      summary: '发起迁入申请 / Ask another community to move a resident here',
      tags,
      auth: 'resident.write',
      scope: { body: { householdId: 'household' } },
      body: MoveRequestCreateBody,
      response: MoveRequestOut,
      status: 201,
      handler: ({ actor, body }) => createMoveRequest(deps, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/resident-move-requests',
      summary: '迁入申请（待本社区处理的 / 本社区发起的）/ Move requests, incoming or outgoing',
      tags,
      auth: 'resident.write',
      query: MoveRequestListQuery,
      response: MoveRequestList,
      handler: ({ actor, query }) => listMoveRequests(deps, actor, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/resident-move-requests/:id/accept',
      summary: '同意迁出（居民迁入申请方住户）/ Accept: the resident moves',
      tags,
      auth: 'resident.write',
      scope: { params: { id: 'moveRequest' } },
      params: IdParams,
      body: MoveRequestDecisionBody,
      response: MoveRequestOut,
      handler: ({ actor, params, body }) => acceptMoveRequest(deps, actor, params.id, body.note),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/resident-move-requests/:id/decline',
      summary: '不同意迁出 / Decline',
      tags,
      auth: 'resident.write',
      scope: { params: { id: 'moveRequest' } },
      params: IdParams,
      body: MoveRequestDecisionBody,
      response: MoveRequestOut,
      handler: ({ actor, params, body }) => declineMoveRequest(deps, actor, params.id, body.note),
    }),
  ];
}
