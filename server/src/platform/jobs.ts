import { EventEmitter } from 'node:events';

/** Live progress of background jobs in this process, for server-sent events; the job row is the record. */
export interface JobProgress {
  phase: string;
  rowsDone: number;
  rowsTotal: number;
}

class JobProgressBoard extends EventEmitter {
  private readonly latest = new Map<string, JobProgress>();

  report(jobId: string, progress: JobProgress): void {
    this.latest.set(jobId, progress);
    this.emit(jobId, progress);
  }

  finish(jobId: string): void {
    this.latest.delete(jobId);
    this.emit(jobId, null);
  }

  current(jobId: string): JobProgress | undefined {
    return this.latest.get(jobId);
  }
}

export const jobProgress = new JobProgressBoard();
jobProgress.setMaxListeners(1000);
