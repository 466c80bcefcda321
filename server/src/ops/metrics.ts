import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppDeps } from '../platform/deps.ts';
import { jobRunsOf } from './job-runs.ts';

/** The outbox's statuses short of `sent` (modules/messages/dispatcher.ts). */
const OUTBOX_BACKLOG_STATUSES = ['queued', 'sending', 'failed', 'parked'];

/**
 * GET /metrics in Prometheus's text format, for the operator's Prometheus only: it answers a request
 * carrying `Authorization: Bearer <TIANZIGE_METRICS_TOKEN>`, and does not exist (404) when no token is
 * configured. Figures: HTTP latency by route pattern (never the raw URL, which holds ids) and status class,
 * the outbox and import jobs by status (read at scrape time), the deadline job's last run, the PostgreSQL
 * pool, and Node's process metrics. No label ever holds personal data.
 */
export function registerMetrics(app: FastifyInstance, deps: AppDeps): void {
  const token = deps.config.metricsToken;
  if (token === undefined) return;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'tianzige_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  app.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      {
        method: request.method,
        // the pattern (`/api/v1/cases/:id`); a path no route matched is one label, not one per URL
        route: request.routeOptions.url ?? 'unmatched',
        status_class: `${Math.floor(reply.statusCode / 100)}xx`,
      },
      reply.elapsedTime / 1000,
    );
    done();
  });

  new Gauge({
    name: 'tianzige_outbox_messages',
    help: 'Outbox messages not (yet) sent, by status: queued, sending, failed, parked',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      // sent messages are history and grow for ever: the backlog is the rest, an index range per status
      const rows = await deps.db
        .selectFrom('outbox_messages')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', OUTBOX_BACKLOG_STATUSES)
        .groupBy('status')
        .execute();
      this.reset();
      for (const status of OUTBOX_BACKLOG_STATUSES) this.set({ status }, 0);
      for (const r of rows) this.set({ status: r.status }, Number(r.n));
    },
  });
  new Gauge({
    name: 'tianzige_outbox_due_messages',
    help: 'Queued outbox messages whose next attempt is due now (the backlog the dispatcher has not reached)',
    registers: [registry],
    async collect() {
      const row = await deps.db
        .selectFrom('outbox_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'queued')
        .where('next_attempt_at', '<=', deps.clock.now().toISOString())
        .executeTakeFirstOrThrow();
      this.set(Number(row.n));
    },
  });
  new Gauge({
    name: 'tianzige_import_jobs',
    help: 'Ledger import jobs by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await deps.db
        .selectFrom('import_jobs')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      this.reset();
      for (const status of ['queued', 'running', 'succeeded', 'failed']) this.set({ status }, 0);
      for (const r of rows) this.set({ status: r.status }, Number(r.n));
    },
  });
  new Gauge({
    name: 'tianzige_job_last_run_timestamp_seconds',
    help: 'When this process last started, finished or failed a background job (Unix seconds; absent: never)',
    labelNames: ['job', 'event'] as const,
    registers: [registry],
    collect() {
      const runs = jobRunsOf('deadline_sweep');
      this.reset();
      const events = { started: runs.lastStartedAt, succeeded: runs.lastSucceededAt, failed: runs.lastFailedAt };
      for (const [event, at] of Object.entries(events))
        if (at !== null) this.set({ job: 'deadline_sweep', event }, at / 1000);
    },
  });
  new Gauge({
    name: 'tianzige_job_runs',
    help: 'Background job runs of this process by outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
    collect() {
      const runs = jobRunsOf('deadline_sweep');
      this.set({ job: 'deadline_sweep', outcome: 'succeeded' }, runs.succeeded);
      this.set({ job: 'deadline_sweep', outcome: 'failed' }, runs.failed);
    },
  });
  const pool = deps.database.pool;
  if (pool !== undefined) {
    new Gauge({
      name: 'tianzige_db_pool_connections',
      help: 'PostgreSQL pool: connections open, idle, and requests waiting for one',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }

  const expected = crypto.createHash('sha256').update(`Bearer ${token}`).digest();
  app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
    const given = crypto
      .createHash('sha256')
      .update(request.headers.authorization ?? '')
      .digest();
    if (!crypto.timingSafeEqual(given, expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ code: 'UNAUTHENTICATED' });
    }
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
}
