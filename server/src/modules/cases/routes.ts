import { z } from 'zod';
import type { Actor } from '../../platform/access/scope.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { defineRoute, type IdRule, type RouteDef } from '../../platform/http/route.ts';
import { sweepDeadlines } from './deadlines.ts';
import { importHotlineTickets, readHotlineWorkbook } from './hotline.ts';
import { type IntakeOutcome, submitCase } from './intake.ts';
import { checkPhotos } from './photos.ts';
import {
  getCaseDetail,
  getCasePhoto,
  getMyCaseDetail,
  listCaseQueue,
  revealCaseContact,
  writtenCaseDetail,
} from './queries.ts';
import { computeRates } from './rates.ts';
import {
  CaseDetail,
  CaseIdParams,
  CasePage,
  CaseQueueQuery,
  HotlineImportBody,
  HotlineImportResult,
  IntakeResult,
  MergeBody,
  PHOTO_LIMITS,
  PhotoParams,
  RatesQuery,
  RatesReport,
  ReasonBody,
  ReassignBody,
  ReassignTargets,
  ResolveBody,
  RevealBody,
  RevealedContact,
  StaffIntakeBody,
  TextBody,
  VersionedBody,
} from './schema.ts';
import * as workflow from './workflow.ts';

const tags = ['cases'];
const scoped = { params: { id: 'case' } } as const;
/** Ids in a step's body: a merge names the case it merges into; a reassignment a unit beyond her own. */
const stepBodyIds: Record<string, Record<string, IdRule>> = {
  merge: { intoCaseId: 'case' },
  reassign: {
    toOrgId: {
      none: 'a case is reassigned to a department or unit beyond her own scope; reassignCase accepts only the reassign targets',
    },
  },
};

/** Intake's answer: the new (or existing) case, or the open duplicates offered instead. */
export async function intakeResponse(deps: AppDeps, actor: Actor, outcome: IntakeOutcome, isResident: boolean) {
  if (outcome.kind === 'duplicates') return { case: null, duplicates: outcome.duplicates };
  if (outcome.kind === 'created') {
    const viewer = isResident ? 'reporter' : 'staff';
    return { case: await writtenCaseDetail(deps, outcome.written, { actor, viewer }), duplicates: [] };
  }
  const detail = isResident
    ? await getMyCaseDetail(deps, actor, outcome.caseId)
    : await getCaseDetail(deps, actor, outcome.caseId);
  return { case: detail, duplicates: [] };
}

export function caseRoutes(deps: AppDeps): RouteDef[] {
  const detail = (actor: Actor, id: string) => getCaseDetail(deps, actor, id);
  const action = <B>(
    url: string,
    summary: string,
    body: z.ZodType<B> | undefined,
    run: (actor: Actor, id: string, body: B) => Promise<void>,
  ) =>
    defineRoute({
      method: 'POST',
      url: `/api/v1/cases/:id/${url}`,
      summary,
      tags,
      auth: 'case.read',
      scope: { ...scoped, ...(stepBodyIds[url] !== undefined ? { body: stepBodyIds[url] } : {}) },
      params: CaseIdParams,
      ...(body !== undefined ? { body } : {}),
      response: CaseDetail,
      handler: async ({ actor, params, body: b }) => {
        await run(actor, params.id, b);
        return detail(actor, params.id);
      },
    });

  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases',
      summary: '代录诉求（电话、来访、网格员上报；可附照片，multipart：payload + photos）/ Enter a case',
      tags,
      auth: 'case.intake',
      scope: { body: { householdId: 'household', orgId: 'org' } },
      body: StaffIntakeBody,
      files: PHOTO_LIMITS,
      response: IntakeResult,
      status: 201,
      handler: async ({ actor, body, files }) => {
        const { force, ...fields } = body;
        const outcome = await submitCase(
          deps,
          { ...fields, photos: checkPhotos(files), force },
          { actor, permission: 'case.intake' },
        );
        return intakeResponse(deps, actor, outcome, false);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases',
      summary: '诉求队列 / Case queues',
      tags,
      auth: 'case.read',
      scope: { query: { orgId: 'org' } },
      query: CaseQueueQuery,
      response: CasePage,
      handler: ({ actor, query }) => listCaseQueue(deps, actor, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id',
      summary: '诉求详情与时间线 / A case with its timeline',
      tags,
      auth: 'case.read',
      scope: scoped,
      params: CaseIdParams,
      response: CaseDetail,
      handler: ({ actor, params }) => detail(actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id/reassign-targets',
      summary: '可改派的单位（属地与上级职能部门）/ Units a case may be reassigned to',
      tags,
      auth: 'case.handle',
      scope: scoped,
      params: CaseIdParams,
      response: ReassignTargets,
      handler: ({ actor, params }) => workflow.listReassignTargets(deps, actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id/photos/:photoId',
      summary: '诉求照片 / A photo of a case',
      tags,
      auth: 'authenticated',
      scope: {
        params: { id: 'case', photoId: { none: 'a photo of the case named by :id, looked up among its photos' } },
      },
      params: PhotoParams,
      response: z.unknown(),
      isRaw: true,
      handler: async ({ actor, params, reply }) => {
        const photo = await getCasePhoto(deps, actor, params.id, params.photoId);
        await reply
          .header('content-type', photo.mime)
          .header('cache-control', 'private, max-age=3600')
          .header('x-content-type-options', 'nosniff')
          .send(photo.data);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/:id/reveal-contact',
      summary: '查看联系人完整电话（记录理由并审计）/ Reveal the contact phone (audited)',
      tags,
      auth: 'pii.reveal',
      scope: scoped,
      params: CaseIdParams,
      body: RevealBody,
      response: RevealedContact,
      handler: ({ actor, params, body }) => revealCaseContact(deps, actor, params.id, body.reason),
    }),
    action('accept', '签收 / Accept', VersionedBody, (a, id, b) => workflow.acceptCase(deps, a, id, b.version)),
    action('start', '开始办理 / Start work', VersionedBody, (a, id, b) => workflow.startCase(deps, a, id, b.version)),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/:id/resolve',
      summary: '办结（结果与照片，multipart：payload + photos）/ Resolve with result and photos',
      tags,
      auth: 'case.read',
      scope: scoped,
      params: CaseIdParams,
      body: ResolveBody,
      files: PHOTO_LIMITS,
      response: CaseDetail,
      handler: async ({ actor, params, body, files }) => {
        await workflow.resolveCase(deps, actor, params.id, body, checkPhotos(files));
        return detail(actor, params.id);
      },
    }),
    action('reject', '驳回（须说明理由）/ Reject with a reason', ReasonBody, (a, id, b) =>
      workflow.rejectCase(deps, a, id, b),
    ),
    action('return', '退单（须说明理由）/ Return to the dispatcher', ReasonBody, (a, id, b) =>
      workflow.returnCase(deps, a, id, b),
    ),
    action('reassign', '改派（须说明理由）/ Reassign', ReassignBody, (a, id, b) =>
      workflow.reassignCase(deps, a, id, b),
    ),
    action('pause', '暂停计时（须说明理由）/ Pause the clock', ReasonBody, (a, id, b) =>
      workflow.pauseCase(deps, a, id, b),
    ),
    action('resume', '恢复计时 / Resume the clock', VersionedBody, (a, id, b) =>
      workflow.resumeCase(deps, a, id, b.version),
    ),
    action('supervise', '督办 / Supervise', TextBody, (a, id, b) => workflow.superviseCase(deps, a, id, b)),
    action('merge', '合并重复诉求 / Merge into another case', MergeBody, (a, id, b) =>
      workflow.mergeCase(deps, a, id, b),
    ),
    action('reopen', '重新打开 / Reopen', ReasonBody, (a, id, b) => workflow.reopenCase(deps, a, id, b)),
    action('notes', '内部备注 / Internal note', TextBody, (a, id, b) => workflow.addNote(deps, a, id, b.text)),
    action('replies', '公开回复 / Public reply', TextBody, (a, id, b) => workflow.addReply(deps, a, id, b.text)),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/hotline-imports',
      summary: '导入 12345 热线工单（JSON 或 .xlsx，按工单号幂等）/ Import hotline tickets',
      tags,
      auth: 'case.intake',
      body: HotlineImportBody.optional(),
      files: { field: 'file', maxCount: 1, maxBytes: 20 * 1024 * 1024 },
      response: HotlineImportResult,
      handler: async ({ actor, body, files }) => {
        const file = files[0];
        const sheet = file !== undefined ? await readHotlineWorkbook(file.data) : undefined;
        const tickets = sheet?.tickets ?? body?.tickets ?? [];
        // a spreadsheet's tickets are named by the row the user sees in Excel
        const place = sheet === undefined ? undefined : (i: number) => `第${sheet.rows[i]}行`;
        if (tickets.length === 0) {
          throw new AppError('VALIDATION', { zh: '没有工单', en: 'No tickets' }, [
            { code: 'required', field: 'tickets', message_zh: '没有可导入的工单', message_en: 'No tickets to import' },
          ]);
        }
        return importHotlineTickets(deps, actor, tickets, place);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/case-rates',
      summary: '三率（响应率、解决率、满意率）与下钻 / The three rates with drill-down',
      tags,
      auth: 'case.read',
      scope: { query: { orgId: 'org' } },
      query: RatesQuery,
      response: RatesReport,
      handler: ({ actor, query }) => computeRates(deps, actor, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/deadline-sweeps',
      summary: '立即检查时限（平时每分钟自动运行）/ Run the deadline check now',
      tags,
      auth: 'case.supervise',
      response: z.object({ changed: z.number().int() }),
      handler: async () => ({ changed: await sweepDeadlines(deps) }),
    }),
  ];
}
