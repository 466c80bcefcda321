import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { DialectName } from '../src/db/database.ts';
import { freePort } from './web-load.ts';
import { BENCH_PG_URL, report } from './util.ts';
import { writeLedger } from './registry.ts';

const SERVER_DIR = path.resolve(import.meta.dirname, '..');
const PASSWORD = 'Tianzige@2026';
const METRICS_TOKEN = 'soak-metrics-token-0123456789';
const YINGMENTAN = '620105006010';
const BOX = [103.7165, 36.0985, 103.7255, 36.1045] as const;
/** The n-th place reported: spread over 营门滩社区's outline, never on its edge. */
const placeIn = (n: number) => ({
  lng: BOX[0] + (0.05 + (((n * 7919) % 1000) / 1000) * 0.9) * (BOX[2] - BOX[0]),
  lat: BOX[1] + (0.05 + (((n * 104_729) % 1000) / 1000) * 0.9) * (BOX[3] - BOX[1]),
});
/** Heap samples are read this often from /metrics. */
const SAMPLE_MS = 2_000;
/** The live heap (after a full collection, through the inspector) is measured this often. */
const LIVE_MS = 20_000;

interface Session {
  cookie: string;
  'x-csrf-token': string;
}

interface Tally {
  requests: number;
  /** unexpected answers and network errors, each with what it was */
  errors: string[];
  cases: string[];
  visits: string[];
  reports: number;
  importRows: number;
  importJob: string | null;
}

/**
 * The soak (issue 17, item 6): the real server — a child process started as `npm start` starts it, demo
 * data and every background job on — under a mixed load on loopback for `seconds` (600 by default):
 * staff reading queues, dashboards and the registry; cases arriving through the API and through Open311
 * (form-encoded); a grid worker's visits syncing; a ledger import of 20,000 rows a third of the way in;
 * 一表通 reports generated. Judged on what an operator watches: the live heap at the end against the live
 * heap after warm-up (≤ 10% more; live = in use right after a full collection, which the soak asks the
 * server's inspector for every 20 s — /metrics' heap-in-use samples are printed too, minute by minute,
 * but their floor still holds garbage V8 had not collected yet), no error answers, no lost writes (every acknowledged case and visit, and the import's rows, read
 * back from the database after the server stopped), and the deadline sweep running all along (its runs on
 * /metrics). The baseline beside the heap figure is the same process's heap after warm-up.
 */
export async function benchSoak(engine: DialectName, seconds = 600) {
  const pgName = `tz_bench_soak_${crypto.randomBytes(4).toString('hex')}`;
  if (engine === 'postgres') await adminQuery(`create database ${pgName}`);
  const pgUrl = (() => {
    const u = new URL(BENCH_PG_URL);
    u.pathname = `/${pgName}`;
    return u.toString();
  })();
  const server = await startServer(engine === 'postgres' ? pgUrl : undefined);
  const tally: Tally = { requests: 0, errors: [], cases: [], visits: [], reports: 0, importRows: 0, importJob: null };
  let heap: { at: number; bytes: number }[] = [];
  const live: { at: number; bytes: number }[] = [];
  let sweepsAtStart = 0;
  let sweeps = { succeeded: 0, failed: 0 };
  try {
    const db = engine === 'sqlite' ? sqliteReader(server.dataDir) : await pgReader(pgUrl);
    const community = await db.one<{ id: string; path: string }>('select id, path from org_units where code = ?', [
      YINGMENTAN,
    ]);
    const street = await db.one<{ id: string }>('select id from org_units where code = ?', [YINGMENTAN.slice(0, 9)]);
    const grids = await db.all<{ id: string; name: string }>(
      "select id, name from org_units where parent_id = ? and level = 'grid' order by name",
      [community.id],
    );
    const template = await db.one<{ id: string }>(
      'select id from report_templates order by created_at, id limit 1',
      [],
    );
    const secretary = await signIn(server.baseUrl, 'yingmentan_sj');
    const gridWorker = await signIn(server.baseUrl, 'yingmentan_wg1');
    const streetStaff = await signIn(server.baseUrl, 'yintanlu');
    const clerk = await signIn(server.baseUrl, 'anning_mzj');
    const ownGrid = await db.one<{ id: string }>(
      "select o.id from org_units o join users u on u.home_org_id = o.id where u.username = 'yingmentan_wg1'",
      [],
    );
    const households = (
      await db.all<{ id: string }>('select id from households where org_id = ? order by id', [ownGrid.id])
    ).map((h) => h.id);
    if (households.length === 0) throw new Error('the demo grid has no households to visit');
    const created = await call<{ key: string }>(
      tally,
      server.baseUrl,
      'POST',
      '/api/v1/apikeys',
      secretary,
      {
        name: 'soak 12345',
      },
      [201],
    );
    if (created === undefined) throw new Error(`no API key: ${tally.errors.join('; ')}`);
    const apiKey = created.key;

    const started = Date.now();
    const endAt = started + seconds * 1000;
    const isRunning = () => Date.now() < endAt;
    const warmUpEnd = started + Math.min(120_000, seconds * 200);
    let i = 0;
    const next = () => ++i;

    const metricsLoop = (async () => {
      while (isRunning()) {
        const text = await metrics(server.baseUrl);
        heap.push({ at: Date.now(), bytes: gauge(text, 'nodejs_heap_size_used_bytes') });
        sweeps = {
          succeeded: gauge(text, 'tianzige_job_runs{job="deadline_sweep",outcome="succeeded"}'),
          failed: gauge(text, 'tianzige_job_runs{job="deadline_sweep",outcome="failed"}'),
        };
        if (heap.length === 1) sweepsAtStart = sweeps.succeeded;
        await sleep(SAMPLE_MS);
      }
    })();
    const liveLoop = (async () => {
      while (isRunning()) {
        live.push({ at: Date.now(), bytes: await server.liveHeap() });
        await sleep(Math.min(LIVE_MS, Math.max(0, endAt - 2_000 - Date.now())));
      }
    })();
    const readers = [0, 1, 2].map(async (r) => {
      while (isRunning()) {
        const n = next();
        switch ((n + r) % 5) {
          case 0:
            await call(tally, server.baseUrl, 'GET', `/api/v1/cases?queue=unit&orgId=${community.id}`, secretary);
            break;
          case 1:
            await call(tally, server.baseUrl, 'GET', `/api/v1/insights/${community.id}/summary`, secretary);
            break;
          case 2:
            await call(tally, server.baseUrl, 'GET', `/api/v1/insights/${street.id}/children`, streetStaff);
            break;
          case 3:
            await call(tally, server.baseUrl, 'POST', '/api/v1/residents/search', secretary, {
              orgId: community.id,
              q: '王',
            });
            break;
          default:
            await call(tally, server.baseUrl, 'GET', `/api/v1/insights/${community.id}/cases`, secretary);
        }
      }
    });
    const intake = [0, 1].map(async () => {
      while (isRunning()) {
        const n = next();
        const place = placeIn(n);
        const out = await call<{ case: { id: string } | null }>(
          tally,
          server.baseUrl,
          'POST',
          '/api/v1/cases',
          secretary,
          {
            channel: 'phone',
            dutyCode: 'LL-002',
            description: `居民来电：楼上夜间噪音扰民（第 ${n} 次）`,
            ...place,
            force: true,
          },
          [201],
        );
        if (out?.case === null) tally.errors.push('intake: offered duplicates although forced');
        else if (out !== undefined) tally.cases.push(out.case.id);
      }
    });
    const open311 = (async () => {
      while (isRunning()) {
        const n = next();
        const form = new URLSearchParams({
          api_key: apiKey,
          service_code: 'HJ-001',
          description: `小区垃圾站满了没人清（Open311 第 ${n} 次）`,
          lat: String(placeIn(n).lat),
          long: String(placeIn(n).lng),
        });
        tally.requests += 1;
        const res = await fetch(`${server.baseUrl}/open311/v2/requests.json`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
        }).catch((err: unknown) => err as Error);
        if (res instanceof Error) tally.errors.push(`open311: ${res.message}`);
        else if (res.status !== 201 && res.status !== 200)
          tally.errors.push(`open311: ${res.status} ${await res.text()}`);
        else {
          const [receipt] = (await res.json()) as { service_request_id?: string }[];
          if (receipt?.service_request_id !== undefined) tally.cases.push(`number:${receipt.service_request_id}`);
        }
        await sleep(20);
      }
    })();
    const visits = (async () => {
      while (isRunning()) {
        const ops = Array.from({ length: 10 }, () => {
          const n = next();
          return {
            clientId: crypto.randomUUID(),
            kind: 'visit',
            payload: {
              householdId: households[n % households.length]!,
              visitedAt: new Date(Date.now() - 60_000).toISOString(),
              kind: 'routine',
              findings: [{ topic: 'health', note: '血压平稳' }],
              note: `例行走访 ${n}`,
            },
          };
        });
        const out = await call<{ results: { status: string }[] }>(
          tally,
          server.baseUrl,
          'POST',
          '/api/v1/sync/batch',
          gridWorker,
          { ops },
        );
        if (out !== undefined)
          out.results.forEach((r, k) => {
            if (r.status === 'created') tally.visits.push(ops[k]!.clientId);
            else tally.errors.push(`visit sync: ${r.status}`);
          });
        await sleep(200);
      }
    })();
    const reports = (async () => {
      const period = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
      while (isRunning()) {
        const out = await call(
          tally,
          server.baseUrl,
          'POST',
          '/api/v1/reports',
          clerk,
          { templateId: template.id, orgId: community.id, period },
          [201],
        );
        if (out !== undefined) tally.reports += 1;
        await sleep(15_000);
      }
    })();
    const ledgerImport = (async () => {
      await sleep(Math.max(0, started + seconds * 333 - Date.now()));
      const file = path.join(server.dataDir, 'soak-ledger.csv');
      await writeLedger(file, 20_000, [{ code: YINGMENTAN, grids: grids.map((g) => g.name) }]);
      const form = new FormData();
      form.set('orgId', community.id);
      form.set('mode', 'valid-rows');
      form.set('file', new Blob([fs.readFileSync(file)], { type: 'text/csv' }), 'ledger.csv');
      tally.requests += 1;
      const res = await fetch(`${server.baseUrl}/api/v1/residents/imports`, {
        method: 'POST',
        headers: { ...secretary },
        body: form,
      });
      if (res.status !== 202) {
        tally.errors.push(`import: ${res.status} ${await res.text()}`);
        return;
      }
      let job = (await res.json()) as { id: string; status: string; imported: number };
      tally.importJob = job.id;
      while (job.status !== 'succeeded' && job.status !== 'failed') {
        await sleep(1000);
        job = (await call(tally, server.baseUrl, 'GET', `/api/v1/residents/imports/${job.id}`, secretary)) ?? job;
      }
      if (job.status !== 'succeeded') tally.errors.push(`import ended ${job.status}`);
      tally.importRows = job.imported;
    })();

    await Promise.all([metricsLoop, liveLoop, ...readers, ...intake, open311, visits, reports, ledgerImport]);
    await server.stop();

    // no lost writes: what was acknowledged is there after the stop
    const ids = tally.cases.filter((c) => !c.startsWith('number:'));
    const numbers = tally.cases.filter((c) => c.startsWith('number:')).map((c) => c.slice(7));
    const found =
      (await db.countIn('cases', 'id', ids)) +
      (await db.countIn('cases', 'number', numbers)) +
      (await db.countIn('sync_receipts', 'client_id', tally.visits));
    const acknowledged = ids.length + numbers.length + tally.visits.length;
    const imported =
      tally.importJob === null
        ? 0
        : Number(
            (
              await db.one<{ n: number }>('select count(*) as n from residents where import_job_id = ?', [
                tally.importJob,
              ])
            ).n,
          );
    await db.close();

    const elapsed = (Date.now() - started) / 1000;
    // judged on the live heap (after a full collection): a floor of heap-in-use samples still holds whatever
    // garbage the last major collection had not reached, so two windows differ by when V8 last collected
    const warm = (live.find((l) => l.at >= warmUpEnd) ?? live[live.length - 1]!).bytes;
    const end = live[live.length - 1]!.bytes;
    const lost = acknowledged - found + Math.max(0, tally.importRows - imported);
    const sweepRuns = sweeps.succeeded - sweepsAtStart;
    const isMet =
      end <= warm * 1.1 &&
      tally.errors.length === 0 &&
      lost === 0 &&
      sweeps.failed === 0 &&
      sweepRuns >= seconds / 60 - 1;
    const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
    report({
      scenario: `soak: ${Math.round(elapsed)} s of mixed load on loopback (3 readers, 2 API intakes, Open311 form intake, visit sync, a 20,000-row import, a report every 15 s), demo data, every job on`,
      engine,
      figure: 'live heap (after a full collection) at the end vs after warm-up; errors; lost writes; deadline sweeps',
      platform: `${mb(end)} at the end; ${tally.requests.toLocaleString('en')} requests, ${tally.errors.length} errors, ${lost} lost of ${acknowledged.toLocaleString('en')} cases/visits + ${tally.importRows.toLocaleString('en')} imported rows; ${tally.reports} reports; ${sweepRuns} deadline sweeps (${sweeps.failed} failed)`,
      baseline: `${mb(warm)} after warm-up (same process, live)`,
      target: 'heap ≤ +10%, 0 errors, 0 lost, the sweep running',
      isMet,
      platformValue: end,
      baselineValue: warm,
    });
    // the heap's floor minute by minute: a leak climbs, a cache filled once (the import's) steps up and stays
    const minutes: string[] = [];
    for (let from = started; from < endAt; from += 60_000) {
      const inMinute = heap.filter((h) => h.at >= from && h.at < from + 60_000).map((h) => h.bytes);
      if (inMinute.length > 0) minutes.push((Math.min(...inMinute) / 1e6).toFixed(0));
    }
    console.log(`  heap floor by minute (MB): ${minutes.join(' → ')}`);
    console.log(
      `  live heap after a full collection, every ${LIVE_MS / 1000} s (MB): ${live.map((l) => `${Math.round((l.at - started) / 1000)} s ${(l.bytes / 1e6).toFixed(1)}`).join(' → ')}`,
    );
    for (const e of tally.errors.slice(0, 10)) console.log(`  error: ${e}`);
  } finally {
    await server.stop();
    server.remove();
    if (engine === 'postgres') await adminQuery(`drop database if exists ${pgName} with (force)`);
    heap = [];
  }
}

/** Asks the server's inspector for a full garbage collection, then reads the heap in use. */
async function liveHeapOf(inspector: string): Promise<number> {
  const ws = new WebSocket(inspector);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  const answers = new Map<number, (message: unknown) => void>();
  ws.onmessage = (m: MessageEvent) => {
    const message = JSON.parse(String(m.data)) as { id?: number };
    if (message.id !== undefined) answers.get(message.id)?.(message);
  };
  let id = 0;
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      id += 1;
      answers.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    await send('HeapProfiler.collectGarbage');
    const answer = (await send('Runtime.evaluate', {
      expression: 'process.memoryUsage().heapUsed',
      returnByValue: true,
    })) as { result: { result: { value: number } } };
    return answer.result.result.value;
  } finally {
    ws.close();
  }
}

async function call<T = unknown>(
  tally: Tally,
  baseUrl: string,
  method: 'GET' | 'POST',
  url: string,
  session: Session,
  body?: unknown,
  expect: number[] = [200],
): Promise<T | undefined> {
  tally.requests += 1;
  try {
    const res = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { ...session, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!expect.includes(res.status)) {
      tally.errors.push(`${method} ${url.split('?')[0]}: ${res.status} ${(await res.text()).slice(0, 200)}`);
      return undefined;
    }
    return (await res.json()) as T;
  } catch (err) {
    tally.errors.push(`${method} ${url.split('?')[0]}: ${(err as Error).message}`);
    return undefined;
  }
}

async function signIn(baseUrl: string, username: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in of ${username}: ${res.status} ${await res.text()}`);
  const session = res.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((pair) => pair.startsWith('tz_session='));
  return { cookie: session!, 'x-csrf-token': ((await res.json()) as { csrfToken: string }).csrfToken };
}

async function metrics(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (!res.ok) throw new Error(`/metrics: ${res.status}`);
  return res.text();
}

/** A sample's value from Prometheus text: `name` may carry its labels exactly as printed. */
function gauge(text: string, name: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `)) return Number(line.slice(name.length + 1));
  }
  return 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function adminQuery(text: string) {
  const c = new pg.Client({ connectionString: BENCH_PG_URL });
  await c.connect();
  await c.query(text);
  await c.end();
}

interface Reader {
  one<T>(text: string, params: unknown[]): Promise<T>;
  all<T>(text: string, params: unknown[]): Promise<T[]>;
  countIn(table: string, column: string, values: string[]): Promise<number>;
  close(): Promise<void>;
}

function sqliteReader(dataDir: string): Reader {
  const db = new Database(path.join(dataDir, 'tianzige.db'), { readonly: true });
  db.pragma('busy_timeout = 10000');
  const all = <T>(text: string, params: unknown[]) => Promise.resolve(db.prepare(text).all(...params) as T[]);
  return {
    all,
    one: async <T>(text: string, params: unknown[]) => {
      const [row] = await all<T>(text, params);
      if (row === undefined) throw new Error(`no row: ${text}`);
      return row;
    },
    countIn: async (table, column, values) => {
      let n = 0;
      for (let i = 0; i < values.length; i += 500) {
        const part = values.slice(i, i + 500);
        const row = db
          .prepare(`select count(*) as n from ${table} where ${column} in (${part.map(() => '?').join(',')})`)
          .get(...part) as { n: number };
        n += row.n;
      }
      return n;
    },
    close: () => Promise.resolve(void db.close()),
  };
}

async function pgReader(url: string): Promise<Reader> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const numbered = (text: string) => {
    let k = 0;
    return text.replace(/\?/g, () => `$${++k}`);
  };
  const all = async <T>(text: string, params: unknown[]) => (await client.query(numbered(text), params)).rows as T[];
  return {
    all,
    one: async <T>(text: string, params: unknown[]) => {
      const [row] = await all<T>(text, params);
      if (row === undefined) throw new Error(`no row: ${text}`);
      return row;
    },
    countIn: async (table, column, values) => {
      const r = await client.query(`select count(*)::int as n from ${table} where ${column} = any($1)`, [values]);
      return (r.rows[0] as { n: number }).n;
    },
    close: () => client.end(),
  };
}

async function startServer(databaseUrl: string | undefined) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tz-bench-soak-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    TIANZIGE_DATA_DIR: dataDir,
    TIANZIGE_DEMO: '1',
    TIANZIGE_METRICS_TOKEN: METRICS_TOKEN,
    LOG_LEVEL: 'warn',
  };
  delete env.TIANZIGE_ADMIN_PASSWORD;
  if (databaseUrl === undefined) delete env.TIANZIGE_DATABASE_URL;
  else env.TIANZIGE_DATABASE_URL = databaseUrl;
  // the inspector on loopback, so the soak can ask for a full collection before it reads the heap
  const child: ChildProcess = spawn(process.execPath, ['--inspect=127.0.0.1:0', '--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (c: Buffer) => {
    output = (output + c.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 600_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${output.slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${output.slice(-2000)}`);
    const isUp = await fetch(`${baseUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (isUp) break;
    await sleep(500);
  }
  const inspector = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(output)?.[0];
  if (inspector === undefined) throw new Error(`no inspector address in the server's output:\n${output.slice(-2000)}`);
  let isStopped = false;
  return {
    baseUrl,
    dataDir,
    /** the heap that survives a full collection: what the process really holds */
    liveHeap: () => liveHeapOf(inspector),
    stop: async () => {
      if (isStopped) return;
      isStopped = true;
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(15_000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
    remove: () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}
