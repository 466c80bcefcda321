import { api, unwrap } from '../../../api/client';
import type {
  GenerateReportBody,
  Metric,
  ReportDetail,
  ReportSummary,
  TemplateDetail,
  TemplateInput,
  TemplateSummary,
} from '../../../api/types';

export type { Metric, ReportDetail, ReportSummary, TemplateDetail, TemplateInput, TemplateSummary };

type UnitsTemplate = Extract<TemplateInput, { rowKind: 'units' }>;
type RosterTemplate = Extract<TemplateInput, { rowKind: 'roster' }>;
export type TemplateColumn = UnitsTemplate['columns'][number];
export type HeaderGroup = NonNullable<UnitsTemplate['headerGroups']>[number];
export type RowLevel = UnitsTemplate['rowLevel'];
export type RosterField = RosterTemplate['fields'][number];
export type RosterFilter = RosterTemplate['filter'];
export type Filter = NonNullable<Extract<TemplateColumn, { metric: string }>['filter']>;
export type DerivedOp = Extract<TemplateColumn, { derived: unknown }>['derived']['op'];

export const FILTER_FIELDS = [
  'ageMin',
  'ageMax',
  'gender',
  'residenceType',
  'careTag',
  'dutyItemCode',
  'period',
] as const satisfies readonly (keyof Filter)[];
export type FilterField = (typeof FILTER_FIELDS)[number];

export const DERIVED_OPS = ['sum', 'difference', 'ratio', 'percent'] as const satisfies readonly DerivedOp[];
export const ROW_LEVELS = ['county', 'street', 'community', 'grid'] as const satisfies readonly RowLevel[];
export const ROSTER_FIELDS = [
  'name',
  'gender',
  'age',
  'birthDate',
  'address',
  'orgName',
  'residenceType',
  'careTags',
  'relation',
  'ethnicity',
  'phone',
  'idNumber',
] as const satisfies readonly RosterField[];

const byId = (id: string) => ({ params: { path: { id } } });

export const reportsApi = {
  metrics: async () => (await unwrap(api.GET('/api/v1/metrics'))).items,
  templates: async () => (await unwrap(api.GET('/api/v1/report-templates'))).items,
  template: async (id: string) => (await unwrap(api.GET('/api/v1/report-templates/{id}', byId(id)))) as TemplateDetail,
  createTemplate: (body: TemplateInput) => unwrap(api.POST('/api/v1/report-templates', { body })),
  updateTemplate: (id: string, body: TemplateInput) =>
    unwrap(api.PUT('/api/v1/report-templates/{id}', { ...byId(id), body })),
  /** the JSON a user pasted, checked by the server (which names any problem by its field) */
  /** a copy of any template, owned by the caller's unit (only the owner unit may change a template) */
  copyTemplate: (id: string) => unwrap(api.POST('/api/v1/report-templates/{id}/copy', { ...byId(id), body: {} })),
  importTemplate: (body: unknown) =>
    unwrap(api.POST('/api/v1/report-templates/import', { body: body as TemplateInput })),
  generate: (body: GenerateReportBody) => unwrap(api.POST('/api/v1/reports', { body })),
  report: (id: string) => unwrap(api.GET('/api/v1/reports/{id}', byId(id))),
  reports: (query: { orgId?: string; page?: number; pageSize?: number }) =>
    unwrap(api.GET('/api/v1/reports', { params: { query } })),
};
