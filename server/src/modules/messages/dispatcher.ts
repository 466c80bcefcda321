import crypto from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { DB } from '../../db/types.ts';
import type { Clock } from '../../platform/clock.ts';
import type { PiiCipher } from '../../platform/pii/crypto.ts';
import type { ChannelAdapters } from './adapters/index.ts';
import type { SendOutcome } from './adapters/types.ts';
import { isSensitiveKind, providerParams } from './kinds.ts';
import { deferPastQuietHours } from './quiet-hours.ts';
import { BatchLoop } from '../../platform/batch-loop.ts';

export interface DispatcherOptions {
  /** messages claimed and sent at once */
  batchSize?: number;
  /** attempts before a message that keeps failing for a passing reason is parked */
  maxAttempts?: number;
  /** the first retry's delay; each later one doubles, up to maxDelayMs, then takes ±20% jitter */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** a message left `sending` this long (its dispatcher died mid-send) is claimed again */
  leaseMs?: number;
  /** [0, 1): the jitter's source (tests may fix it) */
  random?: () => number;
  onError?: (error: unknown) => void;
}

export interface DispatcherDeps {
  db: Kysely<DB>;
  dialect: DialectName;
  clock: Clock;
  pii: PiiCipher;
}

interface ClaimedRow {
  id: string;
  recipient_user_id: string | null;
  kind: string;
  channel: string;
  payload: string;
  address_enc: string | null;
  attempts: number;
  quiet_start_min: number | null;
  quiet_end_min: number | null;
}

/** What a secret's payload becomes once its row is final: the parameters gone, the shape kept. */
export const ERASED_PAYLOAD = JSON.stringify({ params: {}, isErased: true });

/** The delay before attempt `attempts + 1`: exponential, capped, with ±20% jitter so retries do not march in step. */
export function retryDelayMs(
  attempts: number,
  options: Required<Pick<DispatcherOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>>,
): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential * (0.8 + 0.4 * options.random()));
}

/**
 * Sends what the outbox holds: claims due messages in batches with a claim token (on PostgreSQL with
 * FOR UPDATE SKIP LOCKED, so several servers never claim the same row; on SQLite one statement under
 * the single writer lock), sends each through its channel's adapter, and records the outcome — sent,
 * queued again with backoff, failed for good, or parked after the last attempt.
 */
export class MessageDispatcher {
  private readonly options: Required<Omit<DispatcherOptions, 'onError'>> & Pick<DispatcherOptions, 'onError'>;
  private readonly loop: BatchLoop;

  constructor(
    private readonly deps: DispatcherDeps,
    private readonly adapters: ChannelAdapters,
    options: DispatcherOptions = {},
  ) {
    this.options = {
      batchSize: options.batchSize ?? 200,
      maxAttempts: options.maxAttempts ?? 6,
      baseDelayMs: options.baseDelayMs ?? 30_000,
      maxDelayMs: options.maxDelayMs ?? 3_600_000,
      leaseMs: options.leaseMs ?? 300_000,
      random: options.random ?? Math.random,
      onError: options.onError,
    };
    this.loop = new BatchLoop(() => this.runOnce(), {
      batchSize: this.options.batchSize,
      maxBatches: 1000,
      onError: this.options.onError,
    });
  }

  /** Looks for due messages every `intervalMs` (unref'd: it never keeps the process alive). */
  start(intervalMs: number): void {
    this.loop.start(intervalMs);
  }

  /** Stops looking and waits for the batch in hand. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Sends batches until nothing is due; returns how many messages were handled. */
  drain(maxBatches?: number): Promise<number> {
    return this.loop.drain(maxBatches);
  }

  /** Claims one batch of due messages and sends them; returns how many were claimed. */
  async runOnce(): Promise<number> {
    const token = crypto.randomUUID();
    const claimed = await this.claim(token);
    if (claimed.length === 0) return 0;
    const phones = await this.phonesOf(claimed);
    const outcomes = await Promise.all(claimed.map((row) => this.sendOne(row, phones)));
    await this.record(token, claimed, outcomes);
    return claimed.length;
  }

  private async claim(token: string): Promise<ClaimedRow[]> {
    const now = this.deps.clock.now();
    const nowText = now.toISOString();
    const staleBefore = new Date(now.getTime() - this.options.leaseMs).toISOString();
    const lock = this.deps.dialect === 'postgres' ? sql`for update skip locked` : sql``;
    const { rows } = await sql<ClaimedRow>`
      update outbox_messages
      set status = 'sending', claim_token = ${token}, claimed_at = ${nowText}, attempts = attempts + 1, updated_at = ${nowText}
      where id in (
        select id from outbox_messages
        where (status = 'queued' and next_attempt_at <= ${nowText})
           or (status = 'sending' and claimed_at < ${staleBefore})
        order by next_attempt_at
        limit ${this.options.batchSize}
        ${lock}
      )
      returning id, recipient_user_id, kind, channel, payload, address_enc, attempts, quiet_start_min, quiet_end_min`.execute(
      this.deps.db,
    );
    return rows;
  }

  /** The numbers on file of the batch's SMS recipients who were given none, still encrypted. */
  private async phonesOf(rows: ClaimedRow[]): Promise<Map<string, string>> {
    const ids = [
      ...new Set(
        rows
          .filter((r) => r.channel === 'sms' && r.address_enc === null && r.recipient_user_id !== null)
          .map((r) => r.recipient_user_id!),
      ),
    ];
    if (ids.length === 0) return new Map();
    const users = await this.deps.db.selectFrom('users').select(['id', 'phone_enc']).where('id', 'in', ids).execute();
    return new Map(users.filter((u) => u.phone_enc !== null).map((u) => [u.id, u.phone_enc!]));
  }

  private async sendOne(row: ClaimedRow, phones: Map<string, string>): Promise<SendOutcome> {
    if (row.channel !== 'sms' && row.channel !== 'wechat')
      return { status: 'failed', error: `unknown channel ${row.channel}` };
    const encrypted =
      row.address_enc ??
      (row.channel === 'sms' && row.recipient_user_id !== null ? phones.get(row.recipient_user_id) : undefined);
    if (encrypted === undefined) {
      return { status: 'failed', error: row.channel === 'sms' ? 'no phone number on file' : 'no WeChat binding' };
    }
    let params: Record<string, string>;
    try {
      params = (JSON.parse(row.payload) as { params: Record<string, string> }).params;
    } catch {
      return { status: 'failed', error: 'unreadable payload' };
    }
    try {
      const to = this.deps.pii.decrypt(encrypted);
      const message = { id: row.id, kind: row.kind, to, params: providerParams(row.kind, params) };
      return await this.adapters[row.channel].send(message);
    } catch (error) {
      // an adapter that throws is a bug or an outage: try later, and say only what kind of error it was
      return { status: 'retry', error: `adapter error: ${error instanceof Error ? error.name : 'unknown'}` };
    }
  }

  private async record(token: string, rows: ClaimedRow[], outcomes: SendOutcome[]): Promise<void> {
    const now = this.deps.clock.now();
    const nowText = now.toISOString();
    const sentWithoutId: string[] = [];
    const sentSensitiveWithoutId: string[] = [];
    const updates: Promise<unknown>[] = [];
    const db = this.deps.db;
    const update = (row: ClaimedRow, values: Partial<Record<string, string | number | null>>) => {
      // a secret (a sign-up code) is erased in the update that makes its row final: sent, failed or parked
      const isFinal = values.status !== 'queued';
      const erase = isFinal && isSensitiveKind(row.kind) ? { payload: ERASED_PAYLOAD } : {};
      return db
        .updateTable('outbox_messages')
        .set({ ...values, ...erase, claim_token: null, updated_at: nowText })
        .where('id', '=', row.id)
        .where('claim_token', '=', token)
        .execute();
    };
    rows.forEach((row, i) => {
      const outcome = outcomes[i]!;
      switch (outcome.status) {
        case 'sent':
          if (outcome.providerId === null) {
            (isSensitiveKind(row.kind) ? sentSensitiveWithoutId : sentWithoutId).push(row.id);
          } else
            updates.push(
              update(row, {
                status: 'sent',
                sent_at: nowText,
                last_error: null,
                provider_message_id: outcome.providerId,
              }),
            );
          break;
        case 'failed':
          updates.push(update(row, { status: 'failed', last_error: outcome.error }));
          break;
        case 'retry': {
          if (row.attempts >= this.options.maxAttempts) {
            updates.push(update(row, { status: 'parked', last_error: outcome.error }));
            break;
          }
          const delay = Math.max(outcome.retryAfterMs ?? 0, retryDelayMs(row.attempts, this.options));
          const quiet =
            row.quiet_start_min === null || row.quiet_end_min === null
              ? null
              : { startMin: row.quiet_start_min, endMin: row.quiet_end_min };
          const next = deferPastQuietHours(new Date(now.getTime() + delay), quiet);
          updates.push(
            update(row, { status: 'queued', next_attempt_at: next.toISOString(), last_error: outcome.error }),
          );
          break;
        }
      }
    });
    const sent = { status: 'sent', sent_at: nowText, last_error: null, claim_token: null, updated_at: nowText };
    if (sentWithoutId.length > 0) {
      updates.push(
        db
          .updateTable('outbox_messages')
          .set(sent)
          .where('id', 'in', sentWithoutId)
          .where('claim_token', '=', token)
          .execute(),
      );
    }
    if (sentSensitiveWithoutId.length > 0) {
      updates.push(
        db
          .updateTable('outbox_messages')
          .set({ ...sent, payload: ERASED_PAYLOAD })
          .where('id', 'in', sentSensitiveWithoutId)
          .where('claim_token', '=', token)
          .execute(),
      );
    }
    await Promise.all(updates);
  }
}
