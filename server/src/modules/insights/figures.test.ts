import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCases } from '../../cli/demo-cases.ts';
import { seedDemoInsights } from '../../cli/demo-insights.ts';
import { DEMO_PASSWORD, seedDemo } from '../../cli/demo.ts';
import { currentMonth } from '../../platform/calendar.ts';
import { HOUR } from '../../platform/clock.ts';
import { ratio } from '../../platform/ratio.ts';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { FUTURE_SKEW_MS, MAX_AGE_MS } from '../fieldwork/visits.ts';

/**
 * DESIGN.md rule 13: one figure, one value. On the demo data, and again after random visits and
 * random moves of the clock, every figure of a unit is read from each place that shows it — the
 * dashboard API (summary, visits and cases panels, and the row of the unit in its parent's
 * drill-down), a generated report, the coverage page's API and the grid workers' phone cache — and
 * must be the same number everywhere.
 */

/** The report columns: one per figure the dashboard also shows. */
const COLUMNS = [
  { key: 'households', label: '户数', metric: 'households.count' },
  { key: 'residents', label: '居民', metric: 'residents.count' },
  { key: 'never', label: '从未走访', metric: 'visits.neverVisited' },
  { key: 'overdue', label: '走访超期', metric: 'visits.overdue' },
  { key: 'due_soon', label: '7日内到期', metric: 'visits.dueSoon' },
  { key: 'coverage', label: '覆盖率', metric: 'visits.coverage' },
  { key: 'open', label: '在办', metric: 'cases.open' },
  { key: 'overdue_cases', label: '超期在办', metric: 'cases.overdue' },
  { key: 'received', label: '受理', metric: 'cases.received', filter: { period: 'all' } },
  { key: 'response', label: '响应率', metric: 'cases.responseRate', filter: { period: 'all' } },
  { key: 'resolution', label: '解决率', metric: 'cases.resolutionRate', filter: { period: 'all' } },
  { key: 'satisfaction', label: '满意率', metric: 'cases.satisfactionRate', filter: { period: 'all' } },
] as const;
type Key = (typeof COLUMNS)[number]['key'];

/** Demo accounts, by username (signed in again whenever the clock moves past their sessions). */
type User = string;

interface UnitUnderTest {
  id: string;
  name: string;
  /** who reads its dashboard and coverage */
  viewer: User;
  /** who generates its report, with a template listing units of its level */
  reporter: User;
  templateId: string;
  /** who reads the unit's row in the drill-down of the unit above it */
  parent: { id: string; viewer: User } | null;
  /** the grid workers whose phones hold exactly its households */
  phones: User[];
}

interface Standing {
  households: number;
  never: number;
  overdue: number;
  due: number;
}

describe.each(DIALECTS)('every figure agrees across dashboard, report, coverage and phone on %s', (dialect) => {
  let t: TestContext;
  const units: UnitUnderTest[] = [];
  /** each grid worker's households, to visit */
  const beats: { worker: User; households: string[] }[] = [];
  const sessions = new Map<User, Client>();
  const as = (user: User) => sessions.get(user)!;
  const signInAll = async () => {
    for (const user of [...sessions.keys()]) sessions.set(user, await t.login(user, DEMO_PASSWORD));
  };

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await seedDemo(t.deps, () => undefined);
    await seedDemoCases(t.deps, () => undefined);
    await seedDemoInsights(t.deps, () => undefined);
    const login = async (username: User) => {
      sessions.set(username, await t.login(username, DEMO_PASSWORD));
      return username;
    };
    const secretary = await login('yingmentan_sj');
    const street = await login('yintanlu');
    const template = async (by: User, rowLevel: string) => {
      const res = await as(by).post('/api/v1/report-templates', {
        name: `口径核对（${rowLevel}）`,
        title: '口径核对表',
        rowKind: 'units',
        rowLevel,
        columns: COLUMNS,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    };
    const community = await t.org('620105006010');
    const streetUnit = await t.org('620105006');
    const [communityTemplate, gridTemplate, streetTemplate] = await Promise.all([
      template(secretary, 'community'),
      template(secretary, 'grid'),
      template(street, 'street'),
    ]);
    const grids = await t.deps.db
      .selectFrom('org_units')
      .select(['id', 'name'])
      .where('parent_id', '=', community.id)
      .orderBy('code')
      .execute();
    const workers: User[] = [];
    for (const [i, grid] of grids.entries()) {
      const worker = await login(`yingmentan_wg${i + 1}`);
      workers.push(worker);
      const cache = (await as(worker).get('/api/v1/my/field-cache')).json<{ households: { id: string }[] }>();
      beats.push({ worker, households: cache.households.map((h) => h.id) });
      units.push({
        id: grid.id,
        name: grid.name,
        viewer: worker,
        reporter: secretary,
        templateId: gridTemplate,
        parent: { id: community.id, viewer: secretary },
        phones: [worker],
      });
    }
    units.push(
      {
        id: community.id,
        name: community.name,
        viewer: secretary,
        reporter: secretary,
        templateId: communityTemplate,
        parent: { id: streetUnit.id, viewer: street },
        phones: workers,
      },
      {
        id: streetUnit.id,
        name: streetUnit.name,
        viewer: street,
        reporter: street,
        templateId: streetTemplate,
        parent: null,
        phones: [],
      },
    );
  }, 600_000);
  afterAll(() => t.close());

  const read = async <T>(user: User, url: string): Promise<T> => {
    const res = await as(user).get(url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json<T>();
  };

  /** What each place shows for one unit; expect them equal. */
  async function expectOneValuePerFigure(u: UnitUnderTest) {
    const month = currentMonth(t.clock.now());
    const [summary, visits, cases, coverage] = await Promise.all([
      read<{ residents: number; households: number; openCases: number; overdueCases: number }>(
        u.viewer,
        `/api/v1/insights/${u.id}/summary`,
      ),
      read<{
        households: number;
        overdue: number;
        dueSoon: number;
        neverVisited: number;
        visitedThisMonth: number;
        coverage: number | null;
      }>(u.viewer, `/api/v1/insights/${u.id}/visits`),
      read<{ overdueNow: number }>(u.viewer, `/api/v1/insights/${u.id}/cases?from=2000-01`),
      read<{
        households: number;
        due: number;
        overdue: number;
        neverVisited: number;
        visitedThisMonth: number;
      }>(u.viewer, `/api/v1/orgs/${u.id}/coverage?month=${month}`),
    ]);
    const generated = await as(u.reporter).post('/api/v1/reports', {
      templateId: u.templateId,
      orgId: u.id,
      period: month,
    });
    expect(generated.statusCode, generated.body).toBe(201);
    const row = generated.json<{ preview: { rows: (string | number | null)[][] } }>().preview.rows[0]!;
    const report = Object.fromEntries(COLUMNS.map((c, i) => [c.key, row[i + 2]])) as Record<Key, unknown>;
    const at = `${u.name} at ${t.clock.now().toISOString()}`;

    // households and their visits
    expect({ dashboard: visits.households, summary: summary.households, report: report.households }, at).toEqual({
      dashboard: coverage.households,
      summary: coverage.households,
      report: coverage.households,
    });
    const fromCoverage = {
      never: coverage.neverVisited,
      overdue: coverage.overdue,
      due: coverage.due,
      visitedThisMonth: coverage.visitedThisMonth,
    };
    expect(
      {
        never: visits.neverVisited,
        overdue: visits.overdue,
        due: visits.dueSoon,
        visitedThisMonth: visits.visitedThisMonth,
      },
      `dashboard vs coverage, ${at}`,
    ).toEqual(fromCoverage);
    expect({ never: report.never, overdue: report.overdue, due: report.due_soon }, `report vs coverage, ${at}`).toEqual(
      {
        never: coverage.neverVisited,
        overdue: coverage.overdue,
        due: coverage.due,
      },
    );
    const covered = coverage.households - coverage.neverVisited - coverage.overdue;
    expect({ dashboard: visits.coverage, report: report.coverage }, `coverage, ${at}`).toEqual({
      dashboard: ratio(covered, coverage.households),
      report: ratio(covered, coverage.households),
    });
    if (u.phones.length > 0) {
      const phone: Standing = { households: 0, never: 0, overdue: 0, due: 0 };
      for (const worker of u.phones) {
        const cache = await read<{ households: { urgency: string }[] }>(worker, '/api/v1/my/field-cache');
        phone.households += cache.households.length;
        for (const { urgency } of cache.households)
          if (urgency === 'never' || urgency === 'overdue' || urgency === 'due') phone[urgency] += 1;
      }
      expect(phone, `phone vs coverage, ${at}`).toEqual({
        households: coverage.households,
        never: coverage.neverVisited,
        overdue: coverage.overdue,
        due: coverage.due,
      });
    }

    // people and cases
    expect({ residents: report.residents, open: report.open, overdue: report.overdue_cases }, at).toEqual({
      residents: summary.residents,
      open: summary.openCases,
      overdue: summary.overdueCases,
    });
    expect(cases.overdueNow, at).toBe(summary.overdueCases);
    if (u.parent !== null) {
      const drill = await read<{
        items: {
          unit: { id: string };
          households: number;
          residents: number;
          openCases: number;
          casesReceived: number;
          responseRate: number | null;
          resolutionRate: number | null;
          satisfactionRate: number | null;
          visitCoverage: number | null;
        }[];
      }>(u.parent.viewer, `/api/v1/insights/${u.parent.id}/children`);
      const mine = drill.items.find((i) => i.unit.id === u.id)!;
      expect(
        {
          households: mine.households,
          residents: mine.residents,
          openCases: mine.openCases,
          received: mine.casesReceived,
          response: mine.responseRate,
          resolution: mine.resolutionRate,
          satisfaction: mine.satisfactionRate,
          coverage: mine.visitCoverage,
        },
        `drill-down row vs report, ${at}`,
      ).toEqual({
        households: report.households,
        residents: report.residents,
        openCases: report.open,
        received: report.received,
        response: report.response,
        resolution: report.resolution,
        satisfaction: report.satisfaction,
        coverage: report.coverage,
      });
    }
  }

  it('gives 营门滩社区, its grids and 银滩路街道 one value per figure on the demo data', async () => {
    for (const u of units) await expectOneValuePerFigure(u);
    const community = units.find((u) => u.name === '营门滩社区')!;
    const visits = await read<{ neverVisited: number; households: number }>(
      community.viewer,
      `/api/v1/insights/${community.id}/visits`,
    );
    // the demo leaves some households never visited: the dashboard must see them
    expect(visits.neverVisited).toBeGreaterThan(10);
    expect(visits.neverVisited).toBeLessThan(visits.households);
    // the rates reports take from the counters group cases by place; the rates page groups by handling unit
    const metrics = await read<{ items: { id: string; label_zh: string; label_en: string }[] }>(
      community.viewer,
      '/api/v1/metrics',
    );
    for (const id of ['cases.responseRate', 'cases.resolutionRate', 'cases.satisfactionRate']) {
      const m = metrics.items.find((x) => x.id === id)!;
      expect(m.label_zh).toContain('按发生地');
      expect(m.label_en).toContain('by place');
    }
  }, 300_000);

  it('keeps one value per figure after random visits at random times of day', async () => {
    const action = fc.oneof(
      fc.record({
        kind: fc.constant('visit' as const),
        beat: fc.nat({ max: 3 }),
        household: fc.nat({ max: 1000 }),
        // from more than a year back to a little in the future, in minutes
        minutesAgo: fc.integer({ min: -30, max: 370 * 24 * 60 }),
      }),
      fc.record({ kind: fc.constant('clock' as const), hours: fc.integer({ min: 1, max: 24 * 12 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 6 }), async (actions) => {
        for (const a of actions) {
          if (a.kind === 'clock') {
            t.clock.advance(a.hours * HOUR);
            await signInAll();
            continue;
          }
          const beat = beats[a.beat % beats.length]!;
          const householdId = beat.households[a.household % beat.households.length]!;
          const now = t.clock.now().getTime();
          const body = {
            clientId: crypto.randomUUID(),
            householdId,
            visitedAt: new Date(now - a.minutesAgo * 60_000).toISOString(),
            kind: 'routine',
            findings: [],
          };
          // judge the visit time as the server receives it: the JSON text of the body
          const sent = JSON.parse(JSON.stringify(body)) as typeof body;
          const at = Date.parse(sent.visitedAt);
          const isAccepted = at <= now + FUTURE_SKEW_MS && at >= now - MAX_AGE_MS;
          const res = await as(beat.worker).post('/api/v1/visits', body);
          expect(res.statusCode, res.body).toBe(isAccepted ? 201 : 400);
        }
        for (const u of units) await expectOneValuePerFigure(u);
      }),
      { numRuns: dialect === 'sqlite' ? 8 : 5 },
    );
  }, 600_000);
});
