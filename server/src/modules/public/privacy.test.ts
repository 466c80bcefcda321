import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { INSIDE_YINGMENTAN, setUpCaseWorld } from '../cases/fixture.ts';
import { publicShowingOf } from '../cases/public-view.ts';
import { listCurrentDutyItems } from '../duties/service.ts';
import type { CommunityPage } from './schema.ts';

/**
 * The whole class, not an example: for every duty item whose cases expose a person (cases/public-view.ts
 * says `counted`: 家庭暴力, 侵害未成年人, 救助 and subsidy applications, …) and for an item an
 * administrator made not public, a case of it never appears on any public route — Open311's request
 * list, single request and updates, in JSON and XML, and the community's public page — with its point,
 * its words, its number or its item. A case of a place item filed beside them does appear, so the
 * routes are not simply empty.
 */
/**
 * What the filed cases say about a person. The flat number is looked for as written in the address
 * ('单元 302'): a bare '302' turns up by chance in the random hex of the ids a body carries.
 */
const SECRETS = ['赵桂兰', '13655556666', '单元 302', '丈夫'];

describe.each(DIALECTS)('no public route shows a case that exposes a person, on %s', (dialect) => {
  let t: TestContext;
  let staff: Client;
  let start: string;
  const hidden: { code: string; number: string; marker: string }[] = [];
  let placedNumber = '';

  const get = (url: string) => t.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await setUpCaseWorld(t);
    staff = await t.login('staff');
    start = t.clock.now().toISOString();
    t.clock.advance(1000);
    const file = async (code: string, marker: string) => {
      const res = await staff.post('/api/v1/cases', {
        channel: 'phone',
        dutyCode: code,
        description: `${marker} 赵桂兰求助，电话13655556666`,
        lng: INSIDE_YINGMENTAN.lng + 0.00123,
        lat: INSIDE_YINGMENTAN.lat + 0.00077,
        address: '营门滩路 9 号 3 单元 302',
        contactName: '赵桂兰',
        contactPhone: '13655556666',
        force: true,
      });
      expect(res.statusCode, `${code}: ${res.body}`).toBe(201);
      return res.json<{ case: { number: string } }>().case.number;
    };
    const items = await listCurrentDutyItems(t.deps.db);
    for (const item of items.filter((i) => publicShowingOf(i) === 'counted')) {
      const marker = `MARK${item.code.replace('-', '')}`;
      hidden.push({ code: item.code, marker, number: await file(item.code, marker) });
    }
    // a place item, then made not public by an administrator: its case must go dark with it
    const marker = 'MARKHJ001';
    hidden.push({ code: 'HJ-001', marker, number: await file('HJ-001', marker) });
    const admin = await t.login('setup-admin');
    const edit = await admin.patch('/api/v1/duties/HJ-001', { revision: 1, isPublic: false });
    expect(edit.statusCode, edit.body).toBe(200);
    // a person item sent through Open311 itself, in her own words
    const key = (await (await t.login('street')).post('/api/v1/apikeys', { name: 'open311' })).json<{ key: string }>()
      .key;
    const own = await t.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload: new URLSearchParams({
        api_key: key,
        service_code: 'LL-005',
        lat: String(INSIDE_YINGMENTAN.lat),
        long: String(INSIDE_YINGMENTAN.lng),
        description: 'MARKOPEN311 丈夫又动手了',
        first_name: '桂兰',
        last_name: '赵',
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(own.statusCode, own.body).toBe(200);
    hidden.push({
      code: 'LL-005',
      marker: 'MARKOPEN311',
      number: own.json<{ service_request_id: string }[]>()[0]!.service_request_id,
    });
    placedNumber = await file('LL-002', 'MARKPLACED');
    t.clock.advance(61_000);
  }, 300_000);
  afterAll(() => t.close());

  it('covers the items the issue names', () => {
    const codes = hidden.map((h) => h.code);
    // 家庭暴力求助, 侵害未成年人, 低保, 临时救助, 高龄津贴, 残疾人补贴, 独居老人探访
    for (const code of ['LL-005', 'JY-004', 'JZ-001', 'JZ-003', 'YL-001', 'JZ-006', 'YL-002']) {
      expect(codes).toContain(code);
    }
  });

  it('lists none of them in Open311, in JSON or XML, and answers 404 for each by number', async () => {
    const numbers = [...hidden.map((h) => h.number), placedNumber].join(',');
    const bodies = await Promise.all(
      [
        `/open311/v2/requests.json?start_date=${start}`,
        `/open311/v2/requests.xml?start_date=${start}`,
        `/open311/v2/requests.json?service_request_id=${numbers}`,
        `/open311/v2/requests.xml?service_request_id=${numbers}`,
        `/open311/v2/servicerequestupdates.json?start_date=${start}`,
        `/open311/v2/servicerequestupdates.xml?start_date=${start}`,
      ].map(async (url) => {
        const res = await get(url);
        expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
        return res.body;
      }),
    );
    for (const body of bodies) {
      expect(body).toContain(placedNumber);
      for (const h of hidden) {
        expect(body, h.code).not.toContain(h.number);
        expect(body, h.code).not.toContain(h.marker);
      }
      for (const secret of SECRETS) expect(body).not.toContain(secret);
    }
    const placed = (await get(`/open311/v2/requests/${placedNumber}.json`)).json<{ lat: number; long: number }[]>()[0]!;
    expect(placed.lat).toBe(Math.round((INSIDE_YINGMENTAN.lat + 0.00077) * 1000) / 1000);
    for (const h of hidden) {
      for (const format of ['json', 'xml']) {
        const res = await get(`/open311/v2/requests/${h.number}.${format}`);
        expect(res.statusCode, `${h.code} ${format}`).toBe(404);
        expect(res.body).not.toContain(h.marker);
      }
    }
  });

  it('counts them on the public page but never names, places or describes them', async () => {
    const res = await get(`/api/v1/public/communities/${CODES.yingMenTan}`);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json<CommunityPage>();
    expect(page.total).toBe(hidden.length + 1);
    expect(page.byItem).toEqual([]);
    expect(page.other).toBe(hidden.length + 1);
    expect(page.points).toEqual([]);
    const casesText = JSON.stringify({ ...page, duties: [] });
    for (const h of hidden) {
      expect(casesText, h.code).not.toContain(h.code);
      expect(res.body).not.toContain(h.number);
      expect(res.body).not.toContain(h.marker);
    }
    for (const secret of SECRETS) expect(res.body).not.toContain(secret);
    // the duty list is public reference: the item no longer public is not in it
    expect(page.duties.map((d) => d.code)).not.toContain('HJ-001');
  });
});
