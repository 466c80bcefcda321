import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { postWithReceipt, staffSession } from '../funds/fixture.ts';
import { idNumberFor, registerResident, signInBySms } from '../residents/fixture.ts';
import { openCentre } from '../venues/fixture.ts';
import { snapshotCounters } from './fixture.ts';
import { rebuildRollups } from './rollups.ts';

// Tuesday 1 December 2026, 08:00 in Lanzhou
const DEC_1_8AM = new Date('2026-12-01T00:00:00.000Z');
const MONTH = '2026-12';

interface Figures {
  venues: Record<string, number | null>;
  canteen: Record<string, number | null>;
  volunteering: Record<string, number | null>;
  councils: Record<string, number | null>;
  funds: Record<string, number | null>;
  notices: Record<string, number | null>;
}
interface Panel {
  month: string;
  unit: { id: string; name: string };
  figures: Figures;
  children: { unit: { id: string; name: string }; figures: Figures }[];
}

/**
 * The figures of the resident-facing services, end to end: real operations through the routes — a room
 * booked, checked in, cancelled, a no-show; an activity held; meals ordered, served, delivered and one
 * cancelled; hours confirmed and points earned, a redemption picked up and one reversed; a council topic
 * supported, a meeting held, a decision with follow-up; a fund's income, spending and arrears; a notice sent
 * and read — then the services panel, its drill-down, the venue figures and a generated 一表通 report show
 * what a user would count, and a rebuild from the raw tables leaves every counter as it was (no drift).
 */
describe.each(DIALECTS)('service figures on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let outsider: Client;
  let her: Client;
  let neighbour: Client;
  let ymt: { id: string; path: string };
  let households: string[];
  let residentIds: string[];
  let spaces: Record<string, string>;
  let centreId: string;

  const HER = { name: '马桂英', idNumber: idNumberFor('1950-03-02', 118), phone: '13700004001' };
  const NEIGHBOUR = { name: '李秀兰', idNumber: idNumberFor('1958-07-19', 126), phone: '13700004002' };

  /** moves the clock and signs everyone in again (sessions lapse when idle) */
  const moveTo = async (iso: string) => {
    t.clock.set(new Date(iso));
    staff = await t.login('ymt_sj');
    outsider = await t.login('szs_sj');
    her = await signInBySms(t, HER.phone);
    neighbour = await signInBySms(t, NEIGHBOUR.phone);
  };
  const ok = (res: { statusCode: number; body: string }, status = 200) => {
    expect(res.statusCode, res.body).toBe(status);
    return JSON.parse(res.body) as Record<string, unknown> & { id: string };
  };
  const panel = async (client = staff, orgId = ymt.id) =>
    ok(await client.get(`/api/v1/insights/${orgId}/services?month=${MONTH}`)) as unknown as Panel;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(DEC_1_8AM);
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'szs_sj', role: 'community_secretary', orgCode: CODES.shanZiShi });
    await t.createUser({ username: 'ytl_street', role: 'street', orgCode: CODES.yinTanLuStreet });
    staff = await t.login('ymt_sj');
    outsider = await t.login('szs_sj');
    ymt = await t.org(CODES.yingMenTan);
    households = [];
    residentIds = [];
    for (const [i, p] of [
      HER,
      NEIGHBOUR,
      { name: '王淑珍', idNumber: idNumberFor('1940-01-05', 300) },
      { name: '赵建国', idNumber: idNumberFor('1990-06-06', 302) },
    ].entries()) {
      const made = await registerResident(staff, { orgId: ymt.id, address: `营门滩路 60 号 ${i + 1}01` }, p);
      households.push(made.householdId);
      residentIds.push(made.residentId);
    }
    her = await signInBySms(t, HER.phone);
    ok(await her.post('/api/v1/my/binding', { name: HER.name, idNumber: HER.idNumber }));
    neighbour = await signInBySms(t, NEIGHBOUR.phone);
    ok(await neighbour.post('/api/v1/my/binding', { name: NEIGHBOUR.name, idNumber: NEIGHBOUR.idNumber }));
    ({ centreId, spaces } = await openCentre(staff, ymt.id));
  }, 180_000);
  afterAll(() => t.close());

  it('counts rooms: hours by residents and staff, people served, a no-show, a cancellation and an activity held', async () => {
    // Thursday 3 December: she books the 书画室 09:00–11:00 for 5, the neighbour the 阅览室 14:00–15:00
    const mine = ok(
      await her.post('/api/v1/my/venue-bookings', {
        spaceId: spaces['书画室'],
        date: '2026-12-03',
        start: '09:00',
        end: '11:00',
        purpose: '书法小组',
        attendees: 5,
      }),
      201,
    ) as unknown as { items: { id: string }[] };
    ok(
      await neighbour.post('/api/v1/my/venue-bookings', {
        spaceId: spaces['阅览室'],
        date: '2026-12-03',
        start: '14:00',
        end: '15:00',
        purpose: '读书',
        attendees: 1,
      }),
      201,
    );
    // a staff meeting in the 议事厅 (1.5 h) and a booking she cancels in time
    ok(
      await staff.post('/api/v1/venue-bookings', {
        spaceId: spaces['议事厅'],
        date: '2026-12-03',
        start: '15:00',
        end: '16:30',
        purpose: '社区两委会',
        attendees: 8,
        bookerKind: 'staff',
      }),
      201,
    );
    const later = ok(
      await her.post('/api/v1/my/venue-bookings', {
        spaceId: spaces['音乐室'],
        date: '2026-12-10',
        start: '10:00',
        end: '12:00',
        purpose: '二胡',
        attendees: 3,
      }),
      201,
    ) as unknown as { items: { id: string }[] };
    ok(await her.post(`/api/v1/my/venue-bookings/${later.items[0]!.id}/cancel`, {}));
    // an activity in the 舞蹈室 Thursday evening; she signs up and is checked in
    const activity = ok(
      await staff.post('/api/v1/venue-activities', {
        centreId,
        spaceId: spaces['舞蹈室'],
        title: '广场舞教学',
        audience: 'elderly',
        host: '营门滩社区',
        date: '2026-12-03',
        start: '19:00',
        end: '20:00',
        capacity: 20,
      }),
      201,
    );
    ok(await her.post(`/api/v1/my/activities/${activity.id}/signup`));

    await moveTo('2026-12-03T01:00:00.000Z'); // Thursday 09:00
    ok(await staff.post(`/api/v1/venue-bookings/${mine.items[0]!.id}/check-in`));
    await moveTo('2026-12-03T11:00:00.000Z'); // 19:00
    const signups = ok(await staff.get(`/api/v1/venue-activities/${activity.id}/signups`)) as unknown as {
      items: { id: string }[];
    };
    ok(await staff.post(`/api/v1/venue-activities/${activity.id}/check-ins`, { signupId: signups.items[0]!.id }));

    // on the day, nothing is a no-show yet and the activity is not yet held
    let v = (await panel()).figures.venues;
    expect(v).toMatchObject({ hoursUsed: 5.5, noShows: 0, activitiesHeld: 0, peopleServed: 6 });
    await moveTo('2026-12-05T01:00:00.000Z'); // Saturday
    v = (await panel()).figures.venues;
    // 书画室 2 h (hers) + 议事厅 1.5 h (staff) + 舞蹈室 1 h (activity); the 阅览室 hour was a no-show
    expect(v).toMatchObject({
      hoursUsed: 4.5,
      residentHours: 3,
      staffHours: 1.5,
      residentShare: 0.667,
      bookings: 3,
      noShows: 1,
      peopleServed: 6,
      activitiesHeld: 1,
    });
    const byCentre = ok(await staff.get(`/api/v1/orgs/${ymt.id}/venue-figures?month=${MONTH}`)) as unknown as {
      total: Record<string, unknown>;
      centres: { spaces: { name: string; hoursUsed: number }[] }[];
    };
    expect(byCentre.total).toMatchObject({ hoursUsed: 4.5, noShows: 1, peopleServed: 6, activitiesHeld: 1 });
    expect(Object.fromEntries(byCentre.centres[0]!.spaces.map((s) => [s.name, s.hoursUsed]))).toEqual({
      书画室: 2,
      阅览室: 0,
      舞蹈室: 1,
      音乐室: 0,
      议事厅: 1.5,
    });
  });

  it('counts the canteen: meals served and delivered, diners among the elderly, cost and subsidy', async () => {
    const canteen = ok(
      await staff.post('/api/v1/canteens', {
        orgId: ymt.id,
        name: '营门滩幸福食堂',
        subsidyAccount: '安宁区民政局老年助餐补贴',
        lunchCutoff: '09:00',
        dinnerCutoff: '15:00',
      }),
      201,
    );
    const base = `/api/v1/canteens/${canteen.id}`;
    for (const [i, needsDelivery] of [
      [0, false],
      [2, true],
    ] as const)
      ok(
        await staff.post(`${base}/diners`, {
          residentId: residentIds[i],
          needsDelivery,
          ...(needsDelivery ? { route: '东线', volunteer: '小王' } : {}),
        }),
        201,
      );
    const diners = (ok(await staff.get(`${base}/diners`)) as unknown as { items: { id: string; name: string }[] })
      .items;
    for (const d of diners)
      ok(await staff.post(`${base}/topups`, { dinerId: d.id, amountFen: 5000, clientKey: `topup-${d.id}` }), 201);
    const menu = async (meal: string, costFen: number) =>
      ok(
        await staff.request('PUT', `${base}/menus`, {
          day: '2026-12-06',
          meal,
          dishes: meal === 'lunch' ? '臊子面' : '小米粥',
          costFen,
          prices: { standard: 600, senior: 500, dibao: 300 },
        }),
      );
    await menu('lunch', 1000);
    await menu('dinner', 800);
    const menus = (
      ok(await staff.get(`${base}/menus?from=2026-12-06`)) as unknown as { items: { id: string; meal: string }[] }
    ).items;
    const orders: Record<string, string> = {};
    for (const d of diners)
      for (const m of menus) {
        const placed = ok(
          await staff.post(`${base}/orders`, { dinerId: d.id, menuId: m.id, clientKey: `order-${d.id}-${m.meal}` }),
          201,
        ) as unknown as { order: { id: string } };
        orders[`${d.name}-${m.meal}`] = placed.order.id;
      }
    ok(await staff.post(`${base}/orders/${orders['王淑珍-dinner']}/cancel`));
    await moveTo('2026-12-06T04:00:00.000Z'); // Sunday 12:00
    ok(await staff.post(`${base}/sign-in`, { meal: 'lunch', dinerId: diners.find((d) => d.name === HER.name)!.id }));
    ok(await staff.post(`${base}/orders/${orders['王淑珍-lunch']}/delivery`, { mark: 'delivered' }));

    const c = (await panel()).figures.canteen;
    expect(c).toMatchObject({
      mealsOrdered: 3,
      mealsServed: 2,
      lunchServed: 2,
      dinnerServed: 0,
      delivered: 1,
      diners: 2,
      costFen: 2000,
      costPerMealFen: 1000,
    });
    // she (76) and 王淑珍 (86) are the unit's two residents aged 60 or over… with the neighbour (68): 2 of 3
    expect(c).toMatchObject({ elderly: 3, dinerShare: 0.667 });
    // what she and the subsidy paid: the month's bills split the same ledger
    const bills = ok(await staff.get(`${base}/bills?month=${MONTH}`)) as unknown as {
      lines?: { paidByDinerFen: number; paidBySubsidyFen: number }[];
      items?: { paidByDinerFen: number; paidBySubsidyFen: number }[];
    };
    const lines = bills.lines ?? bills.items ?? [];
    expect(lines.length).toBe(2);
    expect(c.paidFen).toBe(lines.reduce((a, l) => a + l.paidByDinerFen, 0));
    expect(c.subsidyFen).toBe(lines.reduce((a, l) => a + l.paidBySubsidyFen, 0));
    expect(c.paidFen).toBeGreaterThan(0);
    expect(c.subsidyFen).toBeGreaterThan(0);
  });

  it('counts volunteering and points: volunteers, hours, points earned and spent, redemptions', async () => {
    await moveTo('2026-12-07T01:00:00.000Z');
    const made = ok(
      await staff.post('/api/v1/volunteer/activities', {
        orgId: ymt.id,
        kind: 'activity',
        title: '清扫楼道',
        place: '营门滩路 60 号',
        startsAt: '2026-12-07T02:00:00.000Z',
        endsAt: '2026-12-07T05:00:00.000Z',
        slots: 5,
      }),
      201,
    );
    for (const client of [her, neighbour])
      ok(await client.post(`/api/v1/my/volunteer/activities/${made.id}/signup`), 201);
    await moveTo('2026-12-07T06:00:00.000Z');
    const detail = ok(await staff.get(`/api/v1/volunteer/activities/${made.id}`)) as unknown as {
      signups: { id: string }[];
    };
    for (const [i, s] of detail.signups.entries()) {
      ok(await staff.post(`/api/v1/volunteer/signups/${s.id}/check`, { action: 'in', at: '2026-12-07T02:00:00.000Z' }));
      ok(
        await staff.post(`/api/v1/volunteer/signups/${s.id}/check`, {
          action: 'out',
          at: i === 0 ? '2026-12-07T04:00:00.000Z' : '2026-12-07T03:30:00.000Z',
        }),
      );
      ok(await staff.post(`/api/v1/volunteer/signups/${s.id}/confirm`, {}));
    }
    // a good deed for her (20 points)
    ok(await staff.post('/api/v1/points/events', { residentId: residentIds[0], ruleCode: 'good_deed' }), 201);
    const item = ok(
      await staff.post('/api/v1/store/items', { orgId: ymt.id, name: '洗衣液', price: 15, stock: 5 }),
      201,
    );
    const first = ok(
      await her.post('/api/v1/my/store/redemptions', { itemId: item.id, quantity: 1, clientKey: 'figures-0001' }),
      201,
    ) as unknown as { redemption: { id: string } };
    const second = ok(
      await her.post('/api/v1/my/store/redemptions', { itemId: item.id, quantity: 1, clientKey: 'figures-0002' }),
      201,
    ) as unknown as { redemption: { id: string } };
    ok(await staff.post(`/api/v1/store/redemptions/${first.redemption.id}/pickup`));
    ok(await staff.post(`/api/v1/store/redemptions/${second.redemption.id}/reverse`, { reason: '不要了' }));

    const f = (await panel()).figures.volunteering;
    // 2 h (20 points) and 1.5 h (15 points) at 10 points an hour, plus the good deed
    expect(f).toMatchObject({
      volunteers: 2,
      volunteerHours: 3.5,
      pointsEarned: 55,
      pointsSpent: 15,
      redemptions: 1,
      itemsRedeemed: 1,
    });
  });

  it('counts a council (topic, meeting held, decision, follow-up), a fund (income, spending, arrears) and a notice read', async () => {
    await moveTo('2026-12-08T01:00:00.000Z');
    const council = ok(
      await staff.post('/api/v1/councils', {
        orgId: ymt.id,
        name: '营门滩社区居民议事会',
        voteBasis: 'household',
        quorum: 'half',
        majority: 'half',
        supportThreshold: 2,
        supportDays: 30,
      }),
      201,
    );
    const topic = ok(
      await her.post('/api/v1/my/council-topics', { councilId: council.id, title: '老旧小区引入物业', body: '请议' }),
      201,
    );
    ok(await staff.post(`/api/v1/council-topics/${topic.id}/supports`, { householdIds: households.slice(0, 2) }));
    ok(await staff.post(`/api/v1/councils/${council.id}/topics`, { title: '加装路灯', body: '请议' }), 201);
    const members: string[] = [];
    for (const i of [0, 1])
      members.push(
        ok(
          await staff.post(`/api/v1/councils/${council.id}/members`, {
            kind: 'resident_rep',
            name: `代表${i}`,
            householdId: households[i],
          }),
          201,
        ).id,
      );
    const meeting = ok(
      await staff.post(`/api/v1/councils/${council.id}/meetings`, {
        title: '议事会',
        place: '议事厅',
        startsAt: '2026-12-08T02:00:00.000Z',
        agenda: [{ topicId: topic.id, ballot: 'open' }],
      }),
      201,
    );
    ok(
      await staff.post(`/api/v1/council-meetings/${meeting.id}/attendance`, {
        entries: members.map((memberId) => ({ memberId, status: 'present' })),
      }),
    );
    for (const memberId of members)
      ok(
        await staff.post(`/api/v1/council-meetings/${meeting.id}/votes`, {
          topicId: topic.id,
          memberId,
          choice: 'yes',
        }),
      );
    const decision = ok(
      await staff.post(`/api/v1/council-meetings/${meeting.id}/decisions`, {
        topicId: topic.id,
        resolution: '引入物业',
        funding: { ownersFen: 60_000, subsidyFen: 30_000, companyFen: 10_000 },
      }),
      201,
    );
    for (const title of ['选聘物业', '物业进场'])
      ok(
        await staff.post(`/api/v1/council-decisions/${decision.id}/milestones`, {
          title,
          ownerName: '居委会',
          dueDate: '2027-01-31',
        }),
        201,
      );
    const withMilestones = ok(await staff.get(`/api/v1/council-decisions/${decision.id}`)) as unknown as {
      milestones: { id: string }[];
    };
    ok(await staff.post(`/api/v1/council-milestones/${withMilestones.milestones[0]!.id}/done`, { isDone: true }));
    ok(await staff.post(`/api/v1/council-meetings/${meeting.id}/minutes`, { minutes: '表决通过引入物业。' }));

    // the compound's fund: three owners, a levy of 1,000 yuan split evenly, one owner pays, a subsidy, a spending
    const compound = ok(
      await staff.post('/api/v1/orgs', { parentId: ymt.id, level: 'compound', name: '营门滩家属院' }),
      201,
    );
    const fund = ok(await staff.post('/api/v1/funds', { compoundId: compound.id }), 201);
    ok(
      await staff.post(`/api/v1/funds/${fund.id}/owners`, {
        owners: households.slice(0, 3).map((householdId) => ({ householdId, areaM2: 80 })),
      }),
    );
    ok(
      await staff.post(`/api/v1/funds/${fund.id}/levies`, {
        title: '首年物业费',
        basis: 'flat',
        rateFen: 100_000,
        decisionId: decision.id,
        dueOn: '2026-12-31',
      }),
      201,
    );
    const session = await staffSession(t, 'ymt_sj');
    const move = async (body: Record<string, unknown>) =>
      ok(
        await postWithReceipt(t, session, `/api/v1/funds/${fund.id}/movements`, {
          occurredOn: '2026-12-08',
          ...body,
        }),
        201,
      );
    await move({ source: 'owner', amountFen: 33_334, householdId: households[0] });
    await move({ source: 'subsidy', amountFen: 30_000, payer: '安宁区住建局' });
    await move({ source: 'spending', amountFen: 20_000, decisionId: decision.id, purpose: '物业进场保洁' });

    // a notice to every household of the community; she reads it
    const notice = ok(
      await staff.post('/api/v1/notices', {
        orgId: ymt.id,
        title: '关于调整高龄津贴发放标准的通知',
        body: '自 2027 年 1 月起……',
        audience: {},
      }),
      201,
    );
    ok(await her.post(`/api/v1/my/notices/${notice.id}/read`));

    const p = await panel();
    expect(p.figures.councils).toMatchObject({
      topics: 2,
      residentTopics: 1,
      meetingsHeld: 1,
      decisions: 1,
      adopted: 1,
      milestones: 2,
      milestonesDone: 1,
      progress: 0.5,
    });
    expect(p.figures.funds).toMatchObject({
      ownersFen: 33_334,
      subsidyFen: 30_000,
      companyFen: 0,
      spendingFen: 20_000,
      balanceFen: 43_334,
      // the levy is 33,334 + 33,333 + 33,333: two owners have not paid
      arrearsFen: 66_666,
      householdsBehind: 2,
    });
    expect(p.figures.notices).toMatchObject({ sent: 1, reached: 4, read: 1, readShare: 0.25 });
  });

  it('shows the same figures in the street’s drill-down and in a generated 一表通 report', async () => {
    await t.createUser({ username: 'ytl_street2', role: 'street', orgCode: CODES.yinTanLuStreet });
    const street = await t.login('ytl_street2');
    const streetUnit = await t.org(CODES.yinTanLuStreet);
    const own = (await panel()).figures;
    const up = await panel(street, streetUnit.id);
    const row = up.children.find((c) => c.unit.id === ymt.id)!;
    expect(row.figures).toEqual(own);
    expect(up.figures.venues.hoursUsed).toBe(own.venues.hoursUsed);

    const columns = [
      ['hours', '阵地使用时长', 'venues.hoursUsed'],
      ['share', '居民使用占比', 'venues.residentShare'],
      ['people', '服务人次', 'venues.peopleServed'],
      ['meals', '助餐份数', 'canteen.mealsServed'],
      ['delivered', '送餐上门', 'canteen.delivered'],
      ['vols', '志愿者', 'volunteering.volunteers'],
      ['vol_hours', '志愿时长', 'volunteering.hours'],
      ['earned', '积分发放', 'points.earned'],
      ['spent', '积分消耗', 'points.spent'],
      ['redemptions', '兑换次数', 'store.redemptions'],
      ['held', '议事会', 'councils.meetingsHeld'],
      ['progress', '决定完成率', 'councils.progress'],
      ['owners', '业主自筹', 'funds.ownersFen'],
      ['arrears', '欠缴', 'funds.arrearsFen'],
      ['read', '阅读率', 'notices.readShare'],
    ] as const;
    const template = ok(
      await street.post('/api/v1/report-templates', {
        name: '公共服务月报',
        title: '公共服务月报表',
        rowKind: 'units',
        rowLevel: 'community',
        columns: columns.map(([key, label, metric]) => ({ key, label, metric })),
      }),
      201,
    );
    const badFilter = await street.post('/api/v1/report-templates', {
      name: '欠缴',
      title: '欠缴',
      rowKind: 'units',
      rowLevel: 'community',
      columns: [{ key: 'a', label: '欠缴', metric: 'funds.arrearsFen', filter: { period: 'all' } }],
    });
    expect(badFilter.statusCode).toBe(400);
    const report = ok(
      await street.post('/api/v1/reports', { templateId: template.id, orgId: streetUnit.id, period: MONTH }),
      201,
    ) as unknown as { preview: { rows: unknown[][]; totals: unknown[] } };
    const line = report.preview.rows.find((r) => r[1] === '营门滩社区')!;
    expect(line.slice(2)).toEqual([4.5, 0.667, 6, 2, 1, 2, 3.5, 55, 15, 1, 1, 0.5, 33_334, 66_666, 0.25]);
    // the other communities of the street have none of it: the totals are 营门滩's
    expect(report.preview.totals.slice(-15)).toEqual(line.slice(2));
  });

  it('keeps a unit out of reach of another community (404), and rebuilding leaves every counter as it was', async () => {
    expect((await outsider.get(`/api/v1/insights/${ymt.id}/services?month=${MONTH}`)).statusCode).toBe(404);
    expect((await outsider.get(`/api/v1/orgs/${ymt.id}/venue-figures?month=${MONTH}`)).statusCode).toBe(404);
    const bad = await staff.get(`/api/v1/insights/${ymt.id}/services?month=2026-13`);
    expect(bad.statusCode).toBe(400);
    const marks = Number(
      (
        await t.deps.db
          .selectFrom('insight_service_marks')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(marks).toBeGreaterThan(20);
    const live = await snapshotCounters(t.deps.db);
    expect(Object.keys(live).some((k) => k.includes(' venue.minutes '))).toBe(true);
    await rebuildRollups(t.deps.db, t.deps.database.sqlite, ymt.path);
    expect(await snapshotCounters(t.deps.db)).toEqual(live);
    await rebuildRollups(t.deps.db, t.deps.database.sqlite, null);
    expect(await snapshotCounters(t.deps.db)).toEqual(live);
    expect((await panel()).figures.venues.hoursUsed).toBe(4.5);
  });
});
