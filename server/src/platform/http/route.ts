import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Actor } from '../access/scope.ts';
import type { Permission } from '../access/roles.ts';
import type { FileLimits, UploadedFile } from './multipart.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * Who may call a route: anyone, any signed-in user, or a holder of a permission somewhere
 * (the service then checks that the target lies in her scope for that permission).
 */
export type RouteAuth = 'public' | 'authenticated' | Permission;

/**
 * One id a route takes: the kind of object it names (a key of the resource registry, `src/resources.ts`),
 * checked with the route's permission or the one given; or `{ none: why }` for an id that names no
 * scoped object, with the reason written down.
 */
export type IdRule = string | { kind: string; permission: Permission } | { none: string };

/**
 * Where a route's ids come from and what they name. register.ts finds each object before the handler
 * runs and answers 404 when it is missing or outside the actor's scope for the route's permission; a
 * route with an id-like field (`…Id`, `…Ids`, `id`) that this does not cover fails at start-up. Keys
 * are field names; a nested field is dotted (`roles.orgId`), arrays on the way are walked. `{ none }`
 * opts the whole route out, with the reason.
 *
 * @example scope: { params: { id: 'case' }, body: { householdId: 'household' } }
 * @example scope: { none: 'duty items are city-wide reference data' }
 */
export type RouteScope =
  | { none: string }
  | {
      params?: Record<string, IdRule>;
      query?: Record<string, IdRule>;
      body?: Record<string, IdRule>;
    };

/** The authenticated side of a request. */
export interface RequestAuth {
  actor: Actor;
  /** null for API keys, which carry no cookie and need no CSRF token */
  csrfToken: string | null;
  sessionId: string | null;
  mustChangePassword: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
}

export interface RouteContext<B, Q, P> {
  /** the signed-in actor; throws 401 on a public route without one */
  readonly actor: Actor;
  readonly actorOrNull: Actor | null;
  body: B;
  query: Q;
  params: P;
  /** files of a multipart request (routes declaring `files`); empty for JSON */
  files: UploadedFile[];
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteDef<B = unknown, Q = unknown, P = unknown, R = unknown> {
  method: HttpMethod;
  url: string;
  summary: string;
  tags: string[];
  auth: RouteAuth;
  scope?: RouteScope;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** `null` for an empty response (204) */
  response: z.ZodType<R> | null;
  status?: number;
  rateLimit?: { max: number; timeWindow: string };
  /** routes a user may still call while a password change is forced on her */
  isAllowedBeforePasswordChange?: boolean;
  /** body size limit in bytes, when not the default */
  bodyLimit?: number;
  /**
   * The handler writes the reply itself (file downloads, server-sent events, multipart uploads);
   * `response` then only documents the route. Multipart routes declare no `body` and read the parts.
   */
  isRaw?: boolean;
  /**
   * The route also takes multipart/form-data: a `payload` field holding the JSON body, and files in
   * one field, within these limits. JSON requests still work (with no files).
   */
  files?: FileLimits;
  handler: (ctx: RouteContext<B, Q, P>) => Promise<R>;
}

/** Declares a route; the types of body, query and params flow from their schemas into the handler. */
export function defineRoute<B = undefined, Q = undefined, P = undefined, R = unknown>(
  def: RouteDef<B, Q, P, R>,
): RouteDef {
  return def as unknown as RouteDef;
}

/**
 * The routes of a module's "my …" pages (`/api/v1/my/…`): what the signed-in person does with her own
 * things. They share the module's tags and who may call them (a bound resident: `case.report`; anyone
 * signed in: `authenticated`); each names its path under `/api/v1/my` and, like any route, the scope of
 * the ids it takes.
 */
export function myRoutes(common: { tags: string[]; auth: RouteAuth }) {
  return <B = undefined, Q = undefined, P = undefined, R = unknown>({
    path,
    ...def
  }: Omit<RouteDef<B, Q, P, R>, 'url' | 'tags' | 'auth'> & { path: `/${string}` }): RouteDef =>
    defineRoute<B, Q, P, R>({ ...def, url: `/api/v1/my${path}`, tags: common.tags, auth: common.auth });
}
