import { expect } from 'vitest';
import { DEMO_TEMPLATES } from '../../cli/demo-insights.ts';
import { CODES, type Client, type TestContext } from '../../test/harness.ts';
import { setUpCaseWorld } from '../cases/fixture.ts';

/**
 * The tasks tests' world: the cases' world, a clerk of 安宁区民政局 (`mzj`) signed in, 银滩路街道 and a
 * second community of it (to show approval per community and in order), and the shared civil-affairs
 * template the clerk made.
 */
export async function setUpTaskWorld(ctx: TestContext) {
  const world = await setUpCaseWorld(ctx);
  const civilUnit = await ctx.deps.db
    .selectFrom('org_units')
    .select('id')
    .where('parent_id', '=', world.county.id)
    .where('department_kind', '=', 'civil_affairs')
    .executeTakeFirstOrThrow();
  await ctx.createUser({ username: 'mzj', role: 'department', orgCode: '', orgId: civilUnit.id });
  const civil: Client = await ctx.login('mzj');
  const streetUnit = await ctx.org(CODES.yinTanLuStreet);
  const other = await ctx.deps.db
    .selectFrom('org_units')
    .select('id')
    .where('parent_id', '=', streetUnit.id)
    .where('level', '=', 'community')
    .where('id', '!=', world.community.id)
    .orderBy('code')
    .executeTakeFirstOrThrow();
  const t = await civil.post('/api/v1/report-templates', DEMO_TEMPLATES[0]);
  expect(t.statusCode, t.body).toBe(201);
  return { world, civil, streetUnit, other, templateId: t.json<{ id: string }>().id };
}
