import type { AppDeps } from '../../platform/deps.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { subtreeEnd } from '../../platform/access/scope.ts';
import { dayStart, monthsBetween, shanghaiMonth } from '../../platform/calendar.ts';
import { councilMeetingsHeld } from '../councils/decisions.ts';
import { getDrillUnit, monthRange } from '../insights/service.ts';
import { isTargetOverdue } from './service.ts';

const FIELDS = [
  'tasksReceived',
  'tasksAdmitted',
  'tasksRefused',
  'meetings',
  'reportsAnswered',
  'cellsGenerated',
  'cellsTyped',
  'meetingsAttended',
  'meetingMinutes',
  'documents',
  'inspections',
  'tasksOverdue',
  'councilMeetings',
] as const;
type Figures = Record<(typeof FIELDS)[number], number>;
const zero = (): Figures => Object.fromEntries(FIELDS.map((f) => [f, 0])) as Figures;

/**
 * 减负台账 ("会少了、文少了、表少了"), THE definition of the burden figures: per month, per unit one level
 * down and per sender ("who asks the most"), the tasks communities received, admitted and refused, the
 * meetings and documents among them, the meetings attended (in person or by video) with their minutes,
 * the reports answered with the cells the platform filled and the cells typed, and the tasks overdue now.
 * A task counts in the month it was sent; an answer or an attendance in the month it was given.
 * Both sides with one definition: `children`/`senders` are what the unit's units received (and from whom),
 * `sent` what the tasks the unit's units sent cost each unit they reached.
 */
export async function getBurden(deps: AppDeps, actor: Actor, orgId: string, q: { from?: string; to?: string }) {
  const { unit, children: drillChildren } = await getDrillUnit(deps.database, actor, orgId);
  const { from, to } = monthRange(deps.clock.now(), q.from, q.to);
  const start = dayStart(`${from}-01`);
  const now = deps.clock.now();
  const select = () =>
    deps.db
      .selectFrom('task_targets as t')
      .innerJoin('tasks', 'tasks.id', 't.task_id')
      .innerJoin('org_units as s', 's.id', 'tasks.from_org_id')
      .innerJoin('org_units as r', 'r.id', 't.org_id')
      .select([
        't.org_path',
        't.status',
        't.created_at',
        't.answered_at',
        't.filled_cells',
        't.typed_cells',
        't.done_at',
        't.attendance',
        't.minutes_attended',
        't.approval_state',
        'tasks.kind',
        'tasks.due_at',
        's.id as sender_id',
        's.name as sender_name',
        's.level as sender_level',
        's.code as sender_code',
        'r.id as target_id',
        'r.name as target_name',
        'r.level as target_level',
        'r.code as target_code',
      ])
      .where((eb) =>
        eb.or([eb('t.created_at', '>=', start), eb('t.answered_at', '>=', start), eb('t.done_at', '>=', start)]),
      );
  const [rows, sentRows] = await Promise.all([
    select().where('t.org_path', '>=', unit.path).where('t.org_path', '<', subtreeEnd(unit.path)).execute(),
    // the other side: the tasks this unit and the units under it sent, by the unit they reached
    select()
      .where('tasks.from_org_path', '>=', unit.path)
      .where('tasks.from_org_path', '<', subtreeEnd(unit.path))
      .execute(),
  ]);
  const months = new Map(monthsBetween(from, to).map((m) => [m, zero()]));
  const children = drillChildren.map((c) => ({ c, figures: zero() }));
  type Row = (typeof rows)[number];
  type Unit = { id: string; name: string; level: string; code: string | null };
  const senders = new Map<string, { unit: Unit; figures: Figures }>();
  const reached = new Map<string, { unit: Unit; figures: Figures }>();
  const totals = zero();
  const tally = (
    byUnit: Map<string, { unit: Unit; figures: Figures }>,
    unitOf: (r: Row) => Unit,
    r: Row,
    f: keyof Figures,
    n: number,
  ) => {
    const u = unitOf(r);
    let entry = byUnit.get(u.id);
    if (entry === undefined) {
      entry = { unit: u, figures: zero() };
      byUnit.set(u.id, entry);
    }
    entry.figures[f] += n;
  };
  const senderOf = (r: Row) => ({ id: r.sender_id, name: r.sender_name, level: r.sender_level, code: r.sender_code });
  const targetOf = (r: Row) => ({ id: r.target_id, name: r.target_name, level: r.target_level, code: r.target_code });
  const received = (r: Row, month: string, f: keyof Figures, n: number) => {
    const m = months.get(month);
    if (m === undefined || n === 0) return;
    m[f] += n;
    totals[f] += n;
    const child = children.find((x) => r.org_path.startsWith(x.c.path));
    if (child !== undefined) child.figures[f] += n;
    tally(senders, senderOf, r, f, n);
  };
  const sent = (r: Row, month: string, f: keyof Figures, n: number) => {
    if (!months.has(month) || n === 0) return;
    tally(reached, targetOf, r, f, n);
  };
  const thisMonth = shanghaiMonth(now.toISOString());
  /** One target's figures, each counted in its month: THE definition, for both sides. */
  const count = (r: Row, add: (r: Row, month: string, f: keyof Figures, n: number) => void) => {
    const sentIn = shanghaiMonth(r.created_at);
    const isAdmitted = r.status === 'admitted';
    add(r, sentIn, 'tasksReceived', 1);
    add(r, sentIn, isAdmitted ? 'tasksAdmitted' : 'tasksRefused', 1);
    if (isAdmitted && r.kind === 'meeting') add(r, sentIn, 'meetings', 1);
    if (isAdmitted && r.kind === 'document') add(r, sentIn, 'documents', 1);
    if (isAdmitted && r.kind === 'inspection') add(r, sentIn, 'inspections', 1);
    if (isTargetOverdue(r, r, now)) add(r, thisMonth, 'tasksOverdue', 1);
    if (r.answered_at !== null) {
      const answered = shanghaiMonth(r.answered_at);
      add(r, answered, 'reportsAnswered', 1);
      add(r, answered, 'cellsGenerated', Number(r.filled_cells ?? 0));
      add(r, answered, 'cellsTyped', Number(r.typed_cells ?? 0));
    }
    if (r.done_at !== null && (r.attendance === 'in_person' || r.attendance === 'video')) {
      const attended = shanghaiMonth(r.done_at);
      add(r, attended, 'meetingsAttended', 1);
      add(r, attended, 'meetingMinutes', Number(r.minutes_attended ?? 0));
    }
  };
  for (const r of rows) count(r, received);
  for (const r of sentRows) count(r, sent);
  // "会少了" on both sides: the meetings the units called themselves (议事), beside the meetings imposed
  for (const month of months.keys()) {
    const own = await councilMeetingsHeld(deps.db, unit.path, month);
    months.get(month)!.councilMeetings += own;
    totals.councilMeetings += own;
    for (const child of children)
      child.figures.councilMeetings += await councilMeetingsHeld(deps.db, child.c.path, month);
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
    senders: ranked(senders),
    sent: ranked(reached),
  };
}

/** Units by the tasks they sent or received, the most first. */
function ranked(
  byUnit: Map<string, { unit: { id: string; name: string; level: string; code: string | null }; figures: Figures }>,
) {
  return [...byUnit.values()]
    .sort((a, b) => b.figures.tasksReceived - a.figures.tasksReceived || a.unit.name.localeCompare(b.unit.name))
    .map(({ unit: u, figures }) => ({ unit: u, ...figures }));
}
