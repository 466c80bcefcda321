import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access/scope.ts';
import { canAt, inScope } from '../../platform/access/scope.ts';
import { recordAudit, whoFromActor } from '../../platform/audit/service.ts';
import { addDays, currentDay, dayStart } from '../../platform/calendar.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { conflict, forbidden, invalidField, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { ratesOfPlace } from '../cases/rates.ts';
import { DEFAULT_DUTY_ITEMS } from '../duties/default-items.ts';
import type { CompanyBody, ContractBody } from './property-schema.ts';
import { isUniqueViolation } from './service.ts';
import type { PropertyContractTable } from './tables.ts';

const COMPANY = { zh: '物业公司', en: 'Property company' };

/**
 * The duty items whose cases are a property company's complaints: the 物业服务 and 无物业小区 items of
 * 物业与住房 in the duty list (duties/default-items.ts).
 */
export const PROPERTY_DUTY_CODES: readonly string[] = DEFAULT_DUTY_ITEMS.filter(
  (i) => i.category[0] === '物业与住房' && ['物业服务', '无物业小区'].includes(i.category[1] ?? ''),
).map((i) => i.code);

/** Registers a property company as a partner of a community (or street). */
export async function createCompany(deps: AppDeps, actor: Actor, body: CompanyBody) {
  const unit = await deps.db
    .selectFrom('org_units')
    .select(['id', 'path'])
    .where('id', '=', body.orgId)
    .executeTakeFirst();
  if (unit === undefined || !canAt(actor, 'fund.read', unit.path)) throw notFound({ zh: '组织', en: 'Org unit' });
  if (!canAt(actor, 'property.manage', unit.path)) throw forbidden();
  const now = deps.clock.now().toISOString();
  const row = {
    id: newId(),
    org_path: unit.path,
    name: body.name,
    credit_code: body.creditCode ?? null,
    contact_name: body.contactName ?? null,
    created_at: now,
  };
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('property_companies').values(row).execute();
      await recordAudit(trx, deps.clock, whoFromActor(actor), {
        action: 'property.company_create',
        targetType: 'property_company',
        targetId: row.id,
        orgPath: row.org_path,
        detail: { name: row.name },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict('CONFLICT', 'name', { zh: '已登记同名物业公司', en: 'A company of this name is registered here' });
    throw error;
  }
  return { id: row.id, name: row.name, creditCode: row.credit_code, contactName: row.contact_name, contracts: [] };
}

const contractOut = (c: PropertyContractTable, compoundName: string, companyName: string, today: string) => ({
  id: c.id,
  companyId: c.company_id,
  companyName,
  compoundId: c.compound_id,
  compoundName,
  services: JSON.parse(c.services) as string[],
  feeFen: c.fee_fen,
  feeUnit: c.fee_unit,
  startsOn: c.starts_on,
  endsOn: c.ends_on,
  isCurrent: c.starts_on <= today && today <= c.ends_on,
});

/** The companies registered in the actor's scope, each with its contracts. */
export async function listCompanies(deps: AppDeps, actor: Actor) {
  const companies = await deps.db
    .selectFrom('property_companies')
    .selectAll()
    .where(inScope<DB, 'property_companies'>(actor, 'fund.read', 'org_path'))
    .orderBy('name')
    .limit(500)
    .execute();
  const contracts = await listContractRows(deps, actor);
  return {
    items: companies.map((c) => ({
      id: c.id,
      name: c.name,
      creditCode: c.credit_code,
      contactName: c.contact_name,
      contracts: contracts.filter((k) => k.companyId === c.id),
    })),
  };
}

async function listContractRows(deps: AppDeps, actor: Actor) {
  const rows = await deps.db
    .selectFrom('property_contracts')
    .innerJoin('property_companies', 'property_companies.id', 'property_contracts.company_id')
    .innerJoin('org_units', 'org_units.id', 'property_contracts.compound_id')
    .selectAll('property_contracts')
    .select(['property_companies.name as company_name', 'org_units.name as compound_name'])
    .where(inScope<DB, 'property_contracts'>(actor, 'fund.read', 'property_contracts.org_path'))
    .orderBy('property_contracts.starts_on', 'desc')
    .limit(1000)
    .execute();
  const today = currentDay(deps.clock.now());
  return rows.map((r) => contractOut(r, r.compound_name, r.company_name, today));
}

/** A contract of a company for a compound the actor manages: services, fee and term. */
export async function createContract(deps: AppDeps, actor: Actor, body: ContractBody) {
  if (body.endsOn < body.startsOn) {
    throw invalidField('endsOn', 'before_start', { zh: '结束日期早于开始日期', en: 'The term ends before it starts' });
  }
  const [company, compound] = await Promise.all([
    deps.db
      .selectFrom('property_companies')
      .selectAll()
      .where('id', '=', body.companyId)
      .where(inScope<DB, 'property_companies'>(actor, 'fund.read', 'org_path'))
      .executeTakeFirst(),
    deps.db
      .selectFrom('org_units')
      .select(['id', 'path', 'name', 'level'])
      .where('id', '=', body.compoundId)
      .executeTakeFirst(),
  ]);
  if (company === undefined) throw notFound(COMPANY);
  if (compound === undefined || !canAt(actor, 'fund.read', compound.path))
    throw notFound({ zh: '小区', en: 'Compound' });
  if (!canAt(actor, 'property.manage', compound.path)) throw forbidden();
  if (compound.level !== 'compound') {
    throw invalidField('compoundId', 'not_a_compound', {
      zh: '合同须签在小区',
      en: 'A contract is for a compound (小区)',
    });
  }
  const now = deps.clock.now().toISOString();
  const row: PropertyContractTable = {
    id: newId(),
    company_id: company.id,
    compound_id: compound.id,
    org_path: compound.path,
    services: JSON.stringify(body.services),
    fee_fen: body.feeFen,
    fee_unit: body.feeUnit,
    starts_on: body.startsOn,
    ends_on: body.endsOn,
    created_at: now,
    created_by_name: actor.displayName,
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('property_contracts').values(row).execute();
    await recordAudit(trx, deps.clock, whoFromActor(actor), {
      action: 'property.contract_create',
      targetType: 'property_company',
      targetId: company.id,
      orgPath: compound.path,
      detail: { contractId: row.id, compoundId: compound.id, feeFen: row.fee_fen },
    });
  });
  const today = currentDay(deps.clock.now());
  return contractOut(row, compound.name, company.name, today);
}

/**
 * A company's complaints and how they were answered, per contract: the cases on the property items
 * (PROPERTY_DUTY_CODES) that happened in the contract's compound during its term (up to today), with
 * the three rates of cases/rates.ts.
 */
export async function companyFigures(deps: AppDeps, actor: Actor, companyId: string) {
  const company = await deps.db
    .selectFrom('property_companies')
    .selectAll()
    .where('id', '=', companyId)
    .where(inScope<DB, 'property_companies'>(actor, 'fund.read', 'org_path'))
    .executeTakeFirst();
  if (company === undefined) throw notFound(COMPANY);
  const contracts = (await listContractRows(deps, actor)).filter((c) => c.companyId === company.id);
  const today = currentDay(deps.clock.now());
  const items = [];
  for (const c of contracts) {
    const compound = await deps.db
      .selectFrom('org_units')
      .select('path')
      .where('id', '=', c.compoundId)
      .executeTakeFirstOrThrow();
    const last = c.endsOn < today ? c.endsOn : today;
    const rates = await ratesOfPlace(deps.db, compound.path, PROPERTY_DUTY_CODES, {
      start: dayStart(c.startsOn),
      end: dayStart(addDays(last, 1)),
    });
    items.push({ contract: c, rates });
  }
  return { companyId: company.id, name: company.name, dutyCodes: [...PROPERTY_DUTY_CODES], items };
}
