import type { AppDeps } from '../platform/deps.ts';
import { newId } from '../platform/ids.ts';
import { awardPoints, deductPoints } from '../modules/points/award.ts';
import { ensureDefaultRules } from '../modules/points/service.ts';

const YINGMENTAN = '620105006010';
const HOUR = 3_600_000;

/** The demo store's shelf in 营门滩 (price in points, stock). */
const ITEMS = [
  { name: '洗衣液（2kg）', price: 60, stock: 12 },
  { name: '食用油（5L）', price: 150, stock: 6 },
  { name: '大米（10kg）', price: 200, stock: 8 },
  { name: '抽纸（一提）', price: 30, stock: 20 },
  { name: '理发服务券', price: 40, stock: 15 },
  { name: '保温杯', price: 120, stock: 1 },
];

/**
 * Demo data for 积分, 积分超市 and volunteering (issue 14) in 营门滩社区: the default rules (and the
 * negative list), a stocked store — the groceries donated by an alliance unit when the party demo has made
 * one (its resources list), two volunteer activities and a need ahead, and some history: good deeds and
 * garbage-sorting checks confirmed by the secretary, one negative-list deduction, all through the ledger.
 * Runs once (skipped when the community's store has items).
 */
export async function seedDemoPoints(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const community = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path', 'name'])
    .where('code', '=', YINGMENTAN)
    .executeTakeFirst();
  if (community === undefined) return;
  const stocked = await deps.db
    .selectFrom('store_items')
    .select('id')
    .where('org_path', '=', community.path)
    .limit(1)
    .executeTakeFirst();
  if (stocked !== undefined) return;
  const now = deps.clock.now();
  const at = now.toISOString();
  const secretary = await deps.db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('username', '=', 'yingmentan_sj')
    .executeTakeFirst();
  const actor = { id: secretary?.id ?? null, name: secretary?.display_name ?? 'demo' };

  let awarded = 0;
  await deps.db.transaction().execute(async (trx) => {
    await ensureDefaultRules(trx, now, community.path);
    await trx
      .insertInto('points_policies')
      .values({
        org_path: community.path,
        pool: 'resident',
        expiry_months: 24,
        expiry_at: 'year_end',
        updated_at: at,
        updated_by_name: 'demo',
      })
      .onConflict((oc) => oc.column('org_path').doNothing())
      .execute();
    for (const [i, item] of ITEMS.entries()) {
      await trx
        .insertInto('store_items')
        .values({
          id: newId(),
          org_id: community.id,
          org_path: community.path,
          name: item.name,
          description: null,
          price: item.price,
          stock: item.stock,
          stocked_total: item.stock,
          donor_unit_id: null,
          donor_name: i === 4 ? '营门滩美发店' : null,
          resource_id: null,
          status: 'active',
          created_at: at,
        })
        .execute();
    }
    const activity = (
      kind: 'activity' | 'need',
      title: string,
      place: string,
      startsInHours: number,
      hours: number,
      slots: number,
    ) => ({
      id: newId(),
      org_id: community.id,
      org_path: community.path,
      kind,
      title,
      description: null,
      place,
      starts_at: new Date(now.getTime() + startsInHours * HOUR).toISOString(),
      ends_at: new Date(now.getTime() + (startsInHours + hours) * HOUR).toISOString(),
      slots,
      taken: 0,
      rule_code: 'volunteer_hour',
      checkin_code: newId().replace(/-/g, ''),
      need_ref: null,
      status: 'published' as const,
      created_by: actor.id ?? 'demo',
      created_by_name: actor.name,
      created_at: at,
    });
    await trx
      .insertInto('volunteer_activities')
      .values([
        activity('activity', '营门滩路环境清洁日', '营门滩路口集合', 20, 3, 15),
        activity('activity', '防汛沙袋装填', '社区党群服务中心', 44, 2, 10),
        activity('need', '陪独居老人就医（安宁区人民医院）', '营门滩路 8 号', 26, 4, 1),
        // under way as the demo starts: check-in is open
        activity('need', '社区图书角整理', '营门滩党群服务中心二楼', -0.5, 4, 2),
      ])
      .execute();

    // history: good deeds and garbage-sorting checks the secretary confirmed, one negative-list item
    const residents = await trx
      .selectFrom('residents')
      .select(['id', 'name'])
      .where('org_path', '>=', community.path)
      .where('org_path', '<', `${community.path.slice(0, -1)}0`)
      .where('status', '=', 'living')
      .orderBy('name')
      .limit(8)
      .execute();
    const rules = await trx
      .selectFrom('points_rules')
      .select(['id', 'code'])
      .where('org_path', '=', community.path)
      .execute();
    const ruleId = new Map(rules.map((r) => [r.code, r.id]));
    for (const [i, r] of residents.entries()) {
      for (const code of i % 2 === 0 ? ['good_deed', 'garbage_sorting'] : ['garbage_sorting']) {
        const eventId = newId();
        await trx
          .insertInto('points_events')
          .values({
            id: eventId,
            community_path: community.path,
            resident_id: r.id,
            rule_id: ruleId.get(code)!,
            note: code === 'good_deed' ? '帮助邻居搬运物品' : '入户检查分类合格',
            recorded_by: actor.id ?? 'demo',
            recorded_by_name: actor.name,
            created_at: at,
          })
          .execute();
        const out = await awardPoints(trx, now, {
          residentId: r.id,
          rule: code,
          source: { kind: 'points_event', id: eventId },
          actor,
        });
        if (out.awarded) awarded += out.amount;
      }
    }
    const litterer = residents[1];
    if (litterer !== undefined) {
      const eventId = newId();
      await trx
        .insertInto('points_events')
        .values({
          id: eventId,
          community_path: community.path,
          resident_id: litterer.id,
          rule_id: ruleId.get('litter')!,
          note: '楼道堆放垃圾',
          recorded_by: actor.id ?? 'demo',
          recorded_by_name: actor.name,
          created_at: at,
        })
        .execute();
      await deductPoints(trx, now, {
        residentId: litterer.id,
        rule: 'litter',
        source: { kind: 'points_event', id: eventId },
        actor,
      });
    }
  });
  const donor = await donateDemoGroceries(deps);
  log(
    `demo points: ${community.name} — a store of ${ITEMS.length} items${donor !== null ? ` (groceries from ${donor})` : ''}, 4 volunteer activities/needs, ${awarded} points awarded`,
  );
}

/**
 * The store's groceries (its first three items) as the donation of the alliance unit whose resources list
 * offers 生活用品 — once the party demo has made it: the server seeds points before party work, so both call
 * this and whichever runs second links them. Returns the donor's name, or null with no such resource yet.
 */
export async function donateDemoGroceries(deps: AppDeps): Promise<string | null> {
  const community = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path'])
    .where('code', '=', YINGMENTAN)
    .executeTakeFirst();
  if (community === undefined) return null;
  const resources = await deps.db
    .selectFrom('alliance_resources as r')
    .innerJoin('alliance_units as u', 'u.id', 'r.unit_id')
    .select(['r.id', 'r.org_path', 'u.id as unit_id', 'u.name as unit_name'])
    .where('r.status', '=', 'available')
    .where('r.title', 'like', '%生活用品%')
    .execute();
  const donation = resources.find((r) => community.path.startsWith(r.org_path));
  if (donation === undefined) return null;
  await deps.db
    .updateTable('store_items')
    .set({ donor_unit_id: donation.unit_id, donor_name: donation.unit_name, resource_id: donation.id })
    .where('org_path', '=', community.path)
    .where(
      'name',
      'in',
      ITEMS.slice(0, 3).map((i) => i.name),
    )
    .where('donor_unit_id', 'is', null)
    .execute();
  return donation.unit_name;
}
