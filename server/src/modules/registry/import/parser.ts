import { Worker } from 'node:worker_threads';
import type { PiiKeys } from '../../../platform/pii/crypto.ts';
import type { CareTagTable } from '../tables.ts';
import type { ImportField } from './columns.ts';
import type { ImportProblem, ParsedRow } from './parse.ts';
import { SpreadsheetError } from './read.ts';
import type { ImportPlaces } from './resolve.ts';

import { readLedger, type ReaderState } from './reader.ts';

/** Batches the reader thread may send before the importer has taken them. */
export const MAX_IN_FLIGHT = 3;
/** Files at least this big are read on a thread of their own; smaller ones are not worth starting it. */
export const THREAD_FROM_BYTES = 1 << 20;

/** What the reader thread needs: the file, its column mapping, and everything rows are checked against. */
export interface ParserJob {
  file: string;
  columns: [ImportField, number][];
  places: ImportPlaces;
  tags: CareTagTable[];
  keys: PiiKeys;
  /** ISO instant the import runs at (birth dates may not be after it) */
  now: string;
  isAllOrNothing: boolean;
  /** rows the file is thought to hold (its line count; 0 when unknown) */
  expectedRows: number;
}

export interface ParsedBatch {
  rows: ParsedRow[];
  /** the problems of each rejected row, in file order */
  rejected: ImportProblem[][];
  /** data rows read so far */
  rowsRead: number;
}

export type FromParser =
  | ({ kind: 'batch' } & ParsedBatch)
  | { kind: 'end'; rowsRead: number }
  | { kind: 'file_error'; code: string; zh: string; en: string }
  | { kind: 'crash'; message: string };

export type ToParser = { kind: 'taken' } | { kind: 'doomed' };

/**
 * A ledger's rows in checked, encrypted batches, in file order. The importer tells it when an
 * all-or-nothing import has failed (`doom`), after which rows are only checked.
 */
export interface LedgerReader {
  batches(): AsyncGenerator<ParsedBatch>;
  doom(): void;
}

/** A reader on a thread of its own for a big file (`thread` unset: by the file's size), else on this one. */
export function openLedgerReader(job: ParserJob, options: { fileBytes: number; thread?: boolean }): LedgerReader {
  if (options.thread ?? options.fileBytes >= THREAD_FROM_BYTES) return new ThreadReader(job);
  const state: ReaderState = { isEncrypting: true };
  return { batches: () => readLedger(job, state), doom: () => (state.isEncrypting = false) };
}

/** Reads on a worker thread (parse-worker.ts); leaving the loop early stops the thread. */
class ThreadReader implements LedgerReader {
  private readonly worker: Worker;
  private readonly queue: FromParser[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;

  constructor(job: ParserJob) {
    this.worker = new Worker(new URL('./parse-worker.mjs', import.meta.url), {
      workerData: job,
      // a small young generation: the reader's garbage is short-lived rows, and its memory adds to the import's
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    this.worker.on('message', (message: FromParser) => this.push(message));
    this.worker.on('error', (err) => {
      this.failure = err;
      this.push(null);
    });
    this.worker.on('exit', (code) => {
      if (code !== 0 && this.failure === null) this.failure = new Error(`ledger reader exited with ${code}`);
      this.push(null);
    });
  }

  private push(message: FromParser | null) {
    if (message !== null) this.queue.push(message);
    this.wake?.();
    this.wake = null;
  }

  doom(): void {
    this.worker.postMessage({ kind: 'doomed' } satisfies ToParser);
  }

  async *batches(): AsyncGenerator<ParsedBatch> {
    try {
      for (;;) {
        const message = this.queue.shift();
        if (message === undefined) {
          if (this.failure !== null) throw this.failure;
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        switch (message.kind) {
          case 'batch':
            this.worker.postMessage({ kind: 'taken' } satisfies ToParser);
            yield message;
            break;
          case 'end':
            return;
          case 'file_error':
            throw new SpreadsheetError(message.code, message.zh, message.en);
          case 'crash':
            throw new Error(`ledger reader failed: ${message.message}`);
        }
      }
    } finally {
      await this.worker.terminate();
    }
  }
}
