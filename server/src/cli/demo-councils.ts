import type { Actor } from '../platform/access/scope.ts';
import type { AppDeps } from '../platform/deps.ts';
import { addMember, createCouncil } from '../modules/councils/councils.ts';
import { addMilestone, decideTopic, setMilestoneDone } from '../modules/councils/decisions.ts';
import { castVote, createMeeting, holdMeeting, recordAttendance } from '../modules/councils/meetings.ts';
import { proposeTopicAsStaff, recordSupportByStaff } from '../modules/councils/topics.ts';

const WUJIAYUAN = '620103003004';
const DAY_MS = 86_400_000;

/**
 * Demo data for 议事 (issue 15): 吴家园社区's residents' council (one household one vote, more than
 * half present, more than half of those present to adopt, 20 households to reach the agenda) with
 * residents' representatives, the property company, an alliance unit, a 大党委 member and the
 * secretary; one topic — 吴家园西街 3 号院引入物业 — supported by 22 households, met on, voted and
 * decided with its funding split (业主自筹 + 政府补贴 + 物业公司调配), and its follow-up under way.
 * Written through the module's own services, as the secretary. Runs once.
 */
export async function seedDemoCouncils(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const marker = await deps.db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'demo_councils_seeded')
    .executeTakeFirst();
  if (marker !== undefined) return;
  const community = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path', 'name'])
    .where('code', '=', WUJIAYUAN)
    .executeTakeFirst();
  const secretary = await deps.db
    .selectFrom('users')
    .select(['id', 'username', 'display_name'])
    .where('username', '=', 'wujiayuan_sj')
    .executeTakeFirst();
  if (community === undefined || secretary === undefined) return;
  const households = await deps.db
    .selectFrom('households')
    .select(['id', 'address'])
    .where('org_path', '>=', community.path)
    .where('org_path', '<', `${community.path.slice(0, -1)}0`)
    .orderBy('address')
    .limit(30)
    .execute();
  if (households.length < 26) return;
  const actor: Actor = {
    userId: secretary.id,
    username: secretary.username,
    displayName: secretary.display_name,
    assignments: [{ role: 'community_secretary', orgId: community.id, orgPath: community.path }],
    via: 'cli',
    ip: null,
    userAgent: null,
  };
  const council = await createCouncil(deps, actor, {
    orgId: community.id,
    name: '吴家园社区居民议事会',
    voteBasis: 'household',
    quorum: 'half',
    majority: 'half',
    supportThreshold: 20,
    supportDays: 30,
  });
  const reps = [];
  for (const h of households.slice(0, 5)) {
    reps.push(
      await addMember(deps, actor, council.id, {
        kind: 'resident_rep',
        name: `居民代表（${h.address.slice(-8)}）`,
        householdId: h.id,
      }),
    );
  }
  await addMember(deps, actor, council.id, {
    kind: 'property_company',
    name: '张经理',
    organization: '兰州安居物业服务有限公司',
  });
  await addMember(deps, actor, council.id, { kind: 'alliance_unit', name: '李主任', organization: '七里河区住建局' });
  await addMember(deps, actor, council.id, {
    kind: 'party_committee',
    name: '王委员',
    organization: '建兰路街道大党委',
  });
  await addMember(deps, actor, council.id, { kind: 'staff', name: secretary.display_name, userId: secretary.id });

  const topic = await proposeTopicAsStaff(deps, actor, council.id, {
    title: '吴家园西街 3 号院引入物业',
    body: '3 号院是"三无"老旧小区，没有物业，垃圾清运、楼道照明和下水疏通没人管，居民希望引入物业公司。',
  });
  await recordSupportByStaff(
    deps,
    actor,
    topic.id,
    households.slice(0, 22).map((h) => h.id),
  );
  const startsAt = new Date(deps.clock.now().getTime() - 7 * DAY_MS + 60_000).toISOString();
  const meeting = await createMeeting(deps, actor, council.id, {
    title: '3 号院引入物业议事会',
    place: '吴家园社区议事厅',
    startsAt,
    agenda: [{ topicId: topic.id, ballot: 'open' }],
  });
  await recordAttendance(deps, actor, meeting.id, {
    entries: reps.map((r, i) => ({
      memberId: r.id,
      status: i === 4 ? 'absent' : i === 3 ? 'proxy' : 'present',
      ...(i === 3 ? { proxyName: '代表之子' } : {}),
    })),
  });
  for (const [i, r] of reps.slice(0, 4).entries()) {
    await castVote(deps, actor, meeting.id, { topicId: topic.id, memberId: r.id, choice: i === 2 ? 'abstain' : 'yes' });
  }
  const decision = await decideTopic(deps, actor, meeting.id, {
    topicId: topic.id,
    resolution: '引入兰州安居物业，首年费用 10 万元：业主自筹 6 万元、政府补贴 3 万元、物业公司调配 1 万元。',
    funding: { ownersFen: 6_000_000, subsidyFen: 3_000_000, companyFen: 1_000_000 },
  });
  await holdMeeting(
    deps,
    actor,
    meeting.id,
    '应到 5 户，实到 4 户（含委托 1 户）；同意 3 户、弃权 1 户，按"一户一票、出席过半数同意"通过。',
  );
  const withFirst = await addMilestone(deps, actor, decision.id, {
    title: '召开业主大会，确认物业服务合同',
    ownerName: '吴家园社区居委会',
    dueDate: '2026-12-15',
  });
  await addMilestone(deps, actor, decision.id, {
    title: '业主自筹资金收缴到位',
    ownerName: '3 号院居民代表',
    dueDate: '2027-01-15',
  });
  await addMilestone(deps, actor, decision.id, {
    title: '物业公司进场服务',
    ownerName: '兰州安居物业服务有限公司',
    dueDate: '2027-02-01',
  });
  await setMilestoneDone(deps, actor, withFirst.milestones[0]!.id, true);
  await deps.db.insertInto('counters').values({ name: 'demo_councils_seeded', value: 1 }).execute();
  log(`demo councils: ${community.name} 居民议事会, one topic decided with its funding split and follow-up`);
}
