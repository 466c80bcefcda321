import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { rebuildRollups } from '../modules/insights/rollups.ts';
import { downloadReport } from '../modules/reports/service.ts';
import { generateReport } from '../modules/reports/generate.ts';
import type { Actor } from '../platform/access/scope.ts';
import { openCliDeps } from './context.ts';
import { UsageError } from './usage.ts';

/** `tianzige insights rebuild [--org CODE]`: recounts the insight counters from the raw tables. */
export async function rebuildInsightsFromCli(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { org: { type: 'string' } } });
  const deps = await openCliDeps();
  try {
    let path: string | null = null;
    if (values.org !== undefined) {
      const unit = await deps.db
        .selectFrom('org_units')
        .select('path')
        .where('code', '=', values.org)
        .executeTakeFirst();
      if (unit === undefined) throw new UsageError(`no unit with code ${values.org}`);
      path = unit.path;
    }
    const started = Date.now();
    const result = await rebuildRollups(deps.db, deps.database.sqlite, path);
    console.log(
      `rebuilt insight counters ${values.org ?? 'everywhere'}: ${result.units} units, ${result.rows.resident} residents, ` +
        `${result.rows.household} households, ${result.rows.case} cases, ${result.rows.visit} visit statuses, ` +
        `${Object.values(result.services).reduce((a, n) => a + n, 0)} service rows → ` +
        `${result.counters} counters (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  } finally {
    await deps.close();
  }
}

/** `tianzige reports generate --template ID --org CODE --period 2026-10 --out FILE.xlsx`, as the system (masked). */
export async function generateReportFromCli(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      template: { type: 'string' },
      org: { type: 'string' },
      period: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (
    values.template === undefined ||
    values.org === undefined ||
    values.period === undefined ||
    values.out === undefined
  )
    throw new UsageError('usage: tianzige reports generate --template ID --org CODE --period 2026-10 --out FILE.xlsx');
  if (!/^20\d\d-(0[1-9]|1[0-2])$/.test(values.period)) throw new UsageError('--period takes a month such as 2026-10');
  const deps = await openCliDeps();
  try {
    const unit = await deps.db.selectFrom('org_units').select(['id']).where('code', '=', values.org).executeTakeFirst();
    const root = await deps.db
      .selectFrom('org_units')
      .select(['id', 'path'])
      .where('parent_id', 'is', null)
      .executeTakeFirst();
    if (unit === undefined || root === undefined) throw new UsageError(`no unit with code ${values.org}`);
    const template = await deps.db
      .selectFrom('report_templates')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', values.template!), eb('name', '=', values.template!)]))
      .executeTakeFirst();
    if (template === undefined) throw new UsageError(`no template ${values.template}`);
    // the command line acts as the system: every unit, numbers masked (no reveal from a shell)
    const cli: Actor = {
      userId: 'cli',
      username: 'cli',
      displayName: '命令行',
      assignments: [{ role: 'district', orgId: root.id, orgPath: root.path }],
      via: 'cli',
      ip: null,
      userAgent: 'tianzige-cli',
    };
    const report = await generateReport(deps, cli, { templateId: template.id, orgId: unit.id, period: values.period });
    const file = await downloadReport(deps, cli, report.id);
    fs.writeFileSync(values.out, file.data);
    console.log(
      `wrote ${values.out}: ${report.rows} rows, ${report.filledCells} cells filled from data, ${report.typedCells} to type`,
    );
  } finally {
    await deps.close();
  }
}
