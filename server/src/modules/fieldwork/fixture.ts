import { expect } from 'vitest';
import { CODES, type Client, type TestContext } from '../../test/harness.ts';
import { setUpCaseWorld } from '../cases/fixture.ts';

export interface FieldHousehold {
  id: string;
  residentId: string;
}

/**
 * The world field-work tests need: 营门滩社区 with 第一网格 (worker `wg1`) and 第二网格 (worker `wg2`),
 * community staff, and a household in 山字石社区 outside everyone's grid.
 */
export async function setUpFieldWorld(ctx: TestContext) {
  const cases = await setUpCaseWorld(ctx);
  const secretary = await ctx.login('secretary');
  const res = await secretary.post('/api/v1/orgs', { parentId: cases.community.id, level: 'grid', name: '第二网格' });
  expect(res.statusCode, res.body).toBe(201);
  const grid2 = res.json<{ id: string }>();
  const grid1 = cases.grid;
  await ctx.createUser({ username: 'wg1', role: 'grid_worker', orgCode: '', orgId: grid1.id });
  await ctx.createUser({ username: 'wg2', role: 'grid_worker', orgCode: '', orgId: grid2.id });
  await ctx.createUser({ username: 'szs_sj', role: 'community_secretary', orgCode: CODES.shanZiShi });
  const shanZiShi = await ctx.org(CODES.shanZiShi);
  const other = await addHousehold(await ctx.login('szs_sj'), shanZiShi.id, '山字石巷 9 号', []);
  return { ...cases, grid1, grid2, other };
}

/** A household at a unit with one member (户主) carrying `careTags`. */
export async function addHousehold(
  client: Client,
  orgId: string,
  address: string,
  careTags: string[],
  phone = '13812345678',
): Promise<FieldHousehold> {
  const h = await client.post('/api/v1/households', { orgId, address });
  expect(h.statusCode, h.body).toBe(201);
  const id = h.json<{ id: string }>().id;
  const r = await client.post('/api/v1/residents', {
    householdId: id,
    name: `住户${address.slice(-4)}`,
    phone,
    noIdReason: '外籍人员',
    gender: 'female',
    birthDate: '1948-03-01',
    relation: '户主',
    residenceType: 'permanent',
    careTags,
  });
  expect(r.statusCode, r.body).toBe(201);
  return { id, residentId: r.json<{ id: string }>().id };
}

/** A visit as the phone queues it (the op carries the client id), dated `at`. */
export function visitInput(householdId: string, at: Date, extra: Record<string, unknown> = {}) {
  return {
    householdId,
    visitedAt: at.toISOString(),
    kind: 'routine',
    findings: [{ topic: 'daily_living', note: '生活能自理' }],
    ...extra,
  };
}

/** A visit body for `POST /visits`, with a fresh client id. */
export function visitBody(householdId: string, at: Date, extra: Record<string, unknown> = {}) {
  return { clientId: crypto.randomUUID(), ...visitInput(householdId, at, extra) };
}
