import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { ensureDepartments } from '../orgs/departments.ts';

/**
 * Issue 19, item 3: a report template belongs to the unit that made it. Every unit sees the shared
 * catalogue and may copy any template; only the owner unit (or one above it) may change it — another
 * unit gets 403 TEMPLATE_NOT_OWNED. A district's department generates its templates for every unit of
 * the district, and finds them in the unit picker.
 */
const TEMPLATE = {
  name: '居民数统计',
  title: '居民数统计表',
  rowKind: 'units',
  rowLevel: 'community',
  columns: [{ key: 'residents', label: '居民', metric: 'residents.count' }],
} as const;

type Summary = { id: string; name: string; version: number; ownerName: string | null; isOwned: boolean };

describe.each(DIALECTS)('report templates are owned on %s', (dialect) => {
  let t: TestContext;
  let clerk: Client;
  let secretaryA: Client;
  let secretaryB: Client;
  let district: Client;
  let templateId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    const county = await t.deps.db
      .selectFrom('org_units')
      .selectAll()
      .where('code', '=', CODES.anning)
      .executeTakeFirstOrThrow();
    const who = { actorId: null, actorName: 'test', ip: null, userAgent: null };
    await ensureDepartments(t.deps, who, county, [{ kind: 'civil_affairs', name: '民政局' }]);
    const civil = await t.deps.db
      .selectFrom('org_units')
      .select('id')
      .where('parent_id', '=', county.id)
      .where('department_kind', '=', 'civil_affairs')
      .executeTakeFirstOrThrow();
    await t.createUser({ username: 'anning_mzj', role: 'department', orgCode: CODES.anning, orgId: civil.id });
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'szs_sj', role: 'community_secretary', orgCode: CODES.shanZiShi });
    await t.createUser({ username: 'anning_qu', role: 'district', orgCode: CODES.anning });
    clerk = await t.login('anning_mzj');
    secretaryA = await t.login('ymt_sj');
    secretaryB = await t.login('szs_sj');
    district = await t.login('anning_qu');
    const made = await clerk.post('/api/v1/report-templates', TEMPLATE);
    expect(made.statusCode, made.body).toBe(201);
    templateId = made.json<{ id: string }>().id;
  });
  afterAll(() => t.close());

  const summaryOf = async (client: Client, id: string) =>
    (await client.get('/api/v1/report-templates')).json<{ items: Summary[] }>().items.find((x) => x.id === id)!;

  it("refuses to change another unit's template with 403 TEMPLATE_NOT_OWNED, and leaves it as it was", async () => {
    for (const other of [secretaryA, secretaryB]) {
      // another unit's name is not hers to see: the owner shows only as "another unit"
      expect(await summaryOf(other, templateId)).toMatchObject({ ownerName: null, isOwned: false });
      const res = await other.request('PUT', `/api/v1/report-templates/${templateId}`, {
        ...TEMPLATE,
        title: '改过的',
      });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json()).toMatchObject({ code: 'TEMPLATE_NOT_OWNED' });
    }
    const detail = await clerk.get(`/api/v1/report-templates/${templateId}`);
    expect(detail.json()).toMatchObject({
      version: 1,
      title: '居民数统计表',
      isOwned: true,
      ownerName: '安宁区民政局',
    });
    // the owner changes it; so may the district above the department
    const own = await clerk.request('PUT', `/api/v1/report-templates/${templateId}`, {
      ...TEMPLATE,
      title: '居民数（新）',
    });
    expect(own.statusCode, own.body).toBe(200);
    expect(await summaryOf(district, templateId)).toMatchObject({ isOwned: true });
    const missing = await secretaryB.request('PUT', `/api/v1/report-templates/${crypto.randomUUID()}`, TEMPLATE);
    expect(missing.statusCode).toBe(404);
  });

  it('lets another unit copy a template into one of its own, which it may then change', async () => {
    const copy = await secretaryB.post(`/api/v1/report-templates/${templateId}/copy`, {});
    expect(copy.statusCode, copy.body).toBe(201);
    const copyId = copy.json<{ id: string }>().id;
    expect(await summaryOf(secretaryB, copyId)).toMatchObject({
      name: '居民数统计（副本）',
      ownerName: '山字石社区',
      isOwned: true,
      version: 1,
    });
    const changed = await secretaryB.request('PUT', `/api/v1/report-templates/${copyId}`, {
      ...TEMPLATE,
      name: '山字石居民数',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(await summaryOf(clerk, copyId)).toMatchObject({ isOwned: false, ownerName: null });
    expect((await clerk.get(`/api/v1/report-templates/${templateId}`)).json()).toMatchObject({ version: 2 });
  });

  it("lets a district's department generate its template for the district and any street or community in it, and no other", async () => {
    const anning = await t.org(CODES.anning);
    const street = await t.org(CODES.yinTanLuStreet);
    const community = await t.org(CODES.yingMenTan);
    const outside = await t.org(CODES.shanZiShi);
    for (const unit of [anning, street, community]) {
      const res = await clerk.post('/api/v1/reports', { templateId, orgId: unit.id, period: '2026-11' });
      expect(res.statusCode, `${unit.name}: ${res.body}`).toBe(201);
    }
    const whole = await clerk.post('/api/v1/reports', { templateId, orgId: anning.id, period: '2026-11' });
    expect(whole.json<{ rows: number }>().rows).toBeGreaterThan(10);
    const refused = await clerk.post('/api/v1/reports', { templateId, orgId: outside.id, period: '2026-11' });
    expect(refused.statusCode).toBe(404);
    expect(refused.body).not.toContain('山字石');

    // the console's unit picker: the district's streets and communities are found by name
    const found = await clerk.get(`/api/v1/orgs/search?q=${encodeURIComponent('营门滩')}`);
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json<{ items: { id: string }[] }>().items.map((u) => u.id)).toContain(community.id);
    const roots = (await clerk.get('/api/v1/orgs/roots')).json<{ items: { id: string }[] }>().items;
    expect(roots.map((u) => u.id)).toEqual([anning.id]);
    const elsewhere = await clerk.get(`/api/v1/orgs/search?q=${encodeURIComponent('山字石')}`);
    expect(elsewhere.json<{ items: unknown[] }>().items).toEqual([]);
  });
});
