import { z } from 'zod';
import { canSeeAuditActor, listAuditInScope } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { findOrgFullNames, getOrgInScope } from '../orgs/service.ts';

const AuditQuery = z.strictObject({
  action: z.string().max(60).optional(),
  actorId: z.uuid().optional(),
  orgId: z.uuid().optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const AuditList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      actorId: z.string().nullable(),
      actorName: z.string().nullable(),
      action: z.string(),
      targetType: z.string().nullable(),
      targetId: z.string().nullable(),
      orgId: z.string().nullable(),
      orgName: z.string().nullable(),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
      detail: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  total: z.number().int(),
});

export function auditRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/audit',
      summary: '审计日志 / Audit log',
      tags: ['audit'],
      auth: 'audit.read',
      scope: {
        query: {
          orgId: 'org',
          actorId: {
            none: 'a filter on audit rows, which are scoped by their unit; who acted may be homed above her scope',
          },
        },
      },
      query: AuditQuery,
      response: AuditList,
      handler: async ({ actor, query }) => {
        const orgPath =
          query.orgId === undefined ? undefined : (await getOrgInScope(deps.db, actor, { id: query.orgId })).path;
        const { rows, total } = await listAuditInScope(deps.db, actor, {
          ...(query.action !== undefined ? { action: query.action } : {}),
          ...(query.actorId !== undefined ? { actorId: query.actorId } : {}),
          ...(orgPath !== undefined ? { orgPath } : {}),
          ...(query.from !== undefined ? { from: new Date(query.from).toISOString() } : {}),
          ...(query.to !== undefined ? { to: new Date(query.to).toISOString() } : {}),
          page: query.page,
          pageSize: query.pageSize,
        });
        const orgIds = [...new Set(rows.map((r) => r.org_id).filter((id): id is string => id !== null))];
        const names = await findOrgFullNames(deps.db, orgIds);
        return {
          total,
          items: rows.map((r) => {
            const isActorShown = canSeeAuditActor(actor, r);
            return {
              id: r.id,
              at: r.at,
              actorId: isActorShown ? r.actor_id : null,
              actorName: isActorShown ? r.actor_name : null,
              action: r.action,
              targetType: r.target_type,
              targetId: r.target_id,
              orgId: r.org_id,
              orgName: r.org_id === null ? null : (names.get(r.org_id) ?? null),
              ip: isActorShown ? r.ip : null,
              userAgent: isActorShown ? r.user_agent : null,
              detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
            };
          }),
        };
      },
    }),
  ];
}
