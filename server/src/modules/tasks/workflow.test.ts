import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { setUpTaskWorld } from './fixture.ts';

interface Outcome {
  orgId: string;
  status: string;
  isOverdue: boolean;
  record: Record<string, unknown> | null;
  reportId: string | null;
  approval: { state: string; comment: string | null; approvedReportId: string | null; difference: unknown[] } | null;
}
interface Detail {
  outcomes: Outcome[];
  rollups: { orgId: string; state: string; communities: number; approvedCommunities: number }[];
  steps: { action: string; level: string; comment: string | null }[];
  requesters: { orgName: string }[];
}
interface ErrorBody {
  errors?: { field: string; message_zh: string; message_en: string }[];
}
const fieldOf = (body: string) => (JSON.parse(body) as ErrorBody).errors?.[0]?.field;

const MEETING = {
  startsAt: '2026-12-02T02:00:00.000Z',
  minutes: 90,
  place: '银滩路街道三楼会议室',
  videoUrl: 'https://meeting.example.cn/yintan',
  attendees: ['社区书记'],
  allowVideo: true,
  allowWritten: false,
};

describe.each(DIALECTS)('tasks carried to their end, approved up the hierarchy, on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpTaskWorld>>['world'];
  let street: Client;
  let district: Client;
  let secretary: Client;
  let civil: Client;
  let other: { id: string };
  let streetUnit: { id: string };
  let templateId: string;
  let formTask: string;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    ({ world, civil, streetUnit, other, templateId } = await setUpTaskWorld(ctx));
    street = await ctx.login('street');
    district = await ctx.login('district');
    secretary = await ctx.login('secretary');
  }, 120_000);
  afterAll(() => ctx.close());

  it('lets a street send a meeting notice to its communities; the community attends by video', async () => {
    const targets = await street.get('/api/v1/tasks/targets');
    expect(targets.statusCode, targets.body).toBe(200);
    expect(targets.json<{ items: { id: string }[] }>().items.map((c) => c.id)).toContain(world.community.id);
    const sent = await street.post('/api/v1/tasks', {
      title: '冬季安全工作部署会',
      kind: 'meeting',
      dutyItemCode: 'YL-002',
      targetOrgIds: [world.community.id],
      meeting: MEETING,
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const id = sent.json<{ id: string; outcomes: Outcome[] }>().id;
    expect(sent.json<{ outcomes: Outcome[] }>().outcomes[0]!.status).toBe('admitted');
    // the community's staff are told through the outbox
    const told = await ctx.deps.db
      .selectFrom('outbox_messages')
      .select('kind')
      .where('kind', '=', 'task.received')
      .execute();
    expect(told.length).toBeGreaterThan(0);

    const written = await secretary.post(`/api/v1/tasks/${id}/targets/${world.community.id}/record`, {
      kind: 'meeting',
      attendance: 'written',
      writtenInput: '书面意见',
    });
    expect(written.statusCode).toBe(400);
    expect(fieldOf(written.body)).toBe('attendance');
    const nobody = await secretary.post(`/api/v1/tasks/${id}/targets/${world.community.id}/record`, {
      kind: 'meeting',
      attendance: 'video',
      attendees: [],
    });
    expect(fieldOf(nobody.body)).toBe('attendees');
    const video = await secretary.post(`/api/v1/tasks/${id}/targets/${world.community.id}/record`, {
      kind: 'meeting',
      attendance: 'video',
      attendees: ['王书记'],
      summary: '已传达部署要求',
    });
    expect(video.statusCode, video.body).toBe(201);
    const seen = await street.get(`/api/v1/tasks/${id}`);
    expect(seen.json<Detail>().outcomes[0]!.record).toMatchObject({ attendance: 'video', attendees: ['王书记'] });
    const twice = await secretary.post(`/api/v1/tasks/${id}/targets/${world.community.id}/record`, {
      kind: 'meeting',
      attendance: 'in_person',
      attendees: ['王书记'],
    });
    expect(twice.statusCode).toBe(409);
  });

  it('refuses bad sends naming the field, and writes nothing', async () => {
    const before = await ctx.deps.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const outside = await street.post('/api/v1/tasks', {
      title: '越界任务',
      kind: 'document',
      dutyItemCode: 'YL-002',
      targetOrgIds: [(await ctx.org(CODES.shanZiShi)).id],
    });
    expect(outside.statusCode).toBe(404);
    expect(fieldOf(outside.body)).toBe('targetOrgIds.0');
    const past = await street.post('/api/v1/tasks', {
      title: '过期任务',
      kind: 'document',
      dutyItemCode: 'YL-002',
      targetOrgIds: [world.community.id],
      dueAt: '2026-11-01T00:00:00.000Z',
    });
    expect(past.statusCode).toBe(400);
    expect(fieldOf(past.body)).toBe('dueAt');
    const noAttendees = await street.post('/api/v1/tasks', {
      title: '无人参会',
      kind: 'meeting',
      dutyItemCode: 'YL-002',
      targetOrgIds: [world.community.id],
      meeting: { ...MEETING, attendees: [] },
    });
    expect(noAttendees.statusCode).toBe(400);
    expect(fieldOf(noAttendees.body)).toBe('meeting.attendees');
    const after = await ctx.deps.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('takes a report up: returned with a comment, answered again, approved by the street, rolled up by the district', async () => {
    const sent = await civil.post('/api/v1/tasks', {
      title: '报送独居老人分社区统计',
      kind: 'report',
      dutyItemCode: 'YL-002',
      targetOrgIds: [world.community.id, other.id],
      templateId,
      period: '2026-11',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    formTask = sent.json<{ id: string }>().id;
    const target = `/api/v1/tasks/${formTask}/targets/${world.community.id}`;

    // approving before the community answered is out of order
    expect((await street.post(`${target}/approve`, {})).statusCode).toBe(409);
    const first = await secretary.post(`${target}/answer`, {});
    expect(first.statusCode, first.body).toBe(201);
    // the community cannot approve its own report (it holds no review there: not found, like any other)
    expect((await secretary.post(`${target}/approve`, {})).statusCode).toBe(404);
    const bare = await street.post(`${target}/return`, { comment: '' });
    expect(bare.statusCode).toBe(400);
    expect(fieldOf(bare.body)).toBe('comment');
    const returned = await street.post(`${target}/return`, { comment: '请核对80岁以上人数' });
    expect(returned.statusCode, returned.body).toBe(200);
    expect(returned.json<Outcome>().approval).toMatchObject({ state: 'returned', comment: '请核对80岁以上人数' });
    const again = await secretary.post(`${target}/answer`, {});
    expect(again.statusCode, again.body).toBe(201);
    const approved = await street.post(`${target}/approve`, {});
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json<Outcome>().approval!.approvedReportId).toBe(again.json<{ reportId: string }>().reportId);
    expect((await street.post(`${target}/approve`, {})).statusCode).toBe(409);

    // the district may not approve the street's roll-up while a community is not approved
    const rollup = `/api/v1/tasks/${formTask}/rollups/${streetUnit.id}`;
    const early = await district.post(`${rollup}/approve`, {});
    expect(early.statusCode).toBe(409);
    // and the street may not approve its own roll-up
    expect((await street.post(`${rollup}/approve`, {})).statusCode).toBe(403);
    const otherTarget = `/api/v1/tasks/${formTask}/targets/${other.id}`;
    expect((await street.post(`${otherTarget}/answer`, {})).statusCode).toBe(201);
    expect((await street.post(`${otherTarget}/approve`, {})).statusCode).toBe(200);
    const up = await district.post(`${rollup}/approve`, {});
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json<{ state: string }>().state).toBe('approved');
    expect((await district.post(`${rollup}/approve`, {})).statusCode).toBe(409);

    const seen = await civil.get(`/api/v1/tasks/${formTask}`);
    const detail = seen.json<Detail>();
    expect(detail.rollups).toEqual([
      expect.objectContaining({ orgId: streetUnit.id, state: 'approved', communities: 2, approvedCommunities: 2 }),
    ]);
    expect(detail.steps.map((s) => `${s.level}:${s.action}`)).toEqual([
      'community:submit',
      'community:return',
      'community:submit',
      'community:approve',
      'community:submit',
      'community:approve',
      'street:approve',
    ]);
  });

  it('keeps approved figures locked: a correction shows as a difference to re-approve', async () => {
    const target = `/api/v1/tasks/${formTask}/targets/${world.community.id}`;
    const before = (await civil.get(`/api/v1/tasks/${formTask}`)).json<Detail>();
    const approvedId = before.outcomes.find((o) => o.orgId === world.community.id)!.approval!.approvedReportId;
    // a new 独居老人 is registered after the approval
    const h = await secretary.post('/api/v1/households', { orgId: world.grid.id, address: '营门滩路 9 号' });
    const r = await secretary.post('/api/v1/residents', {
      householdId: h.json<{ id: string }>().id,
      name: '新登记老人',
      noIdReason: '外籍人员',
      gender: 'female',
      birthDate: '1938-03-01',
      relation: '户主',
      residenceType: 'permanent',
      careTags: ['living_alone'],
    });
    expect(r.statusCode, r.body).toBe(201);
    const corrected = await secretary.post(`${target}/answer`, {});
    expect(corrected.statusCode, corrected.body).toBe(201);
    const seen = (await civil.get(`/api/v1/tasks/${formTask}`)).json<Detail>();
    const mine = seen.outcomes.find((o) => o.orgId === world.community.id)!;
    expect(mine.approval!.state).toBe('submitted');
    expect(mine.approval!.approvedReportId).toBe(approvedId);
    expect(mine.approval!.difference.length).toBeGreaterThan(0);
    // the district's approved roll-up is not silently changed: it waits for re-approval
    expect(seen.rollups[0]!.state).toBe('approved');
    expect((await street.post(`${target}/approve`, {})).statusCode).toBe(200);
    const after = (await civil.get(`/api/v1/tasks/${formTask}`)).json<Detail>();
    expect(after.rollups[0]!.state).toBe('changed');
    expect((await district.post(`/api/v1/tasks/${formTask}/rollups/${streetUnit.id}/approve`, {})).statusCode).toBe(
      200,
    );
  });

  it('offers a second department asking for the same figures the merge: one report, several requesters', async () => {
    await ctx.createUser({ username: 'wjw', role: 'department', orgCode: '', orgId: world.education.id });
    const edu = await ctx.login('wjw');
    const body = {
      title: '独居老人情况统计（教育局）',
      kind: 'report',
      dutyItemCode: 'YL-002',
      targetOrgIds: [world.community.id],
      templateId,
      period: '2026-11',
    };
    const overlaps = await edu.post('/api/v1/tasks/overlaps', body);
    expect(overlaps.statusCode, overlaps.body).toBe(200);
    const items = overlaps.json<{ items: { taskId: string; canMerge: boolean; reason: string }[] }>().items;
    expect(items[0]).toMatchObject({ taskId: formTask, canMerge: true, reason: 'same_template' });
    const blind = await edu.post('/api/v1/tasks', body);
    expect(blind.statusCode).toBe(409);
    expect(fieldOf(blind.body)).toBe('mergeIntoTaskId');
    const merged = await edu.post('/api/v1/tasks', { ...body, mergeIntoTaskId: formTask });
    expect(merged.statusCode, merged.body).toBe(201);
    expect(merged.json<{ id: string; merged: boolean }>()).toMatchObject({ id: formTask, merged: true });
    const sent = await edu.get('/api/v1/tasks?box=sent');
    expect(sent.json<{ items: { id: string }[] }>().items.map((t) => t.id)).toContain(formTask);
    const detail = (await edu.get(`/api/v1/tasks/${formTask}`)).json<Detail>();
    expect(detail.requesters.map((r) => r.orgName)).toEqual([expect.stringContaining('教育')]);
    const reportId = detail.outcomes.find((o) => o.orgId === world.community.id)!.reportId!;
    expect((await edu.get(`/api/v1/reports/${reportId}`)).statusCode).toBe(200);
  });

  it('counts the burden on both sides: meetings attended and their minutes, forms, and who asks the most', async () => {
    const ledger = await street.get(`/api/v1/insights/${streetUnit.id}/burden?from=2026-11&to=2026-11`);
    expect(ledger.statusCode, ledger.body).toBe(200);
    const b = ledger.json<{
      totals: Record<string, number>;
      children: ({ unit: { id: string } } & Record<string, number>)[];
      senders: ({ unit: { name: string } } & Record<string, number>)[];
    }>();
    const ymt = b.children.find((c) => c.unit.id === world.community.id)!;
    expect(ymt).toMatchObject({ meetings: 1, meetingsAttended: 1, meetingMinutes: 90, cellsTyped: 0 });
    expect(ymt.reportsAnswered).toBe(1);
    expect(b.senders.map((s) => s.unit.name)).toEqual(expect.arrayContaining(['银滩路街道']));
    expect(b.senders.find((s) => s.unit.name === '银滩路街道')!.meetings).toBe(1);
    // the sending side, by the same definition: what 银滩路街道's own tasks cost 营门滩
    const sent = (b as unknown as { sent: ({ unit: { id: string } } & Record<string, number>)[] }).sent;
    expect(sent.find((u) => u.unit.id === world.community.id)).toMatchObject({
      meetings: 1,
      meetingsAttended: 1,
      meetingMinutes: 90,
    });
    // and 民政局's ledger shows the forms it asked of 营门滩: answered, generated, none typed
    const civilUnit = await ctx.deps.db
      .selectFrom('users')
      .innerJoin('role_assignments as a', 'a.user_id', 'users.id')
      .select('a.org_id')
      .where('users.username', '=', 'mzj')
      .executeTakeFirstOrThrow();
    const asked = await civil.get(`/api/v1/insights/${civilUnit.org_id}/burden?from=2026-11&to=2026-11`);
    expect(asked.statusCode, asked.body).toBe(200);
    const bySent = asked.json<{ sent: ({ unit: { id: string } } & Record<string, number>)[] }>().sent;
    const ymtAsked = bySent.find((u) => u.unit.id === world.community.id)!;
    expect(ymtAsked.reportsAnswered).toBeGreaterThanOrEqual(1);
    expect(ymtAsked.cellsTyped).toBe(0);
    expect(ymtAsked.cellsGenerated).toBeGreaterThan(0);
  });
});
