import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importTarget, runImportJob } from '../modules/registry/import/jobs.ts';
import { writeProblemReport } from '../modules/registry/import/workbooks.ts';
import { newId } from '../platform/ids.ts';
import { openCliDeps } from './context.ts';
import { UsageError } from './usage.ts';

/** `tianzige residents import FILE --org CODE [--mode …] [--on-duplicate …] [--report FILE.xlsx]` with a progress bar. */
export async function importResidentsFromCli(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      org: { type: 'string' },
      mode: { type: 'string' },
      'on-duplicate': { type: 'string' },
      report: { type: 'string' },
    },
  });
  const source = positionals[0];
  const mode = values.mode ?? 'all-or-nothing';
  const onDuplicate = values['on-duplicate'] ?? 'skip';
  if (source === undefined || values.org === undefined)
    throw new UsageError(
      'usage: tianzige residents import FILE --org CODE [--mode all-or-nothing|valid-rows] [--on-duplicate update|skip] [--report REPORT.xlsx]',
    );
  if (mode !== 'all-or-nothing' && mode !== 'valid-rows')
    throw new UsageError('--mode is all-or-nothing or valid-rows');
  if (onDuplicate !== 'update' && onDuplicate !== 'skip') throw new UsageError('--on-duplicate is update or skip');
  if (!fs.existsSync(source)) throw new UsageError(`no such file: ${source}`);
  const deps = await openCliDeps();
  try {
    const target = await importTarget(deps, null, { code: values.org });
    // The operator's file is read where it lies: no copy of the ledger is left in the data directory.
    const jobId = newId();
    const isTty = process.stderr.isTTY;
    const { job, result } = await runImportJob(
      deps,
      null,
      {
        file: source,
        fileName: path.basename(source),
        target,
        jobId,
        isOwnFile: false,
        options: { mode, onDuplicate },
      },
      (p) => {
        const bar =
          p.rowsTotal > 0 ? `${'█'.repeat(Math.round((20 * p.rowsDone) / p.rowsTotal)).padEnd(20, '░')} ` : '';
        const line = `${p.phase === 'validating' ? '读取 reading' : p.phase === 'writing' ? '校验并写入 writing' : '完成 done'} ${bar}${p.rowsDone}${p.rowsTotal > 0 ? `/${p.rowsTotal}` : ''}`;
        process.stderr.write(isTty ? `\r${line}` : `${line}\n`);
      },
    );
    if (isTty) process.stderr.write('\n');
    if (result?.fileError) {
      console.error(`导入失败 / import failed: ${result.fileError.zh} / ${result.fileError.en}`);
      process.exitCode = 1;
      return;
    }
    console.log(
      `${job.status === 'succeeded' ? '导入完成 / imported' : '未导入 / nothing imported'}: ${job.rows_total} rows — ${job.rows_imported} new, ${job.rows_updated} updated, ${job.rows_skipped} skipped, ${job.rows_rejected} rejected (job ${job.id})`,
    );
    const problems = result?.problems ?? [];
    for (const p of problems.slice(0, 20)) console.log(`  第 ${p.row} 行 [${p.column}] ${p.reason_zh}`);
    if (problems.length > 20) console.log(`  … ${problems.length - 20} more`);
    if (values.report !== undefined && problems.length > 0) {
      await writeProblemReport(problems, fs.createWriteStream(values.report));
      console.log(`错误报告 / report: ${values.report}`);
    }
    if (job.status !== 'succeeded') process.exitCode = 1;
  } finally {
    await deps.close();
  }
}
