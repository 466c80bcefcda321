import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentMonth } from '../../platform/calendar.ts';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { INSIDE_YINGMENTAN, setUpCaseWorld } from '../cases/fixture.ts';
import { CODES } from '../../test/harness.ts';
import type { CommunityPage } from './schema.ts';

/**
 * The public page of a community: what anyone may read of 营门滩社区 this month, with no sign-in.
 * Cases are filed with known names, phone numbers and addresses in every free-text field, so a scan of
 * the body finds any that leak.
 */

const NAMES = ['李秀英', '张建国', '王小明'];
const PHONES = ['13700001111', '13900002222'];
const ADDRESS = '营门滩路 7 号楼 2 单元 501 室';
const descriptionOf = (i: number, what: string) =>
  `${NAMES[i % NAMES.length]}反映${what}，电话${PHONES[i % PHONES.length]}，住${ADDRESS}`;

describe.each(DIALECTS)('the public page of a community on %s', (dialect) => {
  let t: TestContext;
  let world: Awaited<ReturnType<typeof setUpCaseWorld>>;
  let staff: Client;
  let resident: Client;
  let district: Client;
  const url = `/api/v1/public/communities/${CODES.yingMenTan}`;
  const numbers: Record<string, string[]> = {};

  /** A case taken in by phone, as community staff would: her name, number and address in it. */
  async function intake(dutyCode: string, i: number, point = INSIDE_YINGMENTAN) {
    const res = await staff.post('/api/v1/cases', {
      channel: 'phone',
      dutyCode,
      description: descriptionOf(i, `${dutyCode} 的问题`),
      lng: point.lng + (i % 3) * 0.0004,
      lat: point.lat + (i % 2) * 0.0007,
      address: ADDRESS,
      contactName: NAMES[i % NAMES.length],
      contactPhone: PHONES[i % PHONES.length],
      force: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json<{ case: { id: string; number: string; version: number } }>().case;
    (numbers[dutyCode] ??= []).push(c.number);
    return c;
  }

  const page = async () => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode, res.body).toBe(200);
    return { res, body: res.json<CommunityPage>() };
  };
  /** The page as a new visitor sees it: past the in-process cache. */
  const freshPage = async () => {
    t.clock.advance(61_000);
    return page();
  };

  beforeAll(async () => {
    t = await createTestContext(dialect);
    world = await setUpCaseWorld(t);
    staff = await t.login('staff');
    resident = await t.login('resident');
    district = await t.login('district');
    // 5 neighbour-noise cases (a place: named and mapped), 5 community certificates (named, never
    // mapped), 4 yard-hygiene cases (under 5: folded into other), 5 家庭暴力求助 (a person: total only)
    for (let i = 0; i < 5; i++) await intake('LL-002', i);
    for (let i = 0; i < 5; i++) await intake('ZM-001', i);
    for (let i = 0; i < 4; i++) await intake('HJ-002', i);
    for (let i = 0; i < 5; i++) await intake('LL-005', i);
  }, 180_000);
  afterAll(() => t.close());

  it('counts a 家庭暴力 case in the total but never names, places or describes it, and folds an item with 4 cases into other', async () => {
    const { res, body } = await freshPage();
    expect(body.community).toEqual({
      code: CODES.yingMenTan,
      name: '营门滩社区',
      street: '银滩路街道',
      district: '安宁区',
    });
    expect(body.month).toBe(currentMonth(t.clock.now()));
    expect(body.total).toBe(19);
    expect(body.byItem.map((i) => [i.code, i.count, i.isPlaced])).toEqual([
      ['LL-002', 5, true],
      ['ZM-001', 5, false],
    ]);
    expect(body.other).toBe(9);
    expect(body.byItem.reduce((n, i) => n + i.count, 0) + body.other).toBe(body.total);
    // only the placed item is on the map, each point rounded to 0.001°
    expect(new Set(body.points.map((p) => p.code))).toEqual(new Set(['LL-002']));
    expect(body.points.reduce((n, p) => n + p.count, 0)).toBe(5);
    for (const p of body.points) {
      expect(Math.round(p.lng * 1000) / 1000).toBe(p.lng);
      expect(Math.round(p.lat * 1000) / 1000).toBe(p.lat);
    }
    // the cases part holds nothing of the person items, and the whole body no person at all
    const { duties, ...cases } = body;
    const casesText = JSON.stringify(cases);
    for (const word of ['LL-005', '家庭暴力', 'HJ-002', '楼院卫生']) expect(casesText).not.toContain(word);
    for (const secret of [...NAMES, ...PHONES, '501', '单元', '反映', '137****1111', ...Object.values(numbers).flat()])
      expect(res.body).not.toContain(secret);
    // the duty list names every public item with its handler and time limits
    const dv = duties.find((d) => d.code === 'LL-005')!;
    expect(dv).toMatchObject({ name: '家庭暴力求助', kind: 'department', acceptHours: expect.any(Number) as number });
    const noise = duties.find((d) => d.code === 'LL-002')!;
    expect(noise.handler).toBe('营门滩社区');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('gives the same three rates, parts and states as the dashboard gives the community this month', async () => {
    // some cases move on: accepted, resolved and rated by the reporter, so every rate has parts
    const mine = [];
    for (let i = 0; i < 3; i++) {
      const res = await resident.post('/api/v1/my/cases', {
        dutyCode: 'LL-002',
        description: `${NAMES[0]}家楼上夜里拖家具，电话${PHONES[0]}`,
        lng: INSIDE_YINGMENTAN.lng,
        lat: INSIDE_YINGMENTAN.lat,
        force: true,
      });
      expect(res.statusCode, res.body).toBe(201);
      mine.push(res.json<{ case: { id: string; version: number } }>().case);
    }
    for (const [i, c] of mine.entries()) {
      let r = await staff.post(`/api/v1/cases/${c.id}/accept`, { version: c.version });
      expect(r.statusCode, r.body).toBe(200);
      if (i === 2) continue;
      r = await staff.post(`/api/v1/cases/${c.id}/resolve`, {
        version: r.json<{ version: number }>().version,
        result: '已上门协调',
      });
      expect(r.statusCode, r.body).toBe(200);
      r = await resident.post(`/api/v1/my/cases/${c.id}/rating`, { rating: i === 0 ? 5 : 2, isSolved: i === 0 });
      expect(r.statusCode, r.body).toBe(200);
    }
    const { body } = await freshPage();
    const month = currentMonth(t.clock.now());
    const res = await district.get(`/api/v1/insights/${world.community.id}/cases?from=${month}&to=${month}`);
    expect(res.statusCode, res.body).toBe(200);
    const dashboard = res.json<{
      rates: Record<string, number | null>;
      byState: { state: string; count: number }[];
    }>();
    const { explained, ...rates } = body.rates;
    expect(rates).toEqual(dashboard.rates);
    expect(rates.received).toBe(22);
    expect(rates.rated).toBe(2);
    expect(body.total).toBe(dashboard.rates.received);
    expect(body.byState.map((s) => [s.state, s.count])).toEqual(dashboard.byState.map((s) => [s.state, s.count]));
    expect(explained.map((r) => [r.key, r.value, r.numerator, r.denominator])).toEqual([
      ['response', rates.responseRate, rates.acceptedOnTime, rates.received],
      ['resolution', rates.resolutionRate, rates.solved, rates.closed],
      ['satisfaction', rates.satisfactionRate, rates.satisfied, rates.rated],
    ]);
    for (const r of explained) expect(r.definition.zh.length).toBeGreaterThan(10);
    expect(body.byItem.find((i) => i.code === 'LL-002')!.byState).toContainEqual({ state: 'accepted', count: 1 });
  });

  it('is computed at most once a minute, marked public with an ETag, and answers 304 to a matching If-None-Match', async () => {
    const first = await freshPage();
    expect(first.res.headers['cache-control']).toBe('public, max-age=60');
    const etag = first.res.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    const again = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    // a new case shows only once the minute is over, under a new tag
    await intake('LL-002', 7);
    expect((await page()).body.total).toBe(first.body.total);
    const later = await freshPage();
    expect(later.body.total).toBe(first.body.total + 1);
    expect(later.res.headers.etag).not.toBe(etag);
    const stale = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(stale.statusCode).toBe(200);
    // a page whose figures did not change keeps its tag after the minute
    const unchanged = await freshPage();
    expect(unchanged.res.headers.etag).toBe(later.res.headers.etag);
  });

  it('answers 404 in both languages for an unknown community, and 400 naming the field for bad input', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/public/communities/620105006999' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND', message_zh: expect.stringContaining('社区') as string });
    expect(unknown.json<{ message_en: string }>().message_en).toMatch(/community/i);
    // a street's code is not a community's
    const street = await t.app.inject({ method: 'GET', url: `/api/v1/public/communities/${CODES.yinTanLuStreet}000` });
    expect(street.statusCode).toBe(404);
    for (const bad of ['abc', '62010500601', '6201050060100', '%E8%90%A5']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/public/communities/${bad}` });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('code');
    }
    const long = await t.app.inject({ method: 'GET', url: `/api/v1/public/communities?q=${'营'.repeat(41)}` });
    expect(long.statusCode).toBe(400);
    const extra = await t.app.inject({ method: 'GET', url: '/api/v1/public/communities?orgId=x' });
    expect(extra.statusCode).toBe(400);
  });

  it('lists communities by name or code with street and district, busiest this month first, to anyone', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/public/communities?q=${encodeURIComponent('营门滩')}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    // two communities share the name; the one with this month's cases comes first, its count beside it
    const found = res.json<{ communities: { code: string; casesThisMonth: number }[] }>().communities;
    expect(found.map((c) => c.code)).toEqual([CODES.yingMenTan, '620103009009']);
    expect(found[0]).toEqual({
      code: CODES.yingMenTan,
      name: '营门滩社区',
      street: '银滩路街道',
      district: '安宁区',
      casesThisMonth: (await page()).body.total,
    });
    expect(found[1]!.casesThisMonth).toBe(0);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    const byCode = await t.app.inject({ method: 'GET', url: `/api/v1/public/communities?q=${CODES.shanZiShi}` });
    expect(byCode.json<{ communities: { name: string }[] }>().communities.map((c) => c.name)).toEqual(['山字石社区']);
  });
});

describe.each(DIALECTS)('the public routes take any input without a 5xx on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  }, 60_000);
  afterAll(() => t.close());

  const HOSTILE = ["'; drop table org_units; --", '%', '_', '%_%', '..', '𠮷', ' ', '<b>', '620105006010 ', '６２０１'];
  const input = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 50 }), fc.stringMatching(/^\d{10,14}$/));

  it('answers a code or a search as it comes over the wire with 200, 400 or 404, each error naming its field', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(input, input, async (code, q) => {
        // each run from its own address, under the per-source limit
        const remoteAddress = `10.0.${Math.floor(++run / 250)}.${run % 250}`;
        for (const url of [
          `/api/v1/public/communities/${encodeURIComponent(code)}`,
          `/api/v1/public/communities?q=${encodeURIComponent(q)}`,
        ]) {
          const res = await t.app.inject({ method: 'GET', url, remoteAddress });
          expect([200, 400, 404], `${url}: ${res.body}`).toContain(res.statusCode);
          if (res.statusCode >= 400) {
            const body = res.json<{
              code: string;
              message_zh: string;
              message_en: string;
              errors?: { field: string }[];
            }>();
            expect(body.message_zh.length).toBeGreaterThan(0);
            expect(body.message_en.length).toBeGreaterThan(0);
            if (res.statusCode === 400) expect(body.errors?.[0]?.field).toMatch(/^(code|q)$/);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('limits one source to 120 requests a minute and tells it so in both languages', async () => {
    const statuses = [];
    for (let i = 0; i < 121; i++) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/public/communities/620105006999',
        remoteAddress: '10.9.9.9',
      });
      statuses.push(res.statusCode);
      if (i === 120)
        expect(res.json()).toMatchObject({ code: 'RATE_LIMITED', message_zh: expect.any(String) as string });
    }
    expect(statuses.slice(0, 120).every((s) => s === 404)).toBe(true);
    expect(statuses[120]).toBe(429);
    const other = await t.app.inject({
      method: 'GET',
      url: '/api/v1/public/communities/620105006999',
      remoteAddress: '10.9.9.10',
    });
    expect(other.statusCode).toBe(404);
  });
});
