import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bornOnOrBefore } from '../modules/registry/id-number.ts';
import { DIALECTS, type TestContext, createTestContext } from '../test/harness.ts';
import { seedDemoCases } from './demo-cases.ts';
import { seedDemoInsights } from './demo-insights.ts';
import { seedDemo } from './demo.ts';

describe.each(DIALECTS)('demo data on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await seedDemo(t.deps, () => undefined);
    await seedDemoCases(t.deps, () => undefined);
    await seedDemoInsights(t.deps, () => undefined);
  }, 300_000);
  afterAll(() => t.close());

  const residentsOf = async (code: string) => {
    const unit = await t.org(code);
    return t.deps.db
      .selectFrom('residents')
      .select(['birth_date', 'notes'])
      .where('org_path', '>=', unit.path)
      .where('org_path', '<', `${unit.path.slice(0, -1)}0`)
      .execute();
  };

  it('gives 砂岗村 its 343 residents aged 60 and over, most of them over 70, the young working away', async () => {
    const people = await residentsOf('620122105203');
    const now = t.clock.now();
    const over60 = people.filter((p) => p.birth_date <= bornOnOrBefore(60, now));
    const over70 = people.filter((p) => p.birth_date <= bornOnOrBefore(70, now));
    expect(over60).toHaveLength(343);
    expect(over70.length).toBeGreaterThan(343 / 2);
    expect(people.filter((p) => p.notes?.includes('外出务工')).length).toBeGreaterThan(20);
  });

  it('fills the three city communities with households and the demo accounts can sign in', async () => {
    for (const code of ['620102002002', '620103003004', '620105006010'])
      expect((await residentsOf(code)).length).toBeGreaterThan(300);
    const secretary = await t.login('yingmentan_sj', 'Tianzige@2026');
    const found = (await secretary.post('/api/v1/residents/search', { careTag: 'living_alone' })).json() as {
      total: number;
    };
    expect(found.total).toBeGreaterThan(5);
  });

  it('runs once: seeding again adds nothing', async () => {
    const before = (
      await t.deps.db
        .selectFrom('residents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    await seedDemo(t.deps, () => undefined);
    const after = (
      await t.deps.db
        .selectFrom('residents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    expect(Number(after)).toBe(Number(before));
  });

  /** Whole years from one date 'YYYY-MM-DD' to a later one. */
  const yearsBetween = (from: string, to: string) =>
    Number(to.slice(0, 4)) - Number(from.slice(0, 4)) - (to.slice(5) < from.slice(5) ? 1 : 0);

  it('gives every demo resident a relation that agrees with her sex and age', async () => {
    const people = await t.deps.db
      .selectFrom('residents')
      .select(['household_id', 'gender', 'birth_date', 'relation'])
      .execute();
    const heads = new Map<string, (typeof people)[number]>();
    for (const p of people) if (p.relation === '户主') heads.set(p.household_id, p);
    const today = t.clock.now().toISOString().slice(0, 10);
    const problems: string[] = [];
    for (const p of people) {
      const head = heads.get(p.household_id);
      const say = (what: string) => problems.push(`${p.relation} ${p.gender} ${p.birth_date}: ${what}`);
      if (head === undefined) say('household without 户主');
      if (p.birth_date >= today) say('born today or later');
      if ((p.relation === '子' || p.relation === '女婿') && p.gender !== 'male') say('a son is male');
      if ((p.relation === '女' || p.relation === '儿媳') && p.gender !== 'female') say('a daughter is female');
      if (p.relation === '户主' && yearsBetween(p.birth_date, today) < 18) say('a head of household is an adult');
      if (head === undefined || p === head) continue;
      // whole years she is older than the head of her household (negative: younger)
      const gap =
        p.birth_date <= head.birth_date
          ? yearsBetween(p.birth_date, head.birth_date)
          : -yearsBetween(head.birth_date, p.birth_date);
      if ((p.relation === '子' || p.relation === '女') && gap > -16) say(`a child is ${-gap} years younger than 户主`);
      if (p.relation === '孙子女' && gap > -32) say(`a grandchild is ${-gap} years younger than 户主`);
      if ((p.relation === '父母' || p.relation === '祖父母') && gap < 16)
        say(`a parent is ${gap} years older than 户主`);
      if (p.relation === '配偶' && (p.gender === head.gender || yearsBetween(p.birth_date, today) < 20))
        say('a spouse is an adult of the other sex');
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(people.filter((p) => p.relation === '子' || p.relation === '女').length).toBeGreaterThan(100);
  });

  it('puts no demo event after now: registrations, visits, cases and their steps, tasks, messages', async () => {
    const now = t.clock.now().toISOString();
    const latest = async (table: string, column: string) => {
      const row = await t.deps.db
        .selectFrom(table as 'cases')
        .select((eb) => eb.fn.max(column as 'created_at').as('at'))
        .executeTakeFirstOrThrow();
      return { table, column, at: row.at as string | null };
    };
    const checks = await Promise.all([
      latest('households', 'created_at'),
      latest('residents', 'created_at'),
      latest('visits', 'visited_at'),
      latest('visits', 'created_at'),
      latest('household_visit_status', 'last_visit_at'),
      latest('linkages', 'created_at'),
      latest('cases', 'created_at'),
      latest('cases', 'accepted_at'),
      latest('cases', 'resolved_at'),
      latest('cases', 'closed_at'),
      latest('case_events', 'at'),
      latest('outbox_messages', 'created_at'),
      latest('import_jobs', 'created_at'),
      latest('tasks', 'created_at'),
      latest('task_targets', 'answered_at'),
    ]);
    expect(checks.filter((c) => c.at !== null && c.at > now)).toEqual([]);
    for (const table of ['residents', 'visits', 'cases', 'tasks'])
      expect(checks.find((c) => c.table === table)!.at, table).not.toBeNull();
    // and nobody was registered before she was born, nor visited before she moved in
    const unborn = await t.deps.db
      .selectFrom('residents')
      .select('id')
      .where((eb) => eb('created_at', '<', eb.ref('birth_date')))
      .execute();
    expect(unborn).toEqual([]);
    const early = await t.deps.db
      .selectFrom('visits')
      .innerJoin('households', 'households.id', 'visits.household_id')
      .select('visits.id')
      .where((eb) => eb('visits.visited_at', '<', eb.ref('households.created_at')))
      .execute();
    expect(early).toEqual([]);
  });

  it('spreads new residents over the twelve months of the trend panel instead of one spike this month', async () => {
    const secretary = await t.login('yingmentan_sj', 'Tianzige@2026');
    for (const code of ['620105006010', '620105']) {
      const unit = await t.org(code);
      const viewer = code === '620105' ? await t.login('anning', 'Tianzige@2026') : secretary;
      const res = await viewer.get(`/api/v1/insights/${unit.id}/trends`);
      expect(res.statusCode).toBe(200);
      const months = res.json<{ months: { month: string; residentsAdded: number }[] }>().months;
      expect(months).toHaveLength(12);
      const added = months.map((m) => m.residentsAdded);
      const total = added.reduce((a, b) => a + b, 0);
      const summary = (await viewer.get(`/api/v1/insights/${unit.id}/summary`)).json<{ residents: number }>();
      // most people were registered before this year; some every month since
      expect(total).toBeGreaterThan(0);
      expect(total).toBeLessThan(summary.residents / 2);
      expect(Math.max(...added)).toBeLessThanOrEqual(Math.max(3, total * 0.3));
      expect(added.filter((n) => n > 0).length).toBeGreaterThanOrEqual(8);
    }
  });
  it("gives each of the report's four communities a public page this month with items named, mapped and folded", async () => {
    for (const code of ['620102002002', '620103003004', '620105006010', '620122105203']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/public/communities/${code}` });
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json<{
        total: number;
        other: number;
        byItem: { code: string; count: number; isPlaced: boolean }[];
        points: unknown[];
        rates: { closed: number; rated: number };
      }>();
      expect(page.byItem.filter((i) => i.isPlaced).length, code).toBeGreaterThanOrEqual(3);
      expect(page.byItem.every((i) => i.count >= 5)).toBe(true);
      expect(page.points.length, code).toBeGreaterThan(5);
      // 低保 and 独居老人探访 cases are among the month's, counted in other only
      expect(page.other, code).toBeGreaterThanOrEqual(3);
      expect(page.byItem.map((i) => i.code)).not.toContain('JZ-001');
      expect(page.total).toBe(page.byItem.reduce((n, i) => n + i.count, page.other));
    }
  });
});
