import type { paths } from './schema';

/** Named API types, derived from the generated paths (never typed by hand). */
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: { content: { 'application/json': infer B } } }
    ? B
    : R extends { 201: { content: { 'application/json': infer B } } }
      ? B
      : never
  : never;

export type Me = Body<'/api/v1/auth/me', 'get'>['user'];
export type Assignment = Me['assignments'][number];
export type Meta = Body<'/api/v1/meta', 'get'>;
export type OrgUnit = Body<'/api/v1/orgs/{id}', 'get'>;
export type OrgLevel = OrgUnit['level'];
export type OrgStats = Body<'/api/v1/orgs/{id}/stats', 'get'>;
export type OrgMap = Body<'/api/v1/orgs/{id}/map', 'get'>;
export type OrgMapFeature = OrgMap['features'][number];
export type OrgCreateBody = NonNullable<paths['/api/v1/orgs']['post']['requestBody']>['content']['application/json'];
export type PolygonGeometry = NonNullable<OrgCreateBody['geometry']>;
export type User = Body<'/api/v1/users/{id}', 'get'>;
export type UserPage = Body<'/api/v1/users', 'get'>;
export type UserCreateBody = NonNullable<paths['/api/v1/users']['post']['requestBody']>['content']['application/json'];
export type Role = Body<'/api/v1/roles', 'get'>['items'][number];
export type ApiKey = Body<'/api/v1/apikeys', 'get'>['items'][number];
export type CreatedApiKey = Body<'/api/v1/apikeys', 'post'>;
export type AuditRecord = Body<'/api/v1/audit', 'get'>['items'][number];
export type AuditQuery = NonNullable<paths['/api/v1/audit']['get']['parameters']['query']>;
export type RoleId = Role['id'];
export type CareTag = Body<'/api/v1/care-tags', 'get'>['items'][number];
export type HouseholdPage = Body<'/api/v1/households', 'get'>;
export type Household = HouseholdPage['items'][number];
export type HouseholdDetail = Body<'/api/v1/households/{id}', 'get'>;
export type HouseholdChange = HouseholdDetail['history'][number];
export type HouseholdCreateBody = NonNullable<
  paths['/api/v1/households']['post']['requestBody']
>['content']['application/json'];
export type Resident = Body<'/api/v1/residents/{id}', 'get'>;
export type ResidentChange = Body<'/api/v1/residents/{id}/history', 'get'>['items'][number];
export type ResidentCreateBody = NonNullable<
  paths['/api/v1/residents']['post']['requestBody']
>['content']['application/json'];
export type ResidentUpdateBody = NonNullable<
  paths['/api/v1/residents/{id}']['patch']['requestBody']
>['content']['application/json'];
export type ResidentSearchBody = NonNullable<
  paths['/api/v1/residents/search']['post']['requestBody']
>['content']['application/json'];
export type ResidentExportBody = NonNullable<
  paths['/api/v1/residents/export']['post']['requestBody']
>['content']['application/json'];
export type RevealField = NonNullable<
  paths['/api/v1/residents/{id}/reveal']['post']['requestBody']
>['content']['application/json']['field'];
export type ResidenceType = Resident['residenceType'];
export type ResidentStatus = Resident['status'];
export type Gender = Resident['gender'];
export type ImportJob = Body<'/api/v1/residents/imports/{id}', 'get'>;

export type CaseQueueQuery = NonNullable<paths['/api/v1/cases']['get']['parameters']['query']>;
export type CaseQueue = NonNullable<CaseQueueQuery['queue']>;
export type CasePage = Body<'/api/v1/cases', 'get'>;
export type CaseSummary = CasePage['items'][number];
export type CaseDetail = Body<'/api/v1/cases/{id}', 'get'>;
export type CaseEvent = CaseDetail['timeline'][number];
export type CaseStatus = CaseSummary['status'];
export type CaseChannel = CaseSummary['channel'];
export type DueState = CaseSummary['dueState'];
export type CaseIntakeBody = NonNullable<paths['/api/v1/cases']['post']['requestBody']>['content']['application/json'];
export type CaseIntakeResult = Body<'/api/v1/cases', 'post'>;
export type DuplicateCandidate = CaseIntakeResult['duplicates'][number];
export type RatesReport = Body<'/api/v1/case-rates', 'get'>;
export type Rates = RatesReport['total'];
/** The client reads the `[top, sub]` category tuple as a plain array. */
export type DutyItem = Omit<Body<'/api/v1/duties', 'get'>['items'][number], 'category'> & { category: string[] };
export type DutyKind = DutyItem['kind'];
export type DutyListQuery = NonNullable<paths['/api/v1/duties']['get']['parameters']['query']>;
export type DutyItemCreateBody = NonNullable<
  paths['/api/v1/duties']['post']['requestBody']
>['content']['application/json'];
export type DutyVocabulary = Body<'/api/v1/duties/vocabulary', 'get'>;
export type DutyImportResult = Body<'/api/v1/duties/import', 'post'>;

export type InsightSummary = Body<'/api/v1/insights/{orgId}/summary', 'get'>;
export type InsightChildren = Body<'/api/v1/insights/{orgId}/children', 'get'>;
export type InsightPopulation = Body<'/api/v1/insights/{orgId}/population', 'get'>;
export type InsightCases = Body<'/api/v1/insights/{orgId}/cases', 'get'>;
export type InsightVisits = Body<'/api/v1/insights/{orgId}/visits', 'get'>;
export type InsightTrends = Body<'/api/v1/insights/{orgId}/trends', 'get'>;
export type BurdenLedger = Body<'/api/v1/insights/{orgId}/burden', 'get'>;
export type InsightServices = Body<'/api/v1/insights/{orgId}/services', 'get'>;
export type Metric = Body<'/api/v1/metrics', 'get'>['items'][number];
export type TemplateSummary = Body<'/api/v1/report-templates', 'get'>['items'][number];
export type TemplateInput = NonNullable<
  paths['/api/v1/report-templates']['post']['requestBody']
>['content']['application/json'];
/** The stored template's own fields, and its input (the server answers it as a loose object). */
export type TemplateDetail = Body<'/api/v1/report-templates/{id}', 'get'> & TemplateInput;
export type ReportSummary = Body<'/api/v1/reports', 'get'>['items'][number];
export type ReportDetail = Body<'/api/v1/reports/{id}', 'get'>;
export type GenerateReportBody = NonNullable<
  paths['/api/v1/reports']['post']['requestBody']
>['content']['application/json'];
export type TaskSummary = Body<'/api/v1/tasks', 'get'>['items'][number];
export type TaskDetail = Body<'/api/v1/tasks/{id}', 'get'>;
export type TaskOutcome = TaskDetail['outcomes'][number];
export type Workbench = Body<'/api/v1/workbench', 'get'>;
export type TaskSendBody = NonNullable<paths['/api/v1/tasks']['post']['requestBody']>['content']['application/json'];
