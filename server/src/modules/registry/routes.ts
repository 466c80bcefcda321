import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { createCareTag, listCareTagsFor } from './care-tags.ts';
import * as households from './households.ts';
import { moveRequestRoutes } from './move-routes.ts';
import * as residents from './residents.ts';
import {
  CareTagCreateBody,
  CareTagList,
  CareTagListItem,
  CareTagListQuery,
  HouseholdCreateBody,
  HouseholdDetail,
  HouseholdListQuery,
  HouseholdOut,
  HouseholdPage,
  HouseholdUpdateBody,
  IdParams,
  MoveBody,
  ResidentCreateBody,
  ResidentHistory,
  ResidentOut,
  ResidentPage,
  ResidentSearchBody,
  ResidentUpdateBody,
  RevealBody,
  Revealed,
} from './schema.ts';
import { searchResidents } from './search.ts';

const tags = ['registry'];
const household = { params: { id: 'household' } } as const;
const resident = { params: { id: 'resident' } } as const;

export function registryRoutes(deps: AppDeps): RouteDef[] {
  return [
    ...moveRequestRoutes(deps),
    defineRoute({
      method: 'GET',
      url: '/api/v1/care-tags',
      summary: '关爱标签（内置及本单位的）/ Care tags: built-in and the unit’s own',
      tags,
      // the field app names the tags on her households: a person linked to households (一亲三心) holds no
      // resident.read, and sees the built-in names (custom ones stay with the units that read the registry)
      auth: 'authenticated',
      scope: { query: { orgId: { kind: 'org', permission: 'resident.read' } } },
      query: CareTagListQuery,
      response: CareTagList,
      handler: ({ actor, query }) => listCareTagsFor(deps, actor, query.orgId),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/care-tags',
      summary: '新增本单位关爱标签 / Add a care tag of one’s unit',
      tags,
      auth: 'caretag.manage',
      scope: { body: { orgId: 'org' } },
      body: CareTagCreateBody,
      response: CareTagListItem,
      status: 201,
      handler: async ({ actor, body }) => {
        const t = await createCareTag(deps, actor, body);
        return {
          code: t.code,
          name: t.name,
          isDerived: false,
          isBuiltin: false,
          orgId: t.org_id,
          orgName: t.org_name,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/households',
      summary: '住户列表 / Households in scope',
      tags,
      auth: 'resident.read',
      scope: { query: { orgId: 'org' } },
      query: HouseholdListQuery,
      response: HouseholdPage,
      handler: ({ actor, query }) => households.listHouseholds(deps, actor, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/households',
      summary: '新建住户 / Create a household',
      tags,
      auth: 'resident.write',
      scope: { body: { orgId: 'org' } },
      body: HouseholdCreateBody,
      response: HouseholdOut,
      status: 201,
      handler: ({ actor, body }) => households.createHousehold(deps, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/households/:id',
      summary: '住户详情（成员与变更记录）/ A household with members and history',
      tags,
      auth: 'resident.read',
      scope: household,
      params: IdParams,
      response: HouseholdDetail,
      handler: ({ actor, params }) => households.getHouseholdDetail(deps, actor, params.id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/households/:id',
      summary: '修改住户 / Update a household',
      tags,
      auth: 'resident.write',
      scope: { params: { id: 'household' }, body: { orgId: 'org' } },
      params: IdParams,
      body: HouseholdUpdateBody,
      response: HouseholdOut,
      handler: ({ actor, params, body }) => households.updateHousehold(deps, actor, params.id, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/residents/search',
      summary: '查找居民（证件号、电话只经盲索引精确匹配）/ Search residents',
      tags,
      auth: 'resident.read',
      scope: { body: { orgId: 'org' } },
      body: ResidentSearchBody,
      response: ResidentPage,
      handler: ({ actor, body }) => searchResidents(deps, actor, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/residents',
      summary: '登记居民 / Register a resident',
      tags,
      auth: 'resident.write',
      scope: { body: { householdId: 'household' } },
      body: ResidentCreateBody,
      response: ResidentOut,
      status: 201,
      handler: ({ actor, body }) => residents.createResident(deps, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/residents/:id',
      summary: '居民详情 / A resident',
      tags,
      auth: 'resident.read',
      scope: resident,
      params: IdParams,
      response: ResidentOut,
      handler: async ({ actor, params }) =>
        (await residents.toResidentsOut(deps, actor, [await residents.getResidentInScope(deps, actor, params.id)]))[0]!,
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/residents/:id',
      summary: '修改居民信息 / Update a resident',
      tags,
      auth: 'resident.write',
      scope: resident,
      params: IdParams,
      body: ResidentUpdateBody,
      response: ResidentOut,
      handler: ({ actor, params, body }) => residents.updateResident(deps, actor, params.id, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/residents/:id/move',
      summary: '迁入其他住户 / Move to another household',
      tags,
      auth: 'resident.write',
      scope: { params: { id: 'resident' }, body: { householdId: 'household' } },
      params: IdParams,
      body: MoveBody,
      response: ResidentOut,
      handler: ({ actor, params, body }) =>
        residents.moveResident(deps, actor, params.id, body.householdId, body.version),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/residents/:id/reveal',
      summary: '查看完整证件号或电话（留痕）/ Reveal a full number (audited)',
      tags,
      auth: 'pii.reveal',
      scope: resident,
      params: IdParams,
      body: RevealBody,
      response: Revealed,
      handler: ({ actor, params, body }) =>
        residents.revealResidentField(deps, actor, params.id, body.field, body.reason),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/residents/:id/history',
      summary: '居民变更记录 / A resident’s change history',
      tags,
      auth: 'resident.read',
      scope: resident,
      params: IdParams,
      response: ResidentHistory,
      handler: async ({ actor, params }) => ({ items: await residents.listResidentHistory(deps, actor, params.id) }),
    }),
  ];
}
