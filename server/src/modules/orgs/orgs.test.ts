import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';

const square = (x: number, y: number, d = 0.002) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
});

describe.each(DIALECTS)('org hierarchy on %s', (dialect) => {
  let t: TestContext;
  let secretary: Client;
  let admin: Client;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    await t.createUser({ username: 'ymt_sj', role: 'community_secretary', orgCode: CODES.yingMenTan });
    await t.createUser({ username: 'root', role: 'admin', orgCode: 'nation' });
    secretary = await t.login('ymt_sj');
    admin = await t.login('root');
  });
  afterAll(() => t.close());

  it('finds 营门滩社区 by its division code with its full name', async () => {
    const res = await admin.get(`/api/v1/orgs/by-code/${CODES.yingMenTan}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: '营门滩社区',
      fullName: '甘肃省兰州市安宁区银滩路街道营门滩社区',
      level: 'community',
    });
  });

  it('walks 甘肃省 › 兰州市 › 安宁区 › 银滩路街道 › 营门滩社区 through children and ancestors', async () => {
    const roots = (await admin.get('/api/v1/orgs/roots')).json() as { items: { id: string; name: string }[] };
    expect(roots.items.map((r) => r.name)).toEqual(['中华人民共和国']);
    let id = roots.items[0]!.id;
    for (const name of ['甘肃省', '兰州市', '安宁区', '银滩路街道', '营门滩社区']) {
      const children = (await admin.get(`/api/v1/orgs/${id}/children`)).json() as {
        items: { id: string; name: string }[];
      };
      const next = children.items.find((c) => c.name === name);
      expect(next, name).toBeDefined();
      id = next!.id;
    }
    const crumbs = (await admin.get(`/api/v1/orgs/${id}/ancestors`)).json() as { items: { name: string }[] };
    expect(crumbs.items.map((c) => c.name)).toEqual(['中华人民共和国', '甘肃省', '兰州市', '安宁区', '银滩路街道']);
  });

  it('shows a community secretary only her community: no ancestors, other communities 404', async () => {
    const roots = (await secretary.get('/api/v1/orgs/roots')).json() as { items: { id: string; name: string }[] };
    expect(roots.items.map((r) => r.name)).toEqual(['营门滩社区']);
    const crumbs = (await secretary.get(`/api/v1/orgs/${roots.items[0]!.id}/ancestors`)).json() as { items: unknown[] };
    expect(crumbs.items).toEqual([]);
    expect((await secretary.get(`/api/v1/orgs/by-code/${CODES.shanZiShi}`)).statusCode).toBe(404);
    const other = await t.org(CODES.shanZiShi);
    const res = await secretary.get(`/api/v1/orgs/${other.id}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('山字石');
    const search = (await secretary.get(`/api/v1/orgs/search?q=${encodeURIComponent('山字石')}`)).json() as {
      items: unknown[];
    };
    expect(search.items).toEqual([]);
  });

  it('searches by name and by code prefix within scope', async () => {
    const byName = (await admin.get(`/api/v1/orgs/search?q=${encodeURIComponent('营门滩')}`)).json() as {
      items: { code: string }[];
    };
    expect(byName.items.map((i) => i.code)).toContain(CODES.yingMenTan);
    const byCode = (await admin.get(`/api/v1/orgs/search?q=620105006&level=community`)).json() as {
      items: { code: string }[];
    };
    expect(byCode.items.length).toBeGreaterThan(5);
    expect(byCode.items.every((i) => i.code.startsWith('620105006'))).toBe(true);
  });

  it('counts the units below a district by level', async () => {
    const anning = await t.org(CODES.anning);
    const stats = (await admin.get(`/api/v1/orgs/${anning.id}/stats`)).json() as { counts: Record<string, number> };
    expect(stats.counts.street).toBeGreaterThanOrEqual(8);
    expect(stats.counts.community).toBeGreaterThan(stats.counts.street!);
  });

  it('lists every community of a district, and sees a new grid at once', async () => {
    const anning = await t.org(CODES.anning);
    const communities = (await admin.get(`/api/v1/orgs/${anning.id}/units?level=community`)).json() as {
      items: { code: string }[];
    };
    expect(communities.items.map((c) => c.code)).toContain(CODES.yingMenTan);
    expect(communities.items.every((c) => c.code.startsWith(CODES.anning))).toBe(true);
    const community = await t.org(CODES.yingMenTan);
    const before = (await admin.get(`/api/v1/orgs/${anning.id}/units?level=grid`)).json() as { items: unknown[] };
    await secretary.post('/api/v1/orgs', { parentId: community.id, level: 'grid', name: '第8网格' });
    const after = (await admin.get(`/api/v1/orgs/${anning.id}/units?level=grid`)).json() as {
      items: { name: string }[];
    };
    expect(after.items.length).toBe(before.items.length + 1);
    expect(after.items.map((g) => g.name)).toContain('第8网格');
    expect((await secretary.get(`/api/v1/orgs/${anning.id}/units?level=community`)).statusCode).toBe(404);
  });

  it('lets the secretary create a grid with an outline that then appears on the community map', async () => {
    const community = await t.org(CODES.yingMenTan);
    const res = await secretary.post('/api/v1/orgs', {
      parentId: community.id,
      level: 'grid',
      name: '第9网格',
      geometry: square(103.72, 36.1),
    });
    expect(res.statusCode).toBe(201);
    const grid = res.json() as { id: string; code: string; level: string };
    expect(grid.code).toMatch(new RegExp(`^${CODES.yingMenTan}\\d{3}$`));
    const map = (await secretary.get(`/api/v1/orgs/${community.id}/map`)).json() as {
      features: { properties: { id: string } }[];
    };
    expect(map.features.map((f) => f.properties.id)).toContain(grid.id);
    const renamed = await secretary.patch(`/api/v1/orgs/${grid.id}`, { name: '第九网格' });
    expect(renamed.json()).toMatchObject({ name: '第九网格' });
  });

  it('refuses a self-intersecting outline, naming the geometry field, and stores nothing', async () => {
    const community = await t.org(CODES.yingMenTan);
    const before = (await secretary.get(`/api/v1/orgs/${community.id}/children`)).json() as { items: unknown[] };
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [103.72, 36.1],
          [103.73, 36.11],
          [103.73, 36.1],
          [103.72, 36.11],
          [103.72, 36.1],
        ],
      ],
    };
    const res = await secretary.post('/api/v1/orgs', {
      parentId: community.id,
      level: 'grid',
      name: '坏网格',
      geometry: bowtie,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ errors: [{ field: 'geometry', code: 'self_intersection' }] });
    const open = {
      type: 'Polygon',
      coordinates: [
        [
          [103.72, 36.1],
          [103.73, 36.1],
          [103.73, 36.11],
          [103.72, 36.11],
        ],
      ],
    };
    const res2 = await secretary.post('/api/v1/orgs', {
      parentId: community.id,
      level: 'grid',
      name: '坏网格',
      geometry: open,
    });
    expect(res2.json()).toMatchObject({ errors: [{ field: 'geometry', code: 'ring_not_closed' }] });
    const after = (await secretary.get(`/api/v1/orgs/${community.id}/children`)).json() as { items: unknown[] };
    expect(after.items.length).toBe(before.items.length);
  });

  it('does not let a secretary create a grid in another community (404) nor edit division units (409)', async () => {
    const other = await t.org(CODES.shanZiShi);
    const res = await secretary.post('/api/v1/orgs', { parentId: other.id, level: 'grid', name: 'x' });
    expect(res.statusCode).toBe(404);
    const community = await t.org(CODES.yingMenTan);
    expect((await secretary.patch(`/api/v1/orgs/${community.id}`, { name: '改名' })).statusCode).toBe(409);
  });
});
