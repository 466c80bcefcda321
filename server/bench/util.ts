import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database, type DialectName } from '../src/db/database.ts';
import { collectGarbage } from '../src/platform/memory.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

export const BENCH_PG_URL =
  process.env.TIANZIGE_BENCH_DATABASE_URL ??
  process.env.TIANZIGE_TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, migrated database for one benchmark. */
export async function freshDatabase(
  dialect: DialectName,
  label: string,
): Promise<{ database: Database; url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tz-bench-${label}-`));
    const database = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'bench.db') });
    await migrateToLatest(database.db);
    return {
      database,
      url: `sqlite:${path.join(dir, 'bench.db')}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `tz_bench_${label}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: BENCH_PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(BENCH_PG_URL);
  url.pathname = `/${name}`;
  // a bare aggregate over 5M rows holds its connection for seconds, on a machine the load has slowed: the
  // bench waits for a pooled connection as long as it takes (a 5M run once died on the server's 5 s)
  const database = await openDatabase({ kind: 'postgres', url: url.toString() }, { connectTimeoutMs: 0 });
  await migrateToLatest(database.db);
  return {
    database,
    url: url.toString(),
    drop: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: BENCH_PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function isPostgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: BENCH_PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** Runs `fn` n times after a warm-up; returns p50/p95/p99 in milliseconds. */
export async function latency(n: number, fn: (i: number) => unknown) {
  return (await latencyInTurns([{ n, fn }]))[0]!;
}

/**
 * Several functions timed in turns (the first, the second, …, the first again), each its own number of
 * times after a warm-up: what a platform call and its baseline cost at the same moments of the machine.
 */
export async function latencyInTurns(runs: { n: number; fn: (i: number) => unknown }[]) {
  for (const run of runs) for (let i = 0; i < Math.min(20, run.n); i++) await run.fn(i);
  // garbage the bench's own setup left (a million rows read back for a baseline, say) is collected now,
  // not in the middle of the measurement, where it would be charged to the platform
  collectGarbage();
  const samples = runs.map((): number[] => []);
  for (let i = 0; i < Math.max(...runs.map((r) => r.n)); i++)
    for (const [k, run] of runs.entries()) if (i < run.n) samples[k]!.push(await timeOne(() => run.fn(i)));
  return samples.map(percentiles);
}

async function timeOne(fn: () => unknown): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function percentiles(samples: number[]) {
  samples.sort((x, y) => x - y);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t = Date.now();
  const result = await fn();
  return { ms: Date.now() - t, result };
}

export interface Figure {
  scenario: string;
  engine: string;
  figure: string;
  platform: string;
  baseline: string;
  ratio: string;
  target: string;
  isMet: boolean;
  /** the machine's 1-minute load average when the figure was printed */
  load: number;
  /** the platform's figure as a number (its unit is the figure's), to set one layout beside another */
  value: number;
}

export const figures: Figure[] = [];

/** Load above this before a run means other work shares the cores: its figures would be mistaken for regressions. */
export const MAX_START_LOAD = 1.5;
const oneMinuteLoad = () => Number(os.loadavg()[0]!.toFixed(2));

/**
 * Refuses to start a run on a busy machine (issue 18, item 4): the load average must be at most
 * MAX_START_LOAD. `--allow-busy` runs anyway, and every figure says so.
 */
export function checkQuietMachine(allowBusy: boolean): void {
  const load = oneMinuteLoad();
  if (load <= MAX_START_LOAD) {
    console.log(`load average ${load} (≤ ${MAX_START_LOAD}): starting`);
    return;
  }
  if (!allowBusy) {
    console.error(
      `load average ${load} > ${MAX_START_LOAD}: other work is using the cores, so the figures would not be comparable; ` +
        'wait until the machine is quiet, or pass --allow-busy to run anyway (each figure then shows BUSY)',
    );
    process.exit(3);
  }
  console.log(`load average ${load} > ${MAX_START_LOAD}: running anyway (--allow-busy); figures are marked BUSY`);
  isBusyRun = true;
}
let isBusyRun = false;

/**
 * PostgreSQL's layout for the databases made from now on: the plain tables, or the large tables
 * partitioned by county (migration 0040 reads TIANZIGE_PG_PARTITIONED; docs/scale.md). Figures measured
 * on the partitioned layout are labelled `postgres·partitioned`.
 */
export function usePgLayout(layout: 'plain' | 'partitioned'): void {
  if (layout === 'partitioned') process.env.TIANZIGE_PG_PARTITIONED = '1';
  else delete process.env.TIANZIGE_PG_PARTITIONED;
}
const engineLabel = (engine: string) =>
  engine === 'postgres' && process.env.TIANZIGE_PG_PARTITIONED === '1' ? 'postgres·partitioned' : engine;

/** Each figure measured on both PostgreSQL layouts, the partitioned one beside the plain one. */
export function printLayoutComparison(): void {
  const partitioned = figures.filter((f) => f.engine === 'postgres·partitioned');
  if (partitioned.length === 0) return;
  console.log('\nPostgreSQL, plain tables vs partitioned by county (docs/scale.md):');
  for (const p of partitioned) {
    const plain = figures.find((f) => f.engine === 'postgres' && f.scenario === p.scenario && f.figure === p.figure);
    if (plain === undefined) continue;
    console.log(
      `  ${p.scenario} — ${p.figure}: plain ${plain.platform} | partitioned ${p.platform} | ${(p.value / plain.value).toFixed(2)}× (load ${plain.load} / ${p.load})`,
    );
  }
}

export function report(f: Omit<Figure, 'ratio' | 'load' | 'value'> & { platformValue: number; baselineValue: number }) {
  const { platformValue, baselineValue, ...rest } = f;
  const figure = {
    ...rest,
    engine: engineLabel(f.engine),
    ratio: `${(platformValue / baselineValue).toFixed(2)}×`,
    load: oneMinuteLoad(),
    value: platformValue,
  };
  figures.push(figure);
  console.log(
    `${f.isMet ? 'MET ' : 'MISS'}  [${figure.engine}] ${f.scenario} — ${f.figure}: platform ${f.platform} | bare ${f.baseline} | ${figure.ratio} | target ${f.target} | load ${figure.load}${isBusyRun ? ' BUSY' : ''}`,
  );
}

export const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(2)} ms`);
