import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { companyFigures, createCompany, createContract, listCompanies } from './property.ts';
import { Company, CompanyBody, CompanyFigures, CompanyList, Contract, ContractBody } from './property-schema.ts';
import { IdParams } from './schema.ts';

const tags = ['property'];

export function propertyRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/property-companies',
      summary: '物业公司及其小区合同 / Property companies and their contracts',
      tags,
      auth: 'fund.read',
      response: CompanyList,
      handler: ({ actor }) => listCompanies(deps, actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/property-companies',
      summary: '登记物业公司（共建单位）/ Register a property company',
      tags,
      auth: 'property.manage',
      scope: { body: { orgId: 'org' } },
      body: CompanyBody,
      response: Company,
      status: 201,
      handler: ({ actor, body }) => createCompany(deps, actor, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/property-contracts',
      summary: '签订小区物业合同（服务、收费、期限）/ A contract for a compound',
      tags,
      auth: 'property.manage',
      scope: { body: { companyId: 'propertyCompany', compoundId: 'org' } },
      body: ContractBody,
      response: Contract,
      status: 201,
      handler: ({ actor, body }) => createContract(deps, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/property-companies/:id/figures',
      summary: '物业公司的投诉与响应（按合同小区与期限）/ A company’s complaints and response figures',
      tags,
      auth: 'fund.read',
      scope: { params: { id: 'propertyCompany' } },
      params: IdParams,
      response: CompanyFigures,
      handler: ({ actor, params }) => companyFigures(deps, actor, params.id),
    }),
  ];
}
