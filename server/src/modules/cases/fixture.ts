import { DEPARTMENT_KINDS } from '../duties/default-items.ts';
import { ensureDepartments } from '../orgs/departments.ts';
import { CODES, type TestContext } from '../../test/harness.ts';

/** 营门滩社区's outline in the demo data, and a point inside it. */
export const YINGMENTAN_BOX = [103.7165, 36.0985, 103.7255, 36.1045] as const;
export const INSIDE_YINGMENTAN = { lng: 103.72, lat: 36.1 };

const rectangle = ([x1, y1, x2, y2]: readonly number[]) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x1, y1],
      [x2, y1],
      [x2, y2],
      [x1, y2],
      [x1, y1],
    ],
  ],
});

/**
 * The world most case tests need: 营门滩社区 with an outline and a grid covering its western half,
 * every department under 安宁区, and people: a resident, community staff, street staff, an
 * education-bureau clerk and district staff.
 */
export async function setUpCaseWorld(ctx: TestContext) {
  const db = ctx.deps.db;
  const community = await db
    .selectFrom('org_units')
    .selectAll()
    .where('code', '=', CODES.yingMenTan)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('org_units')
    .set({ geometry: JSON.stringify(rectangle(YINGMENTAN_BOX)) })
    .where('id', '=', community.id)
    .execute();
  const res = await (
    await ctx.login('setup-admin').catch(async () => {
      await ctx.createUser({ username: 'setup-admin', role: 'admin', orgCode: 'nation' });
      return ctx.login('setup-admin');
    })
  ).post('/api/v1/orgs', {
    parentId: community.id,
    level: 'grid',
    name: '第一网格',
    geometry: rectangle([YINGMENTAN_BOX[0], YINGMENTAN_BOX[1], 103.721, YINGMENTAN_BOX[3]]),
  });
  if (res.statusCode !== 201) throw new Error(`grid: ${res.statusCode} ${res.body}`);
  const grid = res.json<{ id: string }>();
  const county = await db
    .selectFrom('org_units')
    .selectAll()
    .where('code', '=', CODES.anning)
    .executeTakeFirstOrThrow();
  await ensureDepartments(
    ctx.deps,
    { actorId: null, actorName: 'test', ip: null, userAgent: null },
    county,
    Object.entries(DEPARTMENT_KINDS).map(([kind, n]) => ({ kind, name: n.zh })),
  );
  const education = await db
    .selectFrom('org_units')
    .select(['id', 'code'])
    .where('parent_id', '=', county.id)
    .where('department_kind', '=', 'education')
    .executeTakeFirstOrThrow();
  await ctx.createUser({ username: 'resident', role: 'resident', orgCode: CODES.yingMenTan });
  await ctx.createUser({ username: 'neighbour', role: 'resident', orgCode: CODES.yingMenTan });
  await ctx.createUser({ username: 'staff', role: 'community_staff', orgCode: CODES.yingMenTan });
  await ctx.createUser({ username: 'secretary', role: 'community_secretary', orgCode: CODES.yingMenTan });
  await ctx.createUser({ username: 'street', role: 'street', orgCode: CODES.yinTanLuStreet });
  await ctx.createUser({ username: 'district', role: 'district', orgCode: CODES.anning });
  await ctx.createUser({ username: 'otherstaff', role: 'community_staff', orgCode: CODES.shanZiShi });
  await ctx.createUser({ username: 'edu', role: 'department', orgCode: '', orgId: education.id });
  return { community, grid, county, education };
}
