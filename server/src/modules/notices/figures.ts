import { shanghaiMonth } from '../../platform/calendar.ts';
import type { ServiceSource } from '../insights/service-figures.ts';
import { contributions, dimsOf } from '../insights/service-rows.ts';

/**
 * 说文解策 figures (issue 15), counted into the insight counters (service-figures.ts):
 * - `notice.sent` month: notices sent, at the sending unit;
 * - `notice.reached` month and `notice.read` month: households a notice went to, and those where someone
 *   read it, at each household's unit, by the month the notice was sent — read share = read ÷ reached.
 * A household's row is keyed `notice id|household id`.
 */
export const NOTICES_SENT: ServiceSource = {
  name: 'notice.sent',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('notices')
      .select(['id', 'org_path', 'sent_at'])
      .where(byIds ? 'id' : 'org_path', 'in', keys)
      .execute();
    return rows.map((n) => ({
      id: n.id,
      org_path: n.org_path,
      contributions: [{ fact: 'notice.sent', dims: shanghaiMonth(n.sent_at), n: 1 }],
    }));
  },
};

export const noticeHouseholdKey = (noticeId: string, householdId: string) => `${noticeId}|${householdId}`;

export const NOTICE_HOUSEHOLDS: ServiceSource = {
  name: 'notice.household',
  async load(db, filter) {
    let q = db
      .selectFrom('notice_households as h')
      .innerJoin('notices as n', 'n.id', 'h.notice_id')
      .select(['h.notice_id', 'h.household_id', 'h.org_path', 'h.read_at', 'n.sent_at']);
    if ('ids' in filter) {
      if (filter.ids.length === 0) return [];
      const byNotice = new Map<string, string[]>();
      for (const id of filter.ids) {
        const [notice = '', household = ''] = id.split('|');
        byNotice.set(notice, [...(byNotice.get(notice) ?? []), household]);
      }
      q = q.where((eb) =>
        eb.or(
          [...byNotice].map(([notice, households]) =>
            eb.and([eb('h.notice_id', '=', notice), eb('h.household_id', 'in', households)]),
          ),
        ),
      );
    } else {
      if (filter.paths.length === 0) return [];
      q = q.where('h.org_path', 'in', filter.paths);
    }
    const rows = await q.execute();
    return rows.map((h) => {
      const c = contributions();
      const month = shanghaiMonth(h.sent_at);
      c.add('notice.reached', dimsOf(month));
      if (h.read_at !== null) c.add('notice.read', dimsOf(month));
      return { id: noticeHouseholdKey(h.notice_id, h.household_id), org_path: h.org_path, contributions: c.list };
    });
  },
};
