import fs from 'node:fs';
import path from 'node:path';
import type { DB } from '../../../db/types.ts';
import { type Actor, canAt, inScope } from '../../../platform/access/scope.ts';
import { type AuditWho, whoFromActor } from '../../../platform/audit/service.ts';
import type { AppDeps } from '../../../platform/deps.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { jobProgress } from '../../../platform/jobs.ts';
import { ensurePrivateDir } from '../../../platform/pii/private-files.ts';
import type { ImportJobTable } from '../tables.ts';
import { type ImportOptions, type ImportProblem, type ImportResult, importResidents } from './run.ts';
import type { PlaceUnit } from './resolve.ts';

const JOB = { zh: '导入任务', en: 'Import job' };

export interface ImportJobOut {
  id: string;
  status: ImportJobTable['status'];
  fileName: string;
  orgId: string;
  mode: string;
  onDuplicate: string;
  rowsTotal: number;
  rowsDone: number;
  imported: number;
  updated: number;
  skipped: number;
  rejected: number;
  phase: string | null;
  error: { code: string; message_zh: string; message_en: string } | null;
  problemCount: number;
  createdAt: string;
  finishedAt: string | null;
}

export function toImportJobOut(row: ImportJobTable): ImportJobOut {
  const options = JSON.parse(row.options) as ImportOptions;
  const live = jobProgress.current(row.id);
  const problems = row.problems === null ? [] : (JSON.parse(row.problems) as ImportProblem[]);
  const error = row.error === null ? null : (JSON.parse(row.error) as { code: string; zh: string; en: string });
  return {
    id: row.id,
    status: row.status,
    fileName: row.file_name,
    orgId: row.org_id,
    mode: options.mode,
    onDuplicate: options.onDuplicate,
    rowsTotal: live?.rowsTotal || row.rows_total,
    rowsDone: live?.rowsDone ?? row.rows_done,
    imported: row.rows_imported,
    updated: row.rows_updated,
    skipped: row.rows_skipped,
    rejected: row.rows_rejected,
    phase: live?.phase ?? null,
    error: error === null ? null : { code: error.code, message_zh: error.zh, message_en: error.en },
    problemCount: problems.length,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

/** An import job in the actor's `resident.import` scope, or 404. */
export async function getImportJobInScope(deps: AppDeps, actor: Actor, id: string): Promise<ImportJobTable> {
  const row = await deps.db
    .selectFrom('import_jobs')
    .selectAll()
    .where('id', '=', id)
    .where(inScope<DB, 'import_jobs'>(actor, 'resident.import', 'import_jobs.org_path'))
    .executeTakeFirst();
  if (row === undefined) throw notFound(JOB);
  return row;
}

export async function listImportJobs(deps: AppDeps, actor: Actor) {
  const rows = await deps.db
    .selectFrom('import_jobs')
    .selectAll()
    .where(inScope<DB, 'import_jobs'>(actor, 'resident.import', 'import_jobs.org_path'))
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
  return rows.map(toImportJobOut);
}

export const uploadDir = (deps: AppDeps) => path.join(deps.config.dataDir, 'uploads');

/** The unit an import targets, checked against the actor's scope (null actor: the operator's CLI). */
export async function importTarget(
  deps: AppDeps,
  actor: Actor | null,
  by: { id: string } | { code: string },
): Promise<PlaceUnit> {
  let q = deps.db
    .selectFrom('org_units')
    .select(['id', 'path', 'name', 'code', 'level', 'parent_id'])
    .where('retired_at', 'is', null);
  q = 'id' in by ? q.where('id', '=', by.id) : q.where('code', '=', by.code);
  const unit = await q.executeTakeFirst();
  if (unit === undefined || (actor !== null && !canAt(actor, 'resident.import', unit.path)))
    throw notFound({ zh: '组织', en: 'Org unit' });
  if (
    !['street', 'community', 'grid', 'group', 'county', 'city', 'province', 'nation'].includes(unit.level) ||
    unit.level === 'compound'
  ) {
    throw new AppError('VALIDATION', { zh: '不能导入到小区', en: 'Import under a community, grid or higher unit' });
  }
  return {
    id: unit.id,
    path: unit.path,
    name: unit.name,
    code: unit.code,
    level: unit.level,
    parentId: unit.parent_id,
  };
}

/** The job row's outcome columns for a finished import. */
function outcomeOf(deps: AppDeps, result: ImportResult) {
  return {
    status: result.status,
    rows_total: result.rowsTotal,
    rows_done: result.rowsTotal,
    rows_imported: result.imported,
    rows_updated: result.updated,
    rows_skipped: result.skipped,
    rows_rejected: result.rejected,
    problems: JSON.stringify(result.problems),
    error: result.fileError === null ? null : JSON.stringify(result.fileError),
    finished_at: deps.clock.now().toISOString(),
  };
}

/**
 * Records a job and runs the import; the job row holds the outcome, live progress goes to the
 * progress board. A success is recorded in the import's own transaction (its status commits with its
 * rows); a failure wrote nothing and is recorded after. An uploaded file (`isOwnFile`) is deleted
 * however the job ends; a file of the operator's own (the CLI) is only read.
 */
export async function runImportJob(
  deps: AppDeps,
  actor: Actor | null,
  input: {
    file: string;
    fileName: string;
    target: PlaceUnit;
    options: ImportOptions;
    jobId?: string;
    /** the job owns the file (an upload) and deletes it when it ends; false for the operator's own file */
    isOwnFile?: boolean;
    onStarted?: (job: ImportJobTable) => void;
  },
  onProgress?: (p: { phase: string; rowsDone: number; rowsTotal: number }) => void,
): Promise<{ job: ImportJobTable; result: ImportResult | null }> {
  const id = input.jobId ?? newId();
  const audit: AuditWho =
    actor === null ? { actorId: null, actorName: 'cli', ip: null, userAgent: 'tianzige-cli' } : whoFromActor(actor);
  const job: ImportJobTable = {
    id,
    kind: 'residents',
    org_id: input.target.id,
    org_path: input.target.path,
    status: 'running',
    file_name: input.fileName.slice(0, 200),
    options: JSON.stringify(input.options),
    rows_total: 0,
    rows_done: 0,
    rows_imported: 0,
    rows_updated: 0,
    rows_skipped: 0,
    rows_rejected: 0,
    problems: null,
    error: null,
    created_by: actor?.userId ?? null,
    actor_name: audit.actorName,
    created_at: deps.clock.now().toISOString(),
    finished_at: null,
  };
  let result: ImportResult | null = null;
  // the upload goes before the outcome is recorded: a job seen finished has left no ledger on disk
  const dropFile = () => (input.isOwnFile === false ? Promise.resolve() : fs.promises.rm(input.file, { force: true }));
  try {
    // a ledger import computes its blind indexes with one key from start to end: none starts while a key
    // rotation (ops/keys/rotate.ts) is under way, and the rotation waits for any import already running
    const rotation = await deps.db
      .selectFrom('pii_key_rotations')
      .select('id')
      .where('unfinished', '=', 1)
      .executeTakeFirst();
    if (rotation !== undefined) {
      throw new AppError('CONFLICT', {
        zh: '个人信息密钥轮换进行中，请在轮换结束后再导入',
        en: 'A personal-data key rotation is under way; import again when it has finished',
      });
    }
    await deps.db.insertInto('import_jobs').values(job).execute();
    input.onStarted?.(job);
    result = await importResidents(
      deps,
      { actor, audit },
      {
        file: input.file,
        target: input.target,
        options: input.options,
        jobId: id,
        recordSuccess: async (trx, outcome) => {
          await dropFile(); // read to the end by now
          await trx.updateTable('import_jobs').set(outcomeOf(deps, outcome)).where('id', '=', id).execute();
        },
      },
      (p) => {
        jobProgress.report(id, p);
        onProgress?.(p);
      },
    );
    const finished = outcomeOf(deps, result);
    // a success is already recorded, committed with its rows; only a failure (which wrote nothing) is left
    await dropFile();
    if (result.status !== 'succeeded')
      await deps.db.updateTable('import_jobs').set(finished).where('id', '=', id).execute();
    Object.assign(job, finished);
  } catch (err) {
    const failure = {
      status: 'failed' as const,
      error: JSON.stringify({
        code: 'internal',
        zh: '导入失败，未写入任何数据',
        en: 'The import failed; nothing was written',
      }),
      finished_at: deps.clock.now().toISOString(),
    };
    await dropFile();
    await deps.db
      .updateTable('import_jobs')
      .set(failure)
      .where('id', '=', id)
      .where('status', '=', 'running')
      .execute()
      .catch(() => undefined); // left running, the next start marks it failed
    Object.assign(job, failure);
    throw err;
  } finally {
    jobProgress.finish(id);
    await dropFile();
  }
  return { job, result };
}

/**
 * At start-up: jobs left running by a crash or kill wrote nothing (a success commits its status with its
 * rows), so they are marked failed; the uploaded files they left behind are deleted, as is any other
 * upload no running job can own (the server that received it is this one, and it has just started).
 */
export async function failInterruptedJobs(deps: AppDeps): Promise<number> {
  const result = await deps.db
    .updateTable('import_jobs')
    .set({
      status: 'failed',
      error: JSON.stringify({
        code: 'interrupted',
        zh: '导入被中断（服务重启），未写入任何数据，请重新导入',
        en: 'The import was interrupted by a restart; nothing was written; import again',
      }),
      finished_at: deps.clock.now().toISOString(),
    })
    .where('status', '=', 'running')
    .executeTakeFirst();
  await sweepUploads(deps);
  return Number(result.numUpdatedRows);
}

/** Deletes every file in the uploads directory (and makes the directory owner-only): the sweep at start-up. */
export async function sweepUploads(deps: AppDeps): Promise<number> {
  const dir = uploadDir(deps);
  ensurePrivateDir(dir);
  const names = await fs.promises.readdir(dir);
  await Promise.all(names.map((name) => fs.promises.rm(path.join(dir, name), { force: true, recursive: true })));
  return names.length;
}
