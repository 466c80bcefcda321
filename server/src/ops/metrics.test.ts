import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { enqueueMessage } from '../modules/messages/outbox.ts';
import { CODES, DIALECTS, type TestContext, createTestContext } from '../test/harness.ts';
import { recordJobRun } from './job-runs.ts';

const TOKEN = 'metrics-token-0123456789';

/** The value of one sample line (`name{labels} value`), or undefined when the exposition has no such line. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe.each(DIALECTS)('GET /metrics on %s', (dialect) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  const scrape = async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.body;
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    app = await buildApp({ ...ctx.deps, config: { ...ctx.deps.config, metricsToken: TOKEN } });
  });
  afterAll(async () => {
    await app.close();
    await ctx.close();
  });

  it('does not exist without a configured token, and asks for the token when one is configured', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const wrong = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).not.toContain('tianzige_');
    expect(await scrape()).toContain('# TYPE tianzige_http_request_duration_seconds histogram');
  });

  it('counts a request in the latency histogram under its route pattern and status class, never its URL', async () => {
    const id = '0190a5a8-0000-7000-8000-00000000abcd';
    const labels = 'le="+Inf",method="GET",route="/api/v1/cases/:id",status_class="4xx"';
    const before = sample(await scrape(), 'tianzige_http_request_duration_seconds_bucket', labels) ?? 0;
    expect((await app.inject({ method: 'GET', url: `/api/v1/cases/${id}` })).statusCode).toBe(401);
    const text = await scrape();
    expect(sample(text, 'tianzige_http_request_duration_seconds_bucket', labels)).toBe(before + 1);
    expect(text).not.toContain(id);
    await app.inject({ method: 'GET', url: `/no/such/page/${id}` });
    expect(await scrape()).toMatch(/route="unmatched"/);
  });

  it('counts a queued SMS in the outbox backlog, without its number', async () => {
    const before = sample(await scrape(), 'tianzige_outbox_messages', 'status="queued"') ?? 0;
    const resident = await ctx.createUser({
      username: 'resident',
      role: 'resident',
      orgCode: CODES.yingMenTan,
      phone: '13912345678',
    });
    await enqueueMessage(ctx.deps.db, {
      now: ctx.clock.now(),
      kind: 'auth.sms_code',
      recipientUserId: resident.id,
      params: { code: '424242', minutes: '5' },
    });
    const text = await scrape();
    expect(sample(text, 'tianzige_outbox_messages', 'status="queued"')).toBe(before + 1);
    expect(sample(text, 'tianzige_outbox_due_messages', '')).toBeUndefined(); // a gauge without labels has no braces
    expect(text).toMatch(/^tianzige_outbox_due_messages [1-9]/m);
    expect(text).not.toContain('13912345678');
  });

  it('shows import jobs by status, the deadline job’s last run, the pool on PostgreSQL and process metrics', async () => {
    await recordJobRun(
      'deadline_sweep',
      () => Promise.resolve(0),
      () => 1_800_000_000_000,
    );
    const text = await scrape();
    expect(sample(text, 'tianzige_import_jobs', 'status="running"')).toBe(0);
    expect(sample(text, 'tianzige_job_last_run_timestamp_seconds', 'job="deadline_sweep",event="succeeded"')).toBe(
      1_800_000_000,
    );
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    if (dialect === 'postgres')
      expect(sample(text, 'tianzige_db_pool_connections', 'state="total"')).toBeGreaterThan(0);
    else expect(text).not.toContain('tianzige_db_pool_connections');
  });
});
