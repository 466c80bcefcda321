import { collectGarbage } from '../../../platform/memory.ts';
import { newId } from '../../../platform/ids.ts';
import { residentFacts } from '../../insights/facts.ts';
import { PiiCipher } from '../../../platform/pii/crypto.ts';
import { SeenIds } from './compact-maps.ts';
import { type ImportProblem, type ParseContext, type ParsedRow, parseRow } from './parse.ts';
import type { ParsedBatch, ParserJob } from './parser.ts';
import { readSpreadsheet } from './read.ts';
import { PlaceResolver } from './resolve.ts';

/** Rows (parsed or rejected) per batch. */
export const BATCH_ROWS = 2000;
/** Rows between two full garbage collections on the reading thread. */
const COLLECT_EVERY_ROWS = 50_000;

/** Switched off once an all-or-nothing import is known to fail: rows are then only checked. */
export interface ReaderState {
  isEncrypting: boolean;
}

/**
 * Reads a ledger into batches of checked, encrypted rows and rejected rows' problems, in file order.
 * A row whose ID number appeared earlier in the file is rejected with that row's number.
 */
export async function* readLedger(job: ParserJob, state: ReaderState): AsyncGenerator<ParsedBatch> {
  const ctx: ParseContext = {
    resolver: new PlaceResolver(job.places),
    pii: new PiiCipher({ encryption: Buffer.from(job.keys.encryption), blindIndex: Buffer.from(job.keys.blindIndex) }),
    tags: job.tags,
    now: new Date(job.now),
    isEncrypting: state.isEncrypting,
  };
  const columns = new Map(job.columns);
  const seen = new SeenIds(job.expectedRows);
  const tagCodes = new Map(job.tags.map((t) => [t.id, t.code]));
  /** a new resident's facts for the counters, by what they depend on (a ledger repeats few combinations) */
  const factsOf = new Map<string, string>();
  let rows: ParsedRow[] = [];
  let rejected: ImportProblem[][] = [];
  let rowsRead = 0;
  for await (const item of readSpreadsheet(job.file)) {
    if (!('row' in item)) continue;
    rowsRead += 1;
    ctx.isEncrypting = state.isEncrypting;
    const outcome = parseRow(item, columns, ctx);
    if ('problems' in outcome) {
      rejected.push(outcome.problems);
      if (job.isAllOrNothing) state.isEncrypting = false;
    } else {
      const index = outcome.parsed.identity.id_number_bidx;
      const earlier = index === null ? undefined : seen.firstRowOf(index, item.row);
      if (earlier !== undefined) {
        rejected.push([
          {
            row: item.row,
            column: '身份证号',
            reason_zh: `与第 ${earlier} 行的身份证号重复`,
            reason_en: `Same ID number as row ${earlier}`,
          },
        ]);
        if (job.isAllOrNothing) state.isEncrypting = false;
      } else if (state.isEncrypting) {
        // what the writing thread would otherwise work out per row: her id and her counters' facts
        const p = outcome.parsed;
        p.residentId = newId();
        const key = `${p.status}|${p.identity.gender}|${p.identity.birth_date.slice(0, 4)}|${p.residenceType}|${p.tagIds.join(',')}`;
        let facts = factsOf.get(key);
        if (facts === undefined) {
          facts = residentFacts({
            status: p.status,
            gender: p.identity.gender,
            birth_date: p.identity.birth_date,
            residence_type: p.residenceType,
            created_at: job.now,
            tags: p.tagIds.map((id) => tagCodes.get(id)).filter((c): c is string => c !== undefined),
          });
          if (factsOf.size < 100_000) factsOf.set(key, facts);
        }
        p.facts = facts;
        rows.push(p);
      }
    }
    if (rows.length + rejected.length >= BATCH_ROWS) {
      yield { rows, rejected, rowsRead };
      rows = [];
      rejected = [];
      if (rowsRead % COLLECT_EVERY_ROWS < BATCH_ROWS) collectGarbage();
    }
  }
  yield { rows, rejected, rowsRead };
}
