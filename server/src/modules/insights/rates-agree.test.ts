import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCases } from '../../cli/demo-cases.ts';
import { seedDemoInsights } from '../../cli/demo-insights.ts';
import { seedDemo } from '../../cli/demo.ts';
import { addDays, addMonths, currentMonth } from '../../platform/calendar.ts';
import { OPEN_STATUSES } from '../cases/states.ts';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';

/**
 * DESIGN.md rule 13 for the three rates (三率): the dashboard groups cases by the place they happened
 * (按发生地, the counters), the rates page by handling unit (按承办单位, /api/v1/case-rates). At a unit
 * holding both the place and the handling unit of every case, the two groupings hold the same cases,
 * so every part and every rate must be the same number in both.
 */
describe.each(DIALECTS)('the dashboard and the rates page give one three rates on %s', (dialect) => {
  let t: TestContext;
  let viewer: Client;
  let city: { id: string; path: string };

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await seedDemo(t.deps, () => undefined);
    await seedDemoCases(t.deps, () => undefined);
    await seedDemoInsights(t.deps, () => undefined);
    city = await t.org('6201');
    await t.createUser({ username: 'lanzhou_rates', role: 'district', orgCode: '6201' });
    viewer = await t.login('lanzhou_rates');
  }, 600_000);
  afterAll(() => t.close());

  const read = async <T>(url: string): Promise<T> => {
    const res = await viewer.get(url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json<T>();
  };

  interface DashboardCases {
    rates: Record<string, number | null>;
    meanHoursToAccept: number | null;
    meanHoursToResolve: number | null;
    overdueNow: number;
    everOverdue: number;
    byItem: { code: string; count: number }[];
  }
  interface RatesPage {
    total: Record<string, number | null>;
    byItem: { code: string; rates: { received: number } }[];
  }

  /** The parts, rates and means both pages show, over the months from `from` to `to`. */
  async function both(from: string, to: string) {
    const [dashboard, page] = await Promise.all([
      read<DashboardCases>(`/api/v1/insights/${city.id}/cases?from=${from}&to=${to}`),
      read<RatesPage>(
        `/api/v1/case-rates?orgId=${city.id}&from=${from}-01&to=${addDays(`${addMonths(to, 1)}-01`, -1)}`,
      ),
    ]);
    const pick = (r: Record<string, number | null>) => ({
      received: r.received,
      acceptedOnTime: r.acceptedOnTime,
      closed: r.closed,
      solved: r.solved,
      rated: r.rated,
      satisfied: r.satisfied,
      responseRate: r.responseRate,
      resolutionRate: r.resolutionRate,
      satisfactionRate: r.satisfactionRate,
    });
    return {
      dashboard: {
        ...pick(dashboard.rates),
        meanAcceptHours: dashboard.meanHoursToAccept,
        meanResolveHours: dashboard.meanHoursToResolve,
        everOverdue: dashboard.everOverdue,
      },
      page: {
        ...pick(page.total),
        meanAcceptHours: page.total.meanAcceptHours,
        meanResolveHours: page.total.meanResolveHours,
        everOverdue: page.total.everOverdue,
      },
      overdueNow: { dashboard: dashboard.overdueNow, page: page.total.overdueNow },
      receivedByItem: {
        dashboard: Object.fromEntries(dashboard.byItem.filter((i) => i.code !== '').map((i) => [i.code, i.count])),
        page: Object.fromEntries(page.byItem.map((i) => [i.code, i.rates.received])),
      },
    };
  }

  it('gives 兰州市 the same parts and rates by place (dashboard) and by handling unit (rates page)', async () => {
    // the precondition: every demo case happened and is handled within the city
    const cases = await t.deps.db.selectFrom('cases').select(['org_path', 'handler_path']).execute();
    expect(cases.length).toBeGreaterThan(50);
    const outside = cases.filter((c) => !c.org_path.startsWith(city.path) || !c.handler_path.startsWith(city.path));
    expect(outside).toEqual([]);

    const now = currentMonth(t.clock.now());
    // all months: the cases open and overdue now are the same cases too
    const all = await both('2000-01', now);
    expect(all.page, 'all months').toEqual(all.dashboard);
    expect(all.dashboard.received).toBeGreaterThan(50);
    expect(all.dashboard.rated).toBeGreaterThan(0);
    expect(all.dashboard.closed).toBeGreaterThan(all.dashboard.solved as number);
    expect(all.overdueNow.page).toBe(all.overdueNow.dashboard);
    expect(all.overdueNow.dashboard).toBeGreaterThan(0);
    expect(all.receivedByItem.page, 'received by duty item').toEqual(all.receivedByItem.dashboard);
    expect(Object.keys(all.receivedByItem.page).length).toBeGreaterThan(3);
    // month by month: a Shanghai month of the counters is the same days on the rates page
    let received = 0;
    for (let back = 0; back < 4; back++) {
      const month = addMonths(now, -back);
      const one = await both(month, month);
      expect(one.page, month).toEqual(one.dashboard);
      received += one.dashboard.received as number;
    }
    expect(received).toBe(all.dashboard.received);

    // a merged duplicate is not received, in either grouping
    const open = await t.deps.db
      .selectFrom('cases')
      .select(['id', 'version'])
      .where('status', 'in', OPEN_STATUSES)
      .orderBy('created_at', 'desc')
      .limit(2)
      .execute();
    const [duplicate, kept] = [open[0]!, open[1]!];
    const merged = await viewer.post(`/api/v1/cases/${duplicate.id}/merge`, {
      version: duplicate.version,
      intoCaseId: kept.id,
    });
    expect(merged.statusCode, merged.body).toBe(200);
    const after = await both('2000-01', now);
    expect(after.page, 'after a merge').toEqual(after.dashboard);
    expect(after.dashboard.received).toBe((all.dashboard.received as number) - 1);
    expect(after.overdueNow.page).toBe(after.overdueNow.dashboard);
  }, 300_000);
});
