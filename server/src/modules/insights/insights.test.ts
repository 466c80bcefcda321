import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { INSIDE_YINGMENTAN, setUpCaseWorld } from '../cases/fixture.ts';
import { countDirectly, snapshotCounters } from './fixture.ts';
import { rebuildRollups } from './rollups.ts';

interface Figures {
  residents: number;
  households: number;
  careTagged: number;
  elderlyAlone: number;
  openCases: number;
  overdueCases: number;
}
interface SummaryOut extends Figures {
  unit: { id: string; name: string };
  breadcrumb: { id: string; name: string; level: string }[];
  childLevel: string | null;
  over80: number;
}
interface ChildrenOut {
  level: string | null;
  items: (Figures & { unit: { id: string; name: string }; casesReceived: number })[];
}
interface PopulationOut {
  total: number;
  byAgeBand: { band: string; male: number; female: number }[];
  byCareTag: { tag: string; count: number }[];
}

const YEAR = 2026;

describe.each(DIALECTS)('live insights on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpCaseWorld>>;
  let street: Client;
  let secretary: Client;
  let grid2: { id: string; path: string };
  let householdInGrid1: string;
  let householdInGrid2: string;
  const paths: Record<string, string> = {};

  const addResident = async (householdId: string, body: Record<string, unknown> = {}) => {
    const res = await secretary.post('/api/v1/residents', {
      householdId,
      name: '测试居民',
      noIdReason: '外籍人员',
      gender: 'female',
      birthDate: '1980-05-01',
      relation: '户主',
      residenceType: 'permanent',
      ...body,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string; version: number }>();
  };
  const summary = async (orgId: string) => {
    const res = await street.get(`/api/v1/insights/${orgId}/summary`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<SummaryOut>();
  };
  const children = async (orgId: string) => {
    const res = await street.get(`/api/v1/insights/${orgId}/children`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<ChildrenOut>();
  };
  const pick = (f: Figures & { over80?: number }) => ({
    residents: f.residents,
    households: f.households,
    careTagged: f.careTagged,
    elderlyAlone: f.elderlyAlone,
    openCases: f.openCases,
    overdueCases: f.overdueCases,
  });
  const direct = async (path: string) => {
    const d = await countDirectly(ctx.deps.db, path, YEAR);
    return pick(d);
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpCaseWorld(ctx);
    street = await ctx.login('street');
    secretary = await ctx.login('secretary');
    const res = await secretary.post('/api/v1/orgs', { parentId: world.community.id, level: 'grid', name: '第二网格' });
    expect(res.statusCode, res.body).toBe(201);
    const g2 = res.json<{ id: string }>();
    const unitPath = async (id: string) =>
      (await ctx.deps.db.selectFrom('org_units').select('path').where('id', '=', id).executeTakeFirstOrThrow()).path;
    grid2 = { id: g2.id, path: await unitPath(g2.id) };
    paths.grid1 = await unitPath(world.grid.id);
    paths.grid2 = grid2.path;
    paths.community = world.community.path;
    paths.street = (await ctx.org(CODES.yinTanLuStreet)).path;
    const household = async (orgId: string, address: string) => {
      const h = await secretary.post('/api/v1/households', { orgId, address });
      expect(h.statusCode, h.body).toBe(201);
      return h.json<{ id: string }>().id;
    };
    householdInGrid1 = await household(world.grid.id, '营门滩路 1 号');
    householdInGrid2 = await household(grid2.id, '营门滩路 2 号');
    await addResident(householdInGrid1, {
      name: '张建国',
      gender: 'male',
      birthDate: '1950-03-01',
      careTags: ['disabled'],
    });
    await addResident(householdInGrid1, { name: '李秀英', birthDate: '2019-07-01', relation: '女' });
    await addResident(householdInGrid2, { name: '王淑芬', birthDate: '1944-01-01', careTags: ['living_alone'] });
    await addResident(householdInGrid2, {
      name: '赵小明',
      gender: 'male',
      birthDate: '2001-09-09',
      residenceType: 'floating',
    });
    for (const description of ['楼道里堆满了纸箱，消防通道被堵', '楼上夜里拖动家具，噪音很大']) {
      const c = await secretary.post('/api/v1/cases', {
        channel: 'phone',
        description,
        dutyCode: description.includes('楼道') ? 'AQ-001' : 'LL-002',
        ...INSIDE_YINGMENTAN,
        force: true,
      });
      expect(c.statusCode, c.body).toBe(201);
    }
  }, 120_000);
  afterAll(() => ctx.close());

  it('shows 银滩路街道, 营门滩社区 and each grid with the figures counted directly in the database', async () => {
    const streetUnit = await ctx.org(CODES.yinTanLuStreet);
    const s = await summary(streetUnit.id);
    expect(s.unit.name).toBe('银滩路街道');
    expect(s.childLevel).toBe('community');
    expect(s.breadcrumb.map((b) => b.name)).toEqual(['银滩路街道']);
    expect(pick(s)).toEqual(await direct(paths.street!));
    expect(s.residents).toBe(4);

    const streetChildren = await children(streetUnit.id);
    const ymt = streetChildren.items.find((i) => i.unit.id === world.community.id)!;
    expect(pick(ymt)).toEqual(await direct(paths.community!));
    expect(ymt.casesReceived).toBe(2);

    const grids = await children(world.community.id);
    expect(grids.level).toBe('grid');
    for (const g of grids.items) {
      expect(pick(g)).toEqual(await direct(g.unit.id === grid2.id ? paths.grid2! : paths.grid1!));
    }
    const inGrid = await summary(grid2.id);
    expect(inGrid.breadcrumb.map((b) => b.name)).toEqual(['银滩路街道', '营门滩社区', '第二网格']);
    expect(inGrid.childLevel).toBeNull();
  });

  it('counts a new resident aged 85 living alone at once in summary, population and drill-down', async () => {
    const before = await summary(world.community.id);
    const beforePop = (await street.get(`/api/v1/insights/${world.community.id}/population`)).json<PopulationOut>();
    const beforeGrid = (await children(world.community.id)).items.find((i) => i.unit.id === world.grid.id)!;
    await addResident(householdInGrid1, { name: '孙桂兰', birthDate: '1941-02-02', careTags: ['living_alone'] });
    const after = await summary(world.community.id);
    expect(after.residents - before.residents).toBe(1);
    expect(after.elderlyAlone - before.elderlyAlone).toBe(1);
    expect(after.over80 - before.over80).toBe(1);
    expect(after.careTagged - before.careTagged).toBe(1);
    const pop = (await street.get(`/api/v1/insights/${world.community.id}/population`)).json<PopulationOut>();
    const band = (p: PopulationOut) => p.byAgeBand.find((b) => b.band === '80+')!.female;
    expect(band(pop) - band(beforePop)).toBe(1);
    const tag = (p: PopulationOut) => p.byCareTag.find((t) => t.tag === 'living_alone')!.count;
    expect(tag(pop) - tag(beforePop)).toBe(1);
    const grid = (await children(world.community.id)).items.find((i) => i.unit.id === world.grid.id)!;
    expect(grid.residents - beforeGrid.residents).toBe(1);
    expect(grid.elderlyAlone - beforeGrid.elderlyAlone).toBe(1);
  });

  it('keeps counts right when a resident or a whole household moves between grids, and when a resident dies', async () => {
    const mover = await addResident(householdInGrid1, { name: '周移动', careTags: ['veteran'] });
    const moved = await secretary.post(`/api/v1/residents/${mover.id}/move`, {
      householdId: householdInGrid2,
      version: mover.version,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const household = await secretary.get(`/api/v1/households/${householdInGrid1}`);
    const patched = await secretary.patch(`/api/v1/households/${householdInGrid1}`, {
      version: household.json<{ version: number }>().version,
      orgId: grid2.id,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const who = await secretary.get(`/api/v1/residents/${moved.json<{ id: string }>().id}`);
    const died = await secretary.patch(`/api/v1/residents/${mover.id}`, {
      version: who.json<{ version: number }>().version,
      status: 'deceased',
      statusDate: '2026-11-20',
    });
    expect(died.statusCode, died.body).toBe(200);
    for (const [id, path] of [
      [world.grid.id, paths.grid1!],
      [grid2.id, paths.grid2!],
      [world.community.id, paths.community!],
    ] as const) {
      expect(pick(await summary(id))).toEqual(await direct(path));
    }
    expect((await summary(world.grid.id)).households).toBe(0);
  });

  it('agrees with a full rebuild and with a rebuild of one subtree', async () => {
    const live = await snapshotCounters(ctx.deps.db);
    await rebuildRollups(ctx.deps.db, ctx.deps.database.sqlite, world.community.path);
    expect(await snapshotCounters(ctx.deps.db)).toEqual(live);
    await rebuildRollups(ctx.deps.db, ctx.deps.database.sqlite, null);
    expect(await snapshotCounters(ctx.deps.db)).toEqual(live);
  });

  it('answers the cases, visits and trends panels, and 404s a unit out of scope', async () => {
    const cases = await street.get(`/api/v1/insights/${world.community.id}/cases?from=2026-01&to=2026-12`);
    expect(cases.statusCode, cases.body).toBe(200);
    const body = cases.json<{ rates: { received: number }; byItem: { code: string; count: number }[] }>();
    expect(body.rates.received).toBe(2);
    expect(body.byItem.map((i) => i.code).sort()).toEqual(['AQ-001', 'LL-002']);
    const visits = await street.get(`/api/v1/insights/${world.community.id}/visits`);
    expect(visits.statusCode, visits.body).toBe(200);
    expect(visits.json<{ households: number }>().households).toBe(2);
    const trends = await street.get(`/api/v1/insights/${world.community.id}/trends?months=3`);
    const months = trends.json<{ months: { month: string; casesReceived: number; residentsAdded: number }[] }>().months;
    expect(months.map((m) => m.month)).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(months[2]!.casesReceived).toBe(2);
    expect(months[2]!.residentsAdded).toBe(6);
    const other = await ctx.org(CODES.shanZiShi);
    const res = await street.get(`/api/v1/insights/${other.id}/summary`);
    expect(res.statusCode).toBe(404);
    const bad = await street.get(`/api/v1/insights/${world.community.id}/cases?from=2026-13`);
    expect(bad.statusCode).toBe(400);
  });
});
