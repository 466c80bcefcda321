import { shanghaiMonth } from '../../platform/calendar.ts';
import type { ServiceSource } from '../insights/service-figures.ts';
import { contributions, dimsOf } from '../insights/service-rows.ts';

/**
 * 议事 figures (issue 15), counted into the insight counters (service-figures.ts) at the council's unit:
 * - `council.topics` month proposed|status|proposer kind (resident = 群众点题, staff);
 * - `council.held` month held: meetings held (counted apart from meetings imposed from above);
 * - `council.decisions` month decided|result (adopted, rejected);
 * - `council.milestones` month of the decision|done (0/1): the decisions' follow-up, progress = done ÷ all.
 */
export const COUNCIL_TOPICS: ServiceSource = {
  name: 'council.topic',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('council_topics')
      .select(['id', 'org_path', 'status', 'proposer_kind', 'created_at'])
      .where(byIds ? 'id' : 'org_path', 'in', keys)
      .execute();
    return rows.map((t) => {
      const c = contributions();
      c.add('council.topics', dimsOf(shanghaiMonth(t.created_at), t.status, t.proposer_kind));
      return { id: t.id, org_path: t.org_path, contributions: c.list };
    });
  },
};

export const COUNCIL_MEETINGS: ServiceSource = {
  name: 'council.meeting',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('council_meetings')
      .select(['id', 'org_path', 'status', 'held_at'])
      .where(byIds ? 'id' : 'org_path', 'in', keys)
      .execute();
    return rows.map((m) => {
      const c = contributions();
      if (m.status === 'held' && m.held_at !== null) c.add('council.held', shanghaiMonth(m.held_at));
      return { id: m.id, org_path: m.org_path, contributions: c.list };
    });
  },
};

export const COUNCIL_DECISIONS: ServiceSource = {
  name: 'council.decision',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('council_decisions')
      .select(['id', 'org_path', 'result', 'decided_at'])
      .where(byIds ? 'id' : 'org_path', 'in', keys)
      .execute();
    return rows.map((d) => {
      const c = contributions();
      c.add('council.decisions', dimsOf(shanghaiMonth(d.decided_at), d.result));
      return { id: d.id, org_path: d.org_path, contributions: c.list };
    });
  },
};

export const COUNCIL_MILESTONES: ServiceSource = {
  name: 'council.milestone',
  async load(db, filter) {
    const byIds = 'ids' in filter;
    const keys = byIds ? filter.ids : filter.paths;
    if (keys.length === 0) return [];
    const rows = await db
      .selectFrom('council_milestones as m')
      .innerJoin('council_decisions as d', 'd.id', 'm.decision_id')
      .select(['m.id', 'm.org_path', 'm.done_at', 'd.decided_at'])
      .where(byIds ? 'm.id' : 'm.org_path', 'in', keys)
      .execute();
    return rows.map((m) => {
      const c = contributions();
      c.add('council.milestones', dimsOf(shanghaiMonth(m.decided_at), m.done_at === null ? 0 : 1));
      return { id: m.id, org_path: m.org_path, contributions: c.list };
    });
  },
};
