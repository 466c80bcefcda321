import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { expectErrorBody } from '../../test/http.ts';
import { idNumberFor, registerResident, signInBySms } from '../residents/fixture.ts';
import { councilMeetingsHeld } from './decisions.ts';
import { currentMonth } from '../../platform/calendar.ts';

const HER_PHONE = '13700003001';
const HER_ID = idNumberFor('1961-03-12', 215);

interface Topic {
  id: string;
  status: string;
  supporters: number;
}
interface Meeting {
  id: string;
  eligible: number;
  present: number;
  status: string;
  agenda: { topicId: string; tally: { yes: number } | null; hasQuorum: boolean | null; result: string | null }[];
}
const fieldOf = (body: string) => (JSON.parse(body) as { errors: { field: string; code: string }[] }).errors[0];

/**
 * 议事: residents propose a topic, households support it (each once), at the threshold it goes on the
 * agenda and the proposer is told; the council meets, signs in, votes under its rules (one household one
 * vote) and decides with a funding split; follow-up milestones give the progress; a decision without a
 * quorum, a vote by a non-member, by an absent member or a household's second vote are refused and
 * nothing is written.
 */
describe.each(DIALECTS)('councils on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let otherStaff: Client;
  let her: Client;
  let households: string[];
  let councilId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_council', role: 'community_staff', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'szs_council', role: 'community_staff', orgCode: CODES.shanZiShi });
    staff = await t.login('ymt_council');
    otherStaff = await t.login('szs_council');
    const ymt = await t.org(CODES.yingMenTan);
    households = [];
    const first = await registerResident(
      staff,
      { orgId: ymt.id, address: '营门滩路 40 号 1 单元 101' },
      { name: '王秀兰', idNumber: HER_ID, phone: HER_PHONE },
    );
    households.push(first.householdId);
    for (let i = 2; i <= 4; i++) {
      const h = await registerResident(
        staff,
        { orgId: ymt.id, address: `营门滩路 40 号 1 单元 ${i}01` },
        { name: `住户${i}`, idNumber: idNumberFor('1970-01-0' + i, 300 + i) },
      );
      households.push(h.householdId);
    }
    her = await signInBySms(t, HER_PHONE);
    const bound = await her.post('/api/v1/my/binding', { name: '王秀兰', idNumber: HER_ID });
    expect(bound.json()).toMatchObject({ isBound: true });
    const made = await staff.post('/api/v1/councils', {
      orgId: ymt.id,
      name: '营门滩社区居民议事会',
      voteBasis: 'household',
      quorum: 'half',
      majority: 'half',
      supportThreshold: 3,
      supportDays: 30,
    });
    expect(made.statusCode, made.body).toBe(201);
    councilId = (made.json() as { id: string }).id;
  }, 120_000);
  afterAll(() => t.close());

  it('puts a resident’s topic on the agenda when enough households support it, each once, and tells her', async () => {
    const proposed = await her.post('/api/v1/my/council-topics', {
      councilId,
      title: '老旧小区引入物业',
      body: '小区没有物业，垃圾没人清运，希望引入物业公司',
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const topic = proposed.json() as Topic;
    expect(topic).toMatchObject({ status: 'open', supporters: 1 });
    // supporting again from the phone, and her household on the paper petition, count once
    expect(((await her.post(`/api/v1/my/council-topics/${topic.id}/support`)).json() as Topic).supporters).toBe(1);
    const paper = await staff.post(`/api/v1/council-topics/${topic.id}/supports`, {
      householdIds: [households[0], households[1]],
    });
    expect(paper.json()).toMatchObject({ supporters: 2, status: 'open' });
    const bellBefore = (await her.get('/api/v1/messages/mine')).json() as { items: { kind: string }[] };
    expect(bellBefore.items.some((m) => m.kind === 'council.topic_agenda')).toBe(false);
    const third = await staff.post(`/api/v1/council-topics/${topic.id}/supports`, { householdIds: [households[2]] });
    expect(third.json()).toMatchObject({ supporters: 3, status: 'agenda' });
    await staff.post(`/api/v1/council-topics/${topic.id}/supports`, { householdIds: [households[3]] });
    const bell = (await her.get('/api/v1/messages/mine')).json() as { items: { kind: string; title: string }[] };
    const told = bell.items.filter((m) => m.kind === 'council.topic_agenda');
    expect(told).toHaveLength(1);
    expect(told[0]!.title).toContain('老旧小区引入物业');
    const mine = (await her.get('/api/v1/my/council-topics')).json() as {
      items: (Topic & { isSupportedByMe: boolean })[];
    };
    expect(mine.items.find((i) => i.id === topic.id)).toMatchObject({ supporters: 4, isSupportedByMe: true });
  });

  it('keeps the council out of reach of another community (404)', async () => {
    const res = await otherStaff.get(`/api/v1/councils/${councilId}`);
    expect(res.statusCode).toBe(404);
    expectErrorBody(res);
  });

  it('meets, votes one household one vote, decides by the rules with a funding split, and follows up', async () => {
    const topics = (await staff.get(`/api/v1/councils/${councilId}/topics`)).json() as {
      items: (Topic & { title: string })[];
    };
    const topic = topics.items.find((i) => i.title === '老旧小区引入物业')!;
    const addMember = async (body: Record<string, unknown>) => {
      const res = await staff.post(`/api/v1/councils/${councilId}/members`, body);
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { id: string }).id;
    };
    const rep1 = await addMember({ kind: 'resident_rep', name: '王秀兰', householdId: households[0] });
    const rep1b = await addMember({ kind: 'resident_rep', name: '王秀兰之子', householdId: households[0] });
    const rep2 = await addMember({ kind: 'resident_rep', name: '住户2', householdId: households[1] });
    const rep3 = await addMember({ kind: 'resident_rep', name: '住户3', householdId: households[2] });
    const company = await addMember({ kind: 'property_company', name: '张经理', organization: '安宁物业公司' });

    const called = await staff.post(`/api/v1/councils/${councilId}/meetings`, {
      title: '关于引入物业的议事会',
      place: '社区议事厅',
      startsAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
      agenda: [{ topicId: topic.id, ballot: 'open' }],
    });
    expect(called.statusCode, called.body).toBe(201);
    const { id: meetingId, told } = called.json() as { id: string; told: number };
    expect(told).toBe(1); // the bound account of household 1 (its two representatives share it)

    const early = await staff.post(`/api/v1/council-meetings/${meetingId}/votes`, {
      topicId: topic.id,
      memberId: rep1,
      choice: 'yes',
    });
    expect(early.statusCode).toBe(400);
    expect(fieldOf(early.body)).toMatchObject({ field: 'memberId', code: 'not_present' });

    const signed = await staff.post(`/api/v1/council-meetings/${meetingId}/attendance`, {
      entries: [
        { memberId: rep1, status: 'present' },
        { memberId: rep1b, status: 'present' },
        { memberId: rep2, status: 'proxy', proxyName: '住户2之女' },
        { memberId: rep3, status: 'absent' },
        { memberId: company, status: 'present' },
      ],
    });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json()).toMatchObject({ eligible: 3, present: 2 });
    // council attendance earns points by the community's rule (5), once per meeting: signing in again changes nothing
    const signedAgain = await staff.post(`/api/v1/council-meetings/${meetingId}/attendance`, {
      entries: [{ memberId: rep1, status: 'present' }],
    });
    expect(signedAgain.statusCode, signedAgain.body).toBe(200);
    const points = (await her.get('/api/v1/my/points')).json() as {
      balance: number;
      statement: { movements: { amount: number; reason: string; source: { kind: string; id: string } }[] };
    };
    expect(points.balance).toBe(5);
    expect(points.statement.movements).toHaveLength(1);
    expect(points.statement.movements[0]).toMatchObject({ amount: 5, reason: '参加议事会：关于引入物业的议事会' });
    expect(points.statement.movements[0]!.source.id.startsWith(meetingId)).toBe(true);
    // the proxy's member and the absent one earned nothing: hers is the only award of the meeting
    const awards = await t.deps.db
      .selectFrom('points_journals')
      .select('source_id')
      .where('source_kind', '=', 'council_meeting')
      .execute();
    expect(awards).toHaveLength(1);

    const vote = (memberId: string, choice = 'yes') =>
      staff.post(`/api/v1/council-meetings/${meetingId}/votes`, { topicId: topic.id, memberId, choice });
    expect((await vote(rep1)).statusCode).toBe(200);
    const twice = await vote(rep1b, 'no');
    expect(twice.statusCode).toBe(409);
    expectErrorBody(twice);
    expect(fieldOf(twice.body)).toMatchObject({ field: 'memberId' });
    const noVote = await vote(company);
    expect(fieldOf(noVote.body)).toMatchObject({ field: 'memberId', code: 'no_vote' });
    const stranger = await vote('0190a0b4-8a8b-7c8d-9e0f-123456789abc');
    expect(stranger.statusCode).toBe(400);
    expect(fieldOf(stranger.body)).toMatchObject({ field: 'memberId', code: 'not_member' });
    const absent = await vote(rep3);
    expect(fieldOf(absent.body)).toMatchObject({ field: 'memberId', code: 'not_present' });

    // one yes of two present is not more than half: the rules say rejected so far
    const before = (await staff.get(`/api/v1/council-meetings/${meetingId}`)).json() as Meeting;
    expect(before.agenda[0]).toMatchObject({ tally: { yes: 1 }, hasQuorum: true, result: 'rejected' });
    const fundingOnRejected = await staff.post(`/api/v1/council-meetings/${meetingId}/decisions`, {
      topicId: topic.id,
      resolution: '引入物业',
      funding: { ownersFen: 100, subsidyFen: 100, companyFen: 100 },
    });
    expect(fieldOf(fundingOnRejected.body)).toMatchObject({ field: 'funding', code: 'not_adopted' });

    expect((await vote(rep2)).statusCode).toBe(200);
    const fractional = await staff.post(`/api/v1/council-meetings/${meetingId}/decisions`, {
      topicId: topic.id,
      resolution: '引入物业',
      funding: { ownersFen: 100.5, subsidyFen: 100, companyFen: 100 },
    });
    expect(fractional.statusCode).toBe(400);
    expect(fieldOf(fractional.body)!.field).toBe('funding.ownersFen');

    const decided = await staff.post(`/api/v1/council-meetings/${meetingId}/decisions`, {
      topicId: topic.id,
      resolution: '引入物业公司，按业主自筹、政府补贴、物业公司调配分担首年费用',
      funding: { ownersFen: 6_000_000, subsidyFen: 3_000_000, companyFen: 1_000_000 },
    });
    expect(decided.statusCode, decided.body).toBe(201);
    const decision = decided.json() as {
      id: string;
      result: string;
      yes: number;
      present: number;
      eligible: number;
      funding: unknown;
    };
    expect(decision).toMatchObject({
      result: 'adopted',
      yes: 2,
      present: 2,
      eligible: 3,
      funding: { ownersFen: 6_000_000, subsidyFen: 3_000_000, companyFen: 1_000_000 },
    });
    const again = await staff.post(`/api/v1/council-meetings/${meetingId}/decisions`, {
      topicId: topic.id,
      resolution: '再决定一次',
    });
    expect(again.statusCode).toBe(409);
    const bell = (await her.get('/api/v1/messages/mine')).json() as { items: { kind: string; title: string }[] };
    expect(bell.items.find((m) => m.kind === 'council.topic_decided')?.title).toContain('通过');

    const m1 = await staff.post(`/api/v1/council-decisions/${decision.id}/milestones`, {
      title: '选聘物业公司',
      ownerName: '社区居委会',
      dueDate: '2027-01-31',
    });
    expect(m1.statusCode, m1.body).toBe(201);
    const m2 = await staff.post(`/api/v1/council-decisions/${decision.id}/milestones`, {
      title: '物业进场',
      ownerName: '安宁物业公司',
      dueDate: '2027-03-01',
    });
    const withTwo = m2.json() as { progress: number; milestones: { id: string }[] };
    expect(withTwo.progress).toBe(0);
    const done = await staff.post(`/api/v1/council-milestones/${withTwo.milestones[0]!.id}/done`, { isDone: true });
    expect(done.json()).toMatchObject({ progress: 50 });

    const month = currentMonth(t.clock.now());
    const ymt = await t.org(CODES.yingMenTan);
    expect(await councilMeetingsHeld(t.deps.db, ymt.path, month)).toBe(0);
    const held = await staff.post(`/api/v1/council-meetings/${meetingId}/minutes`, {
      minutes: '到会 2 户，表决通过引入物业。',
    });
    expect(held.json()).toMatchObject({ status: 'held' });
    expect(await councilMeetingsHeld(t.deps.db, ymt.path, month)).toBe(1);
  });

  it('decides nothing without a quorum, and writes nothing', async () => {
    const staffTopic = await staff.post(`/api/v1/councils/${councilId}/topics`, {
      title: '增设充电桩',
      body: '电动车充电难',
    });
    const topicId = (staffTopic.json() as Topic).id;
    const called = await staff.post(`/api/v1/councils/${councilId}/meetings`, {
      title: '充电桩议事',
      place: '社区议事厅',
      startsAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
      agenda: [{ topicId, ballot: 'secret' }],
    });
    const meetingId = (called.json() as { id: string }).id;
    const detail = (await staff.get(`/api/v1/council-meetings/${meetingId}`)).json() as Meeting & {
      members: { id: string; householdId: string | null }[];
    };
    const rep = detail.members.find((m) => m.householdId === households[0])!;
    await staff.post(`/api/v1/council-meetings/${meetingId}/attendance`, {
      entries: [{ memberId: rep.id, status: 'present' }],
    });
    const tooMany = await staff.post(`/api/v1/council-meetings/${meetingId}/totals`, {
      topicId,
      yes: 2,
      no: 0,
      abstain: 0,
    });
    expect(fieldOf(tooMany.body)).toMatchObject({ field: 'yes', code: 'too_many_ballots' });
    await staff.post(`/api/v1/council-meetings/${meetingId}/totals`, { topicId, yes: 1, no: 0, abstain: 0 });
    const res = await staff.post(`/api/v1/council-meetings/${meetingId}/decisions`, {
      topicId,
      resolution: '增设充电桩',
    });
    expect(res.statusCode).toBe(400);
    expectErrorBody(res);
    expect(fieldOf(res.body)).toMatchObject({ field: 'topicId', code: 'no_quorum' });
    const decisions = await t.deps.db
      .selectFrom('council_decisions')
      .select('id')
      .where('topic_id', '=', topicId)
      .execute();
    expect(decisions).toHaveLength(0);
  });
  it('takes back attendance points when a sign-in is corrected to absent, and gives them again once on present', async () => {
    const staffTopic = await staff.post(`/api/v1/councils/${councilId}/topics`, { title: '楼道照明', body: '灯坏了' });
    const called = await staff.post(`/api/v1/councils/${councilId}/meetings`, {
      title: '楼道照明议事',
      place: '社区议事厅',
      startsAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
      agenda: [{ topicId: (staffTopic.json() as Topic).id, ballot: 'open' }],
    });
    const meetingId = (called.json() as { id: string }).id;
    const detail = (await staff.get(`/api/v1/council-meetings/${meetingId}`)).json() as Meeting & {
      members: { id: string; name: string }[];
    };
    const rep = detail.members.find((m) => m.name === '王秀兰')!;
    const balance = async () => ((await her.get('/api/v1/my/points')).json() as { balance: number }).balance;
    const signIn = async (status: 'present' | 'absent' | 'proxy') => {
      const res = await staff.post(`/api/v1/council-meetings/${meetingId}/attendance`, {
        entries: [{ memberId: rep.id, status, ...(status === 'proxy' ? { proxyName: '王秀兰之女' } : {}) }],
      });
      expect(res.statusCode, res.body).toBe(200);
      return balance();
    };
    const ymt = await t.org(CODES.yingMenTan);
    const earned = async () =>
      (await staff.get(`/api/v1/insights/${ymt.id}/services`)).json<{
        figures: { volunteering: { pointsEarned: number } };
      }>().figures.volunteering.pointsEarned;
    const start = await balance();
    const earnedBefore = await earned();
    expect(await signIn('present')).toBe(start + 5);
    expect(await signIn('absent')).toBe(start);
    expect(await signIn('absent')).toBe(start);
    expect(await signIn('present')).toBe(start + 5);
    expect(await signIn('present')).toBe(start + 5);
    expect(await signIn('proxy')).toBe(start);
    expect(await signIn('present')).toBe(start + 5);
    // the 公共服务 panel counts what she holds: an award taken back was never earned
    expect(await earned()).toBe(earnedBefore + 5);

    // each flip is one journal through the ledger, with the sign-in as its source: 3 awards, 2 withdrawals
    const journals = await t.deps.db
      .selectFrom('points_journals')
      .select(['kind', 'source_id', 'reverses_id', 'id'])
      .where('source_kind', '=', 'council_meeting')
      .where('source_id', 'like', `${meetingId}:%`)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    expect(journals.map((j) => j.kind).sort()).toEqual(['award', 'award', 'award', 'withdraw', 'withdraw']);
    for (const w of journals.filter((j) => j.kind === 'withdraw')) {
      expect(journals.find((j) => j.id === w.reverses_id)).toMatchObject({ kind: 'award', source_id: w.source_id });
    }
    const statement = (await her.get('/api/v1/my/points')).json() as {
      statement: { movements: { kind: string; amount: number; reason: string }[] };
    };
    expect(statement.statement.movements.filter((m) => m.kind === 'withdraw')).toEqual([
      expect.objectContaining({ amount: -5, reason: '议事会签到更正为未出席：楼道照明议事' }),
      expect.objectContaining({ amount: -5, reason: '议事会签到更正为未出席：楼道照明议事' }),
    ]);

    // two staff correct the same sign-in at the same moment: never a 500 (a lost race is a 409, nothing
    // written), and her balance follows the sign-in exactly once
    for (const [status, expected] of [
      ['absent', start],
      ['present', start + 5],
    ] as const) {
      const both = await Promise.all(
        [0, 1].map(() =>
          staff.post(`/api/v1/council-meetings/${meetingId}/attendance`, {
            entries: [{ memberId: rep.id, status }],
          }),
        ),
      );
      for (const r of both) expect([200, 409], r.body).toContain(r.statusCode);
      expect(both.some((r) => r.statusCode === 200)).toBe(true);
      expect(await balance()).toBe(expected);
    }
  });
});
