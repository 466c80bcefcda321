import { z } from 'zod';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { createDepartment } from '../orgs/departments.ts';
import { OrgUnit } from '../orgs/schema.ts';
import { DEPARTMENT_KINDS } from './default-items.ts';
import {
  DEPARTMENT_KIND_CODES,
  DUTY_KIND_NAMES,
  DutyCodeParams,
  DutyImportResult,
  DutyItemCreateBody,
  DutyItemOut,
  DutyItemUpdateBody,
  DutyList,
  DutyListQuery,
  DutyRevisions,
  PublicDutyList,
} from './schema.ts';
import {
  applyDutyList,
  createDutyItem,
  listDutyItems,
  listDutyRevisions,
  listPublicDutyItems,
  reviseDutyItem,
} from './service.ts';
import { readDutyListWorkbook, writeDutyListWorkbook } from './workbook.ts';

const tags = ['duties'];
/** The duty list is one, city-wide: an item's code names reference data, not an object in anyone's scope. */
const dutyItem = { none: 'duty items are city-wide reference data, the same for every unit' } as const;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function dutyRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/duties',
      summary: '权责清单 / The duty list',
      tags,
      auth: 'authenticated',
      query: DutyListQuery,
      response: DutyList,
      handler: ({ query }) => listDutyItems(deps.db, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/duties/public',
      summary: '居民可选的诉求类别 / Items residents may choose',
      tags,
      auth: 'public',
      query: z.strictObject({ q: z.string().trim().max(40).optional() }),
      response: PublicDutyList,
      handler: async ({ query }) => ({
        items: (await listPublicDutyItems(deps.db, query.q)).map((r) => ({
          code: r.code,
          category: [r.category_top, r.category_sub] as [string, string],
          name: r.name,
          description: r.description,
          keywords: JSON.parse(r.keywords) as string[],
        })),
      }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/duties/vocabulary',
      summary: '责任类型与部门名称 / Kinds and departments',
      tags,
      auth: 'authenticated',
      response: z.object({
        kinds: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string() })),
        departments: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string() })),
      }),
      handler: () =>
        Promise.resolve({
          kinds: Object.entries(DUTY_KIND_NAMES).map(([code, n]) => ({ code, ...n })),
          departments: Object.entries(DEPARTMENT_KINDS).map(([code, n]) => ({ code, zh: n.zh, en: n.en })),
        }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/duties/export',
      summary: '导出权责清单（.xlsx）/ Export the duty list',
      tags,
      auth: 'authenticated',
      response: z.unknown(),
      isRaw: true,
      handler: async ({ reply }) => {
        const { items } = await listDutyItems(deps.db, {});
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': XLSX,
          'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent('权责清单')}.xlsx`,
        });
        await writeDutyListWorkbook(items, reply.raw);
        reply.raw.end();
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/duties/import',
      summary: '导入权责清单（.xlsx，multipart：file）；有错则不导入 / Import the duty list',
      tags,
      auth: 'duty.manage',
      files: { field: 'file', maxCount: 1, maxBytes: 5 * 1024 * 1024 },
      response: DutyImportResult,
      handler: async ({ actor, files }) => {
        const file = files[0];
        if (file === undefined) {
          throw new AppError('VALIDATION', { zh: '缺少文件', en: 'No file' }, [
            { code: 'required', field: 'file', message_zh: '请选择 .xlsx 文件', message_en: 'Choose an .xlsx file' },
          ]);
        }
        return applyDutyList(deps, actor, await readDutyListWorkbook(file.data));
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/duties',
      summary: '新增事项 / Add a duty item',
      tags,
      auth: 'duty.manage',
      body: DutyItemCreateBody,
      response: DutyItemOut,
      status: 201,
      handler: ({ actor, body }) => createDutyItem(deps, actor, body),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/duties/:code',
      summary: '修改事项（生成新版本）/ Revise a duty item',
      tags,
      auth: 'duty.manage',
      scope: dutyItem,
      params: DutyCodeParams,
      body: DutyItemUpdateBody,
      response: DutyItemOut,
      handler: ({ actor, params, body }) => reviseDutyItem(deps, actor, params.code, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/duties/:code/retire',
      summary: '停用事项 / Retire a duty item',
      tags,
      auth: 'duty.manage',
      scope: dutyItem,
      params: DutyCodeParams,
      body: z.strictObject({ revision: z.number().int().min(1) }),
      response: DutyItemOut,
      handler: ({ actor, params, body }) =>
        reviseDutyItem(deps, actor, params.code, { revision: body.revision, isRetired: true }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/duties/:code/revisions',
      summary: '事项的历史版本 / Revisions of an item',
      tags,
      auth: 'authenticated',
      scope: dutyItem,
      params: DutyCodeParams,
      response: DutyRevisions,
      handler: async ({ params }) => ({ items: await listDutyRevisions(deps.db, params.code) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/orgs/departments',
      summary: '新建职能部门 / Create a department',
      tags: ['orgs'],
      auth: 'org.manage',
      scope: { body: { parentId: 'org' } },
      body: z.strictObject({
        parentId: z.uuid(),
        kind: z.enum(DEPARTMENT_KIND_CODES),
        name: z.string().trim().min(2).max(40).optional(),
      }),
      response: OrgUnit,
      status: 201,
      handler: ({ actor, body }) =>
        createDepartment(deps, actor, {
          parentId: body.parentId,
          kind: body.kind,
          name: body.name ?? DEPARTMENT_KINDS[body.kind].zh,
        }),
    }),
  ];
}
