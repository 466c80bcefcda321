import autocannon from 'autocannon';
import Fastify from 'fastify';
import type { DialectName } from '../src/db/database.ts';
import { bareIntakeServer, setup } from './cases.ts';
import { report } from './util.ts';

/** The case intake issue 18 asks for: 20 connections on loopback, as a hotline flood or an Open311 client sends them. */
const CONNECTIONS = 20;
const BOX = [103.7165, 36.0985, 103.7255, 36.1045] as const;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** autocannon in a worker thread, so the load generator does not share the server's event loop. */
export async function hammer(options: {
  url: string;
  seconds: number;
  headers?: Record<string, string>;
  body?: string;
  method?: 'GET' | 'POST';
  connections?: number;
  overallRate?: number;
}): Promise<Load> {
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'POST',
    connections: options.connections ?? CONNECTIONS,
    duration: options.seconds,
    workers: 1,
    headers: options.headers ?? {},
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

export const apiIntakeBody = JSON.stringify({
  channel: 'phone',
  dutyCode: 'LL-002',
  description: '居民来电：楼上夜间噪音扰民',
  lng: (BOX[0] + BOX[2]) / 2,
  lat: (BOX[1] + BOX[3]) / 2,
  // every request carries the same point: force skips the duplicate offer, which would answer all but the first
  force: true,
});

export const open311Body = (apiKey: string) =>
  new URLSearchParams({
    api_key: apiKey,
    service_code: 'LL-002',
    lat: String((BOX[1] + BOX[3]) / 2),
    long: String((BOX[0] + BOX[2]) / 2),
    description: '楼上夜间噪音扰民',
    first_name: '晓明',
    last_name: '王',
    phone: '13900000099',
  }).toString();

/** A bare Fastify route answering `{ ok: true }`: what the framework alone serves on this machine. */
async function pingServer() {
  const app = Fastify();
  app.get('/ping', () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}/ping` };
}

const fmtLoad = (l: Load) =>
  `${l.rps.toFixed(0)}/s (p99 ${l.p99} ms${l.non2xx + l.errors > 0 ? `; ${l.non2xx} non-2xx, ${l.errors} errors` : ''})`;

/**
 * Case intake through the API (JSON) and through Open311 (form-encoded, api_key), 20 connections, beside
 * a bare Fastify /ping and a bare Fastify route inserting the same case shape with one prepared statement.
 */
export async function benchIntake(dialect: DialectName, seconds = 10) {
  const ctx = await setup(dialect);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (ctx.app.server.address() as { port: number }).port;
  const staff = await ctx.signIn('staff');
  const keyed = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/apikeys',
    headers: staff,
    payload: { name: 'bench open311 client' },
  });
  const apiKey = keyed.json<{ key: string }>().key;
  const api = {
    url: `http://127.0.0.1:${port}/api/v1/cases`,
    headers: { 'content-type': 'application/json', ...staff },
    body: apiIntakeBody,
  };
  const open311 = {
    url: `http://127.0.0.1:${port}/open311/v2/requests.json`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: open311Body(apiKey),
  };
  await hammer({ ...api, seconds: 2 }); // warm-up
  const viaApi = await hammer({ ...api, seconds });
  await hammer({ ...open311, seconds: 2 });
  const viaOpen311 = await hammer({ ...open311, seconds });
  const ping = await pingServer();
  await hammer({ url: ping.url, method: 'GET', seconds: 2 });
  const pinged = await hammer({ url: ping.url, method: 'GET', seconds });
  await ping.app.close();
  const bare = await bareIntakeServer(dialect);
  const bareOpts = { url: bare.url, headers: { 'content-type': 'application/json' }, body: apiIntakeBody };
  await hammer({ ...bareOpts, seconds: 2 });
  const bareInsert = await hammer({ ...bareOpts, seconds });
  await bare.app.close();
  const written = await ctx.deps.db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  console.log(`  ${Number(written.n).toLocaleString('en')} cases written`);
  const target = dialect === 'sqlite' ? 3000 : 1500;
  for (const [label, run] of [
    ['POST /api/v1/cases (JSON, staff session)', viaApi],
    ['Open311 POST requests.json (form-encoded, api_key)', viaOpen311],
  ] as const) {
    report({
      scenario: `case intake through ${label}: routing, timeline, counters, audit, durable before the answer (autocannon, ${CONNECTIONS} connections)`,
      engine: dialect,
      figure: 'cases/s (p99)',
      platform: fmtLoad(run),
      baseline: `${fmtLoad(bareInsert)} bare Fastify + ${dialect === 'sqlite' ? 'better-sqlite3' : 'pg'} insert; Fastify /ping ${fmtLoad(pinged)}`,
      target: `≥ ${target.toLocaleString('en')}/s at p99 ≤ 30 ms`,
      isMet: run.rps >= target && run.p99 <= 30 && run.non2xx === 0 && run.errors === 0,
      // for throughput the cost is how many times fewer requests per second the platform serves than the bare insert
      platformValue: bareInsert.rps,
      baselineValue: run.rps,
    });
  }
  await ctx.app.close();
  await ctx.fresh.drop();
}
