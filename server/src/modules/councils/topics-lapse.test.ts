import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { idNumberFor, registerResident, signInBySms } from '../residents/fixture.ts';
import { sweepLapsedTopics } from './topics.ts';

const HER_PHONE = '13700003101';
const HER_ID = idNumberFor('1958-07-02', 417);
const DAY_MS = 86_400_000;

interface Topic {
  id: string;
  status: string;
  supporters: number;
  supportUntil: string;
}
type Bell = { items: { kind: string; title: string; body: string }[] };

/**
 * The lapse timer: a topic that does not reach its council's threshold within the support period
 * lapses by the minute job even when nobody touches the council again, and its proposer is told once —
 * however often the job runs; a topic on the agenda or still within its period is left alone.
 */
describe.each(DIALECTS)('council topic lapse job on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let her: Client;
  let councilId: string;
  let householdId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_lapse', role: 'community_staff', orgCode: CODES.yingMenTan });
    staff = await t.login('ymt_lapse');
    const ymt = await t.org(CODES.yingMenTan);
    const first = await registerResident(
      staff,
      { orgId: ymt.id, address: '营门滩路 41 号 1 单元 101' },
      { name: '赵桂芳', idNumber: HER_ID, phone: HER_PHONE },
    );
    householdId = first.householdId;
    her = await signInBySms(t, HER_PHONE);
    expect((await her.post('/api/v1/my/binding', { name: '赵桂芳', idNumber: HER_ID })).json()).toMatchObject({
      isBound: true,
    });
    const made = await staff.post('/api/v1/councils', {
      orgId: ymt.id,
      name: '营门滩社区议事会（附议期）',
      voteBasis: 'household',
      quorum: 'half',
      majority: 'half',
      supportThreshold: 2,
      supportDays: 10,
    });
    expect(made.statusCode, made.body).toBe(201);
    councilId = (made.json() as { id: string }).id;
  }, 120_000);
  afterAll(() => t.close());

  /** Sessions end after 30 idle minutes: after the clock moves days on, both sign in again. */
  const signInAgain = async () => {
    staff = await t.login('ymt_lapse');
    her = await signInBySms(t, HER_PHONE);
  };
  const topicOf = async (id: string) => {
    const list = (await staff.get(`/api/v1/councils/${councilId}/topics`)).json() as { items: Topic[] };
    return list.items.find((i) => i.id === id)!;
  };

  it('lapses a topic short of its threshold when its period ends, tells the proposer once, and leaves others', async () => {
    const proposed = await her.post('/api/v1/my/council-topics', {
      councilId,
      title: '楼下增设非机动车充电桩',
      body: '电动车上楼充电不安全，希望在楼下装充电桩',
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const short = proposed.json() as Topic;
    expect(short.supporters).toBe(1);
    // a second topic reaches the threshold (2 households) in time: it is on the agenda and must stay there
    const other = await registerResident(
      staff,
      { orgId: (await t.org(CODES.yingMenTan)).id, address: '营门滩路 41 号 1 单元 201' },
      { name: '钱多多', idNumber: idNumberFor('1966-02-03', 311) },
    );
    const staffTopic = await staff.post(`/api/v1/councils/${councilId}/topics`, {
      title: '修缮单元门禁',
      body: '单元门禁坏了半年',
    });
    expect(staffTopic.statusCode, staffTopic.body).toBe(201);
    const onAgenda = staffTopic.json() as Topic;
    const supported = await staff.post(`/api/v1/council-topics/${onAgenda.id}/supports`, {
      householdIds: [householdId, other.householdId],
    });
    expect(supported.json()).toMatchObject({ status: 'agenda' });

    // nine days on: still within the period, the job changes nothing
    t.clock.advance(9 * DAY_MS);
    expect(await sweepLapsedTopics(t.deps)).toBe(0);
    await signInAgain();
    expect((await topicOf(short.id)).status).toBe('open');

    // past the period, with nobody touching the council: the job lapses it and tells her
    t.clock.set(new Date(Date.parse(short.supportUntil) + 60_000));
    expect(await sweepLapsedTopics(t.deps)).toBe(1);
    expect(await sweepLapsedTopics(t.deps)).toBe(0);
    await signInAgain();
    expect((await topicOf(short.id)).status).toBe('lapsed');
    expect((await topicOf(onAgenda.id)).status).toBe('agenda');
    const bell = (await her.get('/api/v1/messages/mine')).json() as Bell;
    const told = bell.items.filter((m) => m.kind === 'council.topic_closed');
    expect(told).toHaveLength(1);
    expect(`${told[0]!.title}${told[0]!.body}`).toContain('楼下增设非机动车充电桩');
    const mine = (await her.get('/api/v1/my/council-topics')).json() as { items: Topic[] };
    expect(mine.items.find((i) => i.id === short.id)?.status).toBe('lapsed');
    // the audit log says the system lapsed it
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'actor_name'])
      .where('target_id', '=', short.id)
      .where('action', '=', 'council.topic_lapse')
      .execute();
    expect(audit).toEqual([{ action: 'council.topic_lapse', actor_name: 'system' }]);
  });

  it('tells the proposer once even when two runs race for the same topic', async () => {
    const proposed = await her.post('/api/v1/my/council-topics', {
      councilId,
      title: '增设晾衣架',
      body: '院里没有晾衣服的地方',
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const topic = proposed.json() as Topic;
    t.clock.set(new Date(Date.parse(topic.supportUntil) + 1));
    const runs = await Promise.all([sweepLapsedTopics(t.deps), sweepLapsedTopics(t.deps)]);
    expect(runs[0] + runs[1]).toBe(1);
    await signInAgain();
    const bell = (await her.get('/api/v1/messages/mine')).json() as Bell;
    expect(bell.items.filter((m) => m.kind === 'council.topic_closed' && m.title + m.body !== '')).toHaveLength(2);
    expect(bell.items.filter((m) => `${m.title}${m.body}`.includes('增设晾衣架'))).toHaveLength(1);
  });
});
