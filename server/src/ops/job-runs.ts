/**
 * When this process last ran each background job and how it ended, for /metrics: a sweep that stopped
 * running (or keeps failing) shows as an old timestamp an alert can watch. Per process: with several app
 * servers, each reports its own.
 */
export type JobName = 'deadline_sweep';

export interface JobRuns {
  lastStartedAt: number | null;
  lastSucceededAt: number | null;
  lastFailedAt: number | null;
  succeeded: number;
  failed: number;
}

const runs = new Map<JobName, JobRuns>();

export function jobRunsOf(job: JobName): JobRuns {
  let entry = runs.get(job);
  if (entry === undefined) {
    entry = { lastStartedAt: null, lastSucceededAt: null, lastFailedAt: null, succeeded: 0, failed: 0 };
    runs.set(job, entry);
  }
  return entry;
}

/** Runs a job and records its start and outcome (the error still reaches the caller). */
export async function recordJobRun<T>(job: JobName, run: () => Promise<T>, now: () => number = Date.now): Promise<T> {
  const entry = jobRunsOf(job);
  entry.lastStartedAt = now();
  try {
    const result = await run();
    entry.lastSucceededAt = now();
    entry.succeeded += 1;
    return result;
  } catch (err) {
    entry.lastFailedAt = now();
    entry.failed += 1;
    throw err;
  }
}
