import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TEMPLATES } from '../../cli/demo-insights.ts';
import { HOUR } from '../../platform/clock.ts';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { INSIDE_YINGMENTAN } from '../cases/fixture.ts';
import { addHousehold, setUpFieldWorld, visitBody } from '../fieldwork/fixture.ts';
import { checkCharacter } from '../registry/id-number.ts';
import type { Workbench, WorkbenchSectionKey } from './schema.ts';

const DAY = 24 * HOUR;

interface CasePage {
  total: number;
  items: { id: string }[];
}
interface TaskList {
  items: { id: string }[];
}
interface TaskDetail {
  kind: string;
  outcomes: { orgId: string; status: string; answeredAt: string | null; review: unknown }[];
}

const sectionOf = (bench: Workbench, key: WorkbenchSectionKey) => bench.sections.find((s) => s.key === key);

describe.each(DIALECTS)('workbench (工作台) on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpFieldWorld>>;
  let secretary: Client;

  const workbenchOf = async (client: Client) => {
    const res = await client.get('/api/v1/workbench');
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Workbench>();
  };

  /** What the existing pages' APIs count for a caller: the figures the workbench must repeat. */
  const countsFromExistingApis = async (client: Client, unitId: string) => {
    const queue = async (q: string) => (await client.get(`/api/v1/cases?${q}`)).json<CasePage>();
    const [toAccept, dueSoon, overdue, coverage, changes, moves, received] = await Promise.all([
      queue('queue=unit&status=submitted'),
      queue('queue=due_soon'),
      queue('queue=overdue'),
      client.get(`/api/v1/orgs/${unitId}/coverage`),
      client.get(`/api/v1/orgs/${unitId}/household-changes`),
      client.get('/api/v1/resident-move-requests?direction=incoming&status=pending'),
      client.get('/api/v1/tasks?box=received&pageSize=100'),
    ]);
    let toAnswer = 0;
    for (const t of received.json<TaskList>().items) {
      const detail = (await client.get(`/api/v1/tasks/${t.id}`)).json<TaskDetail>();
      if (detail.kind !== 'report') continue;
      toAnswer += detail.outcomes.filter((o) => o.status === 'admitted' && o.answeredAt === null).length;
    }
    return {
      cases_to_accept: toAccept.total,
      cases_due_soon: dueSoon.total,
      cases_overdue: overdue.total,
      visits_overdue: coverage.json<{ overdue: number }>().overdue,
      household_changes: changes.json<{ total: number }>().total,
      move_requests: moves.json<{ items: unknown[] }>().items.length,
      tasks_to_answer: toAnswer,
    };
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpFieldWorld(ctx);
    secretary = await ctx.login('secretary');
    const wg1 = await ctx.login('wg1');
    const wg2 = await ctx.login('wg2');
    const now = ctx.clock.now();
    const ago = (days: number) => new Date(now.getTime() - days * DAY);

    // visits: one overdue household in each grid and one at the community itself; one grid-1 household fine
    const a = await addHousehold(secretary, world.grid1.id, '营门滩路 1 号', ['living_alone']);
    const b = await addHousehold(secretary, world.grid1.id, '营门滩路 2 号', []);
    const c = await addHousehold(secretary, world.grid2.id, '营门滩路 3 号', ['disabled']);
    const d = await addHousehold(secretary, world.community.id, '营门滩路 4 号', ['living_alone']);
    for (const [client, h, at] of [
      [wg1, a, ago(10)],
      [wg1, b, ago(5)],
      [wg2, c, ago(35)],
      [secretary, d, ago(12)],
    ] as const) {
      const res = await client.post('/api/v1/visits', visitBody(h.id, at));
      expect(res.statusCode, res.body).toBe(201);
    }
    // a grid worker's fact waits for staff to confirm
    const base = (await secretary.get(`/api/v1/residents/${b.residentId}`)).json<{ version: number }>().version;
    const withFact = await wg1.post(
      '/api/v1/visits',
      visitBody(b.id, ago(1), {
        facts: [{ residentId: b.residentId, field: 'living_alone', value: true, baseVersion: base }],
      }),
    );
    expect(withFact.statusCode, withFact.body).toBe(201);
    // another community asks for one of 营门滩's residents (迁入申请)
    const first17 = '620105196003150' + '12';
    const idNumber = first17 + checkCharacter(first17);
    const withId = await secretary.post('/api/v1/residents', {
      householdId: d.id,
      name: '迁居人',
      idNumber,
      gender: 'female',
      birthDate: '1960-03-15',
      relation: '配偶',
      residenceType: 'permanent',
    });
    expect(withId.statusCode, withId.body).toBe(201);
    const move = await (
      await ctx.login('szs_sj')
    ).post('/api/v1/resident-move-requests', {
      idNumber,
      householdId: world.other.id,
      reason: '已在本社区租房居住',
    });
    expect(move.statusCode, move.body).toBe(201);

    // cases: two for the community, one for the education bureau; one accepted
    const resident = await ctx.login('resident');
    const report = async (body: Record<string, unknown>) => {
      const res = await resident.post('/api/v1/my/cases', { ...INSIDE_YINGMENTAN, ...body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ case: { id: string; version: number } }>().case;
    };
    const lamp = await report({ dutyCode: 'WY-001', description: '楼道灯坏了好几天', lng: 103.7185, lat: 36.1005 });
    await report({ dutyCode: 'HJ-002', description: '路边绿化带有大量垃圾', lng: 103.7195, lat: 36.1015 });
    await report({ dutyCode: 'JY-001', description: '孩子没有本地户口，报不上名，想在附近小学上学' });
    expect((await secretary.post(`/api/v1/cases/${lamp.id}/accept`, { version: lamp.version })).statusCode).toBe(200);

    // tasks: the education bureau sends a report form (admitted) and a signboard (refused: no duty item)
    const edu = await ctx.login('edu');
    const template = await edu.post('/api/v1/report-templates', DEMO_TEMPLATES[0]);
    expect(template.statusCode, template.body).toBe(201);
    for (const body of [
      {
        title: '报送独居老人分社区统计',
        kind: 'report',
        dutyItemCode: 'YL-002',
        templateId: template.json<{ id: string }>().id,
        period: '2026-11',
      },
      { title: '悬挂教育服务站标牌', kind: 'signboard' },
    ]) {
      const sent = await edu.post('/api/v1/tasks', { ...body, targetOrgIds: [world.community.id] });
      expect(sent.statusCode, sent.body).toBe(201);
    }

    // two days on, the deadline job has moved cases to due soon or overdue
    ctx.clock.advance(2 * DAY);
    expect((await (await ctx.login('street')).post('/api/v1/cases/deadline-sweeps')).statusCode).toBe(200);
  }, 180_000);
  afterAll(() => ctx.close());

  it("shows a community secretary the counts her existing pages give for her unit, each section's first items", async () => {
    secretary = await ctx.login('secretary'); // the clock moved past her first session
    const bench = await workbenchOf(secretary);
    const expected = await countsFromExistingApis(secretary, world.community.id);
    const got = Object.fromEntries(
      Object.keys(expected).map((key) => [key, sectionOf(bench, key as WorkbenchSectionKey)?.count]),
    );
    expect(got).toEqual(expected);
    // the world was built so that every section has something in it
    expect(expected).toMatchObject({ cases_to_accept: 1, visits_overdue: 3, household_changes: 1, move_requests: 1 });
    expect(expected.tasks_to_answer).toBe(1);
    expect(expected.cases_due_soon + expected.cases_overdue).toBeGreaterThan(0);
    // she sends no tasks and reviews none: those sections are not hers
    expect(bench.sections.map((s) => s.key)).not.toContain('refusals_sent');
    expect(bench.sections.map((s) => s.key)).not.toContain('refusals_to_review');
    const toAccept = sectionOf(bench, 'cases_to_accept')!;
    expect(toAccept.items).toHaveLength(1);
    expect(toAccept.items[0]!.detail).toBe('路边绿化带有大量垃圾');
    expect(sectionOf(bench, 'move_requests')!.items[0]!.title).toBe('迁居人');
    expect(sectionOf(bench, 'visits_overdue')!.items.map((i) => i.title)).toEqual([
      '营门滩路 3 号', // due 5 days before the others' (35 days ago, every 30 days)
      '营门滩路 4 号',
      '营门滩路 1 号',
    ]);
  });

  it("shows a grid worker only her own grid's overdue visits, and nothing she has no permission for", async () => {
    const wg1 = await ctx.login('wg1');
    const bench = await workbenchOf(wg1);
    expect(bench.sections.map((s) => s.key)).toEqual(['visits_overdue']);
    const overdue = sectionOf(bench, 'visits_overdue')!;
    const coverage = (await wg1.get(`/api/v1/orgs/${world.grid1.id}/coverage`)).json<{ overdue: number }>();
    expect(overdue.count).toBe(coverage.overdue);
    expect(overdue.items.map((i) => i.title)).toEqual(['营门滩路 1 号']);
    expect(overdue.items[0]!.orgId).toBe(world.grid1.id);
  });

  it("shows a department clerk her cases and her refused tasks, nothing of communities' households", async () => {
    const edu = await ctx.login('edu');
    const bench = await workbenchOf(edu);
    expect(bench.sections.map((s) => s.key)).toEqual([
      'cases_to_accept',
      'cases_due_soon',
      'cases_overdue',
      'refusals_sent',
    ]);
    const toAccept = (await edu.get('/api/v1/cases?queue=unit&status=submitted')).json<CasePage>();
    expect(sectionOf(bench, 'cases_to_accept')!.count).toBe(toAccept.total);
    expect(toAccept.total).toBe(1);
    const sent = (await edu.get('/api/v1/tasks?box=sent')).json<TaskList>();
    let refused = 0;
    for (const t of sent.items) {
      const detail = (await edu.get(`/api/v1/tasks/${t.id}`)).json<TaskDetail>();
      refused += detail.outcomes.filter((o) => o.status === 'refused' && o.review === null).length;
    }
    expect(refused).toBe(1);
    expect(sectionOf(bench, 'refusals_sent')).toMatchObject({
      count: refused,
      items: [{ title: '悬挂教育服务站标牌', orgId: world.community.id }],
    });
    expect(JSON.stringify(bench)).not.toContain('营门滩路');
  });

  it("shows the street the refusal to review, and the refusal leaves everyone's list once reviewed", async () => {
    const street = await ctx.login('street');
    const before = sectionOf(await workbenchOf(street), 'refusals_to_review')!;
    expect(before.count).toBe(1);
    const item = before.items[0]!;
    const reviewed = await street.post(`/api/v1/tasks/${item.id}/targets/${item.orgId}/review`, {
      decision: 'uphold',
      reason: '标牌不属于社区职责',
    });
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    expect(sectionOf(await workbenchOf(street), 'refusals_to_review')!.count).toBe(0);
    expect(sectionOf(await workbenchOf(await ctx.login('edu')), 'refusals_sent')!.count).toBe(0);
  });

  it('counts nothing of 营门滩 for a secretary of another community', async () => {
    const other = await ctx.login('szs_sj');
    const bench = await workbenchOf(other);
    const shanZiShi = await ctx.org(CODES.shanZiShi);
    const expected = await countsFromExistingApis(other, shanZiShi.id);
    for (const section of bench.sections) {
      expect([section.key, section.count, section.items]).toEqual([section.key, 0, []]);
      if (section.key in expected) expect(expected[section.key as keyof typeof expected]).toBe(0);
    }
    expect(bench.sections.length).toBeGreaterThan(0);
    expect(JSON.stringify(bench)).not.toContain('营门滩');
    expect(JSON.stringify(bench)).not.toContain('迁居人');
  });

  it('gives a resident an empty workbench', async () => {
    expect(await workbenchOf(await ctx.login('resident'))).toEqual({ sections: [] });
  });
});
