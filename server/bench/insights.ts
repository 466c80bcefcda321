import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { bulkInsert } from '../src/db/bulk.ts';
import type { DialectName } from '../src/db/database.ts';
import { analyzeTables } from '../src/db/maintenance.ts';
import type { DB } from '../src/db/types.ts';
import { OPEN_STATES } from '../src/modules/insights/counters.ts';
import { addMonths, currentDay, currentMonth } from '../src/platform/calendar.ts';
import { ratio } from '../src/platform/ratio.ts';
import { countDirectly } from '../src/modules/insights/fixture.ts';
import { CasePanel, Children, Population, Summary, Trends, VisitPanel } from '../src/modules/insights/schema.ts';
import { rebuildRollups } from '../src/modules/insights/rollups.ts';
import {
  AGE_BANDS,
  getCasePanel,
  getChildren,
  getPopulation,
  getSummary,
  getTrends,
  getVisitPanel,
} from '../src/modules/insights/service.ts';
import { ensureDefaultDutyList } from '../src/modules/duties/service.ts';
import { HOUSEHOLD_TYPES, RESIDENT_TYPES, TAG_TYPES } from '../src/modules/registry/bulk-columns.ts';
import { benchCaseRow } from './cases.ts';
import { insertAccount, loadActor } from '../src/modules/users/service.ts';
import { type Actor, subtreeEnd } from '../src/platform/access/scope.ts';
import type { AppDeps } from '../src/platform/deps.ts';
import { PiiCipher } from '../src/platform/pii/crypto.ts';
import { testConfig } from '../src/test/harness.ts';
import { fmtMs, freshDatabase, latency, latencyInTurns, report } from './util.ts';
import { countyKeyOf } from '../src/db/county-key.ts';

/**
 * `--scenarios insights`: a province of 4 cities × 10 counties × 12 streets × 10 communities × 5 grids
 * (4,800 communities, 24,000 grids), `--residents` residents (default 5,000,000) in households of ~2.5,
 * `--cases` cases (default 1,000,000) and a visit status for half the households, loaded with bare bulk
 * inserts and then counted by `rebuildRollups`. Each dashboard panel is timed through the API at
 * province, city, county, street, community and grid, beside the bare aggregate SQL over the raw tables
 * that the counters replace; then a city-level report (1,200 communities × 20 metric columns) with its .xlsx.
 */
const CITIES = 4;
const COUNTIES = 10;
const STREETS = 12;
const COMMUNITIES = 10;
const GRIDS = 5;
const PASSWORD = 'Bench-pass-2026';
const SYSTEM = { actorId: null, actorName: 'bench', ip: null, userAgent: null };
const NOW = Date.now();
const STATUSES: DB['cases']['status'][] = [
  'submitted',
  'accepted',
  'in_progress',
  'resolved',
  'closed',
  'closed',
  'closed',
  'rejected',
];
const CODES = ['AQ-001', 'LL-001', 'LL-002', 'HJ-002', 'YL-002', 'ZM-001', 'SZ-001', 'JZ-001', 'WY-001', 'HJ-001'];
// care tags only: 党员 is not one (registry/vocabulary.ts isCareTagCode), so no counter counts it
const TAG_CODES = ['living_alone', 'disabled', 'dibao', 'veteran'];

export interface Unit {
  id: string;
  key: number;
  parent_id: string | null;
  path: string;
  depth: number;
  level: 'nation' | 'province' | 'city' | 'county' | 'street' | 'community' | 'grid';
  name: string;
  full_name: string;
  code: string | null;
  geometry: null;
  department_kind: null;
  retired_at: null;
  created_at: string;
  updated_at: string;
}

function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const uuid = () => crypto.randomUUID();
const iso = (ms: number) => new Date(ms).toISOString();

function buildTree(cities: number): Unit[] {
  const now = iso(NOW);
  const units: Unit[] = [];
  let key = 0;
  const add = (parent: Unit | null, level: Unit['level'], name: string, code: string | null): Unit => {
    key += 1;
    const u: Unit = {
      id: uuid(),
      key,
      parent_id: parent?.id ?? null,
      path: `${parent?.path ?? '/'}${key.toString(36)}/`,
      depth: (parent?.depth ?? 0) + 1,
      level,
      name,
      full_name: `${parent?.full_name ?? ''}${name}`,
      code,
      geometry: null,
      department_kind: null,
      retired_at: null,
      created_at: now,
      updated_at: now,
    };
    units.push(u);
    return u;
  };
  const nation = add(null, 'nation', '中华人民共和国', null);
  const province = add(nation, 'province', '测试省', '99');
  for (let c = 1; c <= cities; c++) {
    const city = add(province, 'city', `第${c}市`, `99${String(c).padStart(2, '0')}`);
    for (let d = 1; d <= COUNTIES; d++) {
      const county = add(city, 'county', `第${d}区`, `${city.code}${String(d).padStart(2, '0')}`);
      for (let s = 1; s <= STREETS; s++) {
        const street = add(county, 'street', `第${s}街道`, `${county.code}${String(s).padStart(3, '0')}`);
        for (let m = 1; m <= COMMUNITIES; m++) {
          const community = add(street, 'community', `第${m}社区`, `${street.code}${String(m).padStart(3, '0')}`);
          for (let g = 1; g <= GRIDS; g++)
            add(community, 'grid', `第${g}网格`, `${community.code}${String(g).padStart(3, '0')}`);
        }
      }
    }
  }
  return units;
}

export async function load(deps: AppDeps, residentsTotal: number, casesTotal: number, cities = CITIES) {
  const db = deps.db;
  const sqlite = deps.database.sqlite;
  const units = buildTree(cities);
  const grids = units.filter((u) => u.level === 'grid');
  const communityOf = new Map(units.map((u) => [u.id, u]));
  await db.transaction().execute(async (trx) => {
    await bulkInsert(
      trx,
      sqlite,
      'org_units',
      {
        id: 'text',
        key: 'bigint',
        parent_id: 'text',
        path: 'text',
        depth: 'integer',
        level: 'text',
        name: 'text',
        full_name: 'text',
        code: 'text',
        geometry: 'text',
        department_kind: 'text',
        retired_at: 'text',
        created_at: 'text',
        updated_at: 'text',
      },
      units,
    );
    await trx.updateTable('counters').set({ value: units.length }).where('name', '=', 'org_key').execute();
    await trx.updateTable('counters').set({ value: 1 }).where('name', '=', 'org_version').execute();
  });
  const tags = new Map(
    (await db.selectFrom('care_tags').select(['id', 'code']).execute()).map((t) => [t.code, t.id] as const),
  );
  const rand = random(20_261_128);
  const started = Date.now();
  const householdsTotal = Math.ceil(residentsTotal / 2.5);
  const householdIds: { id: string; path: string }[] = [];
  // households, visit statuses, residents and tags in chunks, each chunk one transaction
  const CHUNK = 50_000;
  let residentsLeft = residentsTotal;
  for (let h0 = 0; h0 < householdsTotal; h0 += CHUNK / 2) {
    const households: DB['households'][] = [];
    const visits: DB['household_visit_status'][] = [];
    const residents: DB['residents'][] = [];
    const residentTags: DB['resident_tags'][] = [];
    for (let h = h0; h < Math.min(householdsTotal, h0 + CHUNK / 2); h++) {
      const grid = grids[h % grids.length]!;
      const id = uuid();
      const created = iso(NOW - Math.floor(rand() * 3 * 365 * 86_400_000));
      households.push({
        id,
        org_id: grid.id,
        org_path: grid.path,
        county_key: countyKeyOf(grid.path),
        building_id: null,
        address: `第${h}号`,
        unit_no: null,
        room_no: null,
        lng: null,
        lat: null,
        version: 1,
        created_at: created,
        updated_at: created,
      });
      if (householdIds.length < 1000) householdIds.push({ id, path: grid.path });
      if (rand() < 0.5) {
        const last = NOW - Math.floor(rand() * 120 * 86_400_000);
        visits.push({
          household_id: id,
          org_path: grid.path,
          county_key: countyKeyOf(grid.path),
          last_visit_at: rand() < 0.1 ? null : iso(last),
          next_due_at: iso(last + 60 * 86_400_000),
          interval_days: 60,
        });
      }
      const members = h === householdsTotal - 1 ? residentsLeft : Math.min(residentsLeft, rand() < 0.5 ? 2 : 3);
      for (let m = 0; m < members; m++) {
        residentsLeft -= 1;
        const rid = uuid();
        const year = 1930 + Math.floor(rand() * 95);
        const isLiving = rand() < 0.95;
        residents.push({
          id: rid,
          household_id: id,
          org_path: grid.path,
          county_key: countyKeyOf(grid.path),
          name: '居民',
          name_initials: 'jm',
          id_number_enc: null,
          id_number_bidx: null,
          no_id_reason: '外籍人员',
          gender: rand() < 0.5 ? 'male' : 'female',
          birth_date: `${year}-0${1 + Math.floor(rand() * 9)}-15`,
          phone_enc: null,
          phone_bidx: null,
          ethnicity: '汉族',
          relation: m === 0 ? '户主' : '子',
          residence_type: rand() < 0.7 ? 'registered' : rand() < 0.5 ? 'permanent' : 'floating',
          status: isLiving ? 'living' : 'moved_out',
          status_date: null,
          notes: null,
          version: 1,
          created_at: created,
          updated_at: created,
          import_job_id: null,
        });
        if (year < 1960 && rand() < 0.2)
          residentTags.push({
            resident_id: rid,
            tag_id: tags.get('living_alone')!,
            org_path: grid.path,
            county_key: countyKeyOf(grid.path),
          });
        if (rand() < 0.08) {
          const code = TAG_CODES[1 + Math.floor(rand() * (TAG_CODES.length - 1))]!;
          residentTags.push({
            resident_id: rid,
            tag_id: tags.get(code)!,
            org_path: grid.path,
            county_key: countyKeyOf(grid.path),
          });
        }
      }
    }
    await db.transaction().execute(async (trx) => {
      await bulkInsert(trx, sqlite, 'households', HOUSEHOLD_TYPES, households);
      await bulkInsert(
        trx,
        sqlite,
        'household_visit_status',
        {
          household_id: 'text',
          org_path: 'text',
          county_key: 'integer',
          last_visit_at: 'text',
          next_due_at: 'text',
          interval_days: 'integer',
        },
        visits,
      );
      await bulkInsert(trx, sqlite, 'residents', RESIDENT_TYPES, residents);
      await bulkInsert(trx, sqlite, 'resident_tags', TAG_TYPES, residentTags);
    });
    process.stderr.write(`\r  loaded ${residentsTotal - residentsLeft} residents`);
  }
  for (let c0 = 0; c0 < casesTotal; c0 += CHUNK) {
    const rows: DB['cases'][] = [];
    for (let i = c0; i < Math.min(casesTotal, c0 + CHUNK); i++) {
      const grid = grids[Math.floor(rand() * grids.length)]!;
      const community = communityOf.get(grid.parent_id!)!;
      const created = NOW - Math.floor(rand() * 365 * 86_400_000);
      const status = STATUSES[Math.floor(rand() * STATUSES.length)]!;
      const isDone = status === 'resolved' || status === 'closed';
      const isOpen = ['submitted', 'accepted', 'in_progress'].includes(status);
      const acceptS = status === 'submitted' ? null : Math.floor(rand() * 48 * 3600);
      const resolveS = isDone ? Math.floor(rand() * 200 * 3600) : null;
      const rating = status === 'closed' && rand() < 0.7 ? 1 + Math.floor(rand() * 5) : null;
      rows.push(
        benchCaseRow({
          id: uuid(),
          number: `B${i}`,
          channel: 'phone',
          duty_item_id: null,
          duty_code: CODES[Math.floor(rand() * CODES.length)]!,
          status,
          description: '测试诉求',
          org_id: grid.id,
          org_path: grid.path,
          handler_org_id: community.id,
          handler_path: community.path,
          created_at: iso(created),
          accept_due_at: iso(created + 24 * 3600_000),
          resolve_due_at: iso(created + 7 * 24 * 3600_000),
          due_state: isOpen && rand() < 0.2 ? 'overdue' : 'ok',
          accepted_at: acceptS === null ? null : iso(created + acceptS * 1000),
          resolved_at: resolveS === null ? null : iso(created + resolveS * 1000),
          closed_at: status === 'closed' ? iso(created + (resolveS ?? 0) * 1000 + 86_400_000) : null,
          is_accepted_on_time: acceptS === null ? null : acceptS < 24 * 3600 ? 1 : 0,
          accept_seconds: acceptS,
          resolve_seconds: resolveS,
          was_overdue: rand() < 0.1 ? 1 : 0,
          is_solved: status === 'closed' ? (rand() < 0.9 ? 1 : 0) : null,
          rating,
          updated_at: iso(created),
        }),
      );
    }
    const types = Object.fromEntries(
      Object.entries(rows[0]!).map(([k, v]) => [
        k,
        ['accept_seconds', 'resolve_seconds'].includes(k) ? 'bigint' : typeof v === 'number' ? 'integer' : 'text',
      ]),
    ) as Record<string, 'text' | 'integer' | 'bigint' | 'double precision'>;
    for (const k of ['is_accepted_on_time', 'is_solved', 'rating']) types[k] = 'integer';
    types.lng = 'double precision';
    types.lat = 'double precision';
    await db.transaction().execute((trx) => bulkInsert(trx, sqlite, 'cases', types, rows));
    process.stderr.write(`\r  loaded ${Math.min(casesTotal, c0 + CHUNK)} cases        `);
  }
  process.stderr.write('\n');
  const loadMs = Date.now() - started;
  await analyzeTables(db, ['residents', 'households', 'resident_tags', 'cases', 'household_visit_status', 'org_units']);
  return { units, loadMs };
}

/** Midnight at the start of a Shanghai day or month ('YYYY-MM-DD' / 'YYYY-MM'), as the UTC ISO text the tables hold. */
const shanghaiStart = (day: string) => iso(Date.parse(`${day.length === 7 ? `${day}-01` : day}T00:00:00+08:00`));

/** The figures each unit has in the summary and in the drill-down table, and those only one of them shows. */
const UNIT_FIGURES = ['residents', 'households', 'careTagged', 'elderlyAlone', 'openCases', 'overdueCases'] as const;
const SUMMARY_FIGURES = [...UNIT_FIGURES, 'over80'] as const;
const CHILD_FIGURES = [
  ...UNIT_FIGURES,
  'casesReceived',
  'responseRate',
  'resolutionRate',
  'satisfactionRate',
  'visitCoverage',
] as const;
const VISIT_FIGURES = [
  'households',
  'tracked',
  'overdue',
  'dueSoon',
  'visitedThisMonth',
  'neverVisited',
  'coverage',
] as const;

/** The named fields of an object, and no others. */
const pick = <T, K extends keyof T>(o: T, keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;

/**
 * The bare aggregate SQL each panel replaces, over the raw tables: each computes the figures its panel
 * shows (months and days in Asia/Shanghai, as the platform counts them), and the bench checks that they
 * equal the API's before timing either.
 */
export function bareQueries(db: Kysely<DB>, engine: DialectName) {
  const range = (path: string) => ({ from: path, to: subtreeEnd(path) });
  const monthOf = (column: string) =>
    engine === 'sqlite'
      ? sql<string>`strftime('%Y-%m', ${sql.ref(column)}, '+8 hours')`
      : sql<string>`to_char(${sql.ref(column)}::timestamptz at time zone 'Asia/Shanghai', 'YYYY-MM')`;
  const num = (v: unknown) => Number(v ?? 0);
  const thisMonth = currentMonth(new Date(NOW));
  const year = Number(thisMonth.slice(0, 4));
  // the panels' default range: the last 12 months including this one
  const since = shanghaiStart(addMonths(thisMonth, -11));
  const until = shanghaiStart(addMonths(thisMonth, 1));

  /** Visit coverage figures of a subtree: households, and the visit statuses by due day and last visit. */
  const visits = async (path: string) => {
    const r = range(path);
    const todayStart = shanghaiStart(currentDay(new Date(NOW)));
    // due soon: today and the 6 days after it (fieldwork/standing.ts)
    const soonEnd = shanghaiStart(currentDay(new Date(NOW + 7 * 86_400_000)));
    const [hh, v] = await Promise.all([
      sql<{
        n: number;
      }>`select count(*) as n from households where org_path >= ${r.from} and org_path < ${r.to}`.execute(db),
      sql<Record<string, number>>`select count(*) as tracked,
        sum(case when last_visit_at is not null and next_due_at < ${todayStart} then 1 else 0 end) as overdue,
        sum(case when last_visit_at is not null and next_due_at >= ${todayStart} and next_due_at < ${soonEnd} then 1 else 0 end) as due_soon,
        sum(case when last_visit_at >= ${shanghaiStart(thisMonth)} and last_visit_at < ${until} then 1 else 0 end) as this_month,
        sum(case when last_visit_at is not null then 1 else 0 end) as visited,
        sum(case when last_visit_at is not null and (next_due_at is null or next_due_at >= ${todayStart}) then 1 else 0 end) as covered
        from household_visit_status where org_path >= ${r.from} and org_path < ${r.to}`.execute(db),
    ]);
    const households = num(hh.rows[0]!.n);
    const row = v.rows[0]!;
    return {
      households,
      tracked: num(row.tracked),
      overdue: num(row.overdue),
      dueSoon: num(row.due_soon),
      visitedThisMonth: num(row.this_month),
      // households with no visit-status row were never visited either
      neverVisited: households - num(row.visited),
      coverage: households === 0 ? null : ratio(num(row.covered), households),
    };
  };

  /** The three rates of a subtree's cases, all time, merged duplicates not received. */
  const rates = async (path: string) => {
    const r = range(path);
    const { rows } = await sql<Record<string, number>>`select count(*) as received,
      sum(case when is_accepted_on_time = 1 then 1 else 0 end) as ontime,
      sum(case when status = 'closed' then 1 else 0 end) as closed,
      sum(case when status = 'closed' and is_solved = 1 then 1 else 0 end) as solved,
      count(rating) as rated, sum(case when rating >= 4 then 1 else 0 end) as satisfied
      from cases where org_path >= ${r.from} and org_path < ${r.to} and status <> 'merged'`.execute(db);
    const x = rows[0]!;
    return {
      casesReceived: num(x.received),
      responseRate: ratio(num(x.ontime), num(x.received)),
      resolutionRate: ratio(num(x.solved), num(x.closed)),
      satisfactionRate: ratio(num(x.satisfied), num(x.rated)),
    };
  };

  return {
    summary: async (u: Unit) => pick(await countDirectly(db, u.path, year), SUMMARY_FIGURES),
    children: async (u: Unit) => {
      const children = await sql<Unit>`select id, path, name from org_units where parent_id = ${u.id}
        and level in ('province', 'city', 'county', 'street', 'community', 'grid') and retired_at is null
        order by code, name`.execute(db);
      const items = [];
      for (const child of children.rows) {
        const [d, r, v] = await Promise.all([
          countDirectly(db, child.path, year),
          rates(child.path),
          visits(child.path),
        ]);
        items.push({ ...pick(d, UNIT_FIGURES), ...r, visitCoverage: v.coverage });
      }
      return { items };
    },
    population: async (u: Unit) => {
      const r = range(u.path);
      const [people, tags] = await Promise.all([
        sql<{ gender: string; y: string; residence_type: string; n: number }>`select gender,
          substr(birth_date, 1, 4) as y, residence_type, count(*) as n from residents
          where org_path >= ${r.from} and org_path < ${r.to} and status = 'living' group by 1, 2, 3`.execute(db),
        sql<{ code: string; n: number }>`select ct.code, count(*) as n from resident_tags rt
          join residents r on r.id = rt.resident_id join care_tags ct on ct.id = rt.tag_id
          where rt.org_path >= ${r.from} and rt.org_path < ${r.to} and r.status = 'living' group by ct.code`.execute(
          db,
        ),
      ]);
      const byAgeBand = AGE_BANDS.map(() => ({ male: 0, female: 0 }));
      const byType: Record<string, number> = {};
      for (const p of people.rows) {
        const band = byAgeBand[AGE_BANDS.findIndex((b) => year - Number(p.y) <= b.max)]!;
        band[p.gender as 'male' | 'female'] += num(p.n);
        byType[p.residence_type] = (byType[p.residence_type] ?? 0) + num(p.n);
      }
      const byTag: Record<string, number> = Object.fromEntries(tags.rows.map((t) => [t.code, num(t.n)]));
      const over80 = byAgeBand[5]!.male + byAgeBand[5]!.female;
      if (over80 > 0) byTag.over_80 = over80;
      return { byAgeBand, byType, byTag };
    },
    cases: async (u: Unit) => {
      const r = range(u.path);
      const [groups, overdueNow] = await Promise.all([
        sql<
          Record<string, string | number | null>
        >`select c.status, c.duty_code, h.level as handler_level, count(*) as n,
          sum(case when c.is_accepted_on_time = 1 then 1 else 0 end) as ontime,
          sum(case when c.is_solved = 1 then 1 else 0 end) as solved, count(c.rating) as rated,
          sum(case when c.rating >= 4 then 1 else 0 end) as satisfied,
          sum(c.accept_seconds) as accept_sum, count(c.accept_seconds) as accept_n,
          sum(c.resolve_seconds) as resolve_sum, count(c.resolve_seconds) as resolve_n, sum(c.was_overdue) as ever_overdue
          from cases c join org_units h on h.id = c.handler_org_id
          where c.org_path >= ${r.from} and c.org_path < ${r.to} and c.created_at >= ${since} and c.created_at < ${until}
          group by c.status, c.duty_code, h.level`.execute(db),
        sql<{ n: number }>`select count(*) as n from cases where org_path >= ${r.from} and org_path < ${r.to}
          and status in (${sql.join([...OPEN_STATES])}) and due_state = 'overdue'`.execute(db),
      ]);
      const byState: Record<string, number> = {};
      const byItem: Record<string, number> = {};
      const byLevel: Record<string, number> = {};
      const t = { received: 0, ontime: 0, closed: 0, solved: 0, rated: 0, satisfied: 0, everOverdue: 0 };
      const sums = { accept: 0, acceptN: 0, resolve: 0, resolveN: 0 };
      for (const g of groups.rows) {
        const n = num(g.n);
        const status = String(g.status);
        byState[status] = (byState[status] ?? 0) + n;
        if (status === 'merged') continue;
        const code = (g.duty_code as string | null) ?? '';
        byItem[code] = (byItem[code] ?? 0) + n;
        byLevel[String(g.handler_level)] = (byLevel[String(g.handler_level)] ?? 0) + n;
        t.received += n;
        t.ontime += num(g.ontime);
        if (status === 'closed') {
          t.closed += n;
          t.solved += num(g.solved);
        }
        t.rated += num(g.rated);
        t.satisfied += num(g.satisfied);
        t.everOverdue += num(g.ever_overdue);
        sums.accept += num(g.accept_sum);
        sums.acceptN += num(g.accept_n);
        sums.resolve += num(g.resolve_sum);
        sums.resolveN += num(g.resolve_n);
      }
      const hours = (s: number, n: number) => (n === 0 ? null : Math.round((s / n / 3600) * 10) / 10);
      return {
        byState,
        byItem,
        byLevel,
        received: t.received,
        acceptedOnTime: t.ontime,
        closed: t.closed,
        solved: t.solved,
        rated: t.rated,
        satisfied: t.satisfied,
        meanHoursToAccept: hours(sums.accept, sums.acceptN),
        meanHoursToResolve: hours(sums.resolve, sums.resolveN),
        overdueNow: num(overdueNow.rows[0]!.n),
        everOverdue: t.everOverdue,
      };
    },
    visits: (u: Unit) => visits(u.path),
    trends: async (u: Unit) => {
      const r = range(u.path);
      const perMonth = (query: ReturnType<typeof sql<{ month: string; n: number }>>) =>
        query.execute(db).then((res) => Object.fromEntries(res.rows.map((x) => [x.month, num(x.n)])));
      const [casesReceived, casesResolved, residentsAdded, householdsVisited] = await Promise.all([
        perMonth(sql`select ${monthOf('created_at')} as month, count(*) as n from cases
          where org_path >= ${r.from} and org_path < ${r.to} and created_at >= ${since} and created_at < ${until} and status <> 'merged' group by 1`),
        perMonth(sql`select ${monthOf('resolved_at')} as month, count(*) as n from cases
          where org_path >= ${r.from} and org_path < ${r.to} and resolved_at >= ${since} and resolved_at < ${until} and status <> 'merged' group by 1`),
        perMonth(sql`select ${monthOf('created_at')} as month, count(*) as n from residents
          where org_path >= ${r.from} and org_path < ${r.to} and created_at >= ${since} and created_at < ${until} group by 1`),
        perMonth(sql`select ${monthOf('last_visit_at')} as month, count(*) as n from household_visit_status
          where org_path >= ${r.from} and org_path < ${r.to} and last_visit_at >= ${since} and last_visit_at < ${until} group by 1`),
      ]);
      return { casesReceived, casesResolved, residentsAdded, householdsVisited };
    },
  };
}

/** The API's figures in the shape of the bare queries' answers, to check that both count the same. */
function apiFigures(panel: (typeof PANELS)[number], body: unknown): unknown {
  const nonZero = (entries: [string, number][]) => Object.fromEntries(entries.filter(([, n]) => n !== 0));
  switch (panel) {
    case 'summary':
      return pick(Summary.parse(body), SUMMARY_FIGURES);
    case 'children':
      return { items: Children.parse(body).items.map((i) => pick(i, CHILD_FIGURES)) };
    case 'population': {
      const b = Population.parse(body);
      return {
        byAgeBand: b.byAgeBand.map((x) => ({ male: x.male, female: x.female })),
        byType: nonZero(b.byResidenceType.map((x) => [x.type, x.count])),
        byTag: nonZero(b.byCareTag.map((x) => [x.tag, x.count])),
      };
    }
    case 'cases': {
      const b = CasePanel.parse(body);
      return {
        byState: nonZero(b.byState.map((x) => [x.state, x.count])),
        byItem: nonZero(b.byItem.map((x) => [x.code, x.count])),
        byLevel: nonZero(b.byLevel.map((x) => [x.level, x.count])),
        received: b.rates.received,
        acceptedOnTime: b.rates.acceptedOnTime,
        closed: b.rates.closed,
        solved: b.rates.solved,
        rated: b.rates.rated,
        satisfied: b.rates.satisfied,
        meanHoursToAccept: b.meanHoursToAccept,
        meanHoursToResolve: b.meanHoursToResolve,
        overdueNow: b.overdueNow,
        everOverdue: b.everOverdue,
      };
    }
    case 'visits':
      return pick(VisitPanel.parse(body), VISIT_FIGURES);
    case 'trends': {
      const { months } = Trends.parse(body);
      const pick = (key: 'casesReceived' | 'casesResolved' | 'residentsAdded' | 'householdsVisited') =>
        nonZero(months.map((m) => [m.month, m[key]]));
      return {
        casesReceived: pick('casesReceived'),
        casesResolved: pick('casesResolved'),
        residentsAdded: pick('residentsAdded'),
        householdsVisited: pick('householdsVisited'),
      };
    }
  }
}

/** Sorts object keys so that two figures compare by content. */
const canonical = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(canonical)
    : v !== null && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, x]) => [k, canonical(x)]),
        )
      : v;

export const PANELS = ['summary', 'children', 'population', 'cases', 'visits', 'trends'] as const;
const LEVELS: Unit['level'][] = ['province', 'city', 'county', 'street', 'community', 'grid'];

/** Throws unless the API shows for the unit the figures the bare SQL counts. */
export async function checkPanel(
  app: FastifyInstance,
  headers: Record<string, string>,
  bare: ReturnType<typeof bareQueries>,
  panel: (typeof PANELS)[number],
  unit: Unit,
) {
  const shown = await app.inject({ method: 'GET', url: `/api/v1/insights/${unit.id}/${panel}`, headers });
  const fromApi = canonical(apiFigures(panel, shown.json()));
  const fromBare = canonical(await bare[panel](unit));
  if (JSON.stringify(fromApi) !== JSON.stringify(fromBare))
    throw new Error(
      `${panel} at ${unit.level}: the API shows ${JSON.stringify(fromApi)}, the bare SQL counts ${JSON.stringify(fromBare)}`,
    );
}

/** A session for the API and the same user as an actor for in-process reads. */
export async function signIn(deps: AppDeps, app: FastifyInstance, username: string, password: string) {
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (login.statusCode !== 200) throw new Error(login.body);
  const user = await deps.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
  return {
    headers: {
      cookie: `tz_session=${login.cookies.find((c) => c.name === 'tz_session')!.value}`,
      'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken,
    },
    actor: await loadActor(deps.db, user, { via: 'session', ip: null, userAgent: null }),
  };
}

/** Each panel's own read, in process: what the route's handler runs (scope, counters, figures) without HTTP. */
function panelReads(deps: AppDeps, actor: Actor): Record<(typeof PANELS)[number], (u: Unit) => Promise<unknown>> {
  return {
    summary: (u) => getSummary(deps, actor, u.id),
    children: (u) => getChildren(deps, actor, u.id),
    population: (u) => getPopulation(deps, actor, u.id),
    cases: (u) => getCasePanel(deps, actor, u.id, {}),
    visits: (u) => getVisitPanel(deps, actor, u.id),
    trends: (u) => getTrends(deps, actor, u.id, 12),
  };
}

/**
 * Times each dashboard panel at each level three ways, in turns on 20 units drawn at random per level
 * (after checking on one of them that the API and the bare SQL agree): through the API (HTTP, session,
 * JSON), the panel's own read in process, and the bare aggregate SQL over the raw tables that computes the
 * same figures. Two figures each: the API against ≤ 100 ms, and the panel's read against the bare SQL it
 * replaces. A grid has no drill-down (the console does not ask for one), so its children panel is not timed.
 */
export async function timePanels(
  engine: DialectName,
  deps: AppDeps,
  actor: Actor,
  app: FastifyInstance,
  headers: Record<string, string>,
  units: Unit[],
  levels: Unit['level'][],
) {
  const bare = bareQueries(deps.db, engine);
  const reads = panelReads(deps, actor);
  const rand = random(7);
  for (const level of levels) {
    const all = units.filter((u) => u.level === level);
    const sample = Array.from({ length: Math.min(20, all.length) }, () => all[Math.floor(rand() * all.length)]!);
    const isBig = level === 'province' || level === 'city';
    for (const panel of PANELS) {
      if (panel === 'children' && level === 'grid') continue;
      // the baseline must count what the panel shows: compare both on one unit before timing them
      await checkPanel(app, headers, bare, panel, sample[0]!);
      // timed in turns on the same units, so that a slow moment of the machine falls on all three alike
      // small units are cheap to sample and their p95 is otherwise a handful of samples: take more of them
      const isSmall = level === 'community' || level === 'grid';
      const n = isBig ? 30 : isSmall ? 200 : 60;
      const [api, read, baseline] = await latencyInTurns([
        {
          n,
          fn: async (i) => {
            const u = sample[i % sample.length]!;
            const res = await app.inject({ method: 'GET', url: `/api/v1/insights/${u.id}/${panel}`, headers });
            if (res.statusCode !== 200) throw new Error(`${panel} ${res.statusCode} ${res.body}`);
          },
        },
        { n, fn: (i) => reads[panel](sample[i % sample.length]!) },
        { n: isBig ? 3 : level === 'county' ? 20 : n, fn: (i) => bare[panel](sample[i % sample.length]!) },
      ]);
      if (process.env.TZ_BENCH_VERBOSE) console.log(`  ${panel} at ${level}: api`, api, 'read', read, 'bare', baseline);
      const figures = [
        { label: 'through the API', value: api!.p95, target: '≤ 100 ms', isMet: api!.p95 <= 100 },
        {
          label: 'its read beside the bare SQL it replaces',
          value: read!.p95,
          target: 'faster than bare SQL',
          isMet: read!.p95 < baseline!.p95,
        },
      ];
      for (const f of figures)
        report({
          scenario: 'insights',
          engine,
          figure: `${panel} panel at ${level}, ${f.label} (p95)`,
          platform: fmtMs(f.value),
          baseline: fmtMs(baseline!.p95),
          platformValue: f.value,
          baselineValue: baseline!.p95,
          target: f.target,
          isMet: f.isMet,
        });
    }
  }
}

export async function benchInsights(engine: DialectName, options: { residents: number; cases: number }) {
  const fresh = await freshDatabase(engine, 'insights');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tz-bench-insights-'));
  const deps: AppDeps = {
    db: fresh.database.db,
    dialect: engine,
    database: fresh.database,
    config: testConfig(dataDir, { kind: 'sqlite', file: '' }),
    // the figures are "as of today" on both sides: the API reads the day the rows were made for and the bare
    // SQL checks against (a 5M run lasts an hour and may cross Shanghai's midnight, which moved "today")
    clock: { now: () => new Date(NOW) },
    pii: new PiiCipher({ encryption: crypto.randomBytes(32), blindIndex: crypto.randomBytes(32) }),
  };
  try {
    await ensureDefaultDutyList(deps);
    console.log(`\n[${engine}] insights: loading ${options.residents} residents, ${options.cases} cases …`);
    const { units, loadMs } = await load(deps, options.residents, options.cases);
    const rebuildStart = Date.now();
    const rebuilt = await rebuildRollups(deps.db, deps.database.sqlite, null);
    const rebuildMs = Date.now() - rebuildStart;
    console.log(
      `  bare bulk load ${fmtMs(loadMs)}; rebuild of the counters ${fmtMs(rebuildMs)} (${rebuilt.counters} counters from ` +
        `${rebuilt.rows.resident} residents, ${rebuilt.rows.household} households, ${rebuilt.rows.case} cases, ${rebuilt.rows.visit} visit statuses)`,
    );
    await analyzeTables(deps.db, ['insight_counters']);
    const province = units.find((u) => u.level === 'province')!;
    await deps.db.transaction().execute((trx) =>
      insertAccount(trx, deps, SYSTEM, {
        username: 'leader',
        displayName: '省级领导',
        password: PASSWORD,
        homeOrg: province,
        roles: [{ role: 'district', org: province }],
        mustChangePassword: false,
      }),
    );
    const app = await buildApp(deps);
    const { headers, actor } = await signIn(deps, app, 'leader', PASSWORD);
    await timePanels(engine, deps, actor, app, headers, units, LEVELS);
    // a city-level report: one row per community (1,200), 20 metric columns
    const metricColumns = [
      ['residents.count', {}],
      ['residents.count', { ageMin: 60 }],
      ['residents.count', { ageMin: 80 }],
      ['residents.count', { ageMax: 6 }],
      ['residents.count', { ageMin: 7, ageMax: 17 }],
      ['residents.count', { gender: 'female' }],
      ['residents.count', { residenceType: 'floating' }],
      ['residents.count', { careTag: 'living_alone' }],
      ['residents.count', { careTag: 'living_alone', ageMin: 80 }],
      ['residents.count', { careTag: 'disabled' }],
      ['residents.careTagged', {}],
      ['households.count', {}],
      ['cases.received', { period: 'year_to_date' }],
      ['cases.received', { dutyItemCode: 'YL-002', period: 'all' }],
      ['cases.resolved', { period: 'year_to_date' }],
      ['cases.open', {}],
      ['cases.overdue', {}],
      ['cases.responseRate', { period: 'all' }],
      ['cases.satisfactionRate', { period: 'all' }],
      ['visits.coverage', {}],
    ] as const;
    const template = await app.inject({
      method: 'POST',
      url: '/api/v1/report-templates',
      headers,
      payload: {
        name: '城市社区综合统计',
        title: '全市社区综合情况统计表',
        rowKind: 'units',
        rowLevel: 'community',
        columns: metricColumns.map(([metric, filter], i) => ({ key: `c${i}`, label: `指标${i + 1}`, metric, filter })),
      },
    });
    if (template.statusCode !== 201) throw new Error(template.body);
    const city = units.find((u) => u.level === 'city')!;
    const period = new Date(NOW + 8 * 3600_000).toISOString().slice(0, 7);
    const generation = await latency(3, async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers,
        payload: { templateId: template.json<{ id: string }>().id, orgId: city.id, period },
      });
      if (res.statusCode !== 201) throw new Error(res.body);
      const file = await app.inject({ method: 'GET', url: res.json<{ downloadUrl: string }>().downloadUrl, headers });
      if (file.statusCode !== 200) throw new Error('download');
    });
    const r = { from: city.path, to: subtreeEnd(city.path) };
    const bareReport = await latency(1, async () => {
      await sql`select org_path, count(*),
          sum(case when birth_date < '1967' then 1 else 0 end), sum(case when birth_date < '1947' then 1 else 0 end),
          sum(case when birth_date >= '2020' then 1 else 0 end), sum(case when gender = 'female' then 1 else 0 end),
          sum(case when residence_type = 'floating' then 1 else 0 end)
        from residents where org_path >= ${r.from} and org_path < ${r.to} and status = 'living' group by org_path`.execute(
        deps.db,
      );
      await sql`select rt.org_path, ct.code, count(*) from resident_tags rt join care_tags ct on ct.id = rt.tag_id
        where rt.org_path >= ${r.from} and rt.org_path < ${r.to} group by 1, 2`.execute(deps.db);
      await sql`select org_path, count(*) from households where org_path >= ${r.from} and org_path < ${r.to} group by 1`.execute(
        deps.db,
      );
      await sql`select org_path, status, count(*), sum(is_accepted_on_time), count(rating) from cases
        where org_path >= ${r.from} and org_path < ${r.to} group by 1, 2`.execute(deps.db);
    });
    report({
      scenario: 'insights',
      engine,
      figure: 'city report, 1,200 communities × 20 metrics, with .xlsx (p95 of 3)',
      platform: fmtMs(generation.p95),
      baseline: fmtMs(bareReport.p95),
      platformValue: generation.p95,
      baselineValue: bareReport.p95,
      target: '≤ 5 s',
      isMet: generation.p95 <= 5000,
    });
    await app.close();
  } finally {
    await fresh.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
