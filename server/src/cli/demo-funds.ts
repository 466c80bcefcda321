import { sql } from 'kysely';
import { createFund, recordMovement, setOwners, createLevy } from '../modules/funds/service.ts';
import { createCompany, createContract } from '../modules/funds/property.ts';
import { findFirstAdoptedDecisionUnder } from '../modules/councils/decisions.ts';
import { insertSubUnit } from '../modules/orgs/service.ts';
import type { RoleId } from '../platform/access/roles.ts';
import type { Actor } from '../platform/access/scope.ts';
import { addDays, currentDay } from '../platform/calendar.ts';
import type { AppDeps } from '../platform/deps.ts';

/** A 1×1 PNG: the demo's stand-in for the photo of each receipt. */
const RECEIPT = {
  mime: 'image/png',
  data: Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
};

export const DEMO_COMPOUND = '吴家园西街小区';
export const DEMO_COMPANY = '兰州宜居物业服务有限公司';
/** A compound of 吴家园 the demo leaves without a fund. */
export const DEMO_OPEN_COMPOUND = '吴家园东街小区';
const WUJIAYUAN = '620103003004';

/** The demo account `username` as an actor (the CLI acting for her), or null when the demo has no such account. */
export async function secretaryOf(deps: AppDeps, username: string): Promise<Actor | null> {
  const user = await deps.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  if (user === undefined) return null;
  const roles = await deps.db.selectFrom('role_assignments').selectAll().where('user_id', '=', user.id).execute();
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    assignments: roles.map((a) => ({ role: a.role as RoleId, orgId: a.org_id, orgPath: a.org_path })),
    via: 'cli',
    ip: null,
    userAgent: null,
  };
}

/** One spending under the council's decision: the stairwell lights and the entrance doors. */
async function spendUnder(deps: AppDeps, secretary: Actor, fundId: string, decision: { id: string }) {
  await recordMovement(
    deps,
    secretary,
    fundId,
    {
      source: 'spending',
      amountFen: 86_000,
      occurredOn: currentDay(deps.clock.now()),
      decisionId: decision.id,
      purpose: '楼道照明及单元门禁维修',
    },
    RECEIPT,
  );
}

/**
 * Demo data for 物业资金 (issue 15): in 吴家园社区 the compound 吴家园西街小区 (made if the council demo has
 * not made one), its fund with owner households (the demo's bound resident 13900000002 among them, still
 * owing), a levy of 300 yuan a household, owners' contributions recorded by staff, the district's subsidy,
 * the property company (with its contract) and its share, and one spending under 吴家园's adopted
 * council decision when there is one. Runs once.
 */
export async function seedDemoFunds(deps: AppDeps, log: (line: string) => void): Promise<void> {
  const marker = await deps.db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'demo_funds_seeded')
    .executeTakeFirst();
  if (marker !== undefined && marker.value >= 2) return;
  const community = await deps.db.selectFrom('org_units').selectAll().where('code', '=', WUJIAYUAN).executeTakeFirst();
  const secretary = await secretaryOf(deps, 'wujiayuan_sj');
  if (community === undefined || secretary === null) return;
  const end = `${community.path.slice(0, -1)}0`;
  let compound = await deps.db
    .selectFrom('org_units')
    .selectAll()
    .where('path', '>', community.path)
    .where('path', '<', end)
    .where('level', '=', 'compound')
    .where('retired_at', 'is', null)
    .orderBy('path')
    .executeTakeFirst();
  if (compound === undefined) {
    const now = deps.clock.now().toISOString();
    compound = await deps.db
      .transaction()
      .execute((trx) =>
        insertSubUnit(trx, now, { parent: community, level: 'compound', name: DEMO_COMPOUND, geometry: null }),
      );
  }
  const decision = (await findFirstAdoptedDecisionUnder(deps.db, community.path)) ?? undefined;
  if (marker !== undefined) {
    // seeded before the council demo decided: the spending under its decision comes now
    const seeded = await deps.db
      .selectFrom('funds')
      .select('id')
      .where('compound_id', '=', compound.id)
      .executeTakeFirst();
    if (decision === undefined || seeded === undefined) return;
    await spendUnder(deps, secretary, seeded.id, decision);
    await deps.db.updateTable('counters').set({ value: 2 }).where('name', '=', 'demo_funds_seeded').execute();
    log(`demo fund: spending under “${decision.title}”`);
    return;
  }
  const fund = await createFund(deps, secretary, { compoundId: compound.id });
  // a second compound of 吴家园 still without its fund: the console's 开设小区资金 has one to open
  await deps.db.transaction().execute((trx) =>
    insertSubUnit(trx, deps.clock.now().toISOString(), {
      parent: community,
      level: 'compound',
      name: DEMO_OPEN_COMPOUND,
      geometry: null,
    }),
  );
  // the owners: heads of household in the community, in the order the resident demo picks its accounts
  const heads = await deps.db
    .selectFrom('residents')
    .select(['household_id'])
    .where('org_path', '>=', community.path)
    .where('org_path', '<', end)
    .where('relation', '=', '户主')
    .where('status', '=', 'living')
    .where('id_number_bidx', 'is not', null)
    .orderBy(sql`name`)
    .limit(24)
    .execute();
  const households = [...new Set(heads.map((h) => h.household_id))];
  if (households.length < 4) return;
  await setOwners(deps, secretary, fund.id, {
    owners: households.map((householdId, i) => ({ householdId, areaM2: 55 + ((i * 37) % 66) + (i % 4) * 0.25 })),
  });
  const today = currentDay(deps.clock.now());
  const levy = await createLevy(deps, secretary, fund.id, {
    title: '引入物业首期业主自筹（每户 300 元）',
    basis: 'per_household',
    rateFen: 30_000,
    ...(decision === undefined ? {} : { decisionId: decision.id }),
    dueOn: addDays(today, 30),
  });
  // two in three owners have paid, recorded by staff; the first two (the demo's resident accounts) have not
  let paid = 0;
  for (const [i, householdId] of households.entries()) {
    if (i < 2 || i % 3 === 2) continue;
    await recordMovement(
      deps,
      secretary,
      fund.id,
      { source: 'owner', amountFen: 30_000, occurredOn: addDays(today, -(i % 5)), householdId, levyId: levy.id },
      RECEIPT,
    );
    paid += 1;
  }
  await recordMovement(
    deps,
    secretary,
    fund.id,
    {
      source: 'subsidy',
      amountFen: decision?.subsidyFen ?? 360_000,
      occurredOn: addDays(today, -3),
      payer: '七里河区住房和城乡建设局',
      purpose: '老旧小区引入物业补贴',
    },
    RECEIPT,
  );
  const company = await createCompany(deps, secretary, {
    orgId: community.id,
    name: DEMO_COMPANY,
    contactName: '赵经理',
  });
  await createContract(deps, secretary, {
    companyId: company.id,
    compoundId: compound.id,
    services: ['保洁', '秩序维护', '绿化养护', '设施设备维修'],
    feeFen: 50,
    feeUnit: 'per_m2_month',
    startsOn: addDays(today, -10),
    endsOn: addDays(today, 355),
  });
  await recordMovement(
    deps,
    secretary,
    fund.id,
    {
      source: 'company',
      amountFen: decision?.companyFen ?? 120_000,
      occurredOn: addDays(today, -2),
      companyId: company.id,
    },
    RECEIPT,
  );
  if (decision !== undefined) await spendUnder(deps, secretary, fund.id, decision);
  await deps.db
    .insertInto('counters')
    .values({ name: 'demo_funds_seeded', value: decision === undefined ? 1 : 2 })
    .execute();
  log(
    `demo fund: ${fund.name} (${households.length} owner households, ${paid} paid), ${DEMO_COMPANY} under contract` +
      (decision === undefined ? '' : `, spending under “${decision.title}”`),
  );
}
