import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestContext, createTestContext } from '../../test/harness.ts';
import { expectErrorBody } from '../../test/http.ts';
import { type Session, postWithReceipt, setUpFundWorld } from './fixture.ts';

type Errors = { errors?: { field: string; code: string; message_zh: string; message_en: string }[] };
interface OwnerList {
  items: { householdId: string; address: string; areaM2: number; dueFen: number }[];
  totalArrearsFen: number;
}

/**
 * 物业资金 set-up without one-at-a-time typing (issue 15, item 6): the compound's owner households come
 * in from a pasted list of registry addresses and floor areas, all or none, a failing row named by its
 * number and field; a levy is corrected while nobody has paid against it, and stands once someone has.
 */
describe.each(DIALECTS)('fund owners in bulk and levy corrections on %s', (dialect) => {
  let t: TestContext;
  let world: Awaited<ReturnType<typeof setUpFundWorld>>;
  let staff: Session;
  let fundId: string;
  const addresses = (n: number) => Array.from({ length: n }, (_, i) => `营门滩家属院 3 号楼 ${i + 1}01`);

  const count = async (table: 'fund_owners' | 'fund_dues' | 'fund_movements') =>
    Number(
      (
        await t.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const expectField = (
    res: { statusCode: number; body: string; json: () => unknown },
    status: number,
    field: string,
  ) => {
    expect(res.statusCode, res.body).toBe(status);
    expectErrorBody(res as never);
    const first = (res.json() as Errors).errors?.[0];
    expect(first?.field, res.body).toBe(field);
    return first!;
  };
  const importRows = (rows: unknown[]) => staff.client.post(`/api/v1/funds/${fundId}/owners/import`, { rows });

  beforeAll(async () => {
    t = await createTestContext(dialect);
    world = await setUpFundWorld(t);
    staff = world.staff;
    const made = await staff.client.post('/api/v1/funds', { compoundId: world.compound.id });
    expect(made.statusCode, made.body).toBe(201);
    fundId = made.json<{ id: string }>().id;
  }, 120_000);
  afterAll(() => t.close());

  it('refuses a pasted list with an unknown address, the same household twice or an area in thousandths, by row, writing nothing', async () => {
    const [a, b, c] = addresses(3) as [string, string, string];
    const unknown = expectField(
      await importRows([
        { address: a, areaM2: 80 },
        { address: '营门滩家属院 9 号楼 999', areaM2: 80 },
      ]),
      400,
      'rows.1.address',
    );
    expect(unknown.message_zh).toContain('第 2 行');
    const twice = expectField(
      await importRows([
        { address: a, areaM2: 80 },
        { address: b, areaM2: 70 },
        { address: ` ${a} `, areaM2: 81 },
      ]),
      400,
      'rows.2.address',
    );
    expect(twice.message_zh).toContain('第 1 行');
    expectField(await importRows([{ address: c, areaM2: 88.555 }]), 400, 'rows.0.areaM2');
    expectField(await importRows([{ address: '', areaM2: 80 }]), 400, 'rows.0.address');
    expectField(await importRows([]), 400, 'rows');
    expect(await count('fund_owners')).toBe(0);
  });

  it('adds every household of the list with its area at once, and a second list corrects the areas', async () => {
    const n = world.households.length;
    const res = await importRows(addresses(n).map((address, i) => ({ address, areaM2: 60 + i + 0.25 })));
    expect(res.statusCode, res.body).toBe(200);
    const owners = res.json<OwnerList>();
    expect(owners.items.map((o) => o.householdId).sort()).toEqual([...world.households].sort());
    expect(owners.items.find((o) => o.address === addresses(1)[0])?.areaM2).toBe(60.25);

    const again = await importRows([{ address: addresses(1)[0], areaM2: 99.5 }]);
    expect(again.json<OwnerList>().items.find((o) => o.address === addresses(1)[0])?.areaM2).toBe(99.5);
    expect(await count('fund_owners')).toBe(n);
  });

  it('corrects a levy before anyone paid (dues fixed again, audited) and refuses once an owner has paid against it', async () => {
    const made = await staff.client.post(`/api/v1/funds/${fundId}/levies`, {
      title: '物业启动金',
      basis: 'per_household',
      rateFen: 10_000,
      dueOn: '2027-01-31',
    });
    expect(made.statusCode, made.body).toBe(201);
    const levyId = made.json<{ id: string }>().id;
    const url = `/api/v1/funds/${fundId}/levies/${levyId}`;

    // 2 yuan a m²: each household's due follows its area
    const corrected = await staff.client.request('PUT', url, {
      title: '物业启动金（按面积）',
      basis: 'per_area',
      rateFen: 200,
      dueOn: '2027-02-28',
    });
    expect(corrected.statusCode, corrected.body).toBe(200);
    const owners = (await staff.client.get(`/api/v1/funds/${fundId}/owners`)).json<OwnerList>();
    for (const o of owners.items) expect(o.dueFen, o.address).toBe(Math.round(o.areaM2 * 200));
    expect(corrected.json()).toMatchObject({
      basis: 'per_area',
      dueOn: '2027-02-28',
      totalFen: owners.items.reduce((s, o) => s + o.dueFen, 0),
    });
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'fund.levy_update')
      .execute();
    expect(audit).toHaveLength(1);

    // an owner pays against it: its dues stand
    const payer = owners.items[0]!;
    const paid = await postWithReceipt(t, staff, `/api/v1/funds/${fundId}/movements`, {
      source: 'owner',
      amountFen: payer.dueFen,
      occurredOn: new Date(t.clock.now().getTime() - 86_400_000).toISOString().slice(0, 10),
      householdId: payer.householdId,
      levyId,
    });
    expect(paid.statusCode, paid.body).toBe(201);
    const [dues, movements] = [await count('fund_dues'), await count('fund_movements')];
    const refused = expectField(
      await staff.client.request('PUT', url, {
        title: '物业启动金',
        basis: 'per_household',
        rateFen: 5_000,
        dueOn: '2027-01-31',
      }),
      409,
      'levyId',
    );
    expect(refused.message_en).toContain('paid');
    expect([await count('fund_dues'), await count('fund_movements')]).toEqual([dues, movements]);
    const after = (await staff.client.get(`/api/v1/funds/${fundId}/levies`)).json<{
      items: { id: string; basis: string }[];
    }>();
    expect(after.items.find((l) => l.id === levyId)?.basis).toBe('per_area');

    // a levy that is not the fund's is not found
    const missing = await staff.client.request('PUT', `/api/v1/funds/${fundId}/levies/${crypto.randomUUID()}`, {
      title: 'x',
      basis: 'per_household',
      rateFen: 100,
      dueOn: '2027-01-31',
    });
    expect(missing.statusCode).toBe(404);
  });
});
