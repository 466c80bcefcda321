import type { DB } from '../../db/types.ts';
import { type Actor, canAt, inScope, inScopeWithin } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { getUnitWith } from '../insights/service.ts';
import { askedOfTask } from '../tasks/service.ts';
import { toReportSummary } from './generate.ts';

const REPORT = { zh: '报表', en: 'Report' };

/**
 * A report the actor may see: one generated for a unit where she may generate or read insights, or
 * the answer to a task her unit sent, or merged into asking this unit. Otherwise 404.
 */
async function getVisibleReport(deps: AppDeps, actor: Actor, id: string) {
  const row = await deps.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw notFound(REPORT);
  const isOwnScope = canAt(actor, 'report.generate', row.org_path) || canAt(actor, 'insight.read', row.org_path);
  // a roster names people: beyond generating figures, it needs leave to read the residents there
  // (a district's department generates for the whole district, but reads no one's ledger)
  if (isOwnScope && (canAt(actor, 'resident.read', row.org_path) || !(await isRoster(deps, row.template_id)))) {
    return row;
  }
  if (row.task_id !== null) {
    const task = await deps.db
      .selectFrom('tasks')
      .select(['id', 'from_org_path'])
      .where('id', '=', row.task_id)
      .executeTakeFirst();
    // its sender, or a sender merged into the task that asked this unit
    const asked = task === undefined ? null : await askedOfTask(deps, actor, task);
    if (asked === 'all' || asked?.has(row.org_id) === true) return row;
  }
  throw notFound(REPORT);
}

async function isRoster(deps: AppDeps, templateId: string) {
  const t = await deps.db
    .selectFrom('report_templates')
    .select('row_kind')
    .where('id', '=', templateId)
    .executeTakeFirst();
  return t?.row_kind !== 'units';
}

async function orgName(deps: AppDeps, id: string) {
  const o = await deps.db.selectFrom('org_units').select('name').where('id', '=', id).executeTakeFirst();
  return o?.name ?? '';
}

export async function getReport(deps: AppDeps, actor: Actor, id: string) {
  const row = await getVisibleReport(deps, actor, id);
  return {
    ...toReportSummary(row, await orgName(deps, row.org_id)),
    preview: JSON.parse(row.preview) as { header: string[]; rows: (string | number | null)[][]; totals: [] },
  };
}

/** The .xlsx of a report; an unmasked one only for holders of pii.reveal there, and each download audited. */
export async function downloadReport(deps: AppDeps, actor: Actor, id: string) {
  const row = await getVisibleReport(deps, actor, id);
  let file = row.file;
  if (row.is_unmasked === 1) {
    if (!canAt(actor, 'pii.reveal', row.org_path)) {
      throw new AppError('FORBIDDEN', {
        zh: '该报表含未脱敏的个人号码，您无权下载',
        en: 'This report holds unmasked personal numbers; you may not download it',
      });
    }
    file = deps.pii.decrypt(file);
    await recordAudit(deps.db, deps.clock, whoFromActor(actor), {
      action: 'report.download.unmasked',
      targetType: 'report',
      targetId: row.id,
      orgId: row.org_id,
      orgPath: row.org_path,
    });
  }
  const name = `${row.template_name}-${row.period}.xlsx`;
  return { data: Buffer.from(file, 'base64'), name };
}

/** Reports generated in the actor's scope (or under one unit), newest first. */
export async function listReports(
  deps: AppDeps,
  actor: Actor,
  q: { orgId?: string | undefined; page: number; pageSize: number },
) {
  const unit = q.orgId === undefined ? null : await getUnitWith(deps.db, actor, q.orgId, 'report.generate');
  const query = deps.db
    .selectFrom('reports')
    .where(
      unit === null
        ? inScope<DB, 'reports'>(actor, 'report.generate', 'reports.org_path')
        : inScopeWithin<DB, 'reports'>(actor, 'report.generate', 'reports.org_path', unit.path),
    );
  const [rows, total] = await Promise.all([
    query
      .innerJoin('org_units as o', 'o.id', 'reports.org_id')
      .selectAll('reports')
      .select('o.name as org_name')
      .orderBy('reports.created_at', 'desc')
      .orderBy('reports.id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => toReportSummary(r, r.org_name)), total: Number(total.n) };
}
