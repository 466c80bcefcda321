import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { hasPermission } from '../access/scope.ts';
import { AppError, forbidden, notFound, unauthenticated } from '../errors.ts';
import type { RouteContext, RouteDef } from './route.ts';
import { readMultipart, type UploadedFile } from './multipart.ts';
import { enforceRouteScope, findScopeProblems, hasScopedParam, type ResourceRegistry } from './scope-check.ts';
import { parsePart } from './validation.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A route whose ids are not all declared: the server refuses to start. */
export class RouteScopeError extends Error {}

/**
 * Registers one route with its policy chain: authenticate → CSRF → forced password change →
 * permission → validate params, query, body → scope of every id it names → handler. Throws (start-up
 * fails) when the route takes an id its `scope` does not declare.
 */
export function registerRoute(
  app: FastifyInstance,
  def: RouteDef,
  scoping: { db: Kysely<DB>; resources: ResourceRegistry },
): void {
  const problems = findScopeProblems(def, scoping.resources);
  if (problems.length > 0) throw new RouteScopeError(problems.join('\n'));
  const namesObject = hasScopedParam(def.scope);
  app.route({
    method: def.method,
    url: def.url,
    ...(def.bodyLimit !== undefined ? { bodyLimit: def.bodyLimit } : {}),
    ...(def.rateLimit !== undefined ? { config: { rateLimit: def.rateLimit } } : {}),
    handler: async (request, reply) => {
      const auth = request.auth;
      if (def.auth !== 'public') {
        if (auth === null) throw unauthenticated();
        if (auth.csrfToken !== null && UNSAFE.has(def.method) && request.headers['x-csrf-token'] !== auth.csrfToken) {
          throw new AppError('CSRF', {
            zh: '请求校验失败，请刷新页面后重试',
            en: 'CSRF check failed; reload the page and retry',
          });
        }
        if (auth.mustChangePassword && def.isAllowedBeforePasswordChange !== true) {
          throw new AppError('PASSWORD_CHANGE_REQUIRED', {
            zh: '请先修改初始密码',
            en: 'Change your initial password first',
          });
        }
        // Out of scope is 404: a route about one object never says whether it exists.
        if (def.auth !== 'authenticated' && !hasPermission(auth.actor, def.auth))
          throw namesObject ? notFound() : forbidden();
      }
      let rawBody: unknown = request.body;
      let files: UploadedFile[] = [];
      if (def.files !== undefined && request.isMultipart()) {
        ({ payload: rawBody, files } = await readMultipart(request, def.files));
      }
      const ctx: RouteContext<unknown, unknown, unknown> = {
        get actor() {
          if (auth === null) throw unauthenticated();
          return auth.actor;
        },
        actorOrNull: auth?.actor ?? null,
        params: def.params === undefined ? undefined : parsePart(def.params, request.params, 'params'),
        query: def.query === undefined ? undefined : parsePart(def.query, request.query ?? {}, 'query'),
        body: def.body === undefined ? undefined : parsePart(def.body, rawBody, 'body'),
        files,
        request,
        reply,
      };
      if (auth !== null) {
        await enforceRouteScope(scoping.db, scoping.resources, def, auth.actor, {
          params: ctx.params,
          query: ctx.query,
          body: ctx.body,
        });
      }
      const result = await def.handler(ctx);
      if (def.isRaw === true) return reply;
      if (def.response === null) return reply.code(def.status ?? 204).send();
      return reply.code(def.status ?? 200).send(result);
    },
  });
}
