import crypto from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { DB } from '../../db/types.ts';
import type { Clock } from '../../platform/clock.ts';
import type { PiiCipher } from '../../platform/pii/crypto.ts';
import { retryDelayMs } from '../messages/dispatcher.ts';
import { DEFAULT_WEBHOOKS_CONFIG, type WebhooksConfig } from './config.ts';
import { signDelivery } from './signature.ts';
import { egressProblem } from './egress.ts';
import { BatchLoop } from '../../platform/batch-loop.ts';

export const DELIVERY_STATUSES = ['queued', 'sending', 'delivered', 'parked'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookDispatcherOptions extends Partial<WebhooksConfig> {
  /** deliveries claimed and sent at once */
  batchSize?: number;
  /** a delivery left `sending` this long (its dispatcher died mid-send) is claimed again */
  leaseMs?: number;
  /** [0, 1): the jitter's source (tests may fix it) */
  random?: () => number;
  onError?: (error: unknown) => void;
}

export interface WebhookDispatcherDeps {
  db: Kysely<DB>;
  dialect: DialectName;
  clock: Clock;
  pii: PiiCipher;
}

interface ClaimedRow {
  id: string;
  subscriber_id: string;
  event_type: string;
  payload: string;
  attempts: number;
  url: string;
  secret_enc: string;
}

type Outcome =
  | { status: 'delivered'; code: number }
  | { status: 'retry'; code: number | null; error: string; retryAfterMs?: number };

const MAX_DELAY_MS = 3_600_000;

/**
 * Delivers what subscribers are owed: claims due deliveries in batches with a claim token (on
 * PostgreSQL with FOR UPDATE SKIP LOCKED, so several servers never claim the same row; on SQLite one
 * statement under the single writer lock), POSTs each signed body with a time limit, and records the
 * outcome — delivered on a 2xx, else queued again with exponential backoff and jitter, and parked after
 * the last attempt. No transaction is open while a receiver is asked, so a slow one holds up nobody.
 */
export class WebhookDispatcher {
  private readonly options: Required<Omit<WebhookDispatcherOptions, 'onError'>> &
    Pick<WebhookDispatcherOptions, 'onError'>;
  private readonly loop: BatchLoop;

  constructor(
    private readonly deps: WebhookDispatcherDeps,
    options: WebhookDispatcherOptions = {},
  ) {
    const d = DEFAULT_WEBHOOKS_CONFIG;
    this.options = {
      timeoutMs: options.timeoutMs ?? d.timeoutMs,
      maxAttempts: options.maxAttempts ?? d.maxAttempts,
      retryBaseMs: options.retryBaseMs ?? d.retryBaseMs,
      intervalMs: options.intervalMs ?? d.intervalMs,
      batchSize: options.batchSize ?? 50,
      leaseMs: options.leaseMs ?? 300_000,
      random: options.random ?? Math.random,
      onError: options.onError,
    };
    this.loop = new BatchLoop(() => this.runOnce(), {
      batchSize: this.options.batchSize,
      maxBatches: 100,
      onError: this.options.onError,
    });
  }

  /** Looks for due deliveries every `intervalMs` (unref'd: it never keeps the process alive). */
  start(): void {
    this.loop.start(this.options.intervalMs);
  }

  /** Stops looking and waits for the batch in hand. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Sends batches until nothing is due; returns how many deliveries were attempted. */
  drain(maxBatches?: number): Promise<number> {
    return this.loop.drain(maxBatches);
  }

  /** Claims one batch of due deliveries and sends them; returns how many were claimed. */
  async runOnce(): Promise<number> {
    const token = crypto.randomUUID();
    const claimed = await this.claim(token);
    if (claimed.length === 0) return 0;
    const outcomes = await Promise.all(claimed.map((row) => this.sendOne(row)));
    await this.record(token, claimed, outcomes);
    return claimed.length;
  }

  private async claim(token: string): Promise<ClaimedRow[]> {
    const now = this.deps.clock.now();
    const nowText = now.toISOString();
    const staleBefore = new Date(now.getTime() - this.options.leaseMs).toISOString();
    const lock = this.deps.dialect === 'postgres' ? sql`for update of d skip locked` : sql``;
    // a paused subscriber's deliveries wait, queued, until it is switched on again
    const { rows } = await sql<Omit<ClaimedRow, 'url' | 'secret_enc'>>`
      update webhook_deliveries
      set status = 'sending', claim_token = ${token}, claimed_at = ${nowText}, attempts = attempts + 1, updated_at = ${nowText}
      where id in (
        select d.id from webhook_deliveries d
        join webhook_subscribers s on s.id = d.subscriber_id
        where s.is_active = 1
          and ((d.status = 'queued' and d.next_attempt_at <= ${nowText})
            or (d.status = 'sending' and d.claimed_at < ${staleBefore}))
        order by d.next_attempt_at
        limit ${this.options.batchSize}
        ${lock}
      )
      returning id, subscriber_id, event_type, payload, attempts`.execute(this.deps.db);
    if (rows.length === 0) return [];
    const subscribers = await this.deps.db
      .selectFrom('webhook_subscribers')
      .select(['id', 'url', 'secret_enc'])
      .where('id', 'in', [...new Set(rows.map((r) => r.subscriber_id))])
      .execute();
    const byId = new Map(subscribers.map((s) => [s.id, s]));
    return rows.map((r) => ({
      ...r,
      url: byId.get(r.subscriber_id)?.url ?? '',
      secret_enc: byId.get(r.subscriber_id)?.secret_enc ?? '',
    }));
  }

  private async sendOne(row: ClaimedRow): Promise<Outcome> {
    if (row.url === '') return { status: 'retry', code: null, error: 'subscriber removed' };
    const timestamp = String(Math.floor(this.deps.clock.now().getTime() / 1000));
    let secret: string;
    try {
      secret = this.deps.pii.decrypt(row.secret_enc);
    } catch {
      return { status: 'retry', code: null, error: 'secret unreadable (another PII key?)' };
    }
    // SSRF: never the metadata service or a link-local address, however the name resolves today (egress.ts)
    const forbidden = await egressProblem(row.url);
    if (forbidden !== null) return { status: 'retry', code: null, error: forbidden };
    try {
      const res = await fetch(row.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Tianzige-Webhooks/1',
          'x-tianzige-event': row.event_type,
          'x-tianzige-delivery': row.id,
          'x-tianzige-timestamp': timestamp,
          'x-tianzige-signature': signDelivery(secret, timestamp, row.payload),
        },
        body: row.payload,
      });
      // the answer's body is not read: free the connection
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { status: 'delivered', code: res.status };
      const retryAfter = Number(res.headers.get('retry-after'));
      return {
        status: 'retry',
        code: res.status,
        error: `HTTP ${res.status}`,
        ...(Number.isFinite(retryAfter) && retryAfter > 0
          ? { retryAfterMs: Math.min(retryAfter * 1000, MAX_DELAY_MS) }
          : {}),
      };
    } catch (error) {
      return { status: 'retry', code: null, error: describeFailure(error, this.options.timeoutMs) };
    }
  }

  private async record(token: string, rows: ClaimedRow[], outcomes: Outcome[]): Promise<void> {
    const now = this.deps.clock.now();
    const nowText = now.toISOString();
    await Promise.all(
      rows.map((row, i) => {
        const outcome = outcomes[i]!;
        let values: Record<string, string | number | null>;
        if (outcome.status === 'delivered') {
          values = { status: 'delivered', delivered_at: nowText, last_status_code: outcome.code, last_error: null };
        } else if (row.attempts >= this.options.maxAttempts) {
          values = { status: 'parked', last_status_code: outcome.code, last_error: outcome.error };
        } else {
          const delay = Math.max(
            outcome.retryAfterMs ?? 0,
            retryDelayMs(row.attempts, {
              baseDelayMs: this.options.retryBaseMs,
              maxDelayMs: MAX_DELAY_MS,
              random: this.options.random,
            }),
          );
          values = {
            status: 'queued',
            next_attempt_at: new Date(now.getTime() + delay).toISOString(),
            last_status_code: outcome.code,
            last_error: outcome.error,
          };
        }
        return this.deps.db
          .updateTable('webhook_deliveries')
          .set({ ...values, claim_token: null, updated_at: nowText })
          .where('id', '=', row.id)
          .where('claim_token', '=', token)
          .execute();
      }),
    );
  }
}

/** What went wrong, in words an operator can act on, never the receiver's answer text. */
function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return `connection failed: ${cause.code}`;
  // fetch's own refusals (a port browsers block, a malformed answer) say why in the cause's message
  if (typeof cause?.message === 'string') return `request failed: ${cause.message.slice(0, 200)}`;
  return `request failed: ${error instanceof Error ? error.name : 'unknown'}`;
}
