import { shanghaiMonth } from '../../platform/calendar.ts';
import type { ServiceSource } from '../insights/service-figures.ts';
import { contributions, dimsOf } from '../insights/service-rows.ts';

/**
 * 双报到 and 党建联盟 figures (issue 14, item 8), counted into the insight counters (service-figures.ts):
 * - `dual.minutes` month|source (post, case, need): hours 双报到 members served, confirmed by staff, by the
 *   month of the day served (a volunteer need's hours are the volunteering signup's, so volunteer hours add
 *   only the post and case hours to `vol.minutes`);
 * - `dual.people` month|user|source: who served (volunteers are distinct users over this and `vol.people`);
 * - `dual.members` month confirmed: members confirmed and not ended — Σ over every month = members now;
 * - `alliance.projects` month created|status and `alliance.done` month done: the projects list.
 */
export const SERVICE_HOURS: ServiceSource = {
  name: 'party.hours',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('service_hours')
      .select(['id', 'org_path', 'status', 'minutes', 'served_on', 'user_id', 'source_kind'])
      .where(byIds ? 'id' : 'org_path', 'in', keys)
      .execute();
    return rows.map((h) => {
      const c = contributions();
      if (h.status === 'confirmed') {
        const month = h.served_on.slice(0, 7);
        c.add('dual.minutes', dimsOf(month, h.source_kind), Number(h.minutes));
        c.add('dual.people', dimsOf(month, h.user_id, h.source_kind));
      }
      return { id: h.id, org_path: h.org_path, contributions: c.list };
    });
  },
};

export const DUAL_REGISTRATIONS: ServiceSource = {
  name: 'party.dual',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('dual_registrations')
      .select(['id', 'org_path', 'status', 'decided_at', 'requested_at'])
      .where(byIds ? 'id' : 'org_path', 'in', keys)
      .execute();
    return rows.map((r) => {
      const c = contributions();
      if (r.status === 'confirmed') c.add('dual.members', shanghaiMonth(r.decided_at ?? r.requested_at));
      return { id: r.id, org_path: r.org_path, contributions: c.list };
    });
  },
};

export const ALLIANCE_PROJECTS: ServiceSource = {
  name: 'alliance.project',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('alliance_projects')
      .select(['id', 'org_path', 'status', 'created_at', 'done_at'])
      .where(byIds ? 'id' : 'org_path', 'in', keys)
      .execute();
    return rows.map((p) => {
      const c = contributions();
      c.add('alliance.projects', dimsOf(shanghaiMonth(p.created_at), p.status));
      if (p.status === 'done' && p.done_at !== null) c.add('alliance.done', shanghaiMonth(p.done_at));
      return { id: p.id, org_path: p.org_path, contributions: c.list };
    });
  },
};
