import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies the write-ahead log into the database file. */
const INTERVAL_MS = 200;
/**
 * The writer's own checkpoint once the checkpointer took over: only as a safety net (about 40 MB of log),
 * should the checkpointer fall behind or stop. SQLite's default, 1,000 pages, is what a database has before.
 */
export const SAFETY_NET_PAGES = 10_000;
/** Commits a database sees before its checkpointer starts: a short-lived one (a test's, a CLI's) never starts one. */
export const COMMITS_BEFORE_START = 200;

// A plain script (no TypeScript loader in a worker): opens its own connection to the same file and runs a
// PASSIVE checkpoint every INTERVAL_MS. PASSIVE never waits on a lock and never blocks the writer or
// the readers; it copies what no reader still needs, and the writer restarts the log once all is copied.
const SCRIPT = `
const { workerData, parentPort } = require('node:worker_threads');
const SQLite = require(workerData.module);
const db = new SQLite(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const checkpoint = db.prepare('pragma wal_checkpoint(passive)');
// a checkpoint that fails (the file busy, say) is tried again next time; the writer's safety net stays
const timer = setInterval(() => {
  try { checkpoint.get(); } catch {}
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.postMessage('stopped');
});
`;

/**
 * The write-ahead log's checkpoint on a thread of its own. On the writer's thread (SQLite's default, at
 * every commit that takes the log past 1,000 pages) it copies the pages into the database file and syncs
 * it, holding the event loop for tens of milliseconds: each request then waiting behind it. Started by
 * the driver once a database is busy (COMMITS_BEFORE_START); `stop` closes its connection first.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private stopped: Promise<void> | undefined;
  private isExited = false;

  constructor(file: string) {
    this.worker = new Worker(SCRIPT, {
      eval: true,
      workerData: { file, module: createRequire(import.meta.url).resolve('better-sqlite3'), intervalMs: INTERVAL_MS },
    });
    // it never keeps the process alive; a failed checkpoint leaves the writer's safety net to do the work
    this.worker.unref();
    this.worker.on('error', () => {});
    this.worker.on('exit', () => (this.isExited = true));
  }

  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      if (this.isExited) return resolve();
      const done = () => resolve();
      this.worker.once('exit', done);
      this.worker.once('message', () => void this.worker.terminate().then(done, done));
      this.worker.postMessage('stop');
    });
    return this.stopped;
  }
}
