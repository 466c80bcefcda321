import { z } from 'zod';

/** How the webhook dispatcher delivers: its pace, each request's time limit and the retries before parking. */
export interface WebhooksConfig {
  /** how long a receiver has to answer one delivery */
  timeoutMs: number;
  /** attempts before a delivery is parked (redelivered from the console) */
  maxAttempts: number;
  /** the first retry's delay; each later one doubles up to an hour, with ±20% jitter */
  retryBaseMs: number;
  /** how often the dispatcher looks for due deliveries */
  intervalMs: number;
}

export const DEFAULT_WEBHOOKS_CONFIG: WebhooksConfig = {
  timeoutMs: 5000,
  maxAttempts: 8,
  retryBaseMs: 30_000,
  intervalMs: 2000,
};

/** The webhooks part of the environment (documented in the README's table and docs/webhooks.md). */
export const WebhooksEnvSchema = z.object({
  TIANZIGE_WEBHOOKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  TIANZIGE_WEBHOOKS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  TIANZIGE_WEBHOOKS_RETRY_BASE_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  TIANZIGE_WEBHOOKS_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
});

export function webhooksConfigFrom(e: z.infer<typeof WebhooksEnvSchema>): WebhooksConfig {
  return {
    timeoutMs: e.TIANZIGE_WEBHOOKS_TIMEOUT_MS,
    maxAttempts: e.TIANZIGE_WEBHOOKS_MAX_ATTEMPTS,
    retryBaseMs: e.TIANZIGE_WEBHOOKS_RETRY_BASE_MS,
    intervalMs: e.TIANZIGE_WEBHOOKS_INTERVAL_MS,
  };
}
