import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { DEMO_TEMPLATES } from '../../cli/demo-insights.ts';
import { setUpCaseWorld } from '../cases/fixture.ts';

interface OutcomeOut {
  orgId: string;
  status: string;
  rule: string | null;
  reason_zh: string | null;
  reason_en: string | null;
  reportId: string | null;
  typedCells: number | null;
  review: { decision: string } | null;
}

describe.each(DIALECTS)('task admission (准入) on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpCaseWorld>>;
  let civil: Client;
  let secretary: Client;
  let street: Client;
  let templateId: string;
  let reportTask: string;
  let signboardTask: string;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpCaseWorld(ctx);
    const department = await ctx.deps.db
      .selectFrom('org_units')
      .select('id')
      .where('parent_id', '=', world.county.id)
      .where('department_kind', '=', 'civil_affairs')
      .executeTakeFirstOrThrow();
    await ctx.createUser({ username: 'mzj', role: 'department', orgCode: '', orgId: department.id });
    civil = await ctx.login('mzj');
    secretary = await ctx.login('secretary');
    street = await ctx.login('street');
    const h = await secretary.post('/api/v1/households', { orgId: world.grid.id, address: '营门滩路 3 号' });
    for (const birthDate of ['1940-01-01', '1950-01-01']) {
      await secretary.post('/api/v1/residents', {
        householdId: h.json<{ id: string }>().id,
        name: '独居老人',
        noIdReason: '外籍人员',
        gender: 'female',
        birthDate,
        relation: '户主',
        residenceType: 'permanent',
        careTags: ['living_alone'],
      });
    }
    const t = await civil.post('/api/v1/report-templates', DEMO_TEMPLATES[0]);
    expect(t.statusCode, t.body).toBe(201);
    templateId = t.json<{ id: string }>().id;
  }, 120_000);
  afterAll(() => ctx.close());

  it('lists the communities of its district to a department, though they lie outside its own scope', async () => {
    const res = await civil.get('/api/v1/tasks/targets');
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ items: { id: string; name: string; parentName: string | null }[] }>().items;
    expect(items.map((c) => c.id)).toContain(world.community.id);
    expect(items.find((c) => c.id === world.community.id)?.parentName).toBe('银滩路街道');
    // 山字石社区 is in 城关区, not in 安宁区
    expect(items.map((c) => c.name)).not.toContain('山字石社区');
    expect((await secretary.get('/api/v1/tasks/targets')).statusCode).toBe(403);
  });

  it('admits a civil-affairs form on a community duty item, answered by a generated report with zero typed cells', async () => {
    const sent = await civil.post('/api/v1/tasks', {
      title: '报送独居老人分社区统计',
      kind: 'report',
      dutyItemCode: 'YL-002',
      targetOrgIds: [world.community.id],
      templateId,
      period: '2026-11',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const body = sent.json<{ id: string; outcomes: OutcomeOut[] }>();
    reportTask = body.id;
    expect(body.outcomes).toEqual([
      expect.objectContaining({ orgId: world.community.id, status: 'admitted', rule: null }),
    ]);

    const inbox = await secretary.get('/api/v1/tasks?box=received');
    expect(inbox.json<{ items: { id: string }[] }>().items.map((i) => i.id)).toContain(reportTask);
    const answer = await secretary.post(`/api/v1/tasks/${reportTask}/targets/${world.community.id}/answer`, {});
    expect(answer.statusCode, answer.body).toBe(201);
    const answered = answer.json<{ reportId: string; filledCells: number; typedCells: number }>();
    expect(answered.typedCells).toBe(0);
    expect(answered.filledCells).toBe(6);
    const again = await secretary.post(`/api/v1/tasks/${reportTask}/targets/${world.community.id}/answer`, {});
    expect(again.statusCode).toBe(409);

    // the sender sees the outcome and the figures
    const seen = await civil.get(`/api/v1/tasks/${reportTask}`);
    const outcome = seen.json<{ outcomes: OutcomeOut[] }>().outcomes[0]!;
    expect(outcome.reportId).toBe(answered.reportId);
    const report = await civil.get(`/api/v1/reports/${answered.reportId}`);
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json<{ preview: { totals: unknown[] } }>().preview.totals[4]).toBe(2);
  });

  it('refuses a signboard task naming no duty item, and a department duty, with the reason and the rule', async () => {
    const sign = await civil.post('/api/v1/tasks', {
      title: '悬挂民政服务站标牌',
      kind: 'signboard',
      targetOrgIds: [world.community.id],
    });
    expect(sign.statusCode, sign.body).toBe(201);
    signboardTask = sign.json<{ id: string }>().id;
    const outcome = sign.json<{ outcomes: OutcomeOut[] }>().outcomes[0]!;
    expect(outcome).toMatchObject({ status: 'refused', rule: 'no_duty_item' });
    expect(outcome.reason_zh).toContain('权责清单');
    expect(outcome.reason_en).toContain('duty-list item');
    const dept = await civil.post('/api/v1/tasks', {
      title: '协助检查养老机构',
      kind: 'inspection',
      dutyItemCode: 'YL-005',
      checklist: ['消防通道'],
      targetOrgIds: [world.community.id],
    });
    expect(dept.json<{ outcomes: OutcomeOut[] }>().outcomes[0]).toMatchObject({
      status: 'refused',
      rule: 'not_community_duty',
    });
    const answer = await secretary.post(`/api/v1/tasks/${signboardTask}/targets/${world.community.id}/answer`, {});
    expect(answer.statusCode).toBe(409);
  });

  it('rejects bad sends: a report task without a template, a target outside the district', async () => {
    const noTemplate = await civil.post('/api/v1/tasks', {
      title: '报表',
      kind: 'report',
      dutyItemCode: 'YL-002',
      targetOrgIds: [world.community.id],
    });
    expect(noTemplate.statusCode).toBe(400);
    const other = await ctx.org(CODES.shanZiShi);
    const outside = await civil.post('/api/v1/tasks', {
      title: '报表',
      kind: 'meeting',
      dutyItemCode: 'YL-002',
      targetOrgIds: [other.id],
    });
    expect(outside.statusCode).toBe(404);
    const notSender = await secretary.post('/api/v1/tasks', {
      title: '开会',
      kind: 'meeting',
      targetOrgIds: [world.community.id],
    });
    expect(notSender.statusCode).toBe(403);
  });

  it('lets the street review a refusal once, and counts the burden ledger', async () => {
    const review = await street.post(`/api/v1/tasks/${signboardTask}/targets/${world.community.id}/review`, {
      decision: 'uphold',
      reason: '标牌不在社区职责清单内',
    });
    expect(review.statusCode, review.body).toBe(200);
    expect(review.json<OutcomeOut>().review).toMatchObject({ decision: 'uphold' });
    const twice = await street.post(`/api/v1/tasks/${signboardTask}/targets/${world.community.id}/review`, {
      decision: 'admit',
      reason: '再议',
    });
    expect(twice.statusCode).toBe(409);
    const byCommunity = await secretary.post(`/api/v1/tasks/${signboardTask}/targets/${world.community.id}/review`, {
      decision: 'admit',
      reason: '再议',
    });
    expect(byCommunity.statusCode).toBe(403);

    const streetUnit = await ctx.org(CODES.yinTanLuStreet);
    const ledger = await street.get(`/api/v1/insights/${streetUnit.id}/burden?from=2026-11&to=2026-11`);
    expect(ledger.statusCode, ledger.body).toBe(200);
    const b = ledger.json<{
      totals: Record<string, number>;
      children: ({ unit: { id: string } } & Record<string, number>)[];
    }>();
    expect(b.totals).toMatchObject({
      tasksReceived: 3,
      tasksAdmitted: 1,
      tasksRefused: 2,
      meetings: 0,
      reportsAnswered: 1,
      cellsGenerated: 6,
      cellsTyped: 0,
    });
    expect(b.children.find((c) => c.unit.id === world.community.id)!.tasksRefused).toBe(2);
  });
});
