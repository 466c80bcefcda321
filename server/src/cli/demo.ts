import type { AppDeps } from '../platform/deps.ts';
import type { AreaGeometry } from '../modules/orgs/geometry.ts';
import { insertSubUnit } from '../modules/orgs/service.ts';
import { insertAccount } from '../modules/users/service.ts';
import type { RoleId } from '../platform/access/roles.ts';
import { seedDemoRegistry } from './demo-registry.ts';
import { seedDemoFieldwork } from './demo-fieldwork.ts';
import { seedDemoVenues } from './demo-venues.ts';
import { seedDemoCouncils } from './demo-councils.ts';
import { seedDemoPoints } from './demo-points.ts';

/** The four communities of the Lanzhou report, with a rough outline to split into grids. */
export const DEMO_COMMUNITIES = [
  {
    code: '620102002002',
    slug: 'shanzishi',
    name: '山字石社区',
    box: [103.8235, 36.0585, 103.8305, 36.0625],
    grids: 3,
  },
  {
    code: '620103003004',
    slug: 'wujiayuan',
    name: '吴家园社区',
    box: [103.7735, 36.0695, 103.7815, 36.0745],
    grids: 3,
  },
  {
    code: '620105006010',
    slug: 'yingmentan',
    name: '营门滩社区',
    box: [103.7165, 36.0985, 103.7255, 36.1045],
    grids: 4,
  },
  { code: '620122105203', slug: 'shagang', name: '砂岗村', box: [103.9405, 36.3205, 103.9605, 36.3355], grids: 3 },
] as const;

export const DEMO_PASSWORD = 'Tianzige@2026';
const SYSTEM = { actorId: null, actorName: 'demo', ip: null, userAgent: null };

function rectangle(x1: number, y1: number, x2: number, y2: number): AreaGeometry {
  const r = (n: number) => Math.round(n * 1e6) / 1e6;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [r(x1), r(y1)],
        [r(x2), r(y1)],
        [r(x2), r(y2)],
        [r(x1), r(y2)],
        [r(x1), r(y1)],
      ],
    ],
  };
}

/**
 * Demo data for the embedded database: grids with outlines in the four communities of the Lanzhou
 * report, and a secretary and grid workers for each (password `Tianzige@2026`). Runs once.
 */
export async function seedDemo(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const marker = await deps.db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'demo_seeded')
    .executeTakeFirst();
  if (marker !== undefined) return;
  const now = deps.clock.now().toISOString();
  let created = 0;
  let people = 0;
  await deps.db.transaction().execute(async (trx) => {
    for (const c of DEMO_COMMUNITIES) {
      const community = await trx.selectFrom('org_units').selectAll().where('code', '=', c.code).executeTakeFirst();
      if (community === undefined) continue;
      const [x1, y1, x2, y2] = c.box;
      await trx
        .updateTable('org_units')
        .set({ geometry: JSON.stringify(rectangle(x1, y1, x2, y2)) })
        .where('id', '=', community.id)
        .execute();
      const roles: { role: RoleId; org: { id: string; path: string } }[] = [
        { role: 'community_secretary', org: community },
      ];
      await insertAccount(trx, deps, SYSTEM, {
        username: `${c.slug}_sj`,
        displayName: `${c.name}书记`,
        password: DEMO_PASSWORD,
        homeOrg: community,
        roles,
        mustChangePassword: false,
      });
      const step = (x2 - x1) / c.grids;
      for (let i = 0; i < c.grids; i++) {
        const grid = await insertSubUnit(trx, now, {
          parent: community,
          level: c.code.slice(6, 9).startsWith('1') ? 'group' : 'grid',
          name: c.code.slice(6, 9).startsWith('1') ? `第${i + 1}村民小组` : `第${i + 1}网格`,
          geometry: rectangle(x1 + i * step, y1, x1 + (i + 1) * step, y2),
        });
        await insertAccount(trx, deps, SYSTEM, {
          username: `${c.slug}_wg${i + 1}`,
          displayName: `${c.name}${grid.name}网格员`,
          password: DEMO_PASSWORD,
          homeOrg: grid,
          roles: [{ role: 'grid_worker', org: grid }],
          mustChangePassword: false,
        });
        created += 1;
      }
    }
    const street = await trx.selectFrom('org_units').selectAll().where('code', '=', '620105006').executeTakeFirst();
    if (street !== undefined) {
      await insertAccount(trx, deps, SYSTEM, {
        username: 'yintanlu',
        displayName: '银滩路街道工作人员',
        password: DEMO_PASSWORD,
        homeOrg: street,
        roles: [{ role: 'street', org: street }],
        mustChangePassword: false,
      });
    }
    people = await seedDemoRegistry(trx, deps);
    await trx.insertInto('counters').values({ name: 'demo_seeded', value: 1 }).execute();
  });
  log(
    `demo data: ${created} grids/groups with outlines and their workers (password ${DEMO_PASSWORD}), ${people} residents`,
  );
  await seedDemoFieldwork(deps, log);
  await seedDemoCouncils(deps, log);
  await seedDemoPoints(deps, log);
  await seedDemoVenues(deps, log);
}
