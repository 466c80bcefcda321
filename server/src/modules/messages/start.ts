import type { AppDeps } from '../../platform/deps.ts';
import { createAdapters } from './adapters/index.ts';
import { DEFAULT_MESSAGES_CONFIG } from './config.ts';
import { MessageDispatcher } from './dispatcher.ts';

/** The server's dispatcher: the configured adapters, looking for due messages every few seconds. */
export function startMessageDispatcher(
  deps: AppDeps,
  log: (line: string) => void,
  onError: (error: unknown) => void,
): MessageDispatcher {
  const config = deps.config.messages ?? DEFAULT_MESSAGES_CONFIG;
  const dispatcher = new MessageDispatcher(deps, createAdapters(config, deps.clock, log), {
    maxAttempts: config.maxAttempts,
    onError,
  });
  dispatcher.start(config.intervalMs);
  return dispatcher;
}
