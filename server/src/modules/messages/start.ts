import type { AppDeps } from '../../platform/deps.ts';
import { remindTaskDeadlines } from '../tasks/reminders.ts';
import { remindVenueStarts } from '../venues/reminders.ts';
import { createAdapters } from './adapters/index.ts';
import { DEFAULT_MESSAGES_CONFIG } from './config.ts';
import { sendStaffDigests } from './digest.ts';
import { MessageDispatcher } from './dispatcher.ts';

/** How often the message jobs (task deadline reminders, the staff digest) look for work. */
const JOBS_INTERVAL_MS = 60_000;

/**
 * The server's outbox: the dispatcher with the configured adapters, looking for due messages every few
 * seconds, and every minute the jobs that enqueue messages of their own — task deadline reminders, reminders before a
 * room booking or an activity (venues/reminders.ts) and, once the day's time has come, the staff digest. Several servers may run all of it: the dispatcher
 * claims each row once, and each reminder and digest is sent once by its key.
 */
export function startMessageDispatcher(
  deps: AppDeps,
  log: (line: string) => void,
  onError: (error: unknown) => void,
): { stop: () => Promise<void> } {
  const config = deps.config.messages ?? DEFAULT_MESSAGES_CONFIG;
  const dispatcher = new MessageDispatcher(deps, createAdapters(config, deps.clock, log), {
    maxAttempts: config.maxAttempts,
    onError,
  });
  dispatcher.start(config.intervalMs);
  let jobs: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (jobs !== null) return;
    jobs = (async () => {
      await remindTaskDeadlines(deps);
      await remindVenueStarts(deps);
      await sendStaffDigests(deps, config.digestMinute);
    })()
      .catch(onError)
      .finally(() => {
        jobs = null;
      });
  }, JOBS_INTERVAL_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await jobs;
      await dispatcher.stop();
    },
  };
}
