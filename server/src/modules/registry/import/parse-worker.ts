import { parentPort, workerData } from 'node:worker_threads';
import { type FromParser, type ParserJob, type ToParser, MAX_IN_FLIGHT } from './parser.ts';
import { readLedger, type ReaderState } from './reader.ts';
import { SpreadsheetError } from './read.ts';

/**
 * A big ledger's reader, on its own thread: the second core reads, checks, encrypts and blind-indexes
 * rows while the first writes the rows before them. Batches go to the importing thread, at most a few
 * ahead of what it has taken, so memory stays flat.
 */
const job = workerData as ParserJob;
const port = parentPort!;
const state: ReaderState = { isEncrypting: true };
let inFlight = 0;
let wake: (() => void) | null = null;
port.on('message', (message: ToParser) => {
  if (message.kind === 'taken') inFlight -= 1;
  if (message.kind === 'doomed') state.isEncrypting = false;
  wake?.();
  wake = null;
});

async function run() {
  let rowsRead = 0;
  for await (const batch of readLedger(job, state)) {
    while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
    inFlight += 1;
    rowsRead = batch.rowsRead;
    port.postMessage({ kind: 'batch', ...batch } satisfies FromParser);
  }
  port.postMessage({ kind: 'end', rowsRead } satisfies FromParser);
}

run().catch((err: unknown) => {
  port.postMessage(
    (err instanceof SpreadsheetError
      ? { kind: 'file_error', code: err.code, zh: err.zh, en: err.message }
      : {
          kind: 'crash',
          message: err instanceof Error ? (err.stack ?? err.message) : String(err),
        }) satisfies FromParser,
  );
});
