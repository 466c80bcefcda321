import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { idNumberFor, registerResident, signInBySms } from '../residents/fixture.ts';
import { countyKeyOf } from '../../db/county-key.ts';
import { verifyLedger } from './ledger.ts';

const HER_PHONE = '13700003001';
const HER_ID = idNumberFor('1979-03-12', 214);
const HOUR = 3_600_000;

interface Field {
  field: string;
}
const fieldOf = (body: string) => (JSON.parse(body) as { errors?: Field[] }).errors?.[0]?.field;

/**
 * The volunteering-to-store loop (issue 14, items 5–7): staff publish a need, a bound resident of
 * 营门滩 claims it (not twice), checks in and out by the QR code, staff confirm her hours and she gets
 * points by the community's rule; she redeems an item and its stock and her balance move together,
 * once per client key; a reversal gives both back by a compensating movement, and the ledger holds.
 */
describe.each(DIALECTS)('volunteering and the points store on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let otherStaff: Client;
  let her: Client;
  let ymtId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date('2026-05-10T01:00:00Z'));
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'szs_sj', role: 'community_secretary', orgCode: CODES.shanZiShi });
    staff = await t.login('ymt_sj');
    otherStaff = await t.login('szs_sj');
    ymtId = (await t.org(CODES.yingMenTan)).id;
    await registerResident(
      staff,
      { orgId: ymtId, address: '营门滩路 12 号 2 单元 301' },
      { name: '王晓梅', idNumber: HER_ID, phone: HER_PHONE },
    );
    her = await signInBySms(t, HER_PHONE);
    const bound = await her.post('/api/v1/my/binding', { name: '王晓梅', idNumber: HER_ID });
    expect(bound.json()).toMatchObject({ isBound: true });
  }, 120_000);
  afterAll(() => t.close());

  const inHours = (h: number) => new Date(t.clock.now().getTime() + h * HOUR).toISOString();
  /** time passes; both stay active (a session ends after 30 idle minutes) */
  const advance = async (ms: number) => {
    for (let left = ms; left > 0; left -= 20 * 60_000) {
      t.clock.advance(Math.min(left, 20 * 60_000));
      await her.get('/api/v1/my/points');
      await staff.get(`/api/v1/points/policy?orgId=${ymtId}`);
      await otherStaff.get('/api/v1/points/appeals');
    }
  };

  it('a claimed need, checked in and out by QR and confirmed, earns her points by the rule', async () => {
    const made = await staff.post('/api/v1/volunteer/activities', {
      orgId: ymtId,
      kind: 'need',
      title: '帮独居老人打扫卫生',
      place: '营门滩路 8 号',
      startsAt: inHours(1),
      endsAt: inHours(4),
      slots: 1,
    });
    expect(made.statusCode, made.body).toBe(201);
    const activity = made.json<{ id: string }>();

    const listed = (await her.get('/api/v1/my/volunteer/activities')).json<{ items: { id: string }[] }>();
    expect(listed.items.map((a) => a.id)).toContain(activity.id);

    const claimed = await her.post(`/api/v1/my/volunteer/activities/${activity.id}/signup`);
    expect(claimed.statusCode, claimed.body).toBe(201);
    const twice = await her.post(`/api/v1/my/volunteer/activities/${activity.id}/signup`);
    expect(twice.statusCode).toBe(409);
    expect(fieldOf(twice.body)).toBe('activityId');

    const detail = (await staff.get(`/api/v1/volunteer/activities/${activity.id}`)).json<{
      checkinCode: string;
      taken: number;
      signups: { id: string }[];
    }>();
    expect(detail.taken).toBe(1);
    const signupId = detail.signups[0]!.id;

    // check-out before check-in: staff try it first
    const early = await staff.post(`/api/v1/volunteer/signups/${signupId}/check`, { action: 'out' });
    expect(early.statusCode).toBe(400);
    expect(fieldOf(early.body)).toBe('checkIn');

    const wrong = await her.post(`/api/v1/my/volunteer/activities/${activity.id}/scan`, { code: 'not-the-code' });
    expect(wrong.statusCode).toBe(400);
    expect(fieldOf(wrong.body)).toBe('code');

    await advance(HOUR);
    const inn = await her.post(`/api/v1/my/volunteer/activities/${activity.id}/scan`, { code: detail.checkinCode });
    expect(inn.statusCode, inn.body).toBe(200);
    expect(inn.json()).toMatchObject({ status: 'checked_in', checkedInVia: 'qr' });
    await advance(2.5 * HOUR);
    const out = await her.post(`/api/v1/my/volunteer/activities/${activity.id}/scan`, { code: detail.checkinCode });
    expect(out.json()).toMatchObject({ status: 'checked_out', minutes: 150 });

    const tooMany = await staff.post(`/api/v1/volunteer/signups/${signupId}/confirm`, { minutes: 1500 });
    expect(tooMany.statusCode).toBe(400);
    expect(fieldOf(tooMany.body)).toBe('minutes');
    const foreign = await otherStaff.post(`/api/v1/volunteer/signups/${signupId}/confirm`, {});
    expect(foreign.statusCode).toBe(404);

    const confirmed = await staff.post(`/api/v1/volunteer/signups/${signupId}/confirm`, {});
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    // volunteer_hour: 10 points an hour, 2.5 hours
    expect(confirmed.json()).toMatchObject({ status: 'confirmed', points: 25 });
    const again = await staff.post(`/api/v1/volunteer/signups/${signupId}/confirm`, {});
    expect(again.statusCode).toBe(409);

    const mine = (await her.get('/api/v1/my/points')).json<{
      balance: number;
      statement: { earned: number; movements: { amount: number; source: { kind: string; id: string } }[] };
    }>();
    expect(mine.balance).toBe(25);
    expect(mine.statement.earned).toBe(25);
    expect(mine.statement.movements[0]).toMatchObject({
      amount: 25,
      source: { kind: 'volunteer_signup', id: signupId },
    });
    expect(await verifyLedger(t.deps.db)).toEqual([]);
  });

  it('redeeming moves the stock and her balance together, once per client key; more than her balance is refused', async () => {
    const negative = await staff.post('/api/v1/store/items', { orgId: ymtId, name: '洗衣液', price: -5, stock: 3 });
    expect(negative.statusCode).toBe(400);
    expect(fieldOf(negative.body)).toBe('price');

    const soap = await staff.post('/api/v1/store/items', {
      orgId: ymtId,
      name: '洗衣液',
      price: 20,
      stock: 1,
      donorName: '兰州银行营门滩支行',
    });
    expect(soap.statusCode, soap.body).toBe(201);
    const item = soap.json<{ id: string }>();
    const dear = (
      await staff.post('/api/v1/store/items', { orgId: ymtId, name: '电饭煲', price: 500, stock: 2 })
    ).json<{ id: string }>();

    const tooDear = await her.post('/api/v1/my/store/redemptions', {
      itemId: dear.id,
      quantity: 1,
      clientKey: 'key-dear-0001',
    });
    expect(tooDear.statusCode).toBe(400);
    expect(fieldOf(tooDear.body)).toBe('quantity');
    // nothing half-written: the stock of the dear item did not move
    const shelf0 = (await her.get('/api/v1/my/store')).json<{
      balance: number;
      items: { id: string; stock: number }[];
    }>();
    expect(shelf0.items.find((i) => i.id === dear.id)?.stock).toBe(2);
    expect(shelf0.balance).toBe(25);

    const first = await her.post('/api/v1/my/store/redemptions', {
      itemId: item.id,
      quantity: 1,
      clientKey: 'key-soap-0001',
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ balance: 5, redemption: { status: 'reserved', points: 20 } });
    const retry = await her.post('/api/v1/my/store/redemptions', {
      itemId: item.id,
      quantity: 1,
      clientKey: 'key-soap-0001',
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.json<{ redemption: { id: string } }>().redemption.id).toBe(
      first.json<{ redemption: { id: string } }>().redemption.id,
    );
    const shelf = (await her.get('/api/v1/my/store')).json<{
      balance: number;
      items: { id: string; stock: number }[];
    }>();
    expect(shelf.balance).toBe(5);
    expect(shelf.items.find((i) => i.id === item.id)?.stock).toBe(0);

    const soldOut = await her.post('/api/v1/my/store/redemptions', {
      itemId: item.id,
      quantity: 1,
      clientKey: 'key-soap-0002',
    });
    expect(soldOut.statusCode).toBe(409);
    expect(fieldOf(soldOut.body)).toBe('quantity');

    // reversal: a compensating movement; the stock returns
    const redemptionId = first.json<{ redemption: { id: string } }>().redemption.id;
    const reversed = await staff.post(`/api/v1/store/redemptions/${redemptionId}/reverse`, { reason: '商品破损' });
    expect(reversed.statusCode, reversed.body).toBe(200);
    const after = (await her.get('/api/v1/my/points')).json<{
      balance: number;
      statement: { movements: { kind: string; amount: number }[] };
    }>();
    expect(after.balance).toBe(25);
    expect(after.statement.movements.map((m) => [m.kind, m.amount])).toEqual([
      ['reverse', 20],
      ['redeem', -20],
      ['award', 25],
    ]);
    const pickup = await staff.post(`/api/v1/store/redemptions/${redemptionId}/pickup`);
    expect(pickup.statusCode).toBe(409);
    expect(await verifyLedger(t.deps.db)).toEqual([]);
    // the redemption, its journal and the reversal's, and their movements live with the community's county
    const county = countyKeyOf((await t.org(CODES.yingMenTan)).path);
    expect(county).toBeGreaterThan(0);
    const redemption = await t.deps.db
      .selectFrom('store_redemptions')
      .select(['county_key', 'journal_id'])
      .where('id', '=', redemptionId)
      .executeTakeFirstOrThrow();
    expect(Number(redemption.county_key)).toBe(county);
    const journals = await t.deps.db
      .selectFrom('points_journals')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', redemption.journal_id), eb('reverses_id', '=', redemption.journal_id)]))
      .where('county_key', '=', county)
      .execute();
    expect(journals).toHaveLength(2);
    const movements = await t.deps.db
      .selectFrom('points_movements')
      .select('county_key')
      .where(
        'journal_id',
        'in',
        journals.map((j) => j.id),
      )
      .execute();
    expect(movements.map((m) => Number(m.county_key))).toEqual([county, county, county, county]);
  });

  it("an item donated from an alliance unit's resources list shows the unit; a 双报到 member's confirmed hours count on her registration", async () => {
    const ymt = await t.org(CODES.yingMenTan);
    const at = t.clock.now().toISOString();
    const ids = { alliance: crypto.randomUUID(), unit: crypto.randomUUID(), resource: crypto.randomUUID() };
    // the alliance as modules/party keeps it (its routes are engineer C's)
    await t.deps.db
      .insertInto('alliances')
      .values({
        id: ids.alliance,
        org_id: ymt.id,
        org_path: ymt.path,
        name: '营门滩党建联盟',
        created_by: null,
        created_at: at,
      })
      .execute();
    await t.deps.db
      .insertInto('alliance_units')
      .values({
        id: ids.unit,
        alliance_id: ids.alliance,
        org_path: ymt.path,
        name: '兰州银行营门滩支行',
        kind: 'enterprise',
        contact_name: null,
        status: 'active',
        joined_at: at,
        left_at: null,
      })
      .execute();
    await t.deps.db
      .insertInto('alliance_resources')
      .values({
        id: ids.resource,
        alliance_id: ids.alliance,
        org_path: ymt.path,
        unit_id: ids.unit,
        title: '捐赠米面油',
        description: null,
        status: 'available',
        created_by: null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    const unknown = await staff.post('/api/v1/store/items', {
      orgId: ymtId,
      name: '大米',
      price: 30,
      stock: 5,
      resourceId: crypto.randomUUID(),
    });
    expect(unknown.statusCode).toBe(400);
    expect(fieldOf(unknown.body)).toBe('resourceId');
    const rice = await staff.post('/api/v1/store/items', {
      orgId: ymtId,
      name: '大米',
      price: 30,
      stock: 5,
      resourceId: ids.resource,
    });
    expect(rice.statusCode, rice.body).toBe(201);
    expect(rice.json()).toMatchObject({
      donorUnitId: ids.unit,
      donorName: '兰州银行营门滩支行',
      resourceId: ids.resource,
    });

    const herUser = await t.deps.db
      .selectFrom('resident_bindings')
      .select(['user_id', 'resident_id'])
      .where('status', '=', 'bound')
      .executeTakeFirstOrThrow();
    const registrationId = crypto.randomUUID();
    await t.deps.db
      .insertInto('dual_registrations')
      .values({
        id: registrationId,
        user_id: herUser.user_id,
        resident_id: herUser.resident_id,
        org_id: ymt.id,
        org_path: ymt.path,
        name: '王晓梅',
        work_unit: '兰州银行营门滩支行',
        alliance_unit_id: ids.unit,
        party_org_name: null,
        skills: null,
        status: 'confirmed',
        requested_at: at,
        decided_by: null,
        decided_at: at,
        decision_note: null,
      })
      .execute();
    const activity = (
      await staff.post('/api/v1/volunteer/activities', {
        orgId: ymtId,
        kind: 'activity',
        title: '文明交通劝导',
        startsAt: inHours(-1),
        endsAt: inHours(2),
        slots: 10,
      })
    ).json<{ id: string }>();
    expect((await her.post(`/api/v1/my/volunteer/activities/${activity.id}/signup`)).statusCode).toBe(201);
    const signupId = (await staff.get(`/api/v1/volunteer/activities/${activity.id}`)).json<{
      signups: { id: string }[];
    }>().signups[0]!.id;
    const inn = await staff.post(`/api/v1/volunteer/signups/${signupId}/check`, { action: 'in', at: inHours(-0.75) });
    expect(inn.statusCode, inn.body).toBe(200);
    const outBefore = await staff.post(`/api/v1/volunteer/signups/${signupId}/check`, {
      action: 'out',
      at: inHours(-1),
    });
    expect(outBefore.statusCode).toBe(400);
    expect(fieldOf(outBefore.body)).toBe('at');
    expect((await staff.post(`/api/v1/volunteer/signups/${signupId}/check`, { action: 'out' })).json()).toMatchObject({
      minutes: 45,
    });
    const confirmed = await staff.post(`/api/v1/volunteer/signups/${signupId}/confirm`, {});
    expect(confirmed.json()).toMatchObject({ status: 'confirmed', points: 7 });
    const hours = await t.deps.db
      .selectFrom('service_hours')
      .select(['minutes', 'status', 'source_id'])
      .where('registration_id', '=', registrationId)
      .execute();
    expect(hours).toEqual([{ minutes: 45, status: 'confirmed', source_id: signupId }]);
    expect(await verifyLedger(t.deps.db)).toEqual([]);
  });

  it('the database refuses to change or delete a movement', async () => {
    await expect(t.deps.db.updateTable('points_movements').set({ amount: 1000 }).execute()).rejects.toThrow();
    await expect(t.deps.db.deleteFrom('points_movements').execute()).rejects.toThrow();
  });

  it('the community report counts what was earned and spent this month', async () => {
    const report = await staff.get(`/api/v1/points/report?orgId=${ymtId}&month=2026-05`);
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json()).toMatchObject({ earned: 32, spent: 20, reversed: 20, redemptions: 1, activeAccounts: 1 });
    const foreign = await otherStaff.get(`/api/v1/points/report?orgId=${ymtId}`);
    expect(foreign.statusCode).toBe(404);
  });
});
