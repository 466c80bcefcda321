import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../platform/clock.ts';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { setUpTaskWorld } from './fixture.ts';
import { remindTaskDeadlines } from './reminders.ts';

interface Outcome {
  orgId: string;
  orgLevel: string;
  status: string;
  rule: string | null;
  reason_zh: string | null;
  isOverdue: boolean;
  canJudge: boolean;
  reportId: string | null;
  record: Record<string, unknown> | null;
  approval: { state: string } | null;
}
interface Detail {
  targets: number;
  admitted: number;
  overdue: number;
  outcomes: Outcome[];
  rollups: { orgId: string; state: string }[];
  steps: { orgId: string; level: string; action: string }[];
}
interface Bell {
  items: { kind: string; title: string; titleEn: string }[];
}
const errorOf = (body: string) =>
  (JSON.parse(body) as { errors?: { field: string; message_zh: string; message_en: string }[] }).errors?.[0];

const MEETING = {
  startsAt: '2026-12-02T02:00:00.000Z',
  minutes: 60,
  place: '安宁区政府二楼会议室',
  videoUrl: 'https://meeting.example.cn/anning',
  attendees: ['街道分管领导'],
  allowVideo: true,
  allowWritten: false,
};

describe.each(DIALECTS)('tasks to streets, a merged requester’s view, reminders of every kind, on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpTaskWorld>>['world'];
  let district: Client;
  let street: Client;
  let secretary: Client;
  let civil: Client;
  let edu: Client;
  let streetUnit: { id: string; path: string };
  let other: { id: string };
  let templateId: string;
  const bellOf = async (username: string) =>
    (await (await ctx.login(username)).get('/api/v1/messages/mine?pageSize=100')).json<Bell>();
  const count = async (table: 'tasks' | 'task_targets' | 'task_approval_steps' | 'audit_log') =>
    Number(
      (
        await ctx.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    ({ world, civil, streetUnit, other, templateId } = await setUpTaskWorld(ctx));
    district = await ctx.login('district');
    street = await ctx.login('street');
    secretary = await ctx.login('secretary');
    edu = await ctx.login('edu');
  }, 120_000);
  afterAll(() => ctx.close());

  it('offers a district its streets as targets beside its communities, and a street only its communities', async () => {
    const fromDistrict = (await district.get('/api/v1/tasks/targets')).json<{
      items: { id: string; level: string }[];
    }>();
    expect(fromDistrict.items).toContainEqual(expect.objectContaining({ id: streetUnit.id, level: 'street' }));
    expect(fromDistrict.items).toContainEqual(expect.objectContaining({ id: world.community.id, level: 'community' }));
    const fromStreet = (await street.get('/api/v1/tasks/targets')).json<{ items: { id: string; level: string }[] }>();
    expect(fromStreet.items.map((i) => i.id)).not.toContain(streetUnit.id);
    expect(new Set(fromStreet.items.map((i) => i.level))).toEqual(new Set(['community']));
  });

  it('admits a street’s own duty and its communities’ duties for a street, refuses a department’s own duty', async () => {
    const send = (dutyItemCode: string, targetOrgIds: string[]) =>
      district.post('/api/v1/tasks', {
        title: `检查 ${dutyItemCode}`,
        kind: 'inspection',
        dutyItemCode,
        checklist: ['隐患台账'],
        targetOrgIds,
        sendSeparately: true,
      });
    // AQ-007 安全生产隐患排查 is the street's: admitted for the street, refused for the community
    const own = await send('AQ-007', [streetUnit.id, world.community.id]);
    expect(own.statusCode, own.body).toBe(201);
    const outcomes = own.json<{ outcomes: Outcome[] }>().outcomes;
    expect(outcomes.find((o) => o.orgId === streetUnit.id)).toMatchObject({
      orgLevel: 'street',
      status: 'admitted',
      rule: null,
    });
    expect(outcomes.find((o) => o.orgId === world.community.id)).toMatchObject({
      status: 'refused',
      rule: 'not_community_duty',
    });
    // YL-002 is a community duty: the street that leads its communities takes it on
    const led = await send('YL-002', [streetUnit.id]);
    expect(led.json<{ outcomes: Outcome[] }>().outcomes[0]).toMatchObject({ status: 'admitted' });
    // YL-005 is 民政局's own duty: refused by the street, with the rule and the reason
    const dept = await send('YL-005', [streetUnit.id]);
    const refused = dept.json<{ outcomes: Outcome[] }>().outcomes[0]!;
    expect(refused).toMatchObject({ status: 'refused', rule: 'not_street_duty' });
    expect(refused.reason_zh).toContain('街道不予承接');
    // the street records its inspection like a community does
    const id = own.json<{ id: string }>().id;
    const done = await street.post(`/api/v1/tasks/${id}/targets/${streetUnit.id}/record`, {
      kind: 'inspection',
      inspectedOn: '2026-11-28',
      checklist: [{ item: '隐患台账', isOk: true }],
      findings: '隐患台账齐全',
    });
    expect(done.statusCode, done.body).toBe(201);
    const seen = (await district.get(`/api/v1/tasks/${id}`)).json<Detail>();
    expect(seen.outcomes.find((o) => o.orgId === streetUnit.id)!.record).toMatchObject({ findings: '隐患台账齐全' });
  });

  it('lets the street answer a report sent to it, approved by the district only', async () => {
    const sent = await district.post('/api/v1/tasks', {
      title: '报送街道独居老人汇总',
      kind: 'report',
      dutyItemCode: 'YL-002',
      targetOrgIds: [streetUnit.id],
      templateId,
      period: '2026-11',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const id = sent.json<{ id: string }>().id;
    const target = `/api/v1/tasks/${id}/targets/${streetUnit.id}`;
    expect((await district.post(`${target}/approve`, {})).statusCode).toBe(409);
    const answer = await street.post(`${target}/answer`, {});
    expect(answer.statusCode, answer.body).toBe(201);
    expect(answer.json<{ typedCells: number }>().typedCells).toBe(0);
    // the street does not approve its own figures; the district sees that it may
    expect((await street.post(`${target}/approve`, {})).statusCode).toBe(403);
    expect((await street.get(`/api/v1/tasks/${id}`)).json<Detail>().outcomes[0]!.canJudge).toBe(false);
    expect((await district.get(`/api/v1/tasks/${id}`)).json<Detail>().outcomes[0]!.canJudge).toBe(true);
    const approved = await district.post(`${target}/approve`, {});
    expect(approved.statusCode, approved.body).toBe(200);
    const detail = (await district.get(`/api/v1/tasks/${id}`)).json<Detail>();
    expect(detail.outcomes[0]!.approval!.state).toBe('approved');
    // a street's own answer is no roll-up of communities
    expect(detail.rollups).toEqual([]);
    expect(detail.steps.map((s) => `${s.level}:${s.action}`)).toEqual(['street:submit', 'street:approve']);
    const audit = await ctx.deps.db.selectFrom('audit_log').select('action').where('target_id', '=', id).execute();
    // one clock tick: the steps share a time, so compare them as a set
    expect(audit.map((a) => a.action).sort()).toEqual(['task.report.approve', 'task.report.submit', 'task.send']);
  });

  it('refuses targets outside the sender’s subtree or of the wrong level, naming the field, writing nothing', async () => {
    const before = await Promise.all([count('tasks'), count('task_targets'), count('audit_log')]);
    const elsewhere = await ctx.org(CODES.zhangYeLuStreet);
    const outside = await district.post('/api/v1/tasks', {
      title: '越界下发',
      kind: 'document',
      dutyItemCode: 'YL-002',
      targetOrgIds: [streetUnit.id, elsewhere.id],
    });
    expect(outside.statusCode).toBe(404);
    expect(errorOf(outside.body)).toMatchObject({ field: 'targetOrgIds.1' });
    const itself = await street.post('/api/v1/tasks', {
      title: '发给自己',
      kind: 'document',
      dutyItemCode: 'AQ-007',
      targetOrgIds: [streetUnit.id],
    });
    expect(itself.statusCode).toBe(404);
    expect(errorOf(itself.body)).toMatchObject({ field: 'targetOrgIds.0' });
    const grid = await district.post('/api/v1/tasks', {
      title: '发给网格',
      kind: 'document',
      dutyItemCode: 'YL-002',
      targetOrgIds: [world.grid.id],
    });
    expect(grid.statusCode).toBe(400);
    expect(errorOf(grid.body)).toMatchObject({ field: 'targetOrgIds.0' });
    expect(errorOf(grid.body)!.message_zh).toContain('街道和社区');
    expect(await Promise.all([count('tasks'), count('task_targets'), count('audit_log')])).toEqual(before);
  });

  it('answers every bad input of the issue with a 4xx naming the field, and writes nothing', async () => {
    const base = { title: '报送', kind: 'document', dutyItemCode: 'YL-002', targetOrgIds: [world.community.id] };
    const bad: [object, number, string][] = [
      [{ ...base, targetOrgIds: [(await ctx.org(CODES.shanZiShi)).id] }, 404, 'targetOrgIds.0'],
      [{ ...base, dueAt: '2026-11-27T00:00:00+08:00' }, 400, 'dueAt'],
      [{ ...base, kind: 'meeting', meeting: { ...MEETING, attendees: [] } }, 400, 'meeting.attendees'],
      [{ ...base, kind: 'meeting', meeting: { ...MEETING, attendees: ['  '] } }, 400, 'meeting.attendees.0'],
      [{ ...base, kind: 'meeting' }, 400, 'meeting'],
      [
        { ...base, kind: 'meeting', meeting: { ...MEETING, startsAt: '2026-11-01T00:00:00Z' } },
        400,
        'meeting.startsAt',
      ],
    ];
    const before = await Promise.all([count('tasks'), count('task_targets'), count('audit_log')]);
    for (const [body, status, field] of bad) {
      const res = await street.post('/api/v1/tasks', body);
      expect(res.statusCode, `${field}: ${res.body}`).toBe(status);
      const e = errorOf(res.body)!;
      expect(e.field).toBe(field);
      expect(e.message_zh.length).toBeGreaterThan(0);
      expect(e.message_en.length).toBeGreaterThan(0);
    }
    expect(await Promise.all([count('tasks'), count('task_targets'), count('audit_log')])).toEqual(before);

    // approving twice or out of order is 409, returning without a comment 400; no step is written
    const sent = await civil.post('/api/v1/tasks', {
      title: '独居老人月报',
      kind: 'report',
      dutyItemCode: 'YL-002',
      targetOrgIds: [world.community.id],
      templateId,
      period: '2026-10',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const target = `/api/v1/tasks/${sent.json<{ id: string }>().id}/targets/${world.community.id}`;
    const steps = await count('task_approval_steps');
    const early = await street.post(`${target}/approve`, {});
    expect(early.statusCode).toBe(409);
    expect(errorOf(early.body)!.field).toBe('state');
    expect((await street.post(`${target}/return`, { comment: '请核对' })).statusCode).toBe(409);
    expect(await count('task_approval_steps')).toBe(steps);
    expect((await secretary.post(`${target}/answer`, {})).statusCode).toBe(201);
    for (const comment of [undefined, '', '   ']) {
      const bare = await street.post(`${target}/return`, comment === undefined ? {} : { comment });
      expect(bare.statusCode).toBe(400);
      expect(errorOf(bare.body)!.field).toBe('comment');
    }
    expect((await street.post(`${target}/approve`, {})).statusCode).toBe(200);
    const twice = await street.post(`${target}/approve`, {});
    expect(twice.statusCode).toBe(409);
    expect(errorOf(twice.body)!.message_zh).toContain('不能重复审核');
    expect(await count('task_approval_steps')).toBe(steps + 2);
  });

  it('shows a merged requester the units it asked, not the first sender’s other ones', async () => {
    const sent = await civil.post('/api/v1/tasks', {
      title: '独居老人分社区统计',
      kind: 'report',
      dutyItemCode: 'YL-002',
      targetOrgIds: [world.community.id, other.id],
      templateId,
      period: '2026-12',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const id = sent.json<{ id: string }>().id;
    expect((await secretary.post(`/api/v1/tasks/${id}/targets/${world.community.id}/answer`, {})).statusCode).toBe(201);
    expect((await street.post(`/api/v1/tasks/${id}/targets/${other.id}/answer`, {})).statusCode).toBe(201);
    expect(
      (await street.post(`/api/v1/tasks/${id}/targets/${other.id}/return`, { comment: '请补报' })).statusCode,
    ).toBe(200);
    // before merging, another department sees nothing of it
    expect((await edu.get(`/api/v1/tasks/${id}`)).statusCode).toBe(404);
    const body = {
      title: '独居老人情况（教育局）',
      kind: 'report',
      dutyItemCode: 'YL-002',
      targetOrgIds: [world.community.id],
      templateId,
      period: '2026-12',
    };
    const merged = await edu.post('/api/v1/tasks', { ...body, mergeIntoTaskId: id });
    expect(merged.statusCode, merged.body).toBe(201);
    expect(merged.json<{ outcomes: Outcome[] }>().outcomes.map((o) => o.orgId)).toEqual([world.community.id]);
    const detail = (await edu.get(`/api/v1/tasks/${id}`)).json<Detail>();
    expect(detail.outcomes.map((o) => o.orgId)).toEqual([world.community.id]);
    expect(detail.targets).toBe(1);
    // the other community's return and its comment are the first sender's business
    expect(detail.steps.map((s) => s.orgId)).toEqual([world.community.id]);
    expect(detail.rollups).toEqual([]);
    const box = (await edu.get('/api/v1/tasks?box=sent')).json<{ items: { id: string; targets: number }[] }>();
    expect(box.items.find((t) => t.id === id)!.targets).toBe(1);
    // the first sender still sees both
    expect((await civil.get(`/api/v1/tasks/${id}`)).json<Detail>().outcomes).toHaveLength(2);
  });

  it('reminds every kind through the outbox once per stage, and shows overdue to both sides alike', async () => {
    ctx.clock.set(new Date('2026-12-01T02:00:00.000Z'));
    // a session lasts so long: sign in again on the day
    [district, street, secretary] = await Promise.all([
      ctx.login('district'),
      ctx.login('street'),
      ctx.login('secretary'),
    ]);
    const meeting = await district.post('/api/v1/tasks', {
      title: '冬季安全生产部署会',
      kind: 'meeting',
      dutyItemCode: 'AQ-007',
      targetOrgIds: [streetUnit.id],
      meeting: { ...MEETING, startsAt: '2026-12-01T08:00:00.000Z' },
    });
    expect(meeting.statusCode, meeting.body).toBe(201);
    const doc = await street.post('/api/v1/tasks', {
      title: '燃气安全宣传通知',
      kind: 'document',
      dutyItemCode: 'AQ-001',
      replyRequired: true,
      targetOrgIds: [world.community.id],
      dueAt: '2026-12-02T00:00:00.000Z',
      sendSeparately: true,
    });
    expect(doc.statusCode, doc.body).toBe(201);
    const docId = doc.json<{ id: string }>().id;

    const first = await Promise.all([remindTaskDeadlines(ctx.deps), remindTaskDeadlines(ctx.deps)]);
    expect(first[0] + first[1]).toBeGreaterThan(0);
    expect(await remindTaskDeadlines(ctx.deps)).toBe(0);
    const streetBell = (await bellOf('street')).items.filter((m) => m.kind === 'task.deadline');
    expect(streetBell.map((m) => m.title)).toContain(
      '任务“冬季安全生产部署会”即将召开，请安排参会（2026-12-01 16:00）',
    );
    const secretaryBell = (await bellOf('secretary')).items.filter((m) => m.kind === 'task.deadline');
    expect(secretaryBell.map((m) => m.title)).toEqual(['任务“燃气安全宣传通知”即将到期（2026-12-02 08:00）']);

    // the meeting is over and unrecorded, the document past its deadline
    ctx.clock.set(new Date('2026-12-02T01:00:00.000Z'));
    [street, secretary] = await Promise.all([ctx.login('street'), ctx.login('secretary')]);
    expect(await remindTaskDeadlines(ctx.deps)).toBeGreaterThan(0);
    expect(await remindTaskDeadlines(ctx.deps)).toBe(0);
    const streetAfter = (await bellOf('street')).items.filter((m) => m.kind === 'task.deadline').map((m) => m.title);
    expect(streetAfter).toContain('任务“冬季安全生产部署会”已结束，请登记参会情况（2026-12-01 17:00）');
    // the street sent the document: it hears its target is overdue
    expect(streetAfter).toContain('任务“燃气安全宣传通知”有接收单位逾期未办结（2026-12-02 08:00）');
    expect((await bellOf('secretary')).items.map((m) => m.title)).toContain(
      '任务“燃气安全宣传通知”已逾期（2026-12-02 08:00）',
    );
    expect((await bellOf('district')).items.map((m) => m.title)).toContain(
      '任务“冬季安全生产部署会”有接收单位逾期未办结（2026-12-01 17:00）',
    );

    // overdue alike on both sides: the sender's view, the target's view, both lists
    const sender = (await street.get(`/api/v1/tasks/${docId}`)).json<Detail>();
    const receiver = (await secretary.get(`/api/v1/tasks/${docId}`)).json<Detail>();
    expect(sender.outcomes[0]!.isOverdue).toBe(true);
    expect(receiver.outcomes[0]!.isOverdue).toBe(true);
    expect(sender.overdue).toBe(1);
    expect(receiver.overdue).toBe(1);
    const sentBox = (await street.get('/api/v1/tasks?box=sent')).json<{ items: { id: string; overdue: number }[] }>();
    const inbox = (await secretary.get('/api/v1/tasks?box=received')).json<{
      items: { id: string; overdue: number }[];
    }>();
    expect(sentBox.items.find((t) => t.id === docId)!.overdue).toBe(1);
    expect(inbox.items.find((t) => t.id === docId)!.overdue).toBe(1);

    // once replied, it is no longer overdue anywhere, and nothing more is sent
    const reply = await secretary.post(`/api/v1/tasks/${docId}/targets/${world.community.id}/record`, {
      kind: 'document',
      reply: '已入户宣传',
    });
    expect(reply.statusCode, reply.body).toBe(201);
    expect((await street.get(`/api/v1/tasks/${docId}`)).json<Detail>().outcomes[0]!.isOverdue).toBe(false);
    ctx.clock.advance(HOUR);
    expect(await remindTaskDeadlines(ctx.deps)).toBe(0);
  });
});
