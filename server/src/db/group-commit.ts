import { type Kysely, sql } from 'kysely';
import type { DB } from './types.ts';

/**
 * What the submissions of one batch share: state each adds to once its own writes succeeded (counters
 * summed over the batch, say), written once after the last submission and before COMMIT.
 */
export class BatchShared {
  /**
   * True in a batch's first, optimistic attempt (no savepoints): a submission may then leave its rows to
   * the batch's wide statements before COMMIT, since any failure there runs the whole batch again with a
   * savepoint each — where this is false and each submission writes its own rows, so one bad row fails alone.
   */
  constructor(readonly isOptimistic = false) {}

  private readonly entries = new Map<
    string,
    { state: unknown; finish: (trx: Kysely<DB>, state: unknown) => Promise<void> }
  >();

  /** The batch's state under `key`, created by the first submission that asks; `finish` writes it before COMMIT. */
  get<S>(key: string, create: () => S, finish: (trx: Kysely<DB>, state: S) => Promise<void>): S {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { state: create(), finish: finish as (trx: Kysely<DB>, state: unknown) => Promise<void> };
      this.entries.set(key, entry);
    }
    return entry.state as S;
  }

  async finish(trx: Kysely<DB>): Promise<void> {
    for (const { state, finish } of this.entries.values()) await finish(trx, state);
  }
}

export type BatchWork<T> = (trx: Kysely<DB>, shared: BatchShared) => Promise<T>;

interface Pending {
  work: BatchWork<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { isOk: true; value: unknown } | { isOk: false; error: unknown };

/**
 * Group commit: writes that arrive while a batch commits wait, then run together in the next transaction,
 * each inside its own savepoint (one that fails is rolled back alone and answered with its error), and
 * every one is answered only after COMMIT returned — nothing is acknowledged before it is durable. One
 * commit (one WAL append on SQLite, one fsync on PostgreSQL) serves the whole batch, and pages and
 * counter rows the submissions share are written once. A lone submission waits one turn of the event loop (setImmediate), no timer.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private isRunning = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly maxBatch = 32,
  ) {}

  /** Runs `work` in the next batch's transaction; resolves with its result once the batch committed. */
  run<T>(work: BatchWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.isRunning) return;
      this.isRunning = true;
      // better-sqlite3 answers in microtasks, so a batch started now would commit before the requests the
      // same turn of the event loop delivered reach the queue: start once they had their turn
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        await this.commit(this.queue.splice(0, this.maxBatch));
        // on better-sqlite3 a batch runs without yielding: let reads and new requests have a turn between
        // batches, so a backlog of writes never holds the event loop for longer than one small batch
        if (this.queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.isRunning = false;
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    let outcomes: Outcome[];
    try {
      // Optimistically without savepoints (two round trips fewer per submission on PostgreSQL); when one
      // fails, the whole attempt rolls back and the batch runs again with a savepoint each.
      outcomes = (await this.attempt(batch, false)) ?? (await this.attempt(batch, true))!;
    } catch (error) {
      // the batch did not commit: none of it is written, and every submission hears so
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (const [i, pending] of batch.entries()) {
      const outcome = outcomes[i]!;
      if (outcome.isOk) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    }
  }

  /** One transaction over the batch; without savepoints, undefined when anything failed (nothing committed). */
  private async attempt(batch: Pending[], hasSavepoints: boolean): Promise<Outcome[] | undefined> {
    const outcomes: Outcome[] = [];
    /** the batch's writes all went through: an error now is the COMMIT's, and is nobody's to run again */
    let isWritten = false;
    try {
      await this.db.transaction().execute(async (trx) => {
        const shared = new BatchShared(!hasSavepoints);
        for (const pending of batch) {
          if (!hasSavepoints) {
            outcomes.push({ isOk: true, value: await pending.work(trx, shared) });
            continue;
          }
          await sql`savepoint group_commit`.execute(trx);
          try {
            const value = await pending.work(trx, shared);
            await sql`release savepoint group_commit`.execute(trx);
            outcomes.push({ isOk: true, value });
          } catch (error) {
            await sql`rollback to savepoint group_commit`.execute(trx);
            await sql`release savepoint group_commit`.execute(trx);
            outcomes.push({ isOk: false, error });
          }
        }
        await shared.finish(trx);
        isWritten = true;
      });
    } catch (error) {
      // the optimistic attempt failed in a submission or in the batch's shared writes: nothing committed,
      // and the batch runs again with a savepoint each
      if (!hasSavepoints && !isWritten) return undefined;
      throw error;
    }
    return outcomes;
  }
}

const groups = new WeakMap<Kysely<DB>, GroupCommit>();

/** The one group commit of a database handle (each app server batches its own intakes). */
export function groupCommitOf(db: Kysely<DB>): GroupCommit {
  let group = groups.get(db);
  if (group === undefined) groups.set(db, (group = new GroupCommit(db)));
  return group;
}
