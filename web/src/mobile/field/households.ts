import { useMemo } from 'react';
import { shanghaiDay } from '../../shared/figures';
import type { CachedHousehold, Urgency, VisitInput } from './api';
import { useField } from './FieldContext';
import type { QueuedOp } from './store';

/** A household as the today list shows it: the server's urgency, and what she did since on the phone. */
export interface HouseholdView extends CachedHousehold {
  /** the latest visit recorded on this phone that the cached figures do not include yet */
  localVisitAt: string | null;
  standing: Urgency | 'visited';
}

const RANK: Record<HouseholdView['standing'], number> = { overdue: 0, never: 1, due: 2, ok: 3, visited: 4 };

/** Visits recorded on the phone, by household, newer than what the cache was built from. */
export function localVisits(ops: QueuedOp[], generatedAt: string): Map<string, { at: string; op: QueuedOp }[]> {
  const byHousehold = new Map<string, { at: string; op: QueuedOp }[]>();
  for (const queued of ops) {
    if (queued.op.kind !== 'visit' || queued.state === 'rejected') continue;
    if (queued.syncedAt !== null && queued.syncedAt <= generatedAt) continue;
    const payload: VisitInput = queued.op.payload;
    const list = byHousehold.get(payload.householdId) ?? [];
    list.push({ at: payload.visitedAt, op: queued });
    byHousehold.set(payload.householdId, list);
  }
  return byHousehold;
}

/** Her households in the order she should walk them: overdue, never visited, due soon, the rest. */
export function useHouseholdViews(): HouseholdView[] {
  const { cache, syncState } = useField();
  const ops = syncState.ops;
  return useMemo(() => {
    if (cache === null) return [];
    const local = localVisits(ops, cache.cache.generatedAt);
    // "today" is a day in China time, as the server counts due and overdue (app/figures.ts)
    const today = shanghaiDay(new Date());
    const views = cache.cache.households.map((h): HouseholdView => {
      const visits = local.get(h.id);
      const localVisitAt =
        visits === undefined
          ? null
          : (visits
              .map((v) => v.at)
              .sort()
              .reverse()[0] ?? null);
      const last = [localVisitAt, h.lastVisitAt]
        .filter((at) => at !== null)
        .sort()
        .reverse()[0];
      const isVisitedToday = last !== undefined && shanghaiDay(last) === today;
      return { ...h, localVisitAt, standing: isVisitedToday ? 'visited' : localVisitAt !== null ? 'ok' : h.urgency };
    });
    return views.sort(
      (a, b) =>
        RANK[a.standing] - RANK[b.standing] ||
        (a.nextDueAt ?? '9999').localeCompare(b.nextDueAt ?? '9999') ||
        a.address.localeCompare(b.address, 'zh-CN'),
    );
  }, [cache, ops]);
}

export function useHouseholdView(id: string | undefined): HouseholdView | undefined {
  const views = useHouseholdViews();
  return views.find((h) => h.id === id);
}
