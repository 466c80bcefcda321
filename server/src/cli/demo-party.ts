import { sql } from 'kysely';
import type { DB } from '../db/types.ts';
import type { AppDeps } from '../platform/deps.ts';
import { newId } from '../platform/ids.ts';
import { findOrCreateResidentAccount } from '../modules/residents/accounts.ts';
import type { Transaction } from 'kysely';
import { donateDemoGroceries } from './demo-points.ts';

const SYSTEM = { actorId: null, actorName: 'demo', ip: null, userAgent: null };

/** The demo alliance's member units, by name (the 积分超市's demo items name the supermarket's resource). */
export const DEMO_ALLIANCE_UNITS = { school: '银滩路小学', market: '兰州银滩惠民超市' } as const;

/** The demo's 双报到 members: residents who sign in by SMS (code in the server log) — two confirmed, one waiting. */
export const DEMO_DUAL_MEMBERS = [
  { phone: '13900000021', name: '李红', workUnit: '安宁区教育局', status: 'confirmed' },
  { phone: '13900000022', name: '马建国', workUnit: DEMO_ALLIANCE_UNITS.market, status: 'confirmed' },
  { phone: '13900000023', name: '张敏', workUnit: '安宁区人民医院', status: 'pending' },
] as const;

type Trx = Transaction<DB>;

async function unitByCode(trx: Trx, code: string) {
  return trx.selectFrom('org_units').select(['id', 'path', 'name']).where('code', '=', code).executeTakeFirst();
}

async function addPartyOrg(
  trx: Trx,
  at: string,
  unit: { id: string; path: string },
  kind: 'committee' | 'branch' | 'group',
  name: string,
  parentId: string | null,
) {
  const id = newId();
  await trx
    .insertInto('party_orgs')
    .values({
      id,
      org_id: unit.id,
      org_path: unit.path,
      parent_id: parentId,
      kind,
      name,
      created_by: null,
      created_at: at,
    })
    .execute();
  return id;
}

/**
 * A 党支部 per community or village with a 党小组 per grid or 村民小组, whose members are the residents the
 * registry declares 党员 (each in her own grid's 党小组); the 支部书记 is the first of them.
 */
async function seedBranch(trx: Trx, at: string, code: string, suffix: string) {
  const community = await unitByCode(trx, code);
  if (community === undefined) return 0;
  const branch = await addPartyOrg(trx, at, community, 'branch', `${community.name}${suffix}`, null);
  const grids = await trx
    .selectFrom('org_units')
    .select(['id', 'path', 'name'])
    .where('parent_id', '=', community.id)
    .orderBy('code')
    .execute();
  let members = 0;
  for (const grid of grids) {
    const group = await addPartyOrg(trx, at, grid, 'group', `${grid.name}党小组`, branch);
    const tagged = await trx
      .selectFrom('residents')
      .innerJoin('party_candidates', 'party_candidates.resident_id', 'residents.id')
      .select(['residents.id', 'residents.name'])
      .where('residents.status', '=', 'living')
      .where('residents.org_path', '>=', grid.path)
      .where('residents.org_path', '<', `${grid.path.slice(0, -1)}0`)
      .orderBy('residents.name')
      .execute();
    for (const [i, r] of tagged.entries()) {
      await trx
        .insertInto('party_members')
        .values({
          id: newId(),
          party_org_id: members === 0 ? branch : group,
          org_path: members === 0 ? community.path : grid.path,
          resident_id: r.id,
          alliance_unit_id: null,
          name: r.name,
          duty: members === 0 ? 'secretary' : i === 0 ? 'group_leader' : 'member',
          status: 'active',
          joined_on: null,
          created_by: null,
          created_at: at,
          ended_at: null,
        })
        .execute();
      await trx.deleteFrom('party_candidates').where('resident_id', '=', r.id).execute();
      members += 1;
    }
  }
  return members;
}

/**
 * Demo data for party work (issue 14): 营门滩社区's and 砂岗村's 党支部 with a 党小组 per grid, members from the
 * registry's 党员; 银滩路街道's 党建联盟 with two member units, two 大党委 members and its needs, resources and
 * projects lists; 营门滩's service posts and three 双报到 members who sign in by SMS (13900000021–23); and
 * 安宁区民政局's clerk anning_mzj linked (返乡走亲) to three households of 砂岗村, which she sees in /m/field.
 * Runs once, after the demo's registry, accounts and residents.
 */
export async function seedDemoParty(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const marker = await deps.db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'demo_party_seeded')
    .executeTakeFirst();
  if (marker !== undefined) return;
  const at = deps.clock.now().toISOString();
  let members = 0;
  let dual = 0;
  let linked = 0;
  await deps.db.transaction().execute(async (trx) => {
    members += await seedBranch(trx, at, '620105006010', '党支部');
    members += await seedBranch(trx, at, '620122105203', '党支部');

    const street = await unitByCode(trx, '620105006');
    const yingmentan = await unitByCode(trx, '620105006010');
    if (street !== undefined && yingmentan !== undefined) {
      await addPartyOrg(trx, at, street, 'committee', '银滩路街道党工委', null);
      const allianceId = newId();
      await trx
        .insertInto('alliances')
        .values({
          id: allianceId,
          org_id: street.id,
          org_path: street.path,
          name: '银滩路街道党建联盟',
          created_by: null,
          created_at: at,
        })
        .execute();
      const unit = async (name: string, kind: 'school' | 'enterprise', contact: string) => {
        const id = newId();
        await trx
          .insertInto('alliance_units')
          .values({
            id,
            alliance_id: allianceId,
            org_path: street.path,
            name,
            kind,
            contact_name: contact,
            status: 'active',
            joined_at: at,
            left_at: null,
          })
          .execute();
        return id;
      };
      const school = await unit(DEMO_ALLIANCE_UNITS.school, 'school', '王老师');
      const market = await unit(DEMO_ALLIANCE_UNITS.market, 'enterprise', '赵经理');
      for (const [unitId, name, post] of [
        [school, '刘校长', '大党委兼职委员'],
        [market, '赵经理', '大党委兼职委员'],
      ] as const) {
        await trx
          .insertInto('alliance_council_members')
          .values({
            id: newId(),
            alliance_id: allianceId,
            org_path: street.path,
            unit_id: unitId,
            name,
            post,
            created_at: at,
            ended_at: null,
          })
          .execute();
      }
      const row = (title: string, description: string) => ({
        id: newId(),
        alliance_id: allianceId,
        org_path: street.path,
        title,
        description,
        created_by: null,
        created_at: at,
        updated_at: at,
      });
      const afterSchool = row('双职工家庭孩子课后托管', '营门滩社区约 40 名小学生放学后无人看护');
      await trx
        .insertInto('alliance_needs')
        .values([
          { ...afterSchool, status: 'matched' },
          { ...row('积分超市物资', '社区积分超市需要日用品货源'), status: 'matched' },
          { ...row('高龄老人助餐配送', '砂岗村、营门滩 80 岁以上独居老人午餐配送'), status: 'open' },
        ])
        .execute();
      const playground = {
        ...row('周末开放操场与志愿教师', '每周六上午'),
        unit_id: school,
        status: 'available' as const,
      };
      const goods = {
        ...row('每月捐赠生活用品', '米、面、油、洗衣液，供积分超市兑换'),
        unit_id: market,
        status: 'available' as const,
      };
      await trx.insertInto('alliance_resources').values([playground, goods]).execute();
      const project = (title: string, owner: string, ownerName: string, needId: string, resourceId: string) => ({
        id: newId(),
        alliance_id: allianceId,
        org_path: street.path,
        title,
        description: null,
        owner_unit_id: owner,
        owner_name: ownerName,
        need_id: needId,
        resource_id: resourceId,
        version: 2,
        created_by: null,
        created_at: at,
        updated_at: at,
        done_at: null,
      });
      const classroom = project('四点半课堂', school, DEMO_ALLIANCE_UNITS.school, afterSchool.id, playground.id);
      const store = project('积分超市爱心货架', market, DEMO_ALLIANCE_UNITS.market, afterSchool.id, goods.id);
      await trx
        .insertInto('alliance_projects')
        .values([
          { ...classroom, status: 'in_progress' },
          { ...store, need_id: null, status: 'planned', version: 1 },
        ])
        .execute();
      await trx
        .insertInto('alliance_milestones')
        .values([
          { id: newId(), project_id: classroom.id, position: 0, title: '签订共建协议', due_on: null, done_at: at },
          {
            id: newId(),
            project_id: classroom.id,
            position: 1,
            title: '首期开班',
            due_on: '2027-01-10',
            done_at: null,
          },
          {
            id: newId(),
            project_id: store.id,
            position: 0,
            title: '首批物资入库',
            due_on: '2026-12-31',
            done_at: null,
          },
        ])
        .execute();

      const posts = [] as string[];
      for (const name of ['政策宣讲员', '文明劝导员', '助老陪伴员']) {
        const id = newId();
        posts.push(id);
        await trx
          .insertInto('service_posts')
          .values({
            id,
            org_id: yingmentan.id,
            org_path: yingmentan.path,
            name,
            description: null,
            is_active: 1,
            created_at: at,
          })
          .execute();
      }
      const secretary = await trx
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'yingmentan_sj')
        .executeTakeFirst();
      for (const [i, m] of DEMO_DUAL_MEMBERS.entries()) {
        const { user } = await findOrCreateResidentAccount(trx, deps, SYSTEM, { kind: 'phone', phone: m.phone });
        await trx.updateTable('users').set({ display_name: m.name }).where('id', '=', user.id).execute();
        const registrationId = newId();
        await trx
          .insertInto('dual_registrations')
          .values({
            id: registrationId,
            user_id: user.id,
            resident_id: null,
            org_id: yingmentan.id,
            org_path: yingmentan.path,
            name: m.name,
            work_unit: m.workUnit,
            alliance_unit_id: m.workUnit === DEMO_ALLIANCE_UNITS.market ? market : null,
            party_org_name: null,
            skills: null,
            status: m.status,
            requested_at: at,
            decided_by: m.status === 'confirmed' ? (secretary?.id ?? null) : null,
            decided_at: m.status === 'confirmed' ? at : null,
            decision_note: null,
          })
          .execute();
        if (m.status === 'confirmed')
          await trx
            .insertInto('dual_registration_posts')
            .values({ registration_id: registrationId, post_id: posts[i % posts.length]!, created_at: at })
            .execute();
        dual += 1;
      }
    }

    // 返乡走亲: 安宁区民政局's clerk and three households of 砂岗村
    const clerk = await trx.selectFrom('users').select('id').where('username', '=', 'anning_mzj').executeTakeFirst();
    const village = await unitByCode(trx, '620122105203');
    if (clerk !== undefined && village !== undefined) {
      const households = await trx
        .selectFrom('households')
        .select('id')
        .where('org_path', '>=', village.path)
        .where('org_path', '<', `${village.path.slice(0, -1)}0`)
        .orderBy(sql`address`)
        .orderBy('id')
        .limit(3)
        .execute();
      for (const h of households) {
        await trx
          .insertInto('linkages')
          .values({
            id: newId(),
            household_id: h.id,
            user_id: clerk.id,
            kind: 'fanxiang_zouqin',
            created_by: null,
            created_at: at,
          })
          .onConflict((oc) => oc.columns(['household_id', 'user_id', 'kind']).doNothing())
          .execute();
        linked += 1;
      }
    }
    await trx.insertInto('counters').values({ name: 'demo_party_seeded', value: 1 }).execute();
  });
  // the 积分超市's groceries came from the supermarket's resources list (the store may be stocked already)
  await donateDemoGroceries(deps);
  log(
    `demo party: 营门滩 and 砂岗村 党支部 with ${members} members, 银滩路街道党建联盟 (2 units, lists), ${dual} 双报到 (SMS 13900000021–23), anning_mzj linked to ${linked} households of 砂岗村`,
  );
}
