import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { EXACT_SEARCH_ACTION } from './exact-search.ts';
import { checkCharacter } from './id-number.ts';

const idNumber = (first17: string) => first17 + checkCharacter(first17);

/** Candidates of a masked `6201021985********`: one birth day each, sequence 100, 101, … */
const candidate = (i: number) =>
  idNumber(`62010219850${1 + Math.floor(i / 28)}${String(1 + (i % 28)).padStart(2, '0')}${100 + i}`);

/**
 * Found by probing issue 19 as an attacker: the duplicate check of a resident's create or edit was
 * charged only when it found someone. A miss answers as well as a hit (the edit goes through where
 * "registered elsewhere" would refuse it), so editing one of her own residents through every candidate
 * of a masked number was an unlimited look-up: free misses, one charged hit.
 */
describe.each(DIALECTS)('the duplicate check as an ID-number oracle on %s', (dialect) => {
  let t: TestContext;
  let secretary: Client;
  let otherSecretary: Client;
  let residentId: string;
  const strangerNumber = candidate(40);

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_sg', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'szs_sg', role: 'community_secretary', orgCode: CODES.shanZiShi });
    secretary = await t.login('ymt_sg');
    otherSecretary = await t.login('szs_sg');
    const community = await t.org(CODES.yingMenTan);
    const householdId = (
      await secretary.post('/api/v1/households', { orgId: community.id, address: '营门滩路 2 号 101' })
    ).json<{ id: string }>().id;
    const other = await t.org(CODES.shanZiShi);
    const otherHouseholdId = (
      await otherSecretary.post('/api/v1/households', { orgId: other.id, address: '山字石 9 号' })
    ).json<{ id: string }>().id;
    const stranger = await otherSecretary.post('/api/v1/residents', {
      householdId: otherHouseholdId,
      name: '欧阳娜娜',
      idNumber: strangerNumber,
      relation: '户主',
      residenceType: 'registered',
    });
    expect(stranger.statusCode).toBe(201);
    const mine = await secretary.post('/api/v1/residents', {
      householdId,
      name: '张三',
      noIdReason: '新生儿，尚未办理',
      gender: 'male',
      birthDate: '2026-01-02',
      relation: '户主',
      residenceType: 'registered',
    });
    expect(mine.statusCode).toBe(201);
    residentId = mine.json<{ id: string }>().id;
  });
  afterAll(() => t.close());

  it('charges and audits every look-up of an edit, a miss as well as a hit: the 31st in a minute is 429, whatever the number', async () => {
    let version = (await secretary.get(`/api/v1/residents/${residentId}`)).json<{ version: number }>().version;
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const res = await secretary.patch(`/api/v1/residents/${residentId}`, { version, idNumber: candidate(i) });
      statuses.push(res.statusCode);
      if (res.statusCode === 200) version = res.json<{ version: number }>().version;
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
    // spent: the number registered elsewhere answers exactly as a new one does
    const hit = await secretary.patch(`/api/v1/residents/${residentId}`, { version, idNumber: strangerNumber });
    const miss = await secretary.patch(`/api/v1/residents/${residentId}`, { version, idNumber: candidate(35) });
    expect(hit.statusCode).toBe(429);
    expect(miss.statusCode).toBe(429);
    expect(hit.json()).toMatchObject({
      code: 'RATE_LIMITED',
      errors: [{ code: 'exact_search_limit', field: 'idNumber' }],
    });
    expect(hit.json()).toEqual(miss.json());
    const user = await t.deps.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'ymt_sg')
      .executeTakeFirstOrThrow();
    const rows = await t.deps.db
      .selectFrom('audit_log')
      .select(['detail'])
      .where('actor_id', '=', user.id)
      .where('action', '=', EXACT_SEARCH_ACTION)
      .execute();
    // 30 edits and 2 refused attempts, each on record as a duplicate check, never the number
    expect(rows).toHaveLength(32);
    expect(rows.every((r) => (JSON.parse(r.detail!) as { purpose: string }).purpose === 'duplicate_check')).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(strangerNumber.slice(6, 14));
    t.clock.advance(61_000);
    const later = await secretary.patch(`/api/v1/residents/${residentId}`, { version, idNumber: strangerNumber });
    expect(later.json()).toMatchObject({ errors: [{ code: 'registered_elsewhere' }] });
  });
});
