import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyedByPlace } from '../../db/county-key.ts';
import { type Actor, inScope } from '../../platform/access/scope.ts';
import { CODES, DIALECTS, type Client, type TestContext, createTestContext } from '../../test/harness.ts';
import { expectErrorBody } from '../../test/http.ts';
import { ensureDepartments } from '../orgs/departments.ts';
import { caseKeysFor } from './access.ts';
import { setUpCaseWorld } from './fixture.ts';

interface CaseOut {
  id: string;
  handlerOrgId: string;
  version: number;
}
interface QueuePage {
  items: { id: string }[];
  total: number;
}

/**
 * A case is handled in the county where it happened, above county level, or by a city's own department
 * (docs/scale.md): the rule that lets a queue under a county name that county's key (one partition read on
 * PostgreSQL partitioned by county) — and a city department's queue, which holds every county's cases, none.
 */
describe.each(DIALECTS)('case handlers and their county on %s', (dialect) => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof setUpCaseWorld>>;
  let city: Client;
  let cityDepartmentId: string;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    world = await setUpCaseWorld(ctx);
    const lanzhou = await ctx.deps.db
      .selectFrom('org_units')
      .selectAll()
      .where('code', '=', CODES.lanzhou)
      .executeTakeFirstOrThrow();
    await ensureDepartments(ctx.deps, { actorId: null, actorName: 'test', ip: null, userAgent: null }, lanzhou, [
      { kind: 'housing', name: '住房和城乡建设局' },
    ]);
    cityDepartmentId = (
      await ctx.deps.db
        .selectFrom('org_units')
        .select('id')
        .where('parent_id', '=', lanzhou.id)
        .where('department_kind', '=', 'housing')
        .executeTakeFirstOrThrow()
    ).id;
    await ctx.createUser({ username: 'city', role: 'district', orgCode: CODES.lanzhou });
    await ctx.createUser({ username: 'citydept', role: 'department', orgCode: '', orgId: cityDepartmentId });
    city = await ctx.login('city');
  }, 120_000);
  afterAll(() => ctx.close());

  const file = async (orgId: string, description: string) => {
    const res = await city.post('/api/v1/cases', { channel: 'phone', description, orgId, force: true });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { case: CaseOut }).case;
  };
  const queueIds = async (client: Client, queue: string) => {
    const res = await client.get(`/api/v1/cases?queue=${queue}&pageSize=100`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as QueuePage).items.map((c) => c.id);
  };

  it('hands a case to another county only through the city; a city department queues both counties', async () => {
    const anning = await file(world.community.id, '安宁区营门滩社区：楼顶漏水，多次反映未修');
    const chengguan = await file((await ctx.org(CODES.shanZiShi)).id, '城关区山字石社区：小区内违章搭建');
    const otherCountyStreet = await ctx.org(CODES.zhangYeLuStreet);

    const across = await city.post(`/api/v1/cases/${anning.id}/reassign`, {
      version: anning.version,
      toOrgId: otherCountyStreet.id,
      reason: '误派',
    });
    expect(across.statusCode, across.body).toBe(400);
    expectErrorBody(across);
    expect((across.json() as { errors: { field: string; code: string }[] }).errors[0]).toMatchObject({
      field: 'toOrgId',
      code: 'other_county',
    });
    // nothing changed: still handled where it was, in its own county
    const unchanged = (await city.get(`/api/v1/cases/${anning.id}`)).json() as CaseOut;
    expect(unchanged.handlerOrgId).toBe(anning.handlerOrgId);
    expect(unchanged.version).toBe(anning.version);

    for (const c of [anning, chengguan]) {
      const moved = await city.post(`/api/v1/cases/${c.id}/reassign`, {
        version: c.version,
        toOrgId: cityDepartmentId,
        reason: '属市住建局职责',
      });
      expect(moved.statusCode, moved.body).toBe(200);
    }
    const department = await ctx.login('citydept');
    for (const queue of ['unit', 'all']) {
      expect((await queueIds(department, queue)).sort(), queue).toEqual([anning.id, chengguan.id].sort());
    }
    // each county still sees the case that happened in it, and only that one
    const district = await ctx.login('district');
    const seen = await queueIds(district, 'all');
    expect(seen).toContain(anning.id);
    expect(seen).not.toContain(chengguan.id);
    const community = await queueIds(await ctx.login('staff'), 'all');
    expect(community).toContain(anning.id);
    expect(community).not.toContain(chengguan.id);
    // the city's own queue spans its counties
    const all = await queueIds(city, 'all');
    expect(all).toEqual(expect.arrayContaining([anning.id, chengguan.id]));
  });

  const isPartitioned = dialect === 'postgres' && process.env.TIANZIGE_PG_PARTITIONED === '1';
  const actorAt = (role: 'district' | 'department', orgId: string, orgPath: string): Actor => ({
    userId: 'u',
    username: 'u',
    displayName: 'u',
    assignments: [{ role, orgId, orgPath }],
    via: 'session',
    ip: null,
    userAgent: null,
  });
  /** The partitions of `table` the plan of a scoped read of it opens. */
  const partitionsRead = async (
    table: 'cases' | 'residents' | 'households' | 'visits',
    where: ReturnType<typeof inScope>,
  ) => {
    // a scoped condition built for any of the three tables (each test names the table it built it for)
    const compiled = ctx.deps.db
      .selectFrom(table)
      .select('id')
      .where(where as never)
      .compile();
    const plan = await ctx.deps.db.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]),
    );
    const named = new RegExp(` on (${table}_\\w+)`, 'g');
    return new Set(plan.rows.flatMap((r) => [...r['QUERY PLAN'].matchAll(named)].map((m) => m[1])));
  };
  const partitionCount = async (table: string) =>
    Number(
      (
        await sql<{ n: number }>`select count(*) as n from pg_inherits where inhparent = ${table}::regclass`.execute(
          ctx.deps.db,
        )
      ).rows[0]!.n,
    );

  it.runIf(isPartitioned)(
    "reads a county's queue in that county's partition alone, a city department's in every county's",
    async () => {
      const handled = async (actor: Actor) =>
        partitionsRead(
          'cases',
          inScope(actor, 'case.read', 'cases.handler_path', (await caseKeysFor(ctx.deps.db, actor))?.handler),
        );
      const all = await partitionCount('cases');
      expect(all).toBeGreaterThan(2);
      expect((await handled(actorAt('district', world.county.id, world.county.path))).size).toBe(1);
      const department = await ctx.deps.db
        .selectFrom('org_units')
        .select('path')
        .where('id', '=', cityDepartmentId)
        .executeTakeFirstOrThrow();
      expect((await handled(actorAt('department', cityDepartmentId, department.path))).size).toBe(all);
    },
  );

  it.runIf(isPartitioned)(
    "reads a county's residents, households and visits in that county's partition alone",
    async () => {
      const district = actorAt('district', world.county.id, world.county.path);
      for (const [table, permission] of [
        ['residents', 'resident.read'],
        ['households', 'resident.read'],
        ['visits', 'visit.read'],
      ] as const) {
        expect(await partitionCount(table), table).toBeGreaterThan(2);
        const where = inScope(district, permission, `${table}.org_path`, await keyedByPlace(ctx.deps.db, table));
        expect((await partitionsRead(table, where)).size, table).toBe(1);
      }
    },
  );
});
