import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';
import { TINY_PNG } from '../../test/http.ts';
import { type Session, councilDecision, postWithReceipt, setUpFundWorld, smsSession } from './fixture.ts';

interface Ledger {
  fund: { id: string; balanceFen: number };
  statement: {
    openingFen: number;
    incomeFen: { owner: number; subsidy: number; company: number };
    spendingFen: number;
    spendingByDecision: { decision: string; spentFen: number }[];
    closingFen: number;
    isBalanced: boolean;
  };
  months: string[];
  movements: { id: string; source: string; amountFen: number; household: string | null; channel: string }[];
}

const fieldOf = (res: { json: () => unknown }) => (res.json() as { errors?: { field: string }[] }).errors?.[0]?.field;

/**
 * 物业资金: a compound's fund as a ledger — owners' contributions, the subsidy and the company's share
 * in, spending out only under an adopted council decision, each with its receipt; what owners owe and
 * are behind by; the owner's own view on her phone; bad input refused by field with nothing written.
 */
describe.each(DIALECTS)('compound funds on %s', (dialect) => {
  let t: TestContext;
  let world: Awaited<ReturnType<typeof setUpFundWorld>>;
  let staff: Session;
  let fundId: string;
  let decisionId: string;
  let companyId: string;
  const today = () => t.clock.now().toISOString().slice(0, 10);
  const movements = (body: unknown, receipt?: Buffer | null) =>
    postWithReceipt(t, staff, `/api/v1/funds/${fundId}/movements`, body, receipt);
  const countMovements = async () =>
    Number(
      (
        await t.deps.db
          .selectFrom('fund_movements')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await createTestContext(dialect);
    world = await setUpFundWorld(t);
    staff = world.staff;
    decisionId = await councilDecision(t, world.community, '营门滩家属院引入物业，资金业主六成、补贴三成、物业一成');
  }, 120_000);
  afterAll(() => t.close());

  it('opens one fund per compound, and only at a compound', async () => {
    const made = await staff.client.post('/api/v1/funds', { compoundId: world.compound.id });
    expect(made.statusCode, made.body).toBe(201);
    fundId = made.json<{ id: string }>().id;
    expect(made.json()).toMatchObject({ name: '营门滩家属院物业资金', balanceFen: 0 });
    const again = await staff.client.post('/api/v1/funds', { compoundId: world.compound.id });
    expect(again.statusCode).toBe(409);
    expect(fieldOf(again)).toBe('compoundId');
    const atCommunity = await staff.client.post('/api/v1/funds', { compoundId: world.community.id });
    expect(atCommunity.statusCode).toBe(400);
    expect(fieldOf(atCommunity)).toBe('compoundId');
  });

  it('splits a levy over the owners so that the dues add up to the fen', async () => {
    const owners = await staff.client.post(`/api/v1/funds/${fundId}/owners`, {
      owners: world.households.map((householdId, i) => ({ householdId, areaM2: [85.5, 60, 120.25][i] })),
    });
    expect(owners.statusCode, owners.body).toBe(200);
    const levy = await staff.client.post(`/api/v1/funds/${fundId}/levies`, {
      title: '引入物业首期业主自筹',
      basis: 'flat',
      rateFen: 100_000,
      decisionId,
      dueOn: '2027-01-31',
    });
    expect(levy.statusCode, levy.body).toBe(201);
    expect(levy.json()).toMatchObject({ totalFen: 100_000, households: 3 });
    const list = (await staff.client.get(`/api/v1/funds/${fundId}/owners`)).json() as {
      items: { dueFen: number; arrearsFen: number }[];
      totalArrearsFen: number;
    };
    expect(list.items.map((o) => o.dueFen).sort()).toEqual([33_333, 33_333, 33_334]);
    expect(list.totalArrearsFen).toBe(100_000);
  });

  it('takes the three sources in with their receipts and spends only under an adopted decision', async () => {
    const owner = await movements({
      source: 'owner',
      amountFen: 33_334,
      occurredOn: today(),
      householdId: world.households[1],
    });
    expect(owner.statusCode, owner.body).toBe(201);
    expect(owner.json()).toMatchObject({ balanceFen: 33_334, movement: { source: 'owner', channel: 'staff' } });

    const subsidy = await movements({
      source: 'subsidy',
      amountFen: 30_000,
      occurredOn: today(),
      payer: '安宁区住建局',
    });
    expect(subsidy.statusCode, subsidy.body).toBe(201);

    const company = await staff.client.post('/api/v1/property-companies', {
      orgId: world.community.id,
      name: '兰州安宁宜居物业服务有限公司',
    });
    expect(company.statusCode, company.body).toBe(201);
    companyId = company.json<{ id: string }>().id;
    const noContract = await movements({ source: 'company', amountFen: 10_000, occurredOn: today(), companyId });
    expect(noContract.statusCode).toBe(400);
    expect(fieldOf(noContract)).toBe('companyId');
    const contract = await staff.client.post('/api/v1/property-contracts', {
      companyId,
      compoundId: world.compound.id,
      services: ['保洁', '秩序维护', '绿化养护'],
      feeFen: 50,
      feeUnit: 'per_m2_month',
      startsOn: '2026-12-01',
      endsOn: '2027-11-30',
    });
    expect(contract.statusCode, contract.body).toBe(201);
    const share = await movements({ source: 'company', amountFen: 10_000, occurredOn: today(), companyId });
    expect(share.statusCode, share.body).toBe(201);
    expect(share.json<{ balanceFen: number }>().balanceFen).toBe(73_334);

    const spent = await movements({
      source: 'spending',
      amountFen: 23_334,
      occurredOn: today(),
      decisionId,
      purpose: '单元门禁维修',
    });
    expect(spent.statusCode, spent.body).toBe(201);
    expect(spent.json()).toMatchObject({ balanceFen: 50_000, movement: { amountFen: -23_334 } });

    const ledger = (await staff.client.get(`/api/v1/funds/${fundId}`)).json() as Ledger;
    expect(ledger.statement).toMatchObject({
      incomeFen: { owner: 33_334, subsidy: 30_000, company: 10_000 },
      spendingFen: 23_334,
      closingFen: 50_000,
      isBalanced: true,
    });
    expect(ledger.statement.spendingByDecision[0]).toMatchObject({ spentFen: 23_334 });
    expect(ledger.statement.spendingByDecision[0]!.decision).toContain('引入物业');
    const receipt = await staff.client.get(`/api/v1/funds/${fundId}/movements/${ledger.movements[0]!.id}/receipt`);
    expect(receipt.headers['content-type']).toBe('image/png');
    expect(receipt.rawPayload.equals(TINY_PNG)).toBe(true);
  });

  it('refuses a spending without a decision, under a rejected one, or beyond the balance, writing nothing', async () => {
    const before = await countMovements();
    const none = await movements({ source: 'spending', amountFen: 100, occurredOn: today(), purpose: '修路灯' });
    expect(none.statusCode).toBe(400);
    expect(fieldOf(none)).toBe('decisionId');
    expect((none.json() as { errors: { message_zh: string }[] }).errors[0]!.message_zh).toContain('决议');
    const rejectedId = await councilDecision(t, world.community, '加装电梯', 'rejected');
    const rejected = await movements({
      source: 'spending',
      amountFen: 100,
      occurredOn: today(),
      purpose: '加装电梯',
      decisionId: rejectedId,
    });
    expect(rejected.statusCode).toBe(400);
    expect(fieldOf(rejected)).toBe('decisionId');
    const elsewhere = await councilDecision(t, await t.org('620102002002'), '山字石的决议');
    const foreign = await movements({
      source: 'spending',
      amountFen: 100,
      occurredOn: today(),
      purpose: '修路灯',
      decisionId: elsewhere,
    });
    expect(fieldOf(foreign)).toBe('decisionId');
    const tooMuch = await movements({
      source: 'spending',
      amountFen: 50_001,
      occurredOn: today(),
      purpose: '修路灯',
      decisionId,
    });
    expect(tooMuch.statusCode).toBe(409);
    expect(fieldOf(tooMuch)).toBe('amountFen');
    expect(await countMovements()).toBe(before);
  });

  it('refuses a contribution of 0, in fractions of a fen, without a receipt or dated ahead, naming the field', async () => {
    const before = await countMovements();
    const base = { source: 'owner', occurredOn: today(), householdId: world.households[2] };
    for (const [body, field, receipt] of [
      [{ ...base, amountFen: 0 }, 'amountFen', undefined],
      [{ ...base, amountFen: 1234.5 }, 'amountFen', undefined],
      [{ ...base, amountFen: -100 }, 'amountFen', undefined],
      [{ ...base, amountFen: '100' }, 'amountFen', undefined],
      [{ ...base, amountFen: 100 }, 'receipt', null],
      [{ ...base, amountFen: 100 }, 'receipt', Buffer.from('not an image')],
      [{ ...base, amountFen: 100, occurredOn: '2099-01-01' }, 'occurredOn', undefined],
      [{ ...base, amountFen: 100, householdId: crypto.randomUUID() }, 'householdId', undefined],
      [{ ...base, amountFen: 100, decisionId }, 'decisionId', undefined],
      [{ source: 'subsidy', amountFen: 100, occurredOn: today() }, 'payer', undefined],
    ] as const) {
      const res = await movements(body, receipt as Buffer | null | undefined);
      expect(res.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, JSON.stringify(body)).toBeLessThan(500);
      const json = res.json() as { errors?: { field: string; message_zh: string; message_en: string }[] };
      // an unknown household is outside every scope: 404, as any id the caller cannot see
      if (res.statusCode === 404) continue;
      expect(json.errors?.[0]?.field, JSON.stringify(body)).toBe(field);
      expect(json.errors?.[0]?.message_zh).toBeTruthy();
      expect(json.errors?.[0]?.message_en).toBeTruthy();
    }
    expect(await countMovements()).toBe(before);
  });

  it('counts a retried movement once by its client key', async () => {
    const body = {
      source: 'owner',
      amountFen: 33_333,
      occurredOn: today(),
      householdId: world.households[2],
      clientKey: 'retry-key-0001',
    };
    const first = await movements(body);
    const second = await movements(body);
    expect(first.statusCode, first.body).toBe(201);
    expect(second.json<{ movement: { id: string } }>().movement.id).toBe(
      first.json<{ movement: { id: string } }>().movement.id,
    );
    expect(second.json<{ balanceFen: number }>().balanceFen).toBe(83_333);
  });

  it('shows the owner her fund on the phone: the statement, others unnamed, her own arrears; she says she paid', async () => {
    const mine = (await world.her.client.get('/api/v1/my/funds')).json() as { items: { id: string }[] };
    expect(mine.items.map((f) => f.id)).toEqual([fundId]);
    const view = (await world.her.client.get(`/api/v1/my/funds/${fundId}`)).json() as Ledger & {
      mine: { dueFen: number; paidFen: number; arrearsFen: number };
    };
    expect(view.statement).toMatchObject({ closingFen: 83_333, isBalanced: true });
    expect(view.movements.filter((m) => m.source === 'owner').every((m) => m.household === null)).toBe(true);
    expect(view.mine).toEqual({ dueFen: 33_334, paidFen: 0, arrearsFen: 33_334 });

    const claim = await postWithReceipt(t, world.her, `/api/v1/my/funds/${fundId}/claims`, {
      amountFen: 33_334,
      paidOn: today(),
      note: '微信转账给社区',
      clientKey: 'phone-claim-0001',
    });
    expect(claim.statusCode, claim.body).toBe(201);
    const claimId = claim.json<{ id: string; status: string }>().id;
    // not in the ledger until staff confirm it
    expect(((await staff.client.get(`/api/v1/funds/${fundId}`)).json() as Ledger).fund.balanceFen).toBe(83_333);
    const decided = await staff.client.post(`/api/v1/funds/${fundId}/claims/${claimId}/decide`, { isConfirmed: true });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({ status: 'confirmed' });
    const twice = await staff.client.post(`/api/v1/funds/${fundId}/claims/${claimId}/decide`, { isConfirmed: true });
    expect(twice.statusCode).toBe(409);

    const after = (await world.her.client.get(`/api/v1/my/funds/${fundId}`)).json() as Ledger & {
      mine: { arrearsFen: number };
    };
    expect(after.mine.arrearsFen).toBe(0);
    expect(after.statement.closingFen).toBe(116_667);
    const hers = after.movements.find((m) => m.channel === 'phone');
    expect(hers?.household).toBe('营门滩家属院 3 号楼 101');
  });

  it('is 404 to staff of another community and to a resident who owns nothing in it', async () => {
    expect((await world.outsider.client.get(`/api/v1/funds/${fundId}`)).statusCode).toBe(404);
    expect(
      (
        await postWithReceipt(t, world.outsider, `/api/v1/funds/${fundId}/movements`, {
          source: 'subsidy',
          amountFen: 100,
          occurredOn: today(),
          payer: 'x',
        })
      ).statusCode,
    ).toBe(404);
    const stranger = await smsSession(t, '13700009099');
    expect((await stranger.client.get(`/api/v1/my/funds/${fundId}`)).statusCode).toBe(404);
    expect((await stranger.client.get('/api/v1/my/funds')).json()).toEqual({ items: [] });
  });

  it('counts the company’s complaints from the property cases in its compound', async () => {
    const res = await staff.client.get(`/api/v1/property-companies/${companyId}/figures`);
    expect(res.statusCode, res.body).toBe(200);
    const figures = res.json() as { dutyCodes: string[]; items: { rates: { received: number } }[] };
    expect(figures.dutyCodes).toContain('WY-001');
    expect(figures.items).toHaveLength(1);
    expect(figures.items[0]!.rates.received).toBe(0);
  });
});
