import { z } from 'zod';
import type { Permission } from '../../platform/access/roles.ts';
import { type Actor, hasPermission } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { forbidden } from '../../platform/errors.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { generateReport } from './generate.ts';
import { METRICS } from './metrics.ts';
import {
  GenerateBody,
  IdParams,
  MetricList,
  ReportDetail,
  ReportList,
  ReportListQuery,
  TemplateCopyBody,
  TemplateDetail,
  TemplateInput,
  TemplateList,
  TemplateSaved,
} from './schema.ts';
import { downloadReport, getReport, listReports } from './service.ts';
import { copyTemplate, createTemplate, getTemplateDetail, listTemplates, updateTemplate } from './templates.ts';

const tags = ['reports'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const report = { params: { id: 'report' } } as const;
/**
 * Templates are one catalogue every unit may read, use and copy; a template id names no object in
 * anyone's scope. Changing one is its owner unit's alone (403 TEMPLATE_NOT_OWNED, templates.ts).
 */
const sharedTemplate = { none: 'report templates are a shared catalogue every unit may read, use and copy' } as const;
const canUseTemplates = (actor: Actor) =>
  ['report.generate', 'report.template', 'task.send'].some((p) => hasPermission(actor, p as Permission));

/** 一表通: the metric catalogue, templates (versioned, shared) and generated reports. */
export function reportRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/metrics',
      summary: '指标目录 / The metric catalogue',
      tags,
      auth: 'authenticated',
      response: MetricList,
      handler: () =>
        Promise.resolve({
          items: METRICS.map(({ facts: _facts, ...m }) => m),
        }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/report-templates',
      summary: '报表模板 / Report templates',
      tags,
      auth: 'authenticated',
      response: TemplateList,
      handler: ({ actor }) => {
        if (!canUseTemplates(actor)) throw forbidden();
        return listTemplates(deps, actor);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/report-templates/:id',
      summary: '报表模板详情与版本 / A template with its versions',
      tags,
      auth: 'authenticated',
      scope: { params: { id: sharedTemplate } },
      params: IdParams,
      response: TemplateDetail,
      handler: ({ actor, params }) => {
        if (!canUseTemplates(actor)) throw forbidden();
        return getTemplateDetail(deps, actor, params.id);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/report-templates',
      summary: '新建报表模板 / Create a report template',
      tags,
      auth: 'report.template',
      body: TemplateInput,
      response: TemplateSaved,
      status: 201,
      handler: ({ actor, body }) => createTemplate(deps, actor, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/report-templates/import',
      summary: '导入报表模板（JSON）/ Import a template as JSON',
      tags,
      auth: 'report.template',
      body: TemplateInput,
      response: TemplateSaved,
      status: 201,
      handler: ({ actor, body }) => createTemplate(deps, actor, body),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/report-templates/:id',
      summary: '修改报表模板（新版本）/ Save a new version of a template',
      tags,
      auth: 'report.template',
      scope: { params: { id: sharedTemplate } },
      params: IdParams,
      body: TemplateInput,
      response: TemplateSaved,
      handler: ({ actor, params, body }) => updateTemplate(deps, actor, params.id, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/report-templates/:id/copy',
      summary: '复制报表模板（归本单位）/ Copy a template into one of my unit',
      tags,
      auth: 'report.template',
      scope: { params: { id: sharedTemplate } },
      params: IdParams,
      body: TemplateCopyBody,
      response: TemplateSaved,
      status: 201,
      handler: ({ actor, params, body }) => copyTemplate(deps, actor, params.id, body.name),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/reports',
      summary: '生成报表 / Generate a report for a unit and month',
      tags,
      auth: 'report.generate',
      scope: { body: { templateId: sharedTemplate, orgId: 'org' } },
      body: GenerateBody,
      response: ReportDetail,
      status: 201,
      handler: ({ actor, body }) => generateReport(deps, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/reports',
      summary: '已生成的报表 / Generated reports',
      tags,
      auth: 'report.generate',
      scope: { query: { orgId: 'org' } },
      query: ReportListQuery,
      response: ReportList,
      handler: ({ actor, query }) => listReports(deps, actor, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/reports/:id',
      summary: '报表详情与预览 / A report with a preview of its table',
      tags,
      auth: 'authenticated',
      scope: report,
      params: IdParams,
      response: ReportDetail,
      handler: ({ actor, params }) => getReport(deps, actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/reports/:id/xlsx',
      summary: '下载报表（.xlsx）/ Download the report',
      tags,
      auth: 'authenticated',
      scope: report,
      params: IdParams,
      response: z.unknown(),
      isRaw: true,
      handler: async ({ actor, params, reply }) => {
        const file = await downloadReport(deps, actor, params.id);
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': XLSX,
          'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
          'content-length': file.data.length,
        });
        reply.raw.end(file.data);
      },
    }),
  ];
}
