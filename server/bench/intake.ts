import autocannon from 'autocannon';
import Fastify from 'fastify';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DialectName } from '../src/db/database.ts';
import { bulkInsert } from '../src/db/bulk.ts';
import { rebuildRollups } from '../src/modules/insights/rollups.ts';
import type { CaseTable } from '../src/modules/cases/tables.ts';
import { newId } from '../src/platform/ids.ts';
import { CASE_TYPES, bareIntakeServer, bareQueuePage, benchCaseRow, rectangle, setup, walkUnitQueue } from './cases.ts';
import { bumpOrgVersion } from '../src/modules/orgs/subtree-index.ts';
import { latency, report } from './util.ts';

/** The case intake issue 18 asks for: 20 connections on loopback, as a hotline flood or an Open311 client sends them. */
const CONNECTIONS = 20;
/** The deep queue page the reads figure measures beside the first. */
const DEEP_PAGE = 50;
const ROTATE_BODY = fileURLToPath(new URL('./rotate-body.cjs', import.meta.url));
const TIME_GETS = fileURLToPath(new URL('./time-gets.cjs', import.meta.url));
const BOX = [103.7165, 36.0985, 103.7255, 36.1045] as const;

interface Load {
  rps: number;
  ok: number;
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
  /** a different body for each request, in turn (through rotate-body.cjs) */
  bodies?: string[];
}): Promise<Load> {
  // the bodies ride on the request options to the worker thread (a property autocannon passes through)
  const rotating = options.bodies === undefined ? undefined : { bodies: options.bodies, setupRequest: ROTATE_BODY };
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'POST',
    connections: options.connections ?? CONNECTIONS,
    duration: options.seconds,
    workers: 1,
    headers: options.headers ?? {},
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
    ...(rotating === undefined ? {} : { requests: [rotating] }),
  });
  return {
    rps: result.requests.average,
    ok: result['2xx'],
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

/** Each community of the city gets one cell of a lattice this many degrees wide (about 0.9 km × 1.1 km). */
const CITY_CELL = 0.01;
/** South-west of 营门滩社区's outline (BOX), so the lattice never covers it. */
const CITY_ORIGIN = [103.2, 35.2] as const;
/** Intake bodies pre-built per second of load: more than the platform answers, so no body goes twice. */
const BODIES_PER_SECOND = 5_000;

/**
 * Intake bodies spread over a whole city, for the figure with the duplicate check. The bench's divisions
 * carry no outlines but 营门滩社区's, so every other community of 兰州市 is outlined as one cell of a
 * lattice; body i names one community item at a point in one cell, the points of a cell spread by a
 * low-discrepancy sequence. Every request runs the duplicate check (its look-up by item and place); one
 * is offered only where an open case of the same item lies within 200 m. A body's community and item come
 * round together only every lcm(communities, items) bodies, so one body in ten repeats the item and point of
 * the body five before it: about a tenth of the answers are offers. Body `first + i` is the same whichever
 * run asks for it.
 */
async function cityWideIntakeBodies(ctx: Awaited<ReturnType<typeof setup>>) {
  const { deps, community } = ctx;
  const communities = await deps.db
    .selectFrom('org_units')
    .select('id')
    .where('level', '=', 'community')
    .where('id', '<>', community.id)
    .orderBy('code')
    .execute();
  const items = await deps.db.selectFrom('duty_items').select('code').where('kind', '=', 'community').execute();
  const columns = Math.ceil(Math.sqrt(communities.length));
  const cornerOf = (k: number) => [
    CITY_ORIGIN[0] + (k % columns) * CITY_CELL,
    CITY_ORIGIN[1] + Math.floor(k / columns) * CITY_CELL,
  ];
  await deps.db.transaction().execute(async (trx) => {
    for (const [k, c] of communities.entries()) {
      const [x, y] = cornerOf(k) as [number, number];
      const outline = rectangle(x, y, x + CITY_CELL, y + CITY_CELL);
      await trx
        .updateTable('org_units')
        .set({ geometry: JSON.stringify(outline) })
        .where('id', '=', c.id)
        .execute();
    }
    await bumpOrgVersion(trx);
  });
  const frac = (v: number) => v - Math.floor(v);
  const body = (n: number) => {
    // one call in ten reports again what a call a moment before reported (the same item at the same spot),
    // as calls after a storm do: those are offered the earlier case
    const i = n % 10 === 9 ? n - 5 : n;
    const [x, y] = cornerOf(i % communities.length) as [number, number];
    return JSON.stringify({
      channel: 'phone',
      dutyCode: items[(i * 7919) % items.length]!.code,
      description: `居民来电反映的问题（第 ${n} 件）`,
      // the R2 sequence: 0.02 to 0.98 of the cell, never on its edge
      lng: x + CITY_CELL * (0.02 + 0.96 * frac(i * 0.7548776662)),
      lat: y + CITY_CELL * (0.02 + 0.96 * frac(i * 0.5698402909)),
    });
  };
  return (first: number, count: number) => Array.from({ length: count }, (_, i) => body(first + i));
}

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
  // last: the outlines it adds to the city would be under every figure after it
  const bodies = await cityWideIntakeBodies(ctx);
  const desk = await ctx.signIn('desk');
  const checkedApi = { url: api.url, headers: { 'content-type': 'application/json', ...desk } };
  await hammer({ ...checkedApi, seconds: 2, bodies: bodies(0, BODIES_PER_SECOND * 2) });
  const before = await countCases(ctx);
  const viaApiChecked = await hammer({
    ...checkedApi,
    seconds,
    bodies: bodies(BODIES_PER_SECOND * 2, BODIES_PER_SECOND * seconds),
  });
  const created = (await countCases(ctx)) - before;
  console.log(`  ${(await countCases(ctx)).toLocaleString('en')} cases written`);
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
  // answered 2xx without a case: the duplicate offer (a case written but not yet answered when the run
  // stopped would be counted as written, not as an offer)
  const offers = Math.max(0, viaApiChecked.ok - created);
  report({
    scenario: `case intake through POST /api/v1/cases (JSON, city-wide desk) with the duplicate check: a different item and point over the city in every request, no force (autocannon, ${CONNECTIONS} connections); ${offers.toLocaleString('en')} of ${viaApiChecked.ok.toLocaleString('en')} answers were duplicate offers`,
    engine: dialect,
    figure: 'cases/s (p99)',
    platform: fmtLoad(viaApiChecked),
    baseline: `${fmtLoad(bareInsert)} bare Fastify + ${dialect === 'sqlite' ? 'better-sqlite3' : 'pg'} insert; Fastify /ping ${fmtLoad(pinged)}`,
    target: `≥ ${target.toLocaleString('en')}/s at p99 ≤ 30 ms`,
    isMet:
      viaApiChecked.rps >= target &&
      viaApiChecked.p99 <= 30 &&
      viaApiChecked.non2xx === 0 &&
      viaApiChecked.errors === 0,
    platformValue: bareInsert.rps,
    baselineValue: viaApiChecked.rps,
  });
  await ctx.app.close();
  await ctx.fresh.drop();
}

async function countCases(ctx: Awaited<ReturnType<typeof setup>>) {
  const row = await ctx.deps.db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Timed GETs over HTTP from a client thread (time-gets.cjs), each URL in turn: a client of its own, as a
 * browser is, not taking turns on the server's event loop.
 */
async function timeGets(
  runs: { url: string; headers: Record<string, string> }[],
  n: number,
  until: number | null = null,
) {
  const samples = await new Promise<number[][]>((resolve, reject) => {
    const worker = new Worker(TIME_GETS, { workerData: { runs, n, until } });
    worker.once('message', (m: number[][] | { error: string }) =>
      'error' in m ? reject(new Error(m.error)) : resolve(m),
    );
    worker.once('error', reject);
  });
  return samples.map((s) => {
    s.sort((a, b) => a - b);
    const at = (q: number) => s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? Number.NaN;
    return { p50: at(0.5), p95: at(0.95), n: s.length };
  });
}

/** `inScope` cases over the last year, all at and handled by the bench's community, counted into the rollups. */
export async function seedCommunityCases(ctx: Awaited<ReturnType<typeof setup>>, inScope: number) {
  const { deps, community } = ctx;
  const items = await deps.db.selectFrom('duty_items').select(['id', 'code']).where('kind', '=', 'community').execute();
  const yearStart = Date.now() - 365 * 86_400_000;
  const statuses = ['closed', 'closed', 'closed', 'resolved', 'in_progress', 'accepted', 'submitted'] as const;
  const rows: CaseTable[] = [];
  for (let i = 0; i < inScope; i++) {
    const created = new Date(yearStart + Math.floor((i / inScope) * 365 * 86_400_000)).toISOString();
    const status = statuses[i % statuses.length]!;
    const item = items[i % items.length]!;
    rows.push(
      benchCaseRow({
        id: newId(),
        number: `SQL${String(i).padStart(9, '0')}`,
        channel: 'phone',
        duty_item_id: item.id,
        duty_code: item.code,
        status,
        description: '楼道堆物，影响通行',
        org_id: community.id,
        org_path: community.path,
        handler_org_id: community.id,
        handler_path: community.path,
        created_at: created,
        accept_due_at: created,
        resolve_due_at: created,
        due_state: 'ok',
        accepted_at: status === 'submitted' ? null : created,
        resolved_at: null,
        closed_at: status === 'closed' ? created : null,
        is_accepted_on_time: status === 'submitted' ? null : 1,
        accept_seconds: status === 'submitted' ? null : 3600,
        resolve_seconds: status === 'closed' ? 86_400 : null,
        was_overdue: 0,
        is_solved: status === 'closed' ? 1 : null,
        rating: status === 'closed' ? 5 : null,
        updated_at: created,
      }),
    );
  }
  await deps.db.transaction().execute((trx) => bulkInsert(trx, deps.database.sqlite, 'cases', CASE_TYPES, rows));
  await rebuildRollups(deps.db, deps.database.sqlite, null);
  if (deps.dialect === 'postgres') await deps.database.pool!.query('vacuum analyze cases');
  else deps.database.sqlite!.exec('analyze');
}

export async function benchReadsUnderLoad(dialect: DialectName, inScope = 20_000, seconds = 20) {
  const ctx = await setup(dialect);
  const { deps, community } = ctx;
  await seedCommunityCases(ctx, inScope);

  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(ctx.app.server.address() as { port: number }).port}`;
  const staff = await ctx.signIn('staff');
  const district = await ctx.signIn('district');
  // the first page, and the 50th as a client reaches it: by cursor, one index seek however deep
  const walked = await walkUnitQueue(ctx.app, staff, DEEP_PAGE);
  const deep = walked.at(-1)!;
  const n = 200;
  const reads = [
    { url: `${base}${walked[0]!.url}`, headers: staff },
    { url: `${base}${deep.url}`, headers: staff },
    { url: `${base}/api/v1/insights/${community.id}/cases`, headers: district },
  ];
  const [idleQueue, idleDeep, idlePanel] = await timeGets(reads, n);

  const pageSql = 'select * from cases where handler_org_id = ? order by created_at desc, id desc limit 50';
  const countSql = 'select count(*) as n from cases where handler_org_id = ?';
  const sqlite = deps.database.sqlite;
  const bare = async (text: string) =>
    sqlite
      ? latency(n, () => sqlite.prepare(text).all(community.id))
      : latency(n, () => deps.database.pool!.query(text.replace('?', '$1'), [community.id]));
  const barePage = await bare(pageSql);
  const bareCount = await bare(countSql);
  const bareDeep = await latency(n, () => bareQueuePage(deps, community.id, deep.after));
  // what the same page costs the engine by OFFSET, the way it was read before (for comparison only)
  const offsetSql = `${pageSql} offset ${(DEEP_PAGE - 1) * 50}`;
  const bareOffset = await bare(offsetSql);

  const intake = hammer({
    url: `${base}/api/v1/cases`,
    headers: { 'content-type': 'application/json', ...staff },
    body: apiIntakeBody,
    seconds,
    overallRate: 1000,
  });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  // sampled only while the intake still runs
  const [busyQueue, busyDeep, busyPanel] = await timeGets(reads, n, Date.now() + (seconds - 3) * 1000);
  const writes = await intake;
  const rate = `${writes.rps.toFixed(0)} intakes/s (p99 ${writes.p99} ms${writes.non2xx > 0 ? `, ${writes.non2xx} non-2xx` : ''})`;
  for (const [what, idle, busy, baseline, baseLabel] of [
    [
      'queue page (50 newest, count capped)',
      idleQueue,
      busyQueue,
      barePage,
      `bare page SELECT p95 ${barePage.p95.toFixed(2)} ms, bare count(*) p95 ${bareCount.p95.toFixed(2)} ms`,
    ],
    [
      `queue page ${DEEP_PAGE} by cursor (50 after the ${((DEEP_PAGE - 1) * 50).toLocaleString('en')} newest, count capped)`,
      idleDeep,
      busyDeep,
      bareDeep,
      `bare keyset SELECT of that page p95 ${bareDeep.p95.toFixed(2)} ms (by OFFSET ${bareOffset.p95.toFixed(2)} ms)`,
    ],
    [
      'case panel (insights)',
      idlePanel,
      busyPanel,
      bareCount,
      `bare count(*) of the cases in scope p95 ${bareCount.p95.toFixed(2)} ms`,
    ],
  ] as const) {
    report({
      scenario: `a community's ${what} through the API, ${inScope.toLocaleString('en')} cases in scope, idle and under ${rate}`,
      engine: dialect,
      figure: 'p95 under load (idle)',
      platform: `${busy!.p95.toFixed(2)} ms, p50 ${busy!.p50.toFixed(2)} ms, ${busy!.n} samples (idle ${idle!.p95.toFixed(2)} ms, p50 ${idle!.p50.toFixed(2)} ms)`,
      baseline: baseLabel,
      target: 'p95 ≤ 20 ms under 1,000 intakes/s',
      isMet: busy!.p95 <= 20 && writes.rps >= 900,
      platformValue: busy!.p95,
      baselineValue: baseline.p95,
    });
  }
  await ctx.app.close();
  await ctx.fresh.drop();
}
