import { sql } from 'kysely';
import { createCanteen, enrolDiner, updateDiner } from '../modules/canteen/canteens.ts';
import { sweepCanteenAbsences } from '../modules/canteen/care.ts';
import { setMenu, setStandingOrder } from '../modules/canteen/menus.ts';
import { orderForDiner } from '../modules/canteen/orders.ts';
import { topUp } from '../modules/canteen/money.ts';
import { insertAccount } from '../modules/users/service.ts';
import type { Actor } from '../platform/access/scope.ts';
import { addDays, currentDay, dayStart } from '../platform/calendar.ts';
import type { AppDeps } from '../platform/deps.ts';
import { DEMO_PASSWORD } from './demo.ts';
import { demoResidentPhones } from './demo-residents.ts';

const SHAGANG = '620122105203';
const SYSTEM = { actorId: null, actorName: 'demo', ip: null, userAgent: null };
/** How many of 砂岗村's elderly eat at its canteen, as the Lanzhou report says: "20-odd of 343". */
export const DEMO_DINERS = 21;

/**
 * Demo data for 幸福食堂 (issue 13): the canteen of 砂岗村 with its clerk (`shagang_st`), 21 regular diners
 * drawn from the village's elderly (the demo's bound resident 13900000004 among them, with no order for
 * tomorrow yet, so she can order on the phone), four of them fed at home on two routes; each topped up;
 * the last week's menus and meals, signed in or delivered, and today's and tomorrow's menus (¥10 a day at 80+);
 * standing orders for those fed at home from today; the diner who stopped coming four days ago handed to her
 * grid worker as a visit due. Runs once.
 */
export async function seedDemoCanteen(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const marker = await deps.db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'demo_canteen_seeded')
    .executeTakeFirst();
  if (marker !== undefined) return;
  const village = await deps.db.selectFrom('org_units').selectAll().where('code', '=', SHAGANG).executeTakeFirst();
  if (village === undefined) return;
  const { user } = await deps.db.transaction().execute((trx) =>
    insertAccount(trx, deps, SYSTEM, {
      username: 'shagang_st',
      displayName: '砂岗村幸福食堂管理员',
      password: DEMO_PASSWORD,
      homeOrg: village,
      roles: [{ role: 'canteen_clerk', org: village }],
      mustChangePassword: false,
    }),
  );
  const clerk: Actor = {
    userId: user.id,
    username: 'shagang_st',
    displayName: '砂岗村幸福食堂管理员',
    assignments: [{ role: 'canteen_clerk', orgId: village.id, orgPath: village.path }],
    via: 'cli',
    ip: null,
    userAgent: null,
  };
  const today = currentDay(deps.clock.now());
  // the week's history is written as it happened: each day's work at that day's morning
  const at = (day: string, hour: number): AppDeps => {
    const instant = new Date(Date.parse(dayStart(day)) + hour * 3_600_000);
    return { ...deps, clock: { now: () => instant } };
  };
  const first = addDays(today, -7);
  const canteen = await createCanteen(at(first, 7), clerk, {
    orgId: village.id,
    name: '砂岗村幸福食堂',
    address: '砂岗村村委会院内',
    subsidyAccount: '皋兰县民政局老年助餐补贴',
    lunchCutoff: '09:00',
    dinnerCutoff: '15:00',
    allowsWalkIns: true,
    absenceDays: 3,
    minAge: 60,
    eligibleTags: ['disabled', 'dibao'],
  });
  // the bound demo resident of 砂岗村 first, then the oldest of the village, living alone first
  const herPhone = demoResidentPhones(3).bound;
  const her = await deps.db
    .selectFrom('residents')
    .select(['id'])
    .where('phone_bidx', '=', deps.pii.blindIndex('phone', herPhone))
    .executeTakeFirst();
  const elderly = await deps.db
    .selectFrom('residents')
    .select(['id'])
    .where('org_path', '>=', village.path)
    .where('org_path', '<', `${village.path.slice(0, -1)}0`)
    .where('status', '=', 'living')
    .where('birth_date', '<=', `${Number(today.slice(0, 4)) - 70}${today.slice(4)}`)
    .orderBy(sql`birth_date`)
    .orderBy('id')
    .limit(DEMO_DINERS)
    .execute();
  const ids = [...new Set([...(her === undefined ? [] : [her.id]), ...elderly.map((r) => r.id)])].slice(0, DEMO_DINERS);
  const routes = [
    { route: '东线', volunteer: '志愿者王建国' },
    { route: '西线', volunteer: '志愿者李秀英' },
  ];
  const diners: { id: string; isHer: boolean; needsDelivery: boolean }[] = [];
  for (const [i, residentId] of ids.entries()) {
    // the oldest four cannot walk to the canteen: their meals are carried to them
    const needsDelivery = i >= ids.length - 4;
    const r = routes[i % 2]!;
    const { id } = await enrolDiner(at(first, 7), clerk, canteen.id, {
      residentId,
      isRegular: true,
      needsDelivery,
      ...(needsDelivery ? r : {}),
    });
    await topUp(at(first, 7), clerk, canteen.id, { dinerId: id, amountFen: 20_000, clientKey: `demo-topup-${id}` });
    diners.push({ id, isHer: residentId === her?.id, needsDelivery });
  }
  let meals = 0;
  for (let d = -6; d <= 1; d++) {
    const day = addDays(today, d);
    const morning = at(day, 7);
    // from today those fed at home have standing orders (lunch and dinner, every day), placed as each menu is set
    if (d === 0)
      for (const diner of diners.filter((x) => x.needsDelivery))
        for (const meal of ['lunch', 'dinner'] as const)
          await setStandingOrder(at(addDays(today, -1), 18), clerk, canteen.id, {
            dinerId: diner.id,
            meal,
            weekdays: '1234567',
          });
    for (const [meal, costFen, prices] of [
      // the report's "lunch and dinner for 10 yuan a day" is what the old (80+) pay: ¥6 + ¥4
      ['lunch', 1000, { standard: 700, senior: 600, dibao: 300 }],
      ['dinner', 800, { standard: 500, senior: 400, dibao: 200 }],
    ] as const) {
      const { menu } = await setMenu(morning, clerk, canteen.id, {
        day,
        meal,
        dishes:
          meal === 'lunch'
            ? ['臊子面、凉拌黄瓜', '米饭、土豆烧肉、炒白菜', '牛肉面'][(d + 6) % 3]!
            : '小米粥、花卷、炒土豆丝',
        costFen,
        prices,
      });
      if (d >= 0) continue; // today and tomorrow: orders are the diners' own to make
      for (const [i, diner] of diners.entries()) {
        // one regular diner stopped coming four days ago (the care alert's case); a few skip dinner
        if (i === 1 && d >= -4) continue;
        if (meal === 'dinner' && i % 3 === 0) continue;
        const { order } = await orderForDiner(morning, clerk, canteen.id, { dinerId: diner.id, menuId: menu.id });
        const servedAt = new Date(Date.parse(dayStart(day)) + (meal === 'lunch' ? 12 : 18) * 3_600_000).toISOString();
        await deps.db
          .updateTable('canteen_orders')
          .set({
            served_at: servedAt,
            served_by_name: clerk.displayName,
            ...(diner.needsDelivery ? { delivery: 'delivered' as const, delivery_at: servedAt } : {}),
          })
          .where('id', '=', order.id)
          .execute();
        meals += 1;
      }
    }
  }
  // one diner moved to home delivery after a fall: the change is an ordinary update
  const third = diners[2];
  if (third !== undefined && !third.needsDelivery)
    await updateDiner(deps, clerk, canteen.id, third.id, { needsDelivery: true, ...routes[0]! });
  // the diner who stopped coming: her grid worker is asked to call (care, canteen/care.ts)
  const { raised } = await sweepCanteenAbsences(deps);
  await deps.db.insertInto('counters').values({ name: 'demo_canteen_seeded', value: 1 }).execute();
  log(
    `demo data: 砂岗村幸福食堂 with ${diners.length} diners and ${meals} meals this week, standing orders for those fed at home, ${raised} absent diner(s) handed to grid workers (clerk shagang_st)`,
  );
}
