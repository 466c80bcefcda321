import type { AppDeps } from '../../platform/deps.ts';
import { syncCaseRollups } from '../insights/rollups.ts';
import { evaluateDue } from './deadlines-math.ts';
import { listAncestors } from './routing.ts';
import type { CaseTable } from './tables.ts';
import { appendEvent, listReporters, tellPeople, tellUnits } from './timeline.ts';
import { emitCaseEvent } from '../webhooks/events.ts';

const BATCH = 500;

/** The unit above `path` a case is escalated to (向上借力): a department's parent, else the next unit up. */
async function unitAbove(deps: AppDeps, path: string) {
  const ancestors = await listAncestors(deps.db, path);
  const parent = ancestors[ancestors.length - 2];
  return parent === undefined || parent.level === 'nation' ? null : parent;
}

async function sweepOne(deps: AppDeps, c: CaseTable, now: Date): Promise<string | null> {
  const at = now.toISOString();
  if (c.status === 'resolved') {
    // Nobody rated it within the window: it closes as resolved and unrated.
    await deps.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('cases')
        .set({
          status: 'closed',
          closed_at: at,
          is_solved: 1,
          next_check_at: null,
          version: c.version + 1,
          updated_at: at,
        })
        .where('id', '=', c.id)
        .where('version', '=', c.version)
        .execute();
      await syncCaseRollups(trx, [c.id]);
      await appendEvent(trx, { caseId: c.id, kind: 'closed', at, actor: null, text: '超过评价期限，自动关闭' });
      await emitCaseEvent(trx, {
        row: { ...c, status: 'closed', closed_at: at, is_solved: 1, version: c.version + 1 },
        kind: 'closed',
        text: '超过评价期限，自动关闭',
        at,
      });
      await tellPeople(trx, {
        kind: 'case.progress',
        caseId: c.id,
        number: c.number,
        state: 'closed',
        at,
        userIds: await listReporters(trx, c.id),
      });
    });
    return 'closed';
  }
  const due = evaluateDue(c, now.getTime());
  if (due.dueState === c.due_state && due.nextCheckAt === c.next_check_at) return null;
  const becameOverdue = due.dueState === 'overdue' && c.due_state !== 'overdue';
  const escalateTo = becameOverdue ? await unitAbove(deps, c.escalated_path ?? c.handler_path) : null;
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('cases')
      .set({
        due_state: due.dueState,
        next_check_at: due.nextCheckAt,
        was_overdue: c.was_overdue === 1 || due.dueState === 'overdue' ? 1 : 0,
        ...(escalateTo !== null
          ? {
              escalated_org_id: escalateTo.id,
              escalated_path: escalateTo.path,
              escalation_count: c.escalation_count + 1,
            }
          : {}),
        version: c.version + 1,
        updated_at: at,
      })
      .where('id', '=', c.id)
      .where('version', '=', c.version)
      .execute();
    await syncCaseRollups(trx, [c.id]);
    if (due.dueState !== c.due_state && due.dueState !== 'ok') {
      const stage =
        c.status === 'submitted' ? { zh: '签收', code: 'accept' as const } : { zh: '办结', code: 'resolve' as const };
      await appendEvent(trx, { caseId: c.id, kind: due.dueState, at, actor: null, text: stage.zh });
      await tellUnits(trx, {
        event: `${due.dueState}_${stage.code}`,
        caseId: c.id,
        number: c.number,
        at,
        orgs: [{ id: c.handler_org_id }],
      });
    }
    if (escalateTo !== null) {
      await appendEvent(trx, {
        caseId: c.id,
        kind: 'escalated',
        at,
        actor: null,
        orgId: escalateTo.id,
        text: escalateTo.name,
      });
      await tellUnits(trx, { event: 'escalated', caseId: c.id, number: c.number, at, orgs: [escalateTo] });
    }
  });
  return due.dueState;
}

/**
 * The deadline job: marks cases due soon and overdue, escalates overdue ones one level up and
 * notifies, closes resolved cases nobody rated. Runs every minute in the server, and in tests with
 * an injected clock. Returns how many cases changed.
 */
export async function sweepDeadlines(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  let changed = 0;
  for (;;) {
    const batch = await deps.db
      .selectFrom('cases')
      .selectAll()
      .where('next_check_at', '<=', now.toISOString())
      .orderBy('next_check_at')
      .limit(BATCH)
      .execute();
    let progressed = 0;
    for (const c of batch) {
      const result = await sweepOne(deps, c, now);
      if (result !== null) progressed += 1;
    }
    changed += progressed;
    if (batch.length < BATCH || progressed === 0) return changed;
  }
}
