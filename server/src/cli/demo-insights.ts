import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { rebuildRollups } from '../modules/insights/rollups.ts';
import type { TemplateInput } from '../modules/reports/schema.ts';
import { createTemplate } from '../modules/reports/templates.ts';
import { answerTask, sendTask } from '../modules/tasks/service.ts';
import { seedDemoTasks } from './demo-tasks.ts';
import { insertAccount } from '../modules/users/service.ts';
import type { RoleId } from '../platform/access/roles.ts';
import type { Actor } from '../platform/access/scope.ts';
import type { AppDeps } from '../platform/deps.ts';
import { DEMO_PASSWORD } from './demo.ts';

const SYSTEM = { actorId: null, actorName: 'demo', ip: null, userAgent: null };

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

/** The demo's shared templates: the civil-affairs form, a community overview, and a roster. */
export const DEMO_TEMPLATES: TemplateInput[] = [
  {
    name: '独居老人分社区统计',
    title: '独居老人分社区统计表',
    rowKind: 'units',
    rowLevel: 'community',
    headerGroups: [{ label: '独居老人', from: 'alone', to: 'alone_female' }],
    columns: [
      { key: 'residents', label: '常住居民（人）', metric: 'residents.count' },
      { key: 'elderly', label: '60岁以上（人）', metric: 'residents.count', filter: { ageMin: 60 } },
      { key: 'alone', label: '合计（人）', metric: 'residents.count', filter: { careTag: 'living_alone' } },
      {
        key: 'alone_80',
        label: '其中80岁以上',
        metric: 'residents.count',
        filter: { careTag: 'living_alone', ageMin: 80 },
      },
      {
        key: 'alone_female',
        label: '其中女性',
        metric: 'residents.count',
        filter: { careTag: 'living_alone', gender: 'female' },
      },
      { key: 'alone_share', label: '独居占老年人比例', derived: { op: 'percent', args: ['alone', 'elderly'] } },
    ],
  },
  {
    name: '社区基本情况月报',
    title: '社区基本情况月报表',
    rowKind: 'units',
    rowLevel: 'community',
    headerGroups: [
      { label: '人口与住户', from: 'residents', to: 'tagged' },
      { label: '诉求办理（本月）', from: 'received', to: 'satisfaction' },
    ],
    columns: [
      { key: 'residents', label: '居民（人）', metric: 'residents.count' },
      { key: 'households', label: '住户（户）', metric: 'households.count' },
      { key: 'tagged', label: '关爱对象（人）', metric: 'residents.careTagged' },
      { key: 'received', label: '受理（件）', metric: 'cases.received' },
      { key: 'resolved', label: '办结（件）', metric: 'cases.resolved' },
      { key: 'response', label: '响应率', metric: 'cases.responseRate' },
      { key: 'satisfaction', label: '满意率', metric: 'cases.satisfactionRate' },
      { key: 'coverage', label: '走访覆盖率', metric: 'visits.coverage' },
    ],
  },
  {
    name: '高龄老人名单',
    title: '80岁以上高龄老人名单',
    rowKind: 'roster',
    filter: { ageMin: 80 },
    fields: ['name', 'gender', 'age', 'address', 'orgName', 'careTags', 'phone'],
  },
];

/**
 * Demo data for 一表通 and 准入: the shared templates, a clerk of 安宁区民政局 (anning_mzj) who sends
 * "独居老人分社区统计" to 安宁区's communities under duty item YL-002 (admitted, and answered by
 * 营门滩社区 with a generated report), and a signboard task naming no duty item (refused). Then the
 * counters are rebuilt so the dashboard matches the seeded ledger and cases. Runs once.
 */
export async function seedDemoInsights(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const marker = await deps.db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'demo_insights_seeded')
    .executeTakeFirst();
  if (marker !== undefined) return seedDemoTasks(deps, log);
  const county = await deps.db.selectFrom('org_units').selectAll().where('code', '=', '620105').executeTakeFirst();
  const civil =
    county === undefined
      ? undefined
      : await deps.db
          .selectFrom('org_units')
          .selectAll()
          .where('parent_id', '=', county.id)
          .where('department_kind', '=', 'civil_affairs')
          .executeTakeFirst();
  const admin = await actorOf(deps.db, 'admin');
  const owner: Actor = admin ?? {
    userId: 'demo',
    username: 'demo',
    displayName: '演示数据',
    assignments: [],
    via: 'cli',
    ip: null,
    userAgent: null,
  };
  const templateIds: string[] = [];
  for (const t of DEMO_TEMPLATES) {
    const exists = await deps.db
      .selectFrom('report_templates')
      .select('id')
      .where('name', '=', t.name)
      .executeTakeFirst();
    templateIds.push(exists?.id ?? (await createTemplate(deps, owner, t)).id);
  }
  await rebuildRollups(deps.db, deps.database.sqlite, null);
  let tasks = 0;
  if (civil !== undefined && county !== undefined) {
    if ((await actorOf(deps.db, 'anning_mzj')) === null) {
      await deps.db.transaction().execute((trx) =>
        insertAccount(trx, deps, SYSTEM, {
          username: 'anning_mzj',
          displayName: '安宁区民政局工作人员',
          password: DEMO_PASSWORD,
          homeOrg: civil,
          roles: [{ role: 'department', org: civil }],
          mustChangePassword: false,
        }),
      );
    }
    const clerk = (await actorOf(deps.db, 'anning_mzj'))!;
    const communities = await deps.db
      .selectFrom('org_units')
      .select(['id', 'code'])
      .where('level', '=', 'community')
      .where('path', '>=', county.path)
      .where('path', '<', `${county.path.slice(0, -1)}0`)
      .where('code', 'in', ['620105006010', '620105006001', '620105006002'])
      .execute();
    if (communities.length > 0) {
      const report = await sendTask(deps, clerk, {
        title: '报送辖区独居老人情况',
        kind: 'report',
        dutyItemCode: 'YL-002',
        targetOrgIds: communities.map((c) => c.id),
        templateId: templateIds[0]!,
        description: '请各社区报送独居老人分布情况，用于冬季探访关爱安排。',
      });
      await sendTask(deps, clerk, {
        title: '各社区悬挂“民政服务站”标牌',
        kind: 'signboard',
        targetOrgIds: communities.map((c) => c.id),
        description: '请于月底前制作并悬挂标牌，拍照上报。',
      });
      tasks = 2;
      const yingmentan = communities.find((c) => c.code === '620105006010');
      const secretary = await actorOf(deps.db, 'yingmentan_sj');
      if (yingmentan !== undefined && secretary !== null) await answerTask(deps, secretary, report.id, yingmentan.id);
    }
  }
  await deps.db.insertInto('counters').values({ name: 'demo_insights_seeded', value: 1 }).execute();
  log(
    `demo insights: ${DEMO_TEMPLATES.length} report templates, ${tasks} tasks from 安宁区民政局 (anning_mzj: one admitted and answered, one refused); counters rebuilt`,
  );
  await seedDemoTasks(deps, log);
}

/**
 * The last step of loading the demo: the counters recounted from the raw tables, so the dashboards and
 * 一表通 show the figures of every service the demo filled in (rooms, canteen, points, councils, funds,
 * notices — some of them written straight into their tables, not through the services' writes).
 */
export async function countDemoFigures(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const result = await rebuildRollups(deps.db, deps.database.sqlite, null);
  const services = Object.values(result.services).reduce((a, n) => a + n, 0);
  log(`demo figures counted: ${result.counters} counters, ${services} service rows`);
}
