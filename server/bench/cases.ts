import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import type { DialectName } from '../src/db/database.ts';
import { bulkInsert } from '../src/db/bulk.ts';
import { ensureDefaultDutyList } from '../src/modules/duties/service.ts';
import { DEPARTMENT_KINDS } from '../src/modules/duties/default-items.ts';
import { ensureDepartments } from '../src/modules/orgs/departments.ts';
import { importDivisions } from '../src/modules/orgs/divisions.ts';
import { insertSubUnit } from '../src/modules/orgs/service.ts';
import type { CaseTable } from '../src/modules/cases/tables.ts';
import { insertAccount } from '../src/modules/users/service.ts';
import type { RoleId } from '../src/platform/access/roles.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { AppDeps } from '../src/platform/deps.ts';
import { newId } from '../src/platform/ids.ts';
import { PiiCipher } from '../src/platform/pii/crypto.ts';
import { testConfig } from '../src/test/harness.ts';
import { fmtMs, freshDatabase, latency, report } from './util.ts';
import { countyKeyOf } from '../src/db/county-key.ts';

const SYSTEM = { actorId: null, actorName: 'bench', ip: null, userAgent: null };
const PASSWORD = 'Bench-pass-2026';
const BOX = [103.7165, 36.0985, 103.7255, 36.1045] as const;
export const rectangle = (x1: number, y1: number, x2: number, y2: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x1, y1],
      [x2, y1],
      [x2, y2],
      [x1, y2],
      [x1, y1],
    ],
  ],
});

/** 兰州市 with outlines for 营门滩社区 and four grids, every department under 安宁区, and the people who act. */
export async function setup(dialect: DialectName) {
  const fresh = await freshDatabase(dialect, 'cases');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tz-bench-cases-'));
  const deps: AppDeps = {
    db: fresh.database.db,
    dialect,
    database: fresh.database,
    config: testConfig(dataDir, { kind: 'sqlite', file: '' }),
    clock: systemClock,
    pii: new PiiCipher({ encryption: crypto.randomBytes(32), blindIndex: crypto.randomBytes(32) }),
  };
  await importDivisions(fresh.database, systemClock, { under: '6201' });
  await ensureDefaultDutyList(deps);
  const unit = (code: string) =>
    deps.db.selectFrom('org_units').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
  const community = await unit('620105006010');
  const county = await unit('620105');
  const city = await unit('6201');
  await deps.db
    .updateTable('org_units')
    .set({ geometry: JSON.stringify(rectangle(...BOX)) })
    .where('id', '=', community.id)
    .execute();
  await deps.db.transaction().execute(async (trx) => {
    const step = (BOX[2] - BOX[0]) / 4;
    for (let g = 0; g < 4; g++) {
      await insertSubUnit(trx, new Date().toISOString(), {
        parent: community,
        level: 'grid',
        name: `第${g + 1}网格`,
        geometry: rectangle(BOX[0] + g * step, BOX[1], BOX[0] + (g + 1) * step, BOX[3]),
      });
    }
  });
  await ensureDepartments(
    deps,
    SYSTEM,
    county,
    Object.entries(DEPARTMENT_KINDS).map(([kind, n]) => ({ kind, name: n.zh })),
  );
  const people: [string, RoleId, { id: string; path: string }][] = [
    ['staff', 'community_staff', community],
    ['district', 'district', county],
    // a city-wide intake desk: the intake figure with the duplicate check files cases anywhere in 兰州市
    ['desk', 'community_staff', city],
  ];
  for (const [username, role, org] of people) {
    await deps.db.transaction().execute((trx) =>
      insertAccount(trx, deps, SYSTEM, {
        username,
        displayName: username,
        password: PASSWORD,
        homeOrg: org,
        roles: [{ role, org }],
        mustChangePassword: false,
      }),
    );
  }
  const app = await buildApp(deps);
  const signIn = async (username: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: PASSWORD },
    });
    return {
      cookie: `tz_session=${res.cookies.find((c) => c.name === 'tz_session')!.value}`,
      'x-csrf-token': res.json<{ csrfToken: string }>().csrfToken,
    };
  };
  return { deps, fresh, app, community, county, signIn, dataDir };
}

function intakeBody(i: number) {
  return JSON.stringify({
    channel: 'phone',
    dutyCode: 'LL-002',
    description: `居民来电：楼上夜间噪音扰民（第 ${i} 次）`,
    lng: BOX[0] + (((i * 7919) % 1000) / 1000) * (BOX[2] - BOX[0]),
    lat: BOX[1] + (((i * 104_729) % 1000) / 1000) * (BOX[3] - BOX[1]),
    force: true,
  });
}

async function load(url: string, headers: Record<string, string>, seconds: number) {
  // workers cannot clone functions, so every request carries the same body (force: true skips the duplicate offer)
  const result = await autocannon({
    url,
    method: 'POST',
    connections: 10,
    duration: seconds,
    workers: 1,
    headers: { 'content-type': 'application/json', ...headers },
    body: intakeBody(1),
  });
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

/** A bare Fastify route that inserts the same row shape with one prepared statement: the floor for intake. */
export async function bareIntakeServer(dialect: DialectName) {
  const app = Fastify();
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tz-bench-bare-'));
    const db = new Database(path.join(dir, 'bare.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(
      'create table cases (id text primary key, number text, description text, lng real, lat real, created_at text)',
    );
    const insert = db.prepare('insert into cases values (?, ?, ?, ?, ?, ?)');
    let n = 0;
    app.post('/cases', (request) => {
      const b = request.body as { description: string; lng: number; lat: number };
      const id = newId();
      insert.run(id, `SQ${++n}`, b.description, b.lng, b.lat, new Date().toISOString());
      return { id };
    });
    app.addHook('onClose', () => {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
  } else {
    const pool = new pg.Pool({
      connectionString: process.env.TIANZIGE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      max: 10,
    });
    await pool.query('drop table if exists tz_bench_bare_cases');
    await pool.query(
      'create table tz_bench_bare_cases (id text primary key, number text, description text, lng float8, lat float8, created_at text)',
    );
    let n = 0;
    app.post('/cases', async (request) => {
      const b = request.body as { description: string; lng: number; lat: number };
      const id = newId();
      await pool.query('insert into tz_bench_bare_cases values ($1, $2, $3, $4, $5, $6)', [
        id,
        `SQ${++n}`,
        b.description,
        b.lng,
        b.lat,
        new Date().toISOString(),
      ]);
      return { id };
    });
    app.addHook('onClose', async () => {
      await pool.query('drop table if exists tz_bench_bare_cases');
      await pool.end();
    });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}/cases` };
}

/** Sustained HTTP intake (routing, deadlines, timeline, audit) under autocannon, beside a bare insert route. */
export async function benchCaseIntake(dialect: DialectName, seconds = 15) {
  const ctx = await setup(dialect);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (ctx.app.server.address() as { port: number }).port;
  const headers = await ctx.signIn('staff');
  await load(`http://127.0.0.1:${port}/api/v1/cases`, headers, 2); // warm-up
  const platform = await load(`http://127.0.0.1:${port}/api/v1/cases`, headers, seconds);
  const bare = await bareIntakeServer(dialect);
  await load(bare.url, {}, 2);
  const baseline = await load(bare.url, {}, seconds);
  await bare.app.close();
  report({
    scenario: 'sustained HTTP case intake with routing, deadlines and timeline (autocannon, 10 connections)',
    engine: dialect,
    figure: `cases/s (p99 latency${platform.non2xx > 0 ? `; ${platform.non2xx} non-2xx` : ''})`,
    platform: `${platform.rps.toFixed(0)}/s (p99 ${platform.p99} ms)`,
    baseline: `${baseline.rps.toFixed(0)}/s (p99 ${baseline.p99} ms) bare Fastify + ${dialect === 'sqlite' ? 'better-sqlite3' : 'pg'} insert`,
    target: dialect === 'sqlite' ? '≥ 1,000/s at p99 ≤ 50 ms' : '(target set for SQLite)',
    isMet: dialect !== 'sqlite' || (platform.rps >= 1000 && platform.p99 <= 50 && platform.non2xx === 0),
    // for throughput the cost is how many times fewer requests per second the platform serves
    platformValue: baseline.rps,
    baselineValue: platform.rps,
  });
  await ctx.app.close();
  await ctx.fresh.drop();
}

/**
 * A case row as the benches bulk-load it: nobody named, no place beyond its unit, never escalated, merged,
 * reopened or paused. `fields` give what each bench varies; the county key follows `org_path`.
 */
export function benchCaseRow(
  fields: Pick<
    CaseTable,
    | 'id'
    | 'number'
    | 'channel'
    | 'duty_item_id'
    | 'duty_code'
    | 'status'
    | 'description'
    | 'org_id'
    | 'org_path'
    | 'handler_org_id'
    | 'handler_path'
    | 'created_at'
    | 'accept_due_at'
    | 'resolve_due_at'
    | 'due_state'
    | 'accepted_at'
    | 'resolved_at'
    | 'closed_at'
    | 'is_accepted_on_time'
    | 'accept_seconds'
    | 'resolve_seconds'
    | 'was_overdue'
    | 'is_solved'
    | 'rating'
    | 'updated_at'
  >,
): CaseTable {
  return {
    is_fallback: 0,
    priority: 'normal',
    address: null,
    lng: null,
    lat: null,
    household_id: null,
    county_key: countyKeyOf(fields.org_path),
    handler_user_id: null,
    escalated_org_id: null,
    escalated_path: null,
    escalation_count: 0,
    is_supervised: 0,
    reporter_user_id: null,
    contact_name: null,
    contact_phone_enc: null,
    contact_phone_bidx: null,
    is_anonymous: 0,
    external_ref: null,
    created_by: null,
    paused_at: null,
    pause_reason: null,
    next_check_at: null,
    rating_comment: null,
    merged_into_id: null,
    reopen_count: 0,
    version: 1,
    ...fields,
  };
}

export const CASE_TYPES = {
  id: 'text',
  number: 'text',
  channel: 'text',
  duty_item_id: 'text',
  duty_code: 'text',
  is_fallback: 'integer',
  priority: 'text',
  status: 'text',
  description: 'text',
  address: 'text',
  lng: 'double precision',
  lat: 'double precision',
  household_id: 'text',
  org_id: 'text',
  org_path: 'text',
  county_key: 'integer',
  handler_org_id: 'text',
  handler_path: 'text',
  handler_user_id: 'text',
  escalated_org_id: 'text',
  escalated_path: 'text',
  escalation_count: 'integer',
  is_supervised: 'integer',
  reporter_user_id: 'text',
  contact_name: 'text',
  contact_phone_enc: 'text',
  contact_phone_bidx: 'text',
  is_anonymous: 'integer',
  external_ref: 'text',
  created_by: 'text',
  created_at: 'text',
  accept_due_at: 'text',
  resolve_due_at: 'text',
  paused_at: 'text',
  pause_reason: 'text',
  due_state: 'text',
  next_check_at: 'text',
  accepted_at: 'text',
  resolved_at: 'text',
  closed_at: 'text',
  is_accepted_on_time: 'integer',
  accept_seconds: 'bigint',
  resolve_seconds: 'bigint',
  was_overdue: 'integer',
  is_solved: 'integer',
  rating: 'integer',
  rating_comment: 'text',
  merged_into_id: 'text',
  reopen_count: 'integer',
  version: 'integer',
  updated_at: 'text',
} as const;

/** A position in a queue: the case a page follows (the first page follows the end of time). */
export interface QueuePosition {
  at: string;
  id: string;
}
const TOP: QueuePosition = { at: '9999', id: '' };

/** The first `pages` pages of a unit's queue as a client walks them by nextCursor: each URL, and the case it follows. */
export async function walkUnitQueue(
  app: Awaited<ReturnType<typeof setup>>['app'],
  headers: Record<string, string>,
  pages: number,
) {
  const walked = [{ url: '/api/v1/cases?queue=unit', after: TOP }];
  while (walked.length < pages) {
    const res = await app.inject({ method: 'GET', url: walked.at(-1)!.url, headers });
    const page = res.json<{ items: { id: string; createdAt: string }[]; nextCursor: string | null }>();
    const last = page.items.at(-1);
    if (page.nextCursor === null || last === undefined) throw new Error(`the queue ends before page ${pages}`);
    walked.push({
      url: `/api/v1/cases?queue=unit&cursor=${page.nextCursor}`,
      after: { at: last.createdAt, id: last.id },
    });
  }
  return walked;
}

const BARE_QUEUE_PAGE = `select * from cases where handler_org_id = ? and created_at <= ? and (created_at < ? or id < ?)
  order by created_at desc, id desc limit 50`;

/** A queue page's bare keyset SELECT through the engine's own driver: the 50 cases of a unit after a position. */
export function bareQueuePage(deps: AppDeps, unitId: string, after: QueuePosition) {
  const args = [unitId, after.at, after.at, after.id];
  const { sqlite, pool } = deps.database;
  if (sqlite) return sqlite.prepare(BARE_QUEUE_PAGE).all(...args);
  let n = 0;
  return pool!.query(
    BARE_QUEUE_PAGE.replace(/\?/g, () => `$${++n}`),
    args,
  );
}

/**
 * 1,000,000 cases over a year across every community of 兰州市 (handled by communities, streets and
 * 安宁区's departments), then a unit's queue page and a district's three rates through the API.
 */
export async function benchCaseQueries(dialect: DialectName, total: number) {
  const ctx = await setup(dialect);
  const { deps } = ctx;
  const communities = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path', 'parent_id'])
    .where('level', '=', 'community')
    .execute();
  const streets = new Map(
    (await deps.db.selectFrom('org_units').select(['id', 'path']).where('level', '=', 'street').execute()).map((s) => [
      s.id,
      s,
    ]),
  );
  const departments = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path'])
    .where('level', '=', 'department')
    .execute();
  const items = await deps.db.selectFrom('duty_items').select(['id', 'code']).execute();
  const yearStart = Date.UTC(2025, 10, 28);
  const span = 365 * 86_400_000;
  const started = Date.now();
  const statuses = [
    'closed',
    'closed',
    'closed',
    'closed',
    'resolved',
    'in_progress',
    'accepted',
    'submitted',
    'rejected',
  ] as const;
  let batch: CaseTable[] = [];
  const flush = async () => {
    const rows = batch;
    batch = [];
    await deps.db.transaction().execute((trx) => bulkInsert(trx, deps.database.sqlite, 'cases', CASE_TYPES, rows));
  };
  // the staff member's own community gets its fair share, so her queue is realistic
  const own = communities.find((c) => c.id === ctx.community.id)!;
  for (let i = 0; i < total; i++) {
    const place = i % 400 === 0 ? own : communities[(i * 7919) % communities.length]!;
    const street = streets.get(place.parent_id!)!;
    const roll = (i * 104_729) % 100;
    const handler =
      roll < 75
        ? place
        : roll < 90
          ? street
          : place.path.startsWith(ctx.county.path)
            ? departments[i % departments.length]!
            : street;
    const created = new Date(yearStart + ((i * 2_654_435_761) % span)).toISOString();
    const status = statuses[i % statuses.length]!;
    const item = items[i % items.length]!;
    const isClosed = status === 'closed';
    batch.push(
      benchCaseRow({
        id: newId(),
        number: `SQB${String(i).padStart(9, '0')}`,
        channel: 'resident_app',
        duty_item_id: item.id,
        duty_code: item.code,
        status,
        description: '楼道堆物，影响通行',
        org_id: place.id,
        org_path: place.path,
        handler_org_id: handler.id,
        handler_path: handler.path,
        created_at: created,
        accept_due_at: created,
        resolve_due_at: created,
        due_state: i % 13 === 0 ? 'overdue' : 'ok',
        accepted_at: status === 'submitted' ? null : created,
        resolved_at: null,
        closed_at: isClosed ? created : null,
        is_accepted_on_time: status === 'submitted' ? null : i % 5 === 0 ? 0 : 1,
        accept_seconds: status === 'submitted' ? null : 3600 + (i % 7200),
        resolve_seconds: isClosed ? 86_400 + (i % 86_400) : null,
        was_overdue: i % 13 === 0 ? 1 : 0,
        is_solved: isClosed ? (i % 10 === 0 ? 0 : 1) : null,
        rating: isClosed && i % 3 !== 0 ? 1 + (i % 5) : null,
        updated_at: created,
      }),
    );
    if (batch.length >= 20_000) await flush();
  }
  await flush();
  // after a bulk load autovacuum would set the visibility map (index-only scans need it) and the statistics
  if (dialect === 'postgres') await deps.database.pool!.query('vacuum analyze cases');
  else deps.database.sqlite!.exec('analyze');
  console.log(`  loaded ${total.toLocaleString('en')} cases in ${fmtMs(Date.now() - started)}`);

  const staff = await ctx.signIn('staff');
  const district = await ctx.signIn('district');
  const get = (url: string, headers: Record<string, string>) => ctx.app.inject({ method: 'GET', url, headers });
  const pages = await walkUnitQueue(ctx.app, staff, 5);
  const queue = await latency(300, (i) => get(pages[i % pages.length]!.url, staff));
  const bareQueue = await latency(300, (i) => bareQueuePage(deps, ctx.community.id, pages[i % pages.length]!.after));
  report({
    scenario: `a unit's queue page through the API (${total.toLocaleString('en')} cases)`,
    engine: dialect,
    figure: 'p95',
    platform: `${fmtMs(queue.p95)} (p50 ${fmtMs(queue.p50)})`,
    baseline: `${fmtMs(bareQueue.p95)} (the page's bare keyset SELECT)`,
    target: 'p95 ≤ 20 ms',
    isMet: queue.p95 <= 20,
    platformValue: queue.p95,
    baselineValue: bareQueue.p95,
  });

  const rates = await latency(60, () =>
    get(`/api/v1/case-rates?orgId=${ctx.county.id}&from=2025-11-28&to=2026-11-27`, district),
  );
  const end = subtreeEndOf(ctx.county.path);
  const bareRatesSql = `select count(*), sum(case when is_accepted_on_time = 1 then 1 else 0 end), sum(case when status = 'closed' then 1 else 0 end),
    sum(case when status = 'closed' and is_solved = 1 then 1 else 0 end), sum(case when rating is not null then 1 else 0 end),
    sum(case when rating >= 4 then 1 else 0 end), avg(accept_seconds), avg(resolve_seconds)
    from cases where handler_path >= ? and handler_path < ? and created_at >= ? and created_at < ? and status <> 'merged'`;
  const args = [ctx.county.path, end, '2025-11-27T16:00:00.000Z', '2026-11-27T16:00:00.000Z'];
  const sqlite = deps.database.sqlite;
  const bareRates = sqlite
    ? await latency(60, () => sqlite.prepare(bareRatesSql).get(...args))
    : await latency(60, () =>
        deps.database.pool!.query(
          bareRatesSql.replace(/\?/g, (_m, o: number) => `$${bareRatesSql.slice(0, o).split('?').length}`),
          args,
        ),
      );
  report({
    scenario: `the three rates of a district over a year, with drill-down to its streets and by item (${total.toLocaleString('en')} cases)`,
    engine: dialect,
    figure: 'p95',
    platform: `${fmtMs(rates.p95)} (p50 ${fmtMs(rates.p50)})`,
    baseline: `${fmtMs(bareRates.p95)} (one bare aggregate for the district total only)`,
    target: 'p95 ≤ 200 ms',
    isMet: rates.p95 <= 200,
    platformValue: rates.p95,
    baselineValue: bareRates.p95,
  });
  await ctx.app.close();
  await ctx.fresh.drop();
}

const subtreeEndOf = (p: string) => `${p.slice(0, -1)}0`;
