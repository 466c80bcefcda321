import type { ServiceSource } from '../insights/service-figures.ts';
import { contributions, dimsOf } from '../insights/service-rows.ts';

/**
 * 志愿服务 figures (issue 14, item 8), counted into the insight counters (service-figures.ts) at the
 * activity's unit, by the Shanghai month of the day served, once the hours are confirmed:
 * - `vol.minutes` month|kind (activity or need): minutes confirmed;
 * - `vol.people` month|user: one per confirmed signup of a volunteer, so volunteers = the distinct users
 *   with hours in the period (together with `dual.people`, the 双报到 members' confirmed hours on posts and cases).
 */
export const VOLUNTEER_SIGNUPS: ServiceSource = {
  name: 'volunteer.signup',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('volunteer_signups as s')
      .innerJoin('volunteer_activities as a', 'a.id', 's.activity_id')
      .select(['s.id', 's.org_path', 's.status', 's.minutes', 's.day', 's.user_id', 'a.kind'])
      .where(byIds ? 's.id' : 's.org_path', 'in', keys)
      .execute();
    return rows.map((s) => {
      const c = contributions();
      if (s.status === 'confirmed' && s.minutes !== null && s.day !== null) {
        const month = s.day.slice(0, 7);
        c.add('vol.minutes', dimsOf(month, s.kind), Number(s.minutes));
        c.add('vol.people', dimsOf(month, s.user_id));
      }
      return { id: s.id, org_path: s.org_path, contributions: c.list };
    });
  },
};
