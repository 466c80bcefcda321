import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { sweepDeadlines } from '../modules/cases/deadlines.ts';
import { submitCase } from '../modules/cases/intake.ts';
import { acceptCase, rateCase, rejectCase, resolveCase, startCase } from '../modules/cases/workflow.ts';
import { DEPARTMENT_KINDS } from '../modules/duties/default-items.ts';
import { listPublicDutyItems } from '../modules/duties/service.ts';
import { ensureDepartments } from '../modules/orgs/departments.ts';
import { insertAccount } from '../modules/users/service.ts';
import type { RoleId } from '../platform/access/roles.ts';
import type { Actor } from '../platform/access/scope.ts';
import { currentMonth, monthRange } from '../platform/calendar.ts';
import { HOUR, MINUTE, ManualClock } from '../platform/clock.ts';
import type { AppDeps } from '../platform/deps.ts';
import { DEMO_COMMUNITIES, DEMO_PASSWORD } from './demo.ts';

const SYSTEM = { actorId: null, actorName: 'demo', ip: null, userAgent: null };
const DEMO_COUNTIES = ['620102', '620103', '620105', '620122'];
const CASES_PER_COMMUNITY = 24;

const DESCRIPTIONS: Record<string, string[]> = {
  'LL-002': ['楼上每天夜里十一点后还在拖动家具', '隔壁装修周末一早就开始电钻'],
  'AQ-001': ['三单元楼道堆满纸箱，消防通道被堵', '有人把电动车推进楼道充电'],
  'HJ-002': ['楼院垃圾点好几天没人清理，气味很大', '绿化带里有人乱扔建筑垃圾'],
  'YL-002': ['楼下独居的王奶奶好几天没出门了，请社区去看看', '家里老人独居，希望社区定期探访'],
  'LL-001': ['和邻居因为公共晾衣区域发生争执，希望调解', '楼上漏水到我家，协商不成'],
  'ZM-001': ['需要开具居住情况证明，请问要带什么材料', '想办理困难证明，不知道去哪里'],
  'SZ-001': ['小区门口路灯坏了一个多星期', '巷子里路灯晚上不亮，老人走路不安全'],
  'JZ-001': ['家里收入很低，想咨询低保怎么申请', '爱人生病后家庭困难，能否申请低保'],
};

/** A small deterministic random source, so the demo looks the same on every machine. */
function seeded(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

async function actorOf(db: Kysely<DB>, username: string): Promise<Actor | null> {
  const user = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  if (user === undefined) return null;
  const assignments = await db.selectFrom('role_assignments').selectAll().where('user_id', '=', user.id).execute();
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    assignments: assignments.map((a) => ({ role: a.role as RoleId, orgId: a.org_id, orgPath: a.org_path })),
    via: 'cli',
    ip: null,
    userAgent: null,
  };
}

/**
 * Demo data for cases: the usual departments under each demo district (安宁区教育局 …), a resident
 * and a department clerk to sign in as, and three months of cases in every demo community — most
 * rated, some rejected, some still open or overdue — so that queues and the three rates show
 * something real. Runs once; this month's cases (seedDemoMonth) once a month.
 */
export async function seedDemoCases(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const marker = await deps.db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'demo_cases_seeded')
    .executeTakeFirst();
  if (marker !== undefined) {
    await seedDemoMonth(deps, log);
    return;
  }
  const departments = Object.entries(DEPARTMENT_KINDS).map(([kind, n]) => ({ kind, name: n.zh }));
  for (const code of DEMO_COUNTIES) {
    const county = await deps.db.selectFrom('org_units').selectAll().where('code', '=', code).executeTakeFirst();
    if (county !== undefined) await ensureDepartments(deps, SYSTEM, county, departments);
  }
  const unit = (where: { code?: string; kind?: string; parentCode?: string }) =>
    where.code !== undefined
      ? deps.db.selectFrom('org_units').selectAll().where('code', '=', where.code).executeTakeFirst()
      : deps.db
          .selectFrom('org_units')
          .selectAll()
          .where('department_kind', '=', where.kind!)
          .where('parent_id', 'in', deps.db.selectFrom('org_units').select('id').where('code', '=', where.parentCode!))
          .executeTakeFirst();
  const accounts: { username: string; displayName: string; role: RoleId; org: Awaited<ReturnType<typeof unit>> }[] = [
    {
      username: 'anning_jyj',
      displayName: '安宁区教育局工作人员',
      role: 'department',
      org: await unit({ kind: 'education', parentCode: '620105' }),
    },
    { username: 'anning', displayName: '安宁区工作人员', role: 'district', org: await unit({ code: '620105' }) },
  ];
  for (const c of DEMO_COMMUNITIES) {
    accounts.push({
      username: `${c.slug}_jm`,
      displayName: `${c.name}居民`,
      role: 'resident',
      org: await unit({ code: c.code }),
    });
  }
  await deps.db.transaction().execute(async (trx) => {
    for (const a of accounts) {
      if (a.org === undefined) continue;
      const exists = await trx.selectFrom('users').select('id').where('username', '=', a.username).executeTakeFirst();
      if (exists !== undefined) continue;
      await insertAccount(trx, deps, SYSTEM, {
        username: a.username,
        displayName: a.displayName,
        password: DEMO_PASSWORD,
        homeOrg: a.org,
        roles: [{ role: a.role, org: a.org }],
        mustChangePassword: false,
      });
    }
  });

  const items = (await listPublicDutyItems(deps.db)).filter((i) => DESCRIPTIONS[i.code] !== undefined);
  const random = seeded(20_261_128);
  const realNow = deps.clock.now().getTime();
  const clock = new ManualClock();
  const past: AppDeps = { ...deps, clock };
  let count = 0;
  for (const c of DEMO_COMMUNITIES) {
    const staff = await actorOf(deps.db, `${c.slug}_sj`);
    const resident = await actorOf(deps.db, `${c.slug}_jm`);
    if (staff === null || resident === null || items.length === 0) continue;
    const [x1, y1, x2, y2] = c.box;
    for (let i = 0; i < CASES_PER_COMMUNITY; i++) {
      const item = items[Math.floor(random() * items.length)]!;
      const texts = DESCRIPTIONS[item.code]!;
      const start = realNow - (3 + random() * 87) * 24 * HOUR;
      clock.set(new Date(start));
      const outcome = await submitCase(
        past,
        {
          channel: i % 3 === 0 ? 'phone' : 'resident_app',
          dutyCode: item.code,
          description: texts[Math.floor(random() * texts.length)]!,
          priority: random() < 0.1 ? 'urgent' : 'normal',
          lng: x1 + (x2 - x1) * (0.1 + 0.8 * random()),
          lat: y1 + (y2 - y1) * (0.1 + 0.8 * random()),
          isAnonymous: false,
          photos: [],
          force: true,
        },
        { actor: resident, permission: 'case.report' },
      );
      if (outcome.kind !== 'created') continue;
      count += 1;
      await playCase(deps, { clock, caseId: outcome.caseId, start, staff, resident, random });
    }
  }
  await seedDemoMonth(deps, log);
  await sweepDeadlines(deps);
  await deps.db.insertInto('counters').values({ name: 'demo_cases_seeded', value: 1 }).execute();
  log(
    `demo cases: departments under 4 districts, ${count} cases over the last three months; residents <slug>_jm, 安宁区教育局 anning_jyj`,
  );
}

/**
 * What happens to a demo case after it came in, each step later than the one before; a step that would
 * fall after now has not happened yet: some wait to be accepted, some are rejected, accepted, resolved,
 * and most resolved ones rated.
 */
async function playCase(
  deps: AppDeps,
  options: { clock: ManualClock; caseId: string; start: number; staff: Actor; resident: Actor; random: () => number },
): Promise<void> {
  const { clock, caseId, start, staff, resident, random } = options;
  const realNow = deps.clock.now().getTime();
  const past: AppDeps = { ...deps, clock };
  const handler = await actorFor(deps, caseId, staff);
  if (handler === null) return;
  const fate = random();
  const version = async () =>
    (await deps.db.selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirstOrThrow()).version;
  const hasHappened = () => clock.now().getTime() <= realNow - MINUTE;
  if (fate < 0.08) return; // still waiting to be accepted
  clock.set(new Date(start + (0.5 + random() * (fate < 0.2 ? 40 : 10)) * HOUR));
  if (!hasHappened()) return;
  if (fate < 0.15) {
    await rejectCase(past, handler, caseId, { version: await version(), reason: '经核实，该问题已由物业自行处理完毕' });
    return;
  }
  await acceptCase(past, handler, caseId, await version());
  if (fate < 0.25) return; // accepted, in hand
  clock.advance(HOUR);
  if (!hasHappened()) return;
  await startCase(past, handler, caseId, await version());
  clock.advance((4 + random() * 120) * HOUR);
  if (!hasHappened()) return;
  await resolveCase(
    past,
    handler,
    caseId,
    { version: await version(), result: '已安排人员现场处理，并电话告知居民' },
    [],
  );
  if (fate < 0.35) return; // waiting for the resident's rating
  clock.advance((2 + random() * 48) * HOUR);
  if (!hasHappened()) return;
  const rating = fate < 0.45 ? 3 : fate < 0.5 ? 2 : fate < 0.8 ? 5 : 4;
  await rateCase(past, resident, caseId, {
    rating,
    isSolved: rating >= 3,
    comment: rating >= 4 ? '处理及时，谢谢社区' : '还需要继续跟进',
  });
}

/**
 * This month's cases in every demo community, once per Shanghai month (each start of the demo in a new
 * month adds that month's): enough of a few place items that each community's public page names them
 * and maps them (5 or more each), a few under 5 that it folds into "other", and some of items that
 * expose a person (低保, 独居老人探访), which it only counts.
 */
const MONTH_MIX: [code: string, cases: number][] = [
  ['LL-002', 7],
  ['AQ-001', 6],
  ['SZ-001', 5],
  ['ZM-001', 5],
  ['HJ-002', 3],
  ['LL-001', 2],
  ['JZ-001', 2],
  ['YL-002', 1],
];

async function seedDemoMonth(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const now = deps.clock.now();
  const month = currentMonth(now);
  const name = `demo_cases_${month}`;
  const marker = await deps.db.selectFrom('counters').select('value').where('name', '=', name).executeTakeFirst();
  if (marker !== undefined) return;
  const from = Date.parse(monthRange(month).start) + HOUR;
  const to = now.getTime() - 2 * HOUR;
  const clock = new ManualClock();
  const random = seeded(Number(month.replace('-', '')));
  let count = 0;
  for (const c of DEMO_COMMUNITIES) {
    const staff = await actorOf(deps.db, `${c.slug}_sj`);
    const resident = await actorOf(deps.db, `${c.slug}_jm`);
    if (staff === null || resident === null) continue;
    const [x1, y1, x2, y2] = c.box;
    for (const [code, n] of MONTH_MIX) {
      const texts = DESCRIPTIONS[code]!;
      for (let i = 0; i < n; i++) {
        const start = to > from ? from + random() * (to - from) : now.getTime() - HOUR;
        clock.set(new Date(start));
        const outcome = await submitCase(
          { ...deps, clock },
          {
            channel: i % 3 === 0 ? 'phone' : 'resident_app',
            dutyCode: code,
            description: texts[i % texts.length]!,
            priority: 'normal',
            lng: x1 + (x2 - x1) * (0.1 + 0.8 * random()),
            lat: y1 + (y2 - y1) * (0.1 + 0.8 * random()),
            isAnonymous: false,
            photos: [],
            force: true,
          },
          { actor: resident, permission: 'case.report' },
        );
        if (outcome.kind !== 'created') continue;
        count += 1;
        await playCase(deps, { clock, caseId: outcome.caseId, start, staff, resident, random });
      }
    }
  }
  await deps.db.insertInto('counters').values({ name, value: 1 }).execute();
  log(`demo cases: ${count} this month (${month}) in the four communities, for their public pages`);
}

/** The community secretary handles community cases; department cases are left to their department. */
async function actorFor(deps: AppDeps, caseId: string, secretary: Actor): Promise<Actor | null> {
  const c = await deps.db
    .selectFrom('cases')
    .select(['handler_org_id'])
    .where('id', '=', caseId)
    .executeTakeFirstOrThrow();
  return secretary.assignments.some((a) => a.orgId === c.handler_org_id) ? secretary : null;
}
