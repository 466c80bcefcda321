import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';

describe.each(DIALECTS)('API document, probes and limits on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect, { divisionsUnder: CODES.yinTanLuStreet, loginRateLimitPerMinute: 5 });
  });
  afterAll(() => t.close());

  it('publishes an OpenAPI 3.1 document covering every route of the route table', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const route of t.app.routeTable) {
      const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${route.url}`).toBeDefined();
    }
    const create = doc.paths['/api/v1/orgs']!.post as {
      requestBody: { content: { 'application/json': { schema: { required: string[] } } } };
    };
    expect(create.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['parentId', 'level', 'name']),
    );
  });

  it('serves the API docs page', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui');
    const bundle = await t.app.inject({ method: 'GET', url: '/api/docs/assets/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
  });

  it('answers /healthz and /readyz with the database and migrations current', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
      database: dialect,
    });
  });

  it('answers unknown API routes with a JSON 404 and protected routes without a session with 401', async () => {
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'NOT_FOUND' });
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/orgs/roots' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED', message_zh: '请先登录' });
  });

  it('rate-limits sign-in attempts from one address', async () => {
    const attempt = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'nobody', password: 'x' },
        remoteAddress: '10.9.8.7',
      });
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push((await attempt()).statusCode);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes[6]).toBe(429);
    const limited = await attempt();
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('serving the console', () => {
  it('serves index.html at / and for deep links, assets as files, and JSON 404s under /api', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { buildApp } = await import('../../app.ts');
    const t = await createTestContext('sqlite', { divisionsUnder: CODES.yinTanLuStreet });
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'tz-dist-'));
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>田字格</title>');
    fs.writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
    const app = await buildApp({ ...t.deps, config: { ...t.deps.config, webDist: dist } });
    try {
      for (const url of ['/', '/orgs', '/registry/imports?job=1']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(200);
        expect(res.body).toContain('田字格');
      }
      const asset = await app.inject({ method: 'GET', url: '/assets/app.js' });
      expect(asset.body).toBe('console.log(1)');
      const api = await app.inject({ method: 'GET', url: '/api/v1/nothing' });
      expect(api.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    } finally {
      await app.close();
      await t.close();
    }
  });
});
