import type { AppDeps } from '../../platform/deps.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { subtreeEnd } from '../../platform/access/scope.ts';
import { dayStart, monthsBetween, shanghaiMonth } from '../../platform/calendar.ts';
import { getDrillUnit, monthRange } from '../insights/service.ts';

const FIELDS = [
  'tasksReceived',
  'tasksAdmitted',
  'tasksRefused',
  'meetings',
  'reportsAnswered',
  'cellsGenerated',
  'cellsTyped',
] as const;
type Figures = Record<(typeof FIELDS)[number], number>;
const zero = (): Figures => Object.fromEntries(FIELDS.map((f) => [f, 0])) as Figures;

/**
 * 减负台账: per month and per unit one level down, the tasks communities received, admitted and refused,
 * the meetings admitted, and the reports answered with how many cells the platform filled and how many
 * were typed. A task counts in the month it was sent; an answer in the month it was given.
 */
export async function getBurden(deps: AppDeps, actor: Actor, orgId: string, q: { from?: string; to?: string }) {
  const { unit, children: drillChildren } = await getDrillUnit(deps.database, actor, orgId);
  const { from, to } = monthRange(deps.clock.now(), q.from, q.to);
  const start = dayStart(`${from}-01`);
  const rows = await deps.db
    .selectFrom('task_targets as t')
    .innerJoin('tasks', 'tasks.id', 't.task_id')
    .select([
      't.org_path',
      't.status',
      't.created_at',
      't.answered_at',
      't.filled_cells',
      't.typed_cells',
      'tasks.kind',
    ])
    .where('t.org_path', '>=', unit.path)
    .where('t.org_path', '<', subtreeEnd(unit.path))
    .where((eb) => eb.or([eb('t.created_at', '>=', start), eb('t.answered_at', '>=', start)]))
    .execute();
  const months = new Map(monthsBetween(from, to).map((m) => [m, zero()]));
  const children = drillChildren.map((c) => ({ c, figures: zero() }));
  const totals = zero();
  const add = (path: string, month: string, f: keyof Figures, n: number) => {
    const m = months.get(month);
    if (m === undefined) return;
    m[f] += n;
    totals[f] += n;
    const child = children.find((x) => path.startsWith(x.c.path));
    if (child !== undefined) child.figures[f] += n;
  };
  for (const r of rows) {
    const sent = shanghaiMonth(r.created_at);
    add(r.org_path, sent, 'tasksReceived', 1);
    add(r.org_path, sent, r.status === 'admitted' ? 'tasksAdmitted' : 'tasksRefused', 1);
    if (r.kind === 'meeting' && r.status === 'admitted') add(r.org_path, sent, 'meetings', 1);
    if (r.answered_at !== null) {
      const answered = shanghaiMonth(r.answered_at);
      add(r.org_path, answered, 'reportsAnswered', 1);
      add(r.org_path, answered, 'cellsGenerated', Number(r.filled_cells ?? 0));
      add(r.org_path, answered, 'cellsTyped', Number(r.typed_cells ?? 0));
    }
  }
  return {
    from,
    to,
    months: [...months].map(([month, f]) => ({ month, ...f })),
    totals,
    children: children.map(({ c, figures }) => ({
      unit: { id: c.id, name: c.name, level: c.level, code: c.code },
      ...figures,
    })),
  };
}
