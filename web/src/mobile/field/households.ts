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
  /** visits asked for here (a notice unread, …) that no visit on this phone has answered yet */
  openRequests: CachedHousehold['requests'];
}

/** A phone's clock may lag this much: a visit dated so much before a request still answers it (as the server counts). */
const REQUEST_SKEW_MS = 5 * 60_000;

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

/** Her households in the order she should walk them: visits asked for, overdue, never visited, due soon, the rest. */
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
      const openRequests = h.requests.filter(
        (r) => localVisitAt === null || Date.parse(localVisitAt) + REQUEST_SKEW_MS < Date.parse(r.requestedAt),
      );
      return {
        ...h,
        localVisitAt,
        openRequests,
        standing: isVisitedToday ? 'visited' : localVisitAt !== null ? 'ok' : h.urgency,
      };
    });
    return views.sort(
      (a, b) =>
        Number(b.openRequests.length > 0) - Number(a.openRequests.length > 0) ||
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
