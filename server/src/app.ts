import path from 'node:path';
import { createRequire } from 'node:module';
import cookie from '@fastify/cookie';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { pendingMigrations } from './db/migrate.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { metaRoutes, VERSION } from './modules/meta/routes.ts';
import { orgRoutes } from './modules/orgs/routes.ts';
import { registryRoutes } from './modules/registry/routes.ts';
import { MAX_UPLOAD_BYTES, importRoutes } from './modules/registry/import-routes.ts';
import { dutyRoutes } from './modules/duties/routes.ts';
import { dutySuggestRoutes } from './modules/duties/suggest/routes.ts';
import { caseRoutes } from './modules/cases/routes.ts';
import { residentCaseRoutes } from './modules/cases/resident-routes.ts';
import { insightRoutes } from './modules/insights/routes.ts';
import { reportRoutes } from './modules/reports/routes.ts';
import { taskRoutes } from './modules/tasks/routes.ts';
import { fieldworkRoutes } from './modules/fieldwork/routes.ts';
import { partyRoutes } from './modules/party/routes.ts';
import { messageRoutes } from './modules/messages/routes.ts';
import { workbenchRoutes } from './modules/workbench/routes.ts';
import { residentRoutes } from './modules/residents/routes.ts';
import { webhookRoutes } from './modules/webhooks/routes.ts';
import { hotlineRoutes } from './modules/cases/hotline-routes.ts';
import { open311Plugin } from './modules/open311/routes.ts';
import { venueRoutes } from './modules/venues/routes.ts';
import { publicRoutes } from './modules/public/routes.ts';
import { noticeRoutes } from './modules/notices/routes.ts';
import { councilRoutes } from './modules/councils/routes.ts';
import { fundRoutes } from './modules/funds/routes.ts';
import { canteenRoutes } from './modules/canteen/routes.ts';
import { authenticateRequest } from './modules/users/auth.ts';
import { authRoutes } from './modules/users/auth-routes.ts';
import { userRoutes } from './modules/users/routes.ts';
import type { AppDeps } from './platform/deps.ts';
import { handleError } from './platform/http/errors.ts';
import { buildOpenApiDocument } from './platform/http/openapi.ts';
import { registerMultipart } from './platform/http/multipart.ts';
import { registerRoute } from './platform/http/register.ts';
import { registerWeb } from './platform/http/web.ts';
import { registerJsonCompression } from './platform/http/compress.ts';
import { registerMetrics } from './ops/metrics.ts';
import { RESOURCES } from './resources.ts';
import { pointsRoutes } from './modules/points/routes.ts';
import { volunteeringRoutes } from './modules/volunteering/routes.ts';
import { mapTileOrigins } from './modules/meta/map-settings.ts';
import type { RouteDef } from './platform/http/route.ts';
import { sql } from 'kysely';

declare module 'fastify' {
  interface FastifyInstance {
    /** every API route with its policy, for the OpenAPI document and the generated scope test */
    routeTable: RouteDef[];
  }
}

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger'];
}

/** Every module's routes, in one table. */
export function collectRoutes(deps: AppDeps): RouteDef[] {
  return [
    ...metaRoutes(deps),
    ...authRoutes(deps),
    ...orgRoutes(deps),
    ...userRoutes(deps),
    ...auditRoutes(deps),
    ...registryRoutes(deps),
    ...importRoutes(deps),
    ...dutyRoutes(deps),
    ...dutySuggestRoutes(deps),
    ...caseRoutes(deps),
    ...residentCaseRoutes(deps),
    ...insightRoutes(deps),
    ...reportRoutes(deps),
    ...taskRoutes(deps),
    ...fieldworkRoutes(deps),
    ...partyRoutes(deps),
    ...workbenchRoutes(deps),
    ...messageRoutes(deps),
    ...residentRoutes(deps),
    ...webhookRoutes(deps),
    ...hotlineRoutes(deps),
    ...publicRoutes(deps),
    ...noticeRoutes(deps),
    ...fundRoutes(deps),
    ...councilRoutes(deps),
    ...pointsRoutes(deps),
    ...volunteeringRoutes(deps),
    ...venueRoutes(deps),
    ...canteenRoutes(deps),
  ];
}

/** Builds the HTTP application; used by main.ts and by tests through `app.inject()`. */
export async function buildApp(deps: AppDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 2 * 1024 * 1024,
    // Behind our reverse proxy, trust its one hop only: the client is the address it appended to
    // X-Forwarded-For. `true` would take the leftmost entry, which the client writes herself: a forged
    // one escaped the per-source sign-in lock and rate limit, or locked the owner out from her address.
    // (Fastify reads a number of hops as "trust nothing", hence the function.)
    trustProxy: deps.config.isBehindProxy ? (_address: string, hop: number) => hop === 0 : false,
    // malformed or over-long path parameters are answered before routing; give them our error body too
    frameworkErrors: (error, request, reply) => {
      void handleError(error, request, reply);
    },
  });
  const routes = collectRoutes(deps);
  app.decorate('routeTable', routes);
  app.decorateRequest('auth', null);
  registerMetrics(app, deps); // GET /metrics, only when TIANZIGE_METRICS_TOKEN is set

  await app.register(cookie);
  registerJsonCompression(app);
  // Helmet's headers are the same for every response: its middleware is built once, not per request
  // as @fastify/helmet would (re-parsing the policy each time costs about a fifth of a small request).
  const secureHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...mapTileOrigins(deps.config)],
        connectSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: false,
  });
  app.addHook('onRequest', (request, reply, done) => {
    secureHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined));
  });
  await app.register(rateLimit, { global: false });
  await registerMultipart(app, { maxFileBytes: MAX_UPLOAD_BYTES });

  app.setErrorHandler((error, request, reply) => handleError(error, request, reply));
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/api/') || request.url.startsWith('/open311/')) {
      request.auth = await authenticateRequest(deps, request);
    }
  });

  for (const route of routes) registerRoute(app, route, { db: deps.db, resources: RESOURCES });
  await app.register(open311Plugin(deps), { prefix: '/open311/v2' });

  const openapi = buildOpenApiDocument(routes, VERSION);
  app.get('/api/openapi.json', () => openapi);
  registerDocs(app);

  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
      const pending = await pendingMigrations(deps.db);
      if (pending.length > 0) return reply.code(503).send({ status: 'migrations_pending', pending });
      return { status: 'ready', database: deps.dialect };
    } catch {
      return reply.code(503).send({ status: 'database_unreachable' });
    }
  });

  registerWeb(app, deps.config.webDist);
  return app;
}

function registerDocs(app: FastifyInstance) {
  const require = createRequire(import.meta.url);
  const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  void app.register(fastifyStatic, { root: swaggerDir, prefix: '/api/docs/assets/', decorateReply: false });
  const page = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>田字格 API 文档</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script><script src="/api/docs/init.js"></script></body></html>`;
  app.get('/api/docs', (_req, reply) => reply.type('text/html; charset=utf-8').send(page));
  app.get('/api/docs/init.js', (_req, reply) =>
    reply
      .type('text/javascript')
      .send("window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui' });"),
  );
}
