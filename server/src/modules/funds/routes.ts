import { z } from 'zod';
import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { decideClaim, getMyFundLedger, listClaims, listMyFunds, submitClaim } from './claims.ts';
import {
  ClaimBody,
  ClaimDecisionBody,
  ClaimList,
  ClaimParams,
  Claim,
  DecisionList,
  Fund,
  FundCreateBody,
  FundList,
  FundQuery,
  IdParams,
  Ledger,
  LedgerQuery,
  Levy,
  LevyBody,
  LevyParams,
  LevyList,
  MovementBody,
  MovementParams,
  MovementRecorded,
  MyFund,
  MyFundList,
  OwnerList,
  OwnersBody,
  OwnersImportBody,
  RECEIPT_FILES,
} from './schema.ts';
import {
  checkReceipt,
  createFund,
  createLevy,
  getLedger,
  getReceipt,
  importOwners,
  listApprovingDecisions,
  listFunds,
  listLeviesInScope,
  listOwners,
  recordMovement,
  setOwners,
  updateLevy,
} from './service.ts';
import { propertyRoutes } from './property-routes.ts';

const tags = ['funds'];
const fund = { params: { id: 'fund' } } as const;
const ofTheFund = (what: string) => ({ none: `${what} of the fund named by :id, looked up among its own` });
const decisionRule = {
  none: 'a council decision: the service checks it was adopted by a council of the fund’s compound or above it',
};

export function fundRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/funds',
      summary: '小区物业资金列表（含余额）/ Compound funds in scope, with balances',
      tags,
      auth: 'fund.read',
      scope: { query: { orgId: 'org' } },
      query: FundQuery,
      response: FundList,
      handler: async ({ actor, query }) => {
        const unit =
          query.orgId === undefined
            ? undefined
            : await deps.db.selectFrom('org_units').select('path').where('id', '=', query.orgId).executeTakeFirst();
        return listFunds(deps, actor, unit?.path);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/funds',
      summary: '为小区开设物业资金 / Open a compound’s fund',
      tags,
      auth: 'fund.manage',
      scope: { body: { compoundId: 'org' } },
      body: FundCreateBody,
      response: Fund,
      status: 201,
      handler: ({ actor, body }) => createFund(deps, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/funds/:id',
      summary: '资金台账：月度报表（或全部）、按来源收入、按决议支出、余额 / The fund’s ledger',
      tags,
      auth: 'fund.read',
      scope: fund,
      params: IdParams,
      query: LedgerQuery,
      response: Ledger,
      handler: ({ actor, params, query }) => getLedger(deps, actor, params.id, query.month),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/funds/:id/decisions',
      summary: '可据以支出的议事决议（本小区或上级议事会已通过）/ Adopted decisions a spending may name',
      tags,
      auth: 'fund.read',
      scope: fund,
      params: IdParams,
      response: DecisionList,
      handler: ({ actor, params }) => listApprovingDecisions(deps, actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/funds/:id/owners',
      summary: '业主户：应缴、已缴、欠缴 / Owner households with dues, payments and arrears',
      tags,
      auth: 'fund.read',
      scope: fund,
      params: IdParams,
      response: OwnerList,
      handler: ({ actor, params }) => listOwners(deps, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/funds/:id/owners',
      summary: '登记业主户及建筑面积 / Add owner households and their floor area',
      tags,
      auth: 'fund.manage',
      scope: { params: { id: 'fund' }, body: { 'owners.householdId': 'household' } },
      params: IdParams,
      body: OwnersBody,
      response: OwnerList,
      handler: ({ actor, params, body }) => setOwners(deps, actor, params.id, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/funds/:id/owners/import',
      summary:
        '批量登记业主户：粘贴“地址 + 建筑面积”清单，全部成功或全部不写，出错指明第几行 / Add owner households from a pasted list, all or none',
      tags,
      auth: 'fund.manage',
      scope: fund,
      params: IdParams,
      body: OwnersImportBody,
      response: OwnerList,
      handler: ({ actor, params, body }) => importOwners(deps, actor, params.id, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/funds/:id/levies',
      summary: '业主筹资（按户、按面积或总额均摊）/ Levies on owners',
      tags,
      auth: 'fund.read',
      scope: fund,
      params: IdParams,
      response: LevyList,
      handler: ({ actor, params }) => listLeviesInScope(deps, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/funds/:id/levies',
      summary: '发起业主筹资，定下每户应缴 / Levy owners: fixes each household’s due',
      tags,
      auth: 'fund.manage',
      scope: { params: { id: 'fund' }, body: { decisionId: decisionRule } },
      params: IdParams,
      body: LevyBody,
      response: Levy,
      status: 201,
      handler: ({ actor, params, body }) => createLevy(deps, actor, params.id, body),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/funds/:id/levies/:levyId',
      summary:
        '修改业主筹资（尚无人缴款时；应缴额按现有业主重算；已有缴款则 409）/ Correct a levy before anyone has paid against it',
      tags,
      auth: 'fund.manage',
      scope: { params: { id: 'fund', levyId: ofTheFund('a levy') }, body: { decisionId: decisionRule } },
      params: LevyParams,
      body: LevyBody,
      response: Levy,
      handler: ({ actor, params, body }) => updateLevy(deps, actor, params.id, params.levyId, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/funds/:id/movements',
      summary:
        '记一笔收支（multipart：payload + receipt 凭证照片；支出须有决议；按 clientKey 幂等）/ Record a movement with its receipt',
      tags,
      auth: 'fund.manage',
      scope: {
        params: { id: 'fund' },
        body: {
          householdId: 'household',
          levyId: ofTheFund('a levy'),
          decisionId: decisionRule,
          companyId: { none: 'a property company with a contract for the fund’s compound, checked by the service' },
        },
      },
      params: IdParams,
      body: MovementBody,
      files: RECEIPT_FILES,
      response: MovementRecorded,
      status: 201,
      handler: async ({ actor, params, body, files }) => {
        const receipt = checkReceipt(files);
        const out = await recordMovement(deps, actor, params.id, body, receipt);
        return { movement: out.movement, balanceFen: out.balanceFen };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/funds/:id/movements/:movementId/receipt',
      summary: '收支凭证照片 / A movement’s receipt',
      tags,
      auth: 'fund.read',
      scope: { params: { id: 'fund', movementId: ofTheFund('a movement') } },
      params: MovementParams,
      response: z.unknown(),
      isRaw: true,
      handler: async ({ actor, params, reply }) => {
        const receipt = await getReceipt(deps, actor, params.id, params.movementId);
        await reply
          .header('content-type', receipt.mime)
          .header('cache-control', 'private, max-age=3600')
          .header('x-content-type-options', 'nosniff')
          .send(Buffer.from(receipt.data));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/funds/:id/claims',
      summary: '业主手机端缴费登记 / Owners’ payment claims from the phone',
      tags,
      auth: 'fund.read',
      scope: fund,
      params: IdParams,
      response: ClaimList,
      handler: ({ actor, params }) => listClaims(deps, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/funds/:id/claims/:claimId/decide',
      summary: '确认（记入台账）或退回业主的缴费登记 / Confirm or turn down an owner’s claim',
      tags,
      auth: 'fund.manage',
      scope: { params: { id: 'fund', claimId: ofTheFund('a claim') } },
      params: ClaimParams,
      body: ClaimDecisionBody,
      response: Claim,
      handler: ({ actor, params, body }) => decideClaim(deps, actor, params.id, params.claimId, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/my/funds',
      summary: '我家所在小区的物业资金（已绑定业主）/ My compound’s funds',
      tags,
      auth: 'case.report',
      response: MyFundList,
      handler: ({ actor }) => listMyFunds(deps, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/my/funds/:id',
      summary: '业主看资金台账、月度报表与本户欠缴 / The fund’s ledger as an owner sees it',
      tags,
      auth: 'case.report',
      scope: { params: { id: 'myFund' } },
      params: IdParams,
      query: LedgerQuery,
      response: MyFund,
      handler: ({ actor, params, query }) => getMyFundLedger(deps, actor, params.id, query.month),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/my/funds/:id/claims',
      summary: '业主登记已缴费（multipart：payload + receipt；按 clientKey 幂等）/ Tell staff I paid',
      tags,
      auth: 'case.report',
      scope: { params: { id: 'myFund' }, body: { levyId: ofTheFund('a levy') } },
      params: IdParams,
      body: ClaimBody,
      files: RECEIPT_FILES,
      response: Claim,
      status: 201,
      handler: async ({ actor, params, body, files }) => {
        const receipt = checkReceipt(files);
        const out = await submitClaim(deps, actor, params.id, body, receipt);
        return out.claim;
      },
    }),
    ...propertyRoutes(deps),
  ];
}
