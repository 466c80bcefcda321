import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import type { CaseTable } from '../cases/tables.ts';
import { INSIDE_YINGMENTAN, setUpCaseWorld } from '../cases/fixture.ts';
import { countyKeyOf } from '../../db/county-key.ts';

// The GeoReport v2 schemas (copied unchanged from the workplace's shared standards, so a clone anywhere
// has them) are the authority on every JSON answer.
const STANDARD = path.resolve(import.meta.dirname, 'georeport-v2');
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const format of ['uid', 'uint', 'double']) ajv.addFormat(format, true);
for (const name of ['request', 'requests', 'service', 'services', 'service-definition', 'swagger']) {
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(STANDARD, `${name}.json`), 'utf8')) as object, `${name}.json`);
}

function expectValid(schema: string, body: unknown) {
  const validate = ajv.getSchema(schema);
  if (validate === undefined) throw new Error(`no schema ${schema}`);
  expect(validate(body), `${schema}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

const LISTS = new Set(['service', 'request', 'request_update', 'error', 'endpoint', 'format', 'attribute']);
const xml = new XMLParser({ parseTagValue: false, isArray: (name) => LISTS.has(name) });

function parseXml(res: LightMyRequestResponse): Record<string, unknown> {
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  expect(res.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  return xml.parse(res.body) as Record<string, unknown>;
}

function expectSpecErrors(res: LightMyRequestResponse, status: number) {
  expect(res.statusCode, res.body).toBe(status);
  const isXml = String(res.headers['content-type']).startsWith('text/xml');
  const errors = isXml
    ? ((parseXml(res).errors as { error: { code: string; description: string }[] }).error ?? [])
    : (res.json() as { code: number; description: string }[]);
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) {
    expect(Number(e.code)).toBe(status);
    expect(e.description.length).toBeGreaterThan(0);
  }
  return errors;
}

interface Receipt {
  service_request_id: string;
  token: string;
  service_notice: string | null;
  account_id?: string;
}
interface PublicRequest {
  service_request_id: string;
  status: string;
  status_notes: string | null;
  service_code: string;
  service_name: string | null;
  description: string | null;
  agency_responsible: string | null;
  requested_datetime: string;
  updated_datetime: string | null;
  address: string | null;
  address_id: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}
interface Update {
  update_id: string;
  service_request_id: string;
  status: string;
  updated_datetime: string;
  description: string | null;
  media_url: string | null;
}

const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
const NOISE = { service_code: 'LL-002', lat: String(INSIDE_YINGMENTAN.lat), long: String(INSIDE_YINGMENTAN.lng) };

describe.each(DIALECTS)('Open311 GeoReport v2 on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpCaseWorld>>;
  let streetKey: string;
  let staffKey: string;
  let staff: Client;

  const get = (url: string, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'GET', url: `/open311/v2/${url}`, headers });
  const post = (url: string, params: Record<string, string>, headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'POST',
      url: `/open311/v2/${url}`,
      payload: new URLSearchParams(params).toString(),
      headers: { 'content-type': FORM, ...headers },
    });
  const submit = async (params: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await post('requests.json', { api_key: streetKey, ...params }, headers);
    expect(res.statusCode, res.body).toBe(200);
    const receipts = res.json() as Receipt[];
    expect(receipts).toHaveLength(1);
    // the swagger definition describes one receipt, not the list
    expectValid('swagger.json#/definitions/RequestResponse', receipts[0]);
    return receipts[0]!;
  };
  const findRequest = async (id: string) => {
    const res = await get(`requests/${id}.json`);
    expect(res.statusCode, res.body).toBe(200);
    expectValid('requests.json', res.json());
    return (res.json() as PublicRequest[])[0]!;
  };
  const caseIdOf = async (number: string) =>
    (await ctx.deps.db.selectFrom('cases').select('id').where('number', '=', number).executeTakeFirstOrThrow()).id;
  const createKey = async (username: string) => {
    const res = await (await ctx.login(username)).post('/api/v1/apikeys', { name: 'open311 client' });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { key: string }).key;
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpCaseWorld(ctx);
    streetKey = await createKey('street');
    staffKey = await createKey('staff');
    staff = await ctx.login('staff');
  }, 120_000);
  afterAll(() => ctx.close());

  it('describes itself in discovery, in JSON and XML', async () => {
    const json = await get('discovery.json');
    expect(json.statusCode).toBe(200);
    const d = json.json() as { endpoints: { specification: string; url: string; formats: string[] }[] };
    expect(d.endpoints[0]!.specification).toBe('http://wiki.open311.org/GeoReport_v2');
    expect(d.endpoints[0]!.url).toMatch(/\/open311\/v2$/);
    expect(d.endpoints[0]!.formats).toEqual(['text/xml', 'application/json']);
    const x = parseXml(await get('discovery.xml')).discovery as {
      endpoints: { endpoint: { specification: string; formats: { format: string[] } }[] };
    };
    expect(x.endpoints.endpoint[0]!.specification).toBe('http://wiki.open311.org/GeoReport_v2');
    expect(x.endpoints.endpoint[0]!.formats.format).toEqual(['text/xml', 'application/json']);
  });

  it('lists the public duty items as services, grouped by top category, and hides the rest', async () => {
    const res = await get('services.json');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expectValid('services.json', res.json());
    const services = res.json() as { service_code: string; group: string; metadata: boolean; type: string }[];
    const garbage = services.find((s) => s.service_code === 'HJ-001')!;
    expect(garbage).toMatchObject({ group: '环境卫生', metadata: false, type: 'realtime' });
    const internal = await ctx.deps.db
      .selectFrom('duty_items')
      .select('code')
      .where('is_public', '=', 0)
      .where('is_current', '=', 1)
      .execute();
    expect(internal.length).toBeGreaterThan(0);
    expect(services.map((s) => s.service_code)).not.toContain(internal[0]!.code);
    const x = parseXml(await get('services.xml')).services as { service: { service_code: string }[] };
    expect(x.service.map((s) => s.service_code)).toEqual(services.map((s) => s.service_code));
    expectSpecErrors(await get('services.csv'), 404);
  });

  it('gives a service definition, and 404 in the spec error format for an unknown code', async () => {
    const res = await get('services/HJ-001.json');
    expectValid('service-definition.json', res.json());
    const x = parseXml(await get('services/HJ-001.xml')).service_definition as { service_code: string };
    expect(x.service_code).toBe('HJ-001');
    expectSpecErrors(await get('services/NOPE-999.json'), 404);
    expectSpecErrors(await get('services/NOPE-999.xml'), 404);
  });

  it('takes a form-encoded request with an api_key, routes it by the duty list and answers in realtime', async () => {
    const receipt = await submit({
      ...NOISE,
      jurisdiction_id: 'lanzhou.gov.cn',
      address_string: '营门滩社区 3 号楼',
      description: '楼下广场舞音响每晚十点后还很响',
      media_url: 'https://example.org/photos/noise.jpg',
      email: 'someone@example.org',
      device_id: 'device-1',
    });
    expect(receipt.service_request_id).toMatch(/^SQ\d{14}$/);
    expect(receipt).not.toHaveProperty('account_id');
    expect(receipt.service_notice).toContain('营门滩社区');
    const c = await ctx.deps.db
      .selectFrom('cases')
      .selectAll()
      .where('number', '=', receipt.service_request_id)
      .executeTakeFirstOrThrow();
    expect(c).toMatchObject({ channel: 'open311', duty_code: 'LL-002', status: 'submitted', is_anonymous: 0 });
    expect(c.description).toContain('https://example.org/photos/noise.jpg');

    const r = await findRequest(receipt.service_request_id);
    expect(r).toMatchObject({
      status: 'open',
      service_code: 'LL-002',
      description: '楼下广场舞音响每晚十点后还很响',
      media_url: 'https://example.org/photos/noise.jpg',
      address: '营门滩社区 3 号楼',
      lat: INSIDE_YINGMENTAN.lat,
      long: INSIDE_YINGMENTAN.lng,
    });
    expect(r.agency_responsible).toContain('营门滩社区');
    const x = parseXml(await get(`requests/${receipt.service_request_id}.xml`)).service_requests as {
      request: { service_request_id: string; status: string }[];
    };
    expect(x.request[0]).toMatchObject({ service_request_id: receipt.service_request_id, status: 'open' });

    const token = await get(`tokens/${receipt.token}.json`);
    expectValid('swagger.json#/definitions/TokenResponse', (token.json() as unknown[])[0]);
    expect(token.json()).toEqual([{ service_request_id: receipt.service_request_id, token: receipt.token }]);
    expectSpecErrors(await get('tokens/0123456789abcdef0123456789abcdef.xml'), 404);
  });

  it('takes JSON bodies and a Bearer key too, and places a request by a grid code in address_id', async () => {
    const grid = await ctx.deps.db
      .selectFrom('org_units')
      .select('code')
      .where('id', '=', world.grid.id)
      .executeTakeFirstOrThrow();
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.xml',
      payload: { service_code: 'HJ-001', address_id: grid.code, description: '垃圾桶满了' },
      headers: { authorization: `Bearer ${staffKey}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    const id = (parseXml(res).service_requests as { request: { service_request_id: string }[] }).request[0]!
      .service_request_id;
    const r = await findRequest(id);
    expect(r.address_id).toBe(grid.code);
    expect(r.lat).toBeNull();
  });

  it('refuses a missing or wrong key, a console session and an account without case.intake with 403', async () => {
    expectSpecErrors(await post('requests.json', { ...NOISE, api_key: 'tzk_not-a-key' }), 403);
    expectSpecErrors(await post('requests.xml', { ...NOISE, api_key: 'tzk_not-a-key' }), 403);
    expectSpecErrors(await post('requests.json', NOISE), 403);
    const session = await staff.request('POST', '/open311/v2/requests.json', { ...NOISE, description: '借会话提交' });
    expectSpecErrors(session, 403);
    const eduKey = await createKey('edu');
    expectSpecErrors(await post('requests.json', { ...NOISE, api_key: eduKey }), 403);
  });

  it('answers bad requests as the spec says: 404 for an unknown service, 400 for the rest', async () => {
    const withKey = (p: Record<string, string>) => post('requests.json', { api_key: streetKey, ...p });
    expectSpecErrors(await withKey({ ...NOISE, service_code: 'NOPE-999' }), 404);
    const [missing] = expectSpecErrors(await withKey({ lat: NOISE.lat, long: NOISE.long }), 400);
    expect(missing!.description).toContain('service_code');
    const [outside] = expectSpecErrors(await withKey({ ...NOISE, lat: '39.9', long: '116.4' }), 400);
    expect(outside!.description).toMatch(/^long: /);
    expectSpecErrors(await withKey({ service_code: 'LL-002', address_string: '营门滩社区 5 号楼' }), 400);
    expectSpecErrors(await withKey({ service_code: 'LL-002', lat: NOISE.lat }), 400);
    expectSpecErrors(await withKey({ ...NOISE, lat: 'north' }), 400);
    expectSpecErrors(await withKey({ ...NOISE, phone: '12345' }), 400);
    expectSpecErrors(await withKey({ ...NOISE, media_url: 'javascript:alert(1)' }), 400);
    const english = await post('requests.json', { ...NOISE, api_key: 'wrong' }, { 'accept-language': 'en-US' });
    expect(expectSpecErrors(english, 403)[0]!.description).toBe('Invalid or revoked api_key');
    expectSpecErrors(await get('no-such-thing.json'), 404);
  });

  it('takes a request posted twice with one Idempotency-Key once, per account', async () => {
    const headers = { 'idempotency-key': 'client-req-42' };
    const first = await submit({ ...NOISE, service_code: 'HJ-001', description: '垃圾站很臭' }, headers);
    const again = await submit({ ...NOISE, service_code: 'HJ-001', description: '垃圾站很臭' }, headers);
    expect(again).toEqual(first);
    const rows = await ctx.deps.db
      .selectFrom('cases')
      .select('id')
      .where('external_ref', '=', `open311:${first.token}`)
      .execute();
    expect(rows).toHaveLength(1);
    const other = await post(
      'requests.json',
      { ...NOISE, service_code: 'HJ-001', description: '垃圾站很臭', api_key: staffKey },
      headers,
    );
    expect((other.json() as Receipt[])[0]!.service_request_id).not.toBe(first.service_request_id);
  });

  it('maps the workflow onto open and closed, with public replies as notes and updates, never internal notes', async () => {
    const start = ctx.clock.now().toISOString();
    const receipt = await submit({ ...NOISE, description: '夜间施工噪音' });
    const id = await caseIdOf(receipt.service_request_id);
    ctx.clock.advance(HOUR);
    staff = await ctx.login('staff');
    let version = 1;
    const act = async (action: string, body: Record<string, unknown>) => {
      const isVersioned = !('text' in body);
      const res = await staff.post(`/api/v1/cases/${id}/${action}`, isVersioned ? { version, ...body } : body);
      expect(res.statusCode, res.body).toBe(200);
      version = (res.json() as { version: number }).version;
    };
    await act('accept', {});
    await act('notes', { text: '内部备注：施工方负责人是老李' });
    await act('replies', { text: '已联系施工单位，今晚起 22 点后停工' });
    expect((await findRequest(receipt.service_request_id)).status_notes).toBe(
      '办理单位已答复：已联系施工单位，今晚起 22 点后停工',
    );
    await act('resolve', { result: '施工单位已调整作业时间' });
    const closed = await findRequest(receipt.service_request_id);
    expect(closed.status).toBe('closed');
    expect(closed.status_notes).toBe('已办结：施工单位已调整作业时间');
    expect(closed.updated_datetime).toBe(ctx.clock.now().toISOString());

    const list = await get(`requests.json?status=closed&service_code=LL-002,HJ-001&start_date=${start}`);
    expectValid('requests.json', list.json());
    expect((list.json() as PublicRequest[]).map((r) => r.service_request_id)).toEqual([receipt.service_request_id]);
    const open = (await get(`requests.json?status=open&start_date=${start}`)).json() as PublicRequest[];
    expect(open.map((r) => r.service_request_id)).not.toContain(receipt.service_request_id);

    const res = await get(`servicerequestupdates.json?start_date=${start}`);
    expect(res.statusCode, res.body).toBe(200);
    const updates = (res.json() as Update[]).filter((u) => u.service_request_id === receipt.service_request_id);
    expect(updates.map((u) => u.status)).toEqual(['open', 'open', 'open', 'closed']);
    expect(updates[2]!.description).toContain('22 点后停工');
    for (const u of updates) {
      expect(Object.keys(u).sort()).toEqual(
        ['description', 'media_url', 'service_request_id', 'status', 'update_id', 'updated_datetime'].sort(),
      );
    }
    expect(res.body).not.toContain('老李');
    const x = parseXml(await get(`servicerequestupdates.xml?start_date=${start}`)).service_request_updates as {
      request_update: { update_id: string }[];
    };
    expect(x.request_update.map((u) => u.update_id)).toEqual((res.json() as Update[]).map((u) => u.update_id));
  });

  it('never publishes personal data: no contact, no phone, no words or exact spot from other channels', async () => {
    const start = ctx.clock.now().toISOString();
    const open311 = await submit({
      ...NOISE,
      first_name: '小明',
      last_name: '王',
      phone: '+86 138-1234-5678',
      description: '王小明反映：楼上漏水，请回电13812345678，身份证620102199001011234',
    });
    const stored = await ctx.deps.db
      .selectFrom('cases')
      .select(['contact_name', 'contact_phone_enc'])
      .where('number', '=', open311.service_request_id)
      .executeTakeFirstOrThrow();
    expect(stored.contact_name).toBe('王小明');
    expect(ctx.deps.pii.decrypt(stored.contact_phone_enc!)).toBe('13812345678');

    const resident = await ctx.login('resident');
    const app = await resident.post('/api/v1/my/cases', {
      dutyCode: 'LL-002',
      description: '我家隔壁每晚吵架，我的电话13912345678',
      lng: 103.71834,
      lat: 36.10056,
      address: '营门滩社区 7 号楼 2 单元 501',
      contactPhone: '13912345678',
      force: true,
    });
    expect(app.statusCode, app.body).toBe(201);
    const appNumber = (app.json() as { case: { number: string } }).case.number;
    const appCase = await findRequest(appNumber);
    expect(appCase).toMatchObject({ description: null, lat: 36.101, long: 103.718, media_url: null });
    expect(appCase.address).toContain('营门滩社区');
    expect(appCase.address).not.toContain('501');
    const own = await findRequest(open311.service_request_id);
    expect(own.description).toBe('***反映：楼上漏水，请回电***，身份证***');

    const bodies = [
      await get(`requests.json?start_date=${start}`),
      await get(`requests.xml?start_date=${start}`),
      await get(`requests.json?service_request_id=${open311.service_request_id},${appNumber}`),
      await get(`requests/${appNumber}.xml`),
      await get(`servicerequestupdates.json?start_date=${start}`),
      await get(`servicerequestupdates.xml?start_date=${start}`),
      await get(`tokens/${open311.token}.json`),
    ].map((r) => r.body);
    for (const body of bodies) {
      for (const secret of [
        '13812345678',
        '13912345678',
        '138****5678',
        '139****5678',
        '王小明',
        '620102199001011234',
      ]) {
        expect(body).not.toContain(secret);
      }
      expect(body).not.toContain('resident');
    }
  });

  it('returns the last 90 days and at most 1000 requests by default, and refuses a wider window', async () => {
    const now = ctx.clock.now();
    const daysAgo = (d: number) => new Date(now.getTime() - d * 24 * HOUR).toISOString();
    const rows: CaseTable[] = Array.from({ length: 1005 }, (_, i) =>
      bulkCase(`SQ20261100${String(i).padStart(6, '0')}`, daysAgo(1 + (i % 80)), world),
    );
    rows.push(bulkCase('SQ20260801999999', daysAgo(91), world));
    for (let i = 0; i < rows.length; i += 100) {
      await ctx.deps.db
        .insertInto('cases')
        .values(rows.slice(i, i + 100))
        .execute();
    }
    const res = await get('requests.json');
    expectValid('requests.json', res.json());
    const all = res.json() as PublicRequest[];
    expect(all).toHaveLength(1000);
    expect(all.every((r) => r.requested_datetime >= daysAgo(90))).toBe(true);
    expect(all.map((r) => r.service_request_id)).not.toContain('SQ20260801999999');
    const old = (
      await get(`requests.json?start_date=${daysAgo(95)}&end_date=${daysAgo(90)}`)
    ).json() as PublicRequest[];
    expect(old.map((r) => r.service_request_id)).toEqual(['SQ20260801999999']);
    expect(
      ((await get('requests.json?service_request_id=SQ20260801999999')).json() as PublicRequest[])[0]!.status,
    ).toBe('open');
    expectSpecErrors(await get(`requests.json?start_date=${daysAgo(100)}&end_date=${daysAgo(1)}`), 400);
    expectSpecErrors(await get(`requests.json?start_date=${daysAgo(1)}&end_date=${daysAgo(2)}`), 400);
    expectSpecErrors(await get('requests.xml?start_date=yesterday'), 400);
    expectSpecErrors(await get('requests.json?start_date=2026-11-01T00:00:00'), 400);
    expectSpecErrors(await get('requests.json?status=pending'), 400);
    expect((await get('requests.json?start_date=2026-11-20')).statusCode).toBe(200);
  });
});

/** A case of a public item written straight into the table (the bulk of the default-limit test). */
function bulkCase(number: string, createdAt: string, world: { community: { id: string; path: string } }): CaseTable {
  return {
    id: newId(),
    number,
    channel: 'hotline',
    duty_item_id: null,
    duty_code: 'HJ-001',
    is_fallback: 0,
    priority: 'normal',
    status: 'submitted',
    description: '垃圾未清运',
    address: null,
    lng: null,
    lat: null,
    household_id: null,
    org_id: world.community.id,
    org_path: world.community.path,
    county_key: countyKeyOf(world.community.path),
    handler_org_id: world.community.id,
    handler_path: world.community.path,
    handler_user_id: null,
    escalated_org_id: null,
    escalated_path: null,
    escalation_count: 0,
    is_supervised: 0,
    reporter_user_id: null,
    contact_name: '张三',
    contact_phone_enc: null,
    contact_phone_bidx: null,
    is_anonymous: 0,
    external_ref: null,
    created_by: null,
    created_at: createdAt,
    accept_due_at: createdAt,
    resolve_due_at: createdAt,
    paused_at: null,
    pause_reason: null,
    due_state: 'overdue',
    next_check_at: null,
    accepted_at: null,
    resolved_at: null,
    closed_at: null,
    is_accepted_on_time: null,
    accept_seconds: null,
    resolve_seconds: null,
    was_overdue: 1,
    is_solved: null,
    rating: null,
    rating_comment: null,
    merged_into_id: null,
    reopen_count: 0,
    version: 1,
    updated_at: createdAt,
  };
}
