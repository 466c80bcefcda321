import { sql, type RawBuilder } from 'kysely';
import { addDays, currentDay, currentMonth, dayStart, shanghaiDay } from '../../platform/calendar.ts';

/**
 * THE definition of where a household stands with its visits, in Asia/Shanghai calendar days. The
 * dashboard and reports (from the counters), the coverage page (SQL) and the phone's today list all
 * classify through this file:
 *
 * - never:   no visit ever recorded (whether or not the household has a visit-status row);
 * - overdue: visited, and its next visit was due on a day before today;
 * - due:     visited, and its next visit is due today or within the next 6 days (7 calendar days);
 * - ok:      visited, next visit due later.
 *
 * Covered = visited and not overdue; coverage = covered ÷ all households. Visited this month = the
 * latest visit falls in this Shanghai month.
 */
export type VisitStanding = 'never' | 'overdue' | 'due' | 'ok';

/** How many calendar days, today included, count as "due soon". */
export const DUE_SOON_DAYS = 7;

/** The calendar of a moment: today, the last day that is still "due soon", and the same as instants. */
export interface VisitWindow {
  today: string;
  month: string;
  lastDueSoonDay: string;
  /** today 00:00 in Shanghai, as ISO UTC: a next due instant before it is overdue */
  todayStart: string;
  /** the day after lastDueSoonDay 00:00 in Shanghai: a next due instant before it is due soon */
  dueSoonEnd: string;
}

export function visitWindow(now: Date): VisitWindow {
  const today = currentDay(now);
  const lastDueSoonDay = addDays(today, DUE_SOON_DAYS - 1);
  return {
    today,
    month: currentMonth(now),
    lastDueSoonDay,
    todayStart: dayStart(today),
    dueSoonEnd: dayStart(addDays(lastDueSoonDay, 1)),
  };
}

/** A household's standing from whether it was ever visited and the Shanghai day its next visit is due. */
export function standingOn(isVisited: boolean, nextDueDay: string | null, w: VisitWindow): VisitStanding {
  if (!isVisited) return 'never';
  if (nextDueDay === null) return 'ok';
  if (nextDueDay < w.today) return 'overdue';
  if (nextDueDay <= w.lastDueSoonDay) return 'due';
  return 'ok';
}

/** A household's standing from its visit-status row (undefined or nulls: never visited). */
export function visitStanding(
  status: { last_visit_at: string | null; next_due_at: string | null } | undefined,
  w: VisitWindow,
): VisitStanding {
  const next = status?.next_due_at ?? null;
  return standingOn((status?.last_visit_at ?? null) !== null, next === null ? null : shanghaiDay(next), w);
}

/**
 * The same classification as SQL over `s.last_visit_at` / `s.next_due_at` (a left join: no row is
 * never visited). Comparing instants with the window's day starts is comparing their Shanghai days.
 */
export function visitStandingSql(w: VisitWindow): RawBuilder<VisitStanding> {
  return sql<VisitStanding>`case
    when s.last_visit_at is null then 'never'
    when s.next_due_at is null then 'ok'
    when s.next_due_at < ${w.todayStart} then 'overdue'
    when s.next_due_at < ${w.dueSoonEnd} then 'due'
    else 'ok' end`;
}
