import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { recordTarget } from '../modules/tasks/records.ts';
import { sendTask } from '../modules/tasks/service.ts';
import type { RoleId } from '../platform/access/roles.ts';
import type { Actor } from '../platform/access/scope.ts';
import type { AppDeps } from '../platform/deps.ts';
import { DEMO_COMMUNITIES } from './demo.ts';

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

const DAY = 24 * 3_600_000;

/**
 * Demo data for tasks of every kind (issue 16): each of the four communities' streets sends a meeting
 * notice (video allowed), a document asking a reply and an inspection with its checklist; 银滩路街道 (the
 * `yintanlu` account) sends them to its communities, the others' streets through the operator. 营门滩 has
 * attended its meeting by video and read its document, so the burden ledger shows both sides. Runs once.
 */
export async function seedDemoTasks(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const marker = await deps.db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'demo_tasks_seeded')
    .executeTakeFirst();
  if (marker !== undefined) return;
  const operator = await actorOf(deps.db, 'admin');
  const yintanlu = await actorOf(deps.db, 'yintanlu');
  const secretary = await actorOf(deps.db, 'yingmentan_sj');
  if (operator === null) return;
  const now = deps.clock.now().getTime();
  let sent = 0;
  for (const c of DEMO_COMMUNITIES) {
    const community = await deps.db
      .selectFrom('org_units')
      .select(['id', 'parent_id'])
      .where('code', '=', c.code)
      .executeTakeFirst();
    if (community?.parent_id == null) continue;
    const street = await deps.db
      .selectFrom('org_units')
      .select(['id', 'path', 'name'])
      .where('id', '=', community.parent_id)
      .executeTakeFirstOrThrow();
    const isYintanlu = c.slug === 'yingmentan' && yintanlu !== null;
    const sender = isYintanlu ? yintanlu : operator;
    const targets = isYintanlu
      ? (
          await deps.db
            .selectFrom('org_units')
            .select('id')
            .where('parent_id', '=', street.id)
            .where('level', '=', 'community')
            .orderBy('code')
            .limit(3)
            .execute()
        ).map((r) => r.id)
      : [community.id];
    if (!targets.includes(community.id)) targets.push(community.id);
    const common = { fromOrgId: street.id, targetOrgIds: targets, sendSeparately: true };
    const meeting = await sendTask(deps, sender, {
      ...common,
      title: `${street.name}冬季安全工作部署会`,
      kind: 'meeting',
      dutyItemCode: 'AQ-001',
      meeting: {
        startsAt: new Date(now + 3 * DAY).toISOString(),
        minutes: 90,
        place: `${street.name}三楼会议室`,
        videoUrl: 'https://meeting.example.cn/winter-safety',
        attendees: ['社区书记', '安全网格员'],
        allowVideo: true,
        allowWritten: true,
      },
    });
    const doc = await sendTask(deps, sender, {
      ...common,
      title: '关于做好今冬明春燃气安全宣传的通知',
      kind: 'document',
      dutyItemCode: 'AQ-001',
      replyRequired: true,
      dueAt: new Date(now + 10 * DAY).toISOString(),
    });
    await sendTask(deps, sender, {
      ...common,
      title: '老旧小区消防通道检查',
      kind: 'inspection',
      dutyItemCode: 'AQ-001',
      checklist: ['消防通道畅通', '灭火器在有效期内', '楼道无堆放杂物'],
      dueAt: new Date(now + 14 * DAY).toISOString(),
    });
    sent += 3;
    if (isYintanlu && secretary !== null) {
      const outcome = (o: { outcomes: { orgId: string; status: string }[] }) =>
        o.outcomes.find((x) => x.orgId === community.id)?.status === 'admitted';
      if (outcome(meeting)) {
        await recordTarget(deps, secretary, meeting.id, community.id, {
          kind: 'meeting',
          attendance: 'video',
          attendees: ['营门滩社区书记'],
          summary: '已传达冬季安全部署',
        });
      }
      if (outcome(doc)) {
        await recordTarget(deps, secretary, doc.id, community.id, {
          kind: 'document',
          reply: '已组织网格员入户宣传燃气安全。',
        });
      }
    }
  }
  // a street as a target: 安宁区 asks 银滩路街道 for its own duty (安全生产隐患排查, AQ-007)
  const district = await deps.db.selectFrom('org_units').select('id').where('code', '=', '620105').executeTakeFirst();
  const yintanluStreet = await deps.db
    .selectFrom('org_units')
    .select('id')
    .where('code', '=', '620105006')
    .executeTakeFirst();
  if (district !== undefined && yintanluStreet !== undefined) {
    await sendTask(deps, (await actorOf(deps.db, 'anning')) ?? operator, {
      fromOrgId: district.id,
      targetOrgIds: [yintanluStreet.id],
      sendSeparately: true,
      title: '辖区安全生产隐患排查',
      kind: 'inspection',
      dutyItemCode: 'AQ-007',
      checklist: ['重点企业隐患台账', '整改闭环记录'],
      dueAt: new Date(now + 20 * DAY).toISOString(),
    });
    sent += 1;
  }
  await deps.db.insertInto('counters').values({ name: 'demo_tasks_seeded', value: 1 }).execute();
  log(
    `demo tasks: ${sent} meeting, document and inspection tasks from the streets of the four communities and from 安宁区 to 银滩路街道`,
  );
}
