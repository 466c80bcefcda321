import type { AppDeps } from '../../platform/deps.ts';
import { DEFAULT_WEBHOOKS_CONFIG } from './config.ts';
import { WebhookDispatcher } from './dispatcher.ts';

/** The server's webhook dispatcher: looks for due deliveries every few seconds; several servers may run it. */
export function startWebhookDispatcher(deps: AppDeps, onError: (error: unknown) => void): WebhookDispatcher {
  const config = deps.config.webhooks ?? DEFAULT_WEBHOOKS_CONFIG;
  const dispatcher = new WebhookDispatcher(deps, { ...config, onError });
  dispatcher.start();
  return dispatcher;
}
