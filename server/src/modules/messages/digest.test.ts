import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TEMPLATES } from '../../cli/demo-insights.ts';
import { HOUR } from '../../platform/clock.ts';
import { DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';
import { INSIDE_YINGMENTAN, setUpCaseWorld } from '../cases/fixture.ts';
import { remindTaskDeadlines } from '../tasks/reminders.ts';
import type { Workbench } from '../workbench/schema.ts';
import { LogAdapter } from './adapters/log.ts';
import { sendStaffDigests } from './digest.ts';
import { DIGEST_SECTIONS } from './kinds.ts';
import { MessageDispatcher } from './dispatcher.ts';
import { nextTimeOfDay } from './quiet-hours.ts';

const STAFF_PHONE = '13700003333';

interface Bell {
  items: { kind: string; title: string; titleEn: string }[];
}

/**
 * Staff hear of their to-dos once a day: task deadlines reach the bell once each (however many times or
 * processes run the job) and never one by one by SMS; at the digest time each staff member gets one
 * message with her workbench's counts, once a day even when two servers run the job.
 */
describe.each(DIALECTS)('staff digest and task reminders on %s', (dialect) => {
  let ctx: TestContext;
  let staffId: string;
  const bellOf = async (username: string) =>
    (await (await ctx.login(username)).get('/api/v1/messages/mine?pageSize=100')).json<Bell>();

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const world = await setUpCaseWorld(ctx);
    const staffRow = await ctx.deps.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'staff')
      .executeTakeFirstOrThrow();
    staffId = staffRow.id;
    await ctx.deps.db
      .updateTable('users')
      .set({ phone_enc: ctx.deps.pii.encrypt(STAFF_PHONE) })
      .where('id', '=', staffId)
      .execute();
    // a case for the community to accept
    const resident = await ctx.login('resident');
    const reported = await resident.post('/api/v1/my/cases', {
      dutyCode: 'WY-001',
      description: '楼道灯坏了好几天',
      ...INSIDE_YINGMENTAN,
    });
    expect(reported.statusCode, reported.body).toBe(201);
    // a report task due in twelve hours, admitted for 营门滩
    const edu = await ctx.login('edu');
    const template = await edu.post('/api/v1/report-templates', DEMO_TEMPLATES[0]);
    expect(template.statusCode, template.body).toBe(201);
    const sent = await edu.post('/api/v1/tasks', {
      title: '报送独居老人分社区统计',
      kind: 'report',
      dutyItemCode: 'YL-002',
      templateId: template.json<{ id: string }>().id,
      period: '2026-11',
      dueAt: new Date(ctx.clock.now().getTime() + 12 * HOUR).toISOString(),
      targetOrgIds: [world.community.id],
    });
    expect(sent.statusCode, sent.body).toBe(201);
  }, 120_000);
  afterAll(() => ctx.close());

  it('reminds the community’s staff of a task due soon once, in the bell only, however often the job runs', async () => {
    // she asked for task deadlines by SMS too: they still reach SMS only through the digest
    const put = await (
      await ctx.login('staff')
    ).request('PUT', '/api/v1/messages/preferences', { kinds: { 'task.deadline': ['in_app', 'sms'] } });
    expect(put.statusCode, put.body).toBe(200);
    const runs = await Promise.all([remindTaskDeadlines(ctx.deps), remindTaskDeadlines(ctx.deps)]);
    expect(await remindTaskDeadlines(ctx.deps)).toBe(0);
    // staff and secretary answer the community's tasks
    expect(runs[0] + runs[1]).toBe(2);
    const bell = await bellOf('staff');
    const reminders = bell.items.filter((m) => m.kind === 'task.deadline');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.title).toContain('“报送独居老人分社区统计”即将到期');
    expect(reminders[0]!.titleEn).toContain('is due soon');
    // nobody outside the community hears of it
    expect((await bellOf('otherstaff')).items.filter((m) => m.kind === 'task.deadline')).toHaveLength(0);
    const sms = await ctx.deps.db
      .selectFrom('outbox_messages')
      .select('id')
      .where('kind', '=', 'task.deadline')
      .where('channel', '!=', 'in_app')
      .execute();
    expect(sms).toHaveLength(0);
  });

  it('sends each staff member one digest a day with her workbench’s counts, once even with two servers', async () => {
    const now = ctx.clock.now();
    ctx.clock.set(nextTimeOfDay(now, 8 * 60 + 29)); // 08:29 in Shanghai: not yet
    expect(await sendStaffDigests(ctx.deps)).toBe(0);
    ctx.clock.advance(60_000); // 08:30
    const workbench = (await (await ctx.login('staff')).get('/api/v1/workbench')).json<Workbench>();
    const open = workbench.sections.filter((s) => s.count > 0);
    expect(open.map((s) => s.key)).toEqual(expect.arrayContaining(['cases_to_accept', 'tasks_to_answer']));
    const first = await Promise.all([sendStaffDigests(ctx.deps), sendStaffDigests(ctx.deps)]);
    expect(await sendStaffDigests(ctx.deps)).toBe(0);
    const digests = (await bellOf('staff')).items.filter((m) => m.kind === 'staff.digest');
    expect(digests).toHaveLength(1);
    const total = open.reduce((n, s) => n + s.count, 0);
    const countOf = (key: string) => open.find((s) => s.key === key)!.count;
    expect(digests[0]!.title).toBe(
      `今日待办：共 ${total} 项（${open.map((s) => `${DIGEST_SECTIONS[s.key]!.zh} ${s.count}`).join('，')}）`,
    );
    expect(digests[0]!.titleEn).toContain(`${countOf('cases_to_accept')} cases to accept`);
    expect(digests[0]!.titleEn).toContain(`${countOf('tasks_to_answer')} tasks to answer`);
    // the staff of 营门滩 with to-dos: staff, secretary; street and district oversee 营门滩's cases too
    expect(first[0] + first[1]).toBeGreaterThanOrEqual(2);
    // a resident gets no digest
    expect((await bellOf('resident')).items.some((m) => m.kind === 'staff.digest')).toBe(false);

    // by SMS (her default for the digest) one message, in Chinese, to the number on file
    const sms = new LogAdapter('sms', () => {}, 100);
    const dispatcher = new MessageDispatcher(ctx.deps, { sms, wechat: new LogAdapter('wechat', () => {}) });
    await dispatcher.drain();
    const toHer = sms.recent.filter((m) => m.to === STAFF_PHONE);
    expect(toHer.map((m) => m.kind)).toEqual(['staff.digest']);
    expect(toHer[0]!.text).toBe(digests[0]!.title);

    // the next day, another
    ctx.clock.advance(24 * HOUR);
    expect(await sendStaffDigests(ctx.deps)).toBeGreaterThanOrEqual(1);
    expect((await bellOf('staff')).items.filter((m) => m.kind === 'staff.digest')).toHaveLength(2);
  });

  it('reminds once more when the task is overdue, and never again', async () => {
    ctx.clock.advance(24 * HOUR);
    // the community's two staff, and the sender (教育局's clerk): overdue is shown to both sides
    expect(await remindTaskDeadlines(ctx.deps)).toBe(3);
    expect(await remindTaskDeadlines(ctx.deps)).toBe(0);
    const sender = (await bellOf('edu')).items.filter((m) => m.kind === 'task.deadline');
    expect(sender.map((m) => m.titleEn)).toEqual([expect.stringContaining('overdue at some of the units')]);
    const reminders = (await bellOf('staff')).items.filter((m) => m.kind === 'task.deadline');
    expect(reminders.map((m) => m.titleEn.includes('is overdue'))).toEqual([true, false]);
  });
});
