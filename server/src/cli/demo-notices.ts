import { sendNotice } from '../modules/notices/service.ts';
import type { NoticeBody } from '../modules/notices/schema.ts';
import type { AppDeps } from '../platform/deps.ts';
import { AppError } from '../platform/errors.ts';
import { secretaryOf } from './demo-funds.ts';
import { DEMO_COMMUNITIES } from './demo.ts';

type DemoNotice = Pick<NoticeBody, 'title' | 'body' | 'explainer' | 'audience'>;

/** The demo's notice by role: every 网格员 of the community, in their bell (no household). */
export const DEMO_STAFF_NOTICE = '冬季入户走访安全提示（致全体网格员）';

/**
 * What each demo community sends: to every 低保户 about the new subsidy rule, to every 独居老人's household,
 * and to its 网格员 by role.
 */
const NOTICES: DemoNotice[] = [
  {
    title: '关于调整城乡最低生活保障标准的通知',
    body:
      '根据省、市民政部门关于调整城乡最低生活保障标准的文件精神，自本月起城市低保标准由每人每月 790 元提高到每人每月 830 元，' +
      '农村低保标准相应提高。已纳入低保的家庭无需重新申请，差额部分随当月补助发放；家庭人口、收入或财产发生变化的，' +
      '应在 30 日内主动向社区申报。',
    explainer:
      '说白了：您家每个人每个月多领 40 元，不用跑腿、不用重新申请，钱和这个月的补助一起到卡上。' +
      '家里有人找到工作、添了人口或者卖了房子，一个月内告诉社区就行，不报的话以后可能要退钱。看不明白的，直接在下面问，或者等网格员上门讲。',
    audience: { careTags: ['dibao'] },
  },
  {
    title: '冬季取暖安全和“一键呼叫”服务告知书',
    body:
      '入冬以来，煤炉取暖、电暖器使用增多，一氧化碳中毒和用电火灾风险上升。社区为独居老人家庭免费安装一氧化碳报警器，' +
      '并开通“一键呼叫”服务：老人按下呼叫器，网格员和签约家庭医生将在 30 分钟内响应。',
    explainer:
      '一句话：屋里烧煤炉一定留条窗缝，报警器响了马上开窗出门。社区免费给您家装报警器，不收钱；' +
      '装了“一键呼叫”以后，有事按一下，网格员半小时内到。想装的在下面说一声，或者等网格员上门。',
    audience: { careTags: ['living_alone'] },
  },
  {
    title: DEMO_STAFF_NOTICE,
    body:
      '入冬后入户走访，请重点查看独居老人、高龄老人家中煤炉烟道、窗缝和一氧化碳报警器，发现隐患当场提醒并拍照上报；' +
      '遇老人身体不适，先拨打 120，再报社区。',
    explainer: '走访时多看一眼炉子和窗户，报警器不响的帮着试一下；有隐患就在“上报事件”里拍照报上来。',
    audience: { roles: ['grid_worker'] },
  },
];

/**
 * Demo data for 说文解策 (issue 15): each of the four demo communities' secretaries sends the two notices
 * above to the households they concern, and a third — about the residents' council — to the bound demo
 * resident's household and its neighbours, so her phone shows one under 我的 → 通知. Runs once.
 */
export async function seedDemoNotices(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const marker = await deps.db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'demo_notices_seeded')
    .executeTakeFirst();
  if (marker !== undefined) return;
  let sent = 0;
  for (const c of DEMO_COMMUNITIES) {
    const community = await deps.db.selectFrom('org_units').selectAll().where('code', '=', c.code).executeTakeFirst();
    const secretary = await secretaryOf(deps, `${c.slug}_sj`);
    if (community === undefined || secretary === null) continue;
    const bound = await deps.db
      .selectFrom('resident_bindings')
      .innerJoin('households', 'households.id', 'resident_bindings.household_id')
      .select(['households.id', 'households.org_path'])
      .where('resident_bindings.status', '=', 'bound')
      .where('households.org_path', '>=', community.path)
      .where('households.org_path', '<', `${community.path.slice(0, -1)}0`)
      .executeTakeFirst();
    const neighbours =
      bound === undefined
        ? []
        : await deps.db
            .selectFrom('households')
            .select('id')
            .where('org_path', '=', bound.org_path)
            .where('id', '!=', bound.id)
            .orderBy('id')
            .limit(9)
            .execute();
    const roster: DemoNotice[] =
      bound === undefined
        ? []
        : [
            {
              title: `${c.name}居民议事会议题征集`,
              body:
                '社区居民议事会本季度议题征集开始。凡涉及楼院环境、停车、加装电梯、物业引入等公共事务，' +
                '居民可在手机“我的 → 居民议事”中提出议题，同一楼院 20 户附议即可列入议事会议程。',
              explainer:
                '您觉得小区哪儿该改、该修、该管，就在手机上提出来；邻居们 20 户点了“附议”，议事会就拿来开会商量、表决，结果会公开。',
              audience: { householdIds: [bound.id, ...neighbours.map((n) => n.id)] },
            },
          ];
    for (const notice of [...NOTICES, ...roster]) {
      try {
        await sendNotice(deps, secretary, { ...notice, orgId: community.id, followUpDays: 3 }, []);
        sent += 1;
      } catch (error) {
        // a community of the demo with nobody carrying the tag has no one to send it to
        if (!(error instanceof AppError)) throw error;
      }
    }
  }
  await deps.db.insertInto('counters').values({ name: 'demo_notices_seeded', value: 1 }).execute();
  if (sent > 0)
    log(
      `demo notices: ${sent} sent (低保标准调整, 冬季取暖安全, 网格员走访提示, 议事议题征集); sign in as <slug>_sj, 说文解策`,
    );
}
