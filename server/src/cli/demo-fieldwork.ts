import type { DB } from '../db/types.ts';
import { intervalFor, loadHouseholdTags, loadIntervals } from '../modules/fieldwork/policies.ts';
import { DAY_MS } from '../platform/calendar.ts';
import type { HouseholdVisitStatusTable, VisitTable, VisitVisitorTable } from '../modules/fieldwork/tables.ts';
import type { AppDeps } from '../platform/deps.ts';
import { newId } from '../platform/ids.ts';
import { DEMO_COMMUNITIES } from './demo.ts';
import { countyKeyOf } from '../db/county-key.ts';

const FINDINGS = [
  { topic: 'health', note: '血压偏高，按时服药' },
  { topic: 'daily_living', note: '生活能自理，子女每周来看望' },
  { topic: 'housing_safety', note: '燃气灶已检查，无异常' },
  { topic: 'income', note: '养老金按月到账' },
  { topic: 'policy', note: '咨询高龄补贴申领' },
  { topic: 'children_schooling', note: '孩子已入学' },
];

/** A small deterministic random source, so the demo looks the same on every machine. */
function seeded(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

async function inChunks<R>(rows: R[], write: (chunk: R[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += 300) await write(rows.slice(i, i + 300));
}

/**
 * Demo data for field work: each demo grid worker (`<slug>_wgN`) linked (入网知心) to the households of
 * her grid — a few left unlinked, so the gaps list shows something — the secretary linked (联户交心) to
 * the 独居老人, and three months of past visits, most households visited, some overdue, some never.
 * Runs once.
 */
export async function seedDemoFieldwork(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const marker = await deps.db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'demo_fieldwork_seeded')
    .executeTakeFirst();
  if (marker !== undefined) return;
  const random = seeded(20261205);
  const now = deps.clock.now();
  const at = now.toISOString();
  let linked = 0;
  let visited = 0;
  await deps.db.transaction().execute(async (trx) => {
    for (const c of DEMO_COMMUNITIES) {
      const community = await trx.selectFrom('org_units').selectAll().where('code', '=', c.code).executeTakeFirst();
      if (community === undefined) continue;
      const secretary = await trx
        .selectFrom('users')
        .select('id')
        .where('username', '=', `${c.slug}_sj`)
        .executeTakeFirst();
      const grids = await trx
        .selectFrom('org_units')
        .select(['id', 'path'])
        .where('parent_id', '=', community.id)
        .where('level', 'in', ['grid', 'group'])
        .orderBy('code')
        .execute();
      const intervals = (await loadIntervals(trx, [community.path])).get(community.path)!;
      for (const [g, grid] of grids.entries()) {
        const worker = await trx
          .selectFrom('users')
          .select('id')
          .where('username', '=', `${c.slug}_wg${g + 1}`)
          .executeTakeFirst();
        if (worker === undefined) continue;
        const households = await trx
          .selectFrom('households')
          .select(['id', 'org_path', 'created_at'])
          .where('org_id', '=', grid.id)
          .orderBy('address')
          .execute();
        const tags = await loadHouseholdTags(
          trx,
          households.map((h) => h.id),
        );
        const linkages: DB['linkages'][] = [];
        const visits: VisitTable[] = [];
        const visitors: VisitVisitorTable[] = [];
        const statuses: HouseholdVisitStatusTable[] = [];
        for (const [i, h] of households.entries()) {
          const codes = tags.get(h.id) ?? new Set<string>();
          if (i % 15 !== 7) {
            linkages.push({
              id: newId(),
              household_id: h.id,
              user_id: worker.id,
              kind: 'ruwang_zhixin',
              created_by: null,
              created_at: at,
            });
          }
          if (secretary !== undefined && codes.has('living_alone')) {
            linkages.push({
              id: newId(),
              household_id: h.id,
              user_id: secretary.id,
              kind: 'lianhu_jiaoxin',
              created_by: null,
              created_at: at,
            });
          }
          if (random() < 0.15) continue; // never visited
          const days = intervalFor(intervals, codes);
          // one to three visits over the last ninety days (never before the household moved in); the latest sometimes late
          let last = '';
          const count = 1 + Math.floor(random() * 3);
          const span = Math.max(0, Math.min(90 * DAY_MS, now.getTime() - Date.parse(h.created_at) - 2 * 3_600_000));
          for (let v = 0; v < count; v++) {
            const visitedAt = new Date(now.getTime() - Math.floor(random() * span) - 3_600_000).toISOString();
            const finding = FINDINGS[Math.floor(random() * FINDINGS.length)]!;
            const id = newId();
            visits.push({
              id,
              household_id: h.id,
              org_path: h.org_path,
              county_key: countyKeyOf(h.org_path),
              visited_at: visitedAt,
              kind: random() < 0.85 ? 'routine' : 'follow_up',
              lng: null,
              lat: null,
              findings: JSON.stringify([finding]),
              note: null,
              open_case: null,
              recorded_by: worker.id,
              created_at: visitedAt,
            });
            visitors.push({
              visit_id: id,
              county_key: countyKeyOf(h.org_path),
              user_id: worker.id,
              position: 0,
              visited_at: visitedAt,
            });
            if (visitedAt > last) last = visitedAt;
          }
          statuses.push({
            household_id: h.id,
            org_path: h.org_path,
            county_key: countyKeyOf(h.org_path),
            last_visit_at: last,
            next_due_at: new Date(Date.parse(last) + days * DAY_MS).toISOString(),
            interval_days: days,
          });
        }
        await inChunks(linkages, (chunk) => trx.insertInto('linkages').values(chunk).execute());
        await inChunks(visits, (chunk) => trx.insertInto('visits').values(chunk).execute());
        await inChunks(visitors, (chunk) => trx.insertInto('visit_visitors').values(chunk).execute());
        await inChunks(statuses, (chunk) => trx.insertInto('household_visit_status').values(chunk).execute());
        linked += linkages.length;
        visited += visits.length;
      }
    }
    await trx.insertInto('counters').values({ name: 'demo_fieldwork_seeded', value: 1 }).execute();
  });
  log(`demo field work: ${linked} linkages (一亲三心), ${visited} past visits`);
}
