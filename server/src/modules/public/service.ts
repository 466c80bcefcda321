import crypto from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { subtreeEnd } from '../../platform/access/scope.ts';
import { currentMonth, monthRange } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { publicPoint } from '../cases/access.ts';
import { publicCaseView, publicShowingOf } from '../cases/public-view.ts';
import { routeCase } from '../cases/routing.ts';
import { CASE_STATE_LABELS, CASE_STATUSES, type CaseStatus } from '../cases/states.ts';
import { DUTY_KIND_NAMES } from '../duties/schema.ts';
import { listCurrentDutyItems, listPublicDutyItems } from '../duties/service.ts';
import type { DutyItemTable } from '../duties/tables.ts';
import { type UnitCounters, readCounters } from '../insights/counters.ts';
import { CASE_STATE_DIMS, RATE_PART_FACTS, threeRates } from '../insights/facts.ts';
import { ratePartsOf } from '../insights/service.ts';
import {
  type CommunityListQuery,
  type CommunityPage,
  MIN_ITEM_CASES,
  PAGE_MAX_AGE_SECONDS,
  type PublicCommunity,
} from './schema.ts';

/**
 * The public page of a community (居民端 公开页): no sign-in, no personal data. Its figures are the
 * dashboard's — the month's three rates and states come from the insight counters through the same
 * functions the cases panel uses (facts.ts rateParts/threeRates, service.ts ratePartsOf) — and what it
 * shows of each case is cases/public-view.ts's one rule, which Open311 follows too. It never reads a
 * description, an address, a contact or a reporter.
 */

const LIST_LIMIT = 100;

/** Communities by name or code with their street and district, busiest this month first, for the public picker. */
export async function listPublicCommunities(
  deps: AppDeps,
  query: CommunityListQuery,
): Promise<{ communities: (PublicCommunity & { casesThisMonth: number })[]; hasMore: boolean }> {
  const month = currentMonth(deps.clock.now());
  let q = deps.db
    .selectFrom('org_units as c')
    .leftJoin('org_units as s', 's.id', 'c.parent_id')
    .leftJoin('org_units as d', 'd.id', 's.parent_id')
    // one primary-key look-up per community: its counter of cases received this month
    .leftJoin('insight_counters as k', (join) =>
      join.onRef('k.org_path', '=', 'c.path').on('k.fact', '=', RATE_PART_FACTS.received).on('k.dims', '=', month),
    )
    .select(['c.code as code', 'c.name as name', 's.name as street', 'd.name as district', 'k.n as received'])
    .where('c.level', '=', 'community')
    .where('c.retired_at', 'is', null)
    .where('c.code', 'is not', null);
  if (query.q !== undefined && query.q !== '') {
    const like = `%${query.q.replace(/[\\%_]/g, '')}%`;
    q = q.where((eb) => eb.or([eb('c.name', 'like', like), eb('c.code', 'like', like)]));
  }
  const rows = await q
    .orderBy(sql`coalesce(k.n, 0)`, 'desc')
    .orderBy('c.code')
    .limit(LIST_LIMIT + 1)
    .execute();
  return {
    communities: rows.slice(0, LIST_LIMIT).map((r) => ({
      code: r.code!,
      name: r.name,
      street: r.street ?? null,
      district: r.district ?? null,
      casesThisMonth: Number(r.received ?? 0),
    })),
    hasMore: rows.length > LIST_LIMIT,
  };
}

async function findCommunity(db: Kysely<DB>, code: string) {
  const row = await db
    .selectFrom('org_units as c')
    .leftJoin('org_units as s', 's.id', 'c.parent_id')
    .leftJoin('org_units as d', 'd.id', 's.parent_id')
    .select([
      'c.id as id',
      'c.path as path',
      'c.code as code',
      'c.name as name',
      'c.geometry as geometry',
      's.name as street',
      'd.name as district',
    ])
    .where('c.code', '=', code)
    .where('c.level', '=', 'community')
    .where('c.retired_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined) {
    throw new AppError('NOT_FOUND', {
      zh: `没有代码为 ${code} 的社区，请从社区列表中选择`,
      en: `No community has the code ${code}; choose one from the list`,
    });
  }
  return row;
}

const parseGeometry = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

/** The rates in words, as docs/cases.md defines them (insights/facts.ts threeRates computes them). */
const RATE_TEXTS = {
  response: {
    label: { zh: '响应率', en: 'Response rate' },
    definition: {
      zh: '本月受理的诉求中，在时限内签收的比例（按时签收 ÷ 受理；合并的重复诉求不计）',
      en: 'Of the cases received this month, the share accepted within the time limit (accepted on time ÷ received; merged duplicates not counted)',
    },
  },
  resolution: {
    label: { zh: '解决率', en: 'Resolution rate' },
    definition: {
      zh: '本月受理且已关闭的诉求中，已解决的比例：诉求人确认解决，或办结后 7 天未评价自动关闭（已解决 ÷ 已关闭；驳回的不计）',
      en: 'Of the cases received this month and closed, the share solved: confirmed by the reporter, or closed unrated 7 days after resolution (solved ÷ closed; rejected cases count in neither)',
    },
  },
  satisfaction: {
    label: { zh: '满意率', en: 'Satisfaction rate' },
    definition: {
      zh: '本月受理且已评价的诉求中，评为 4 星或 5 星的比例（满意 ÷ 已评价）',
      en: 'Of the cases received this month and rated, the share rated 4 or 5 stars (satisfied ÷ rated)',
    },
  },
} as const;

/** The month's states and three rates from the counters, as the dashboard's cases panel reads them. */
async function countedFigures(deps: AppDeps, path: string, month: string) {
  const facts = ['case.state', ...Object.values(RATE_PART_FACTS)];
  const counters: UnitCounters =
    (await readCounters(deps.database, [path], facts)).get(path) ?? new Map<string, [string, number][]>();
  const inMonth = (dims: string) => dims.slice(0, 7) === month;
  const parts = ratePartsOf(counters, inMonth);
  const states = new Map<string, number>();
  for (const [dims, n] of counters.get('case.state') ?? []) {
    if (!inMonth(dims)) continue;
    const { status } = CASE_STATE_DIMS.decode(dims);
    states.set(status, (states.get(status) ?? 0) + n);
  }
  const rates = threeRates(parts);
  return {
    parts,
    byState: CASE_STATUSES.map((state) => ({ state, label: CASE_STATE_LABELS[state], count: states.get(state) ?? 0 })),
    rates: {
      ...parts,
      ...rates,
      explained: [
        { key: 'response', value: rates.responseRate, numerator: parts.acceptedOnTime, denominator: parts.received },
        { key: 'resolution', value: rates.resolutionRate, numerator: parts.solved, denominator: parts.closed },
        { key: 'satisfaction', value: rates.satisfactionRate, numerator: parts.satisfied, denominator: parts.rated },
      ].map((r) => ({ ...r, ...RATE_TEXTS[r.key as keyof typeof RATE_TEXTS] })) as CommunityPage['rates']['explained'],
    },
  };
}

/**
 * The month's cases by item and state, and the points of placed items: an item is named only when
 * the one rule lets the public see it and it has MIN_ITEM_CASES cases or more; every other case is
 * "other". Reads status, item and point of each case, nothing else.
 */
async function itemFigures(deps: AppDeps, path: string, month: string, items: Map<string, DutyItemTable>) {
  const { start, end } = monthRange(month);
  const rows = await deps.db
    .selectFrom('cases')
    .select(['duty_code', 'status', 'channel', 'lng', 'lat'])
    .where('org_path', '>=', path)
    .where('org_path', '<', subtreeEnd(path))
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .where('status', '!=', 'merged')
    .execute();
  const byCode = new Map<string, typeof rows>();
  for (const r of rows) {
    const code = r.duty_code ?? '';
    const list = byCode.get(code);
    if (list === undefined) byCode.set(code, [r]);
    else list.push(r);
  }
  const byItem: CommunityPage['byItem'] = [];
  const points = new Map<string, CommunityPage['points'][number]>();
  let other = 0;
  for (const [code, list] of byCode) {
    const item = items.get(code);
    const showing = publicShowingOf(item);
    if (item === undefined || showing === 'counted' || list.length < MIN_ITEM_CASES) {
      other += list.length;
      continue;
    }
    const states = new Map<CaseStatus, number>();
    for (const r of list) {
      states.set(r.status, (states.get(r.status) ?? 0) + 1);
      const { point } = publicCaseView(r, item);
      if (point === null) continue;
      // the page's points are always rounded, even the spot a reporter published herself through Open311
      const { lng, lat } = publicPoint(point);
      const key = `${lng}|${lat}|${code}|${r.status}`;
      const at = points.get(key);
      if (at === undefined) points.set(key, { lng, lat, code, state: r.status, count: 1 });
      else at.count += 1;
    }
    byItem.push({
      code,
      name: item.name,
      count: list.length,
      isPlaced: showing === 'placed',
      byState: CASE_STATUSES.filter((s) => states.has(s)).map((state) => ({ state, count: states.get(state)! })),
    });
  }
  byItem.sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
  return { byItem, other, points: [...points.values()] };
}

/** The duty list as the community's residents meet it: who handles each public item from here, and how fast. */
async function dutiesFrom(deps: AppDeps, path: string): Promise<CommunityPage['duties']> {
  const items = await listPublicDutyItems(deps.db);
  return Promise.all(
    items.map(async (item) => {
      const routing = await routeCase(deps.db, item, path);
      return {
        code: item.code,
        name: item.name,
        category: [item.category_top, item.category_sub] as [string, string],
        kind: item.kind,
        kindLabel: DUTY_KIND_NAMES[item.kind],
        handler: routing.handler.name,
        assists: item.kind === 'assist' ? (routing.informed[0]?.name ?? null) : null,
        acceptHours: item.accept_hours,
        resolveHours: item.resolve_hours,
        urgentAcceptHours: item.urgent_accept_hours,
        urgentResolveHours: item.urgent_resolve_hours,
      };
    }),
  );
}

/** A community's public page for this Shanghai month, or 404. */
export async function buildCommunityPage(deps: AppDeps, code: string): Promise<CommunityPage> {
  const community = await findCommunity(deps.db, code);
  const now = deps.clock.now();
  const month = currentMonth(now);
  const items = new Map((await listCurrentDutyItems(deps.db)).map((i) => [i.code, i]));
  const [counted, byItem, duties, grids] = await Promise.all([
    countedFigures(deps, community.path, month),
    itemFigures(deps, community.path, month, items),
    dutiesFrom(deps, community.path),
    deps.db
      .selectFrom('org_units')
      .select(['name', 'geometry'])
      .where('parent_id', '=', community.id)
      .where('level', '=', 'grid')
      .where('retired_at', 'is', null)
      .orderBy('code')
      .orderBy('name')
      .execute(),
  ]);
  return {
    community: {
      code: community.code!,
      name: community.name,
      street: community.street ?? null,
      district: community.district ?? null,
    },
    month,
    asOf: now.toISOString(),
    total: counted.parts.received,
    byState: counted.byState,
    byItem: byItem.byItem,
    other: byItem.other,
    minItemCases: MIN_ITEM_CASES,
    points: byItem.points,
    rates: counted.rates,
    map: {
      outline: parseGeometry(community.geometry),
      grids: grids.map((g) => ({ name: g.name, outline: parseGeometry(g.geometry) })),
    },
    duties,
  };
}

/** A page as served: its JSON text and the ETag of that text. */
export interface CachedPage {
  body: string;
  etag: string;
  /** when it was last computed (ms, injected clock) */
  at: number;
}

const PAGE_CACHE_LIMIT = 5_000;
const pageCaches = new WeakMap<Kysely<DB>, Map<string, CachedPage>>();

/**
 * A community's page, computed at most once per PAGE_MAX_AGE_SECONDS per community in this process
 * (by the injected clock): the page is public, so one computation serves every visitor.
 */
export async function getCommunityPage(deps: AppDeps, code: string): Promise<CachedPage> {
  let cache = pageCaches.get(deps.db);
  if (cache === undefined) pageCaches.set(deps.db, (cache = new Map<string, CachedPage>()));
  const now = deps.clock.now().getTime();
  const hit = cache.get(code);
  if (hit !== undefined && now - hit.at < PAGE_MAX_AGE_SECONDS * 1000) return hit;
  const { asOf, ...figures } = await buildCommunityPage(deps, code);
  // the tag covers the figures, not the moment they were read: a page that did not change keeps its
  // tag (and its asOf, the first moment it was seen so) and revalidates with a 304
  const etag = `"${crypto.createHash('sha256').update(JSON.stringify(figures)).digest('base64url').slice(0, 27)}"`;
  const page =
    hit !== undefined && hit.etag === etag
      ? { ...hit, at: now }
      : { body: JSON.stringify({ ...figures, asOf }), etag, at: now };
  if (cache.size >= PAGE_CACHE_LIMIT) cache.clear();
  cache.set(code, page);
  return page;
}
