import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.ts';
import type { AuditWho } from '../../../platform/audit/service.ts';
import type { Clock } from '../../../platform/clock.ts';
import { EXACT_SEARCH_LIMITS, exactSearchesLeft, recordExactSearch } from '../exact-search.ts';
import type { ImportProblem } from './parse.ts';

const limits = EXACT_SEARCH_LIMITS.map((l) => `${l.zh} ${l.max} 次`).join('、');
const limitsEn = EXACT_SEARCH_LIMITS.map((l) => `${l.max} ${l.en}`).join(', ');

/** A row whose number the importer may be told is registered outside her scope (a look-up she was charged). */
export const outsideScope = (row: number): ImportProblem => ({
  row,
  column: '身份证号',
  reason_zh: '该身份证号已在您管辖范围之外登记',
  reason_en: 'This ID number is registered outside your scope',
});

/**
 * A row not checked once her allowance is spent: said of every row whose number is not in her scope,
 * new or registered elsewhere alike, so it tells her nothing about the number.
 */
export const unchecked = (row: number): ImportProblem => ({
  row,
  column: '身份证号',
  reason_zh: `您的身份证号精确查找次数已用完（${limits}），本行未核对、未导入，请稍后重新导入本行`,
  reason_en: `Not checked and not imported: your exact look-ups by ID number are used up (${limitsEn}); import this row again later`,
});

/**
 * The exact look-ups of one ledger import (DESIGN rule 10, exact-search.ts). A row whose ID number is
 * registered outside the importer's scope tells her that the number exists, so it is one exact look-up:
 * charged against her allowance — the same windows as searches and duplicate checks — and audited, one
 * `pii.exact_search` row per charged row (purpose `import`, the job and the row number, never the
 * number). Her own residents (numbers new to the registry or already in her scope) are not look-ups
 * and cost nothing. Once the allowance is spent, every later row whose number is not in her scope —
 * registered elsewhere or new alike — is rejected as `unchecked`, so what the import answers says
 * nothing more; the row that found the allowance spent is charged too, as a refused search is. The
 * operator's command line (no account) is not limited. Rows refused by this rule are told only with an
 * import that is written (run.ts `withheld`): a rolled-back import names none of them, and they never undo
 * an all-or-nothing import, so an upload of candidate numbers with a deliberate bad row learns nothing.
 */
export class ImportLookups {
  /** the allowance left when the first look-up was made (null: none made yet) */
  private left: number | null = null;
  /** ledger rows charged, in order */
  private readonly rows: number[] = [];
  private isRecorded = false;
  isSpent = false;

  constructor(
    private readonly clock: Clock,
    private readonly actorId: string | null,
  ) {}

  /**
   * A row whose number is registered outside her scope: its problem. The allowance is read on `db`
   * (the import's transaction) at the first such row, so an import of her own residents reads nothing.
   */
  async take(db: Kysely<DB>, row: number): Promise<ImportProblem> {
    if (this.actorId === null) return outsideScope(row);
    if (this.isSpent) return unchecked(row);
    this.left ??= await exactSearchesLeft(db, this.clock.now(), this.actorId);
    this.rows.push(row);
    if (this.rows.length <= this.left) return outsideScope(row);
    this.isSpent = true;
    return unchecked(row);
  }

  /**
   * Writes the audit rows of the charged look-ups, once: inside the import's transaction when it
   * commits, after it when it rolls back (its problems are shown either way).
   */
  async record(db: Kysely<DB>, who: AuditWho, entry: { jobId: string; orgId: string; orgPath: string }) {
    if (this.isRecorded) return;
    this.isRecorded = true;
    for (const row of this.rows) {
      await recordExactSearch(db, this.clock, who, {
        kinds: ['id_number'],
        purpose: 'import',
        orgId: entry.orgId,
        orgPath: entry.orgPath,
        detail: { importJobId: entry.jobId, row },
      });
    }
  }
}
