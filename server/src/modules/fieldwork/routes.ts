import { z } from 'zod';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { applyHouseholdChange, listHouseholdChanges, rejectHouseholdChange } from './changes.ts';
import { getCoverage, getFieldCache } from './coverage.ts';
import { createLinkages, deleteLinkage, listLinkageGaps, listLinkageLoad, listLinkages } from './linkage.ts';
import { listVisitPolicies, setVisitPolicies } from './policies.ts';
import { cancelAppointment, createAppointment, listAppointments, listMyAppointments } from './appointments.ts';
import {
  AppointmentBody,
  AppointmentList,
  AppointmentOut,
  AppointmentParams,
  ChangeList,
  ChangeOut,
  ChangeQuery,
  Coverage,
  CoverageQuery,
  FieldCache,
  GapPage,
  GapQuery,
  IdParams,
  LinkageCreateBody,
  LinkageCreated,
  LinkageLoad,
  LinkagePage,
  LinkageQuery,
  MAX_PHOTO_BYTES,
  PhotoParams,
  PhotoReceipt,
  PolicyBody,
  PolicyList,
  RejectBody,
  SyncBatchBody,
  SyncBatchResult,
  VisitBody,
  VisitList,
  VisitOut,
  VisitRecorded,
} from './schema.ts';
import { photoTooLarge, storeSyncPhoto, syncBatch } from './sync.ts';
import { getVisit, getVisitPhoto, listHouseholdVisits, recordVisit, toVisitsOut } from './visits.ts';

const tags = ['fieldwork'];
const org = { params: { id: 'org' } } as const;
/** Ids a phone makes for what it creates offline (a visit, its photos): new objects, not ones in anyone's scope. */
const madeOnThePhone = {
  none: 'an id the phone made for an object it creates; receipts make the request idempotent',
} as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function fieldworkRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/my/field-cache',
      summary: '网格员离线数据：我的住户（成员号码已脱敏）与今日走访顺序 / The field cache for offline work',
      tags,
      auth: 'visit.record',
      response: FieldCache,
      handler: ({ actor }) => getFieldCache(deps, actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/sync/photos',
      summary: '上传离线照片（multipart：clientId + photo，≤10 MB；按 clientId 幂等）/ Upload a queued photo',
      tags,
      auth: 'visit.record',
      response: PhotoReceipt,
      status: 201,
      isRaw: true,
      handler: async ({ actor, request, reply }) => {
        const refuse = (error: AppError) =>
          reply.code(error.status).send({ ...error.toBody(), field: error.errors[0]?.field ?? 'photo' });
        if (!request.isMultipart()) {
          return refuse(
            new AppError('UNSUPPORTED_MEDIA_TYPE', {
              zh: '请以表单文件上传照片',
              en: 'Send the photo as multipart/form-data',
            }),
          );
        }
        let clientId: string | null = null;
        let data: Buffer | null = null;
        try {
          for await (const part of request.parts({
            limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 3, fieldSize: 1024 },
          })) {
            if (part.type === 'file') {
              if (part.fieldname !== 'photo' || data !== null) {
                part.file.resume();
                continue;
              }
              data = await part.toBuffer();
            } else if (part.fieldname === 'clientId' && typeof part.value === 'string') clientId = part.value;
          }
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code === 'FST_REQ_FILE_TOO_LARGE') return refuse(photoTooLarge());
          if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT')
            return refuse(invalidField('photo', 'one_photo', { zh: '每次上传一张照片', en: 'One photo per request' }));
          throw error;
        }
        if (clientId === null || !UUID.test(clientId))
          return refuse(
            invalidField('clientId', 'invalid_format', {
              zh: '缺少有效的 clientId',
              en: 'A UUID clientId is required',
            }),
          );
        if (data === null)
          return refuse(invalidField('photo', 'required', { zh: '请附上照片文件', en: 'Attach the photo file' }));
        try {
          const out = await storeSyncPhoto(deps, actor, clientId.toLowerCase(), data);
          return reply.code(out.isNew ? 201 : 200).send({ clientId: clientId.toLowerCase(), photoId: out.photoId });
        } catch (error) {
          if (error instanceof AppError && error.status < 500) return refuse(error);
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/sync/batch',
      summary: '同步离线队列（走访、诉求、住户变更；按 clientId 幂等，逐条独立事务）/ Sync the offline queue',
      tags,
      auth: 'visit.record',
      body: SyncBatchBody,
      bodyLimit: 8 * 1024 * 1024,
      response: SyncBatchResult,
      handler: ({ actor, body }) => syncBatch(deps, actor, body.ops),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/visits',
      summary: '记录一次入户走访（按 clientId 幂等）/ Record a visit',
      tags,
      auth: 'visit.record',
      scope: {
        body: {
          householdId: 'household',
          companionIds: 'user',
          'facts.residentId': 'resident',
          clientId: madeOnThePhone,
          photoClientIds: madeOnThePhone,
        },
      },
      body: VisitBody,
      response: VisitRecorded,
      status: 201,
      isRaw: true,
      handler: async ({ actor, body, reply }) => {
        const { clientId, ...input } = body;
        const out = await recordVisit(deps, actor, clientId, input);
        const visit = await getVisit(deps, actor, out.visitId).catch(async () => {
          // recorded in scope, but she may lack visit.read: show her own visit all the same
          const row = await deps.db
            .selectFrom('visits')
            .selectAll()
            .where('id', '=', out.visitId)
            .executeTakeFirstOrThrow();
          return (await toVisitsOut(deps, [row]))[0]!;
        });
        return reply
          .code(out.status === 'created' ? 201 : 200)
          .send({ visit, caseId: out.caseId, caseNumber: out.caseNumber });
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/visits/:id',
      summary: '走访记录 / A visit',
      tags,
      auth: 'visit.read',
      scope: { params: { id: 'visit' } },
      params: IdParams,
      response: VisitOut,
      handler: ({ actor, params }) => getVisit(deps, actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/visits/:id/photos/:photoId',
      summary: '走访照片 / A photo of a visit',
      tags,
      auth: 'visit.read',
      scope: {
        params: { id: 'visit', photoId: { none: 'a photo of the visit named by :id, looked up among its photos' } },
      },
      params: PhotoParams,
      response: z.unknown(),
      isRaw: true,
      handler: async ({ actor, params, reply }) => {
        const photo = await getVisitPhoto(deps, actor, params.id, params.photoId);
        await reply
          .header('content-type', photo.mime)
          .header('cache-control', 'private, max-age=3600')
          .header('x-content-type-options', 'nosniff')
          .send(photo.data);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/households/:id/appointments',
      summary: '预约上门走访（告知已绑定的住户）/ Make a visit appointment (the bound residents are told)',
      tags,
      auth: 'visit.record',
      scope: { params: { id: 'household' } },
      params: IdParams,
      body: AppointmentBody,
      response: AppointmentOut,
      status: 201,
      handler: ({ actor, params, body }) => createAppointment(deps, actor, params.id, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/households/:id/appointments',
      summary: "住户的走访预约 / A household's visit appointments",
      tags,
      auth: 'visit.read',
      scope: { params: { id: 'household' } },
      params: IdParams,
      response: AppointmentList,
      handler: ({ actor, params }) => listAppointments(deps, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/households/:id/appointments/:appointmentId/cancel',
      summary: '取消走访预约 / Call a visit appointment off',
      tags,
      auth: 'visit.record',
      scope: {
        params: {
          id: 'household',
          appointmentId: { none: 'an appointment of the household named by :id, looked up among its appointments' },
        },
      },
      params: AppointmentParams,
      response: AppointmentOut,
      handler: ({ actor, params }) => cancelAppointment(deps, actor, params.id, params.appointmentId),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/my/appointments',
      summary: '我家的走访预约（已绑定）/ Visits planned to my household (bound)',
      tags,
      auth: 'case.report',
      response: AppointmentList,
      handler: ({ actor }) => listMyAppointments(deps, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/households/:id/visits',
      summary: '住户的走访记录 / Visits to a household',
      tags,
      auth: 'visit.read',
      scope: { params: { id: 'household' } },
      params: IdParams,
      response: VisitList,
      handler: ({ actor, params }) => listHouseholdVisits(deps, actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/orgs/:id/coverage',
      summary: '走访覆盖：应访、逾期、本月已访、从未走访（按单位、下级、网格员）/ Visit coverage',
      tags,
      auth: 'visit.read',
      scope: org,
      params: IdParams,
      query: CoverageQuery,
      response: Coverage,
      handler: ({ actor, params, query }) => getCoverage(deps, actor, params.id, query.month),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/orgs/:id/linkages',
      summary: '联户关系（一亲三心）/ Linkages under a unit',
      tags,
      auth: 'visit.read',
      scope: {
        ...org,
        query: {
          userId: {
            none: 'a filter on linkages, which are scoped by their households; a linked person may be homed elsewhere',
          },
        },
      },
      params: IdParams,
      query: LinkageQuery,
      response: LinkagePage,
      handler: ({ actor, params, query }) => listLinkages(deps, actor, params.id, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/orgs/:id/linkages',
      summary: '批量联户：按住户、网格或楼栋 / Link a person to households in bulk',
      tags,
      auth: 'linkage.manage',
      scope: { ...org, body: { userId: 'user', householdIds: 'household', gridId: 'org', buildingId: 'building' } },
      params: IdParams,
      body: LinkageCreateBody,
      response: LinkageCreated,
      status: 201,
      handler: ({ actor, params, body }) => createLinkages(deps, actor, params.id, body),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/linkages/:id',
      summary: '解除联户 / Remove a linkage',
      tags,
      auth: 'linkage.manage',
      scope: { params: { id: 'linkage' } },
      params: IdParams,
      response: null,
      handler: ({ actor, params }) => deleteLinkage(deps, actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/orgs/:id/linkage-gaps',
      summary: '无人联系的住户（联户空白）/ Households nobody is linked to',
      tags,
      auth: 'visit.read',
      scope: org,
      params: IdParams,
      query: GapQuery,
      response: GapPage,
      handler: ({ actor, params, query }) => listLinkageGaps(deps, actor, params.id, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/orgs/:id/linkage-load',
      summary: '每人联户数 / Linkage load per person',
      tags,
      auth: 'visit.read',
      scope: org,
      params: IdParams,
      response: LinkageLoad,
      handler: ({ actor, params }) => listLinkageLoad(deps, actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/orgs/:id/visit-policies',
      summary: '走访频次（按关爱标签）/ Visit policies',
      tags,
      auth: 'visit.read',
      scope: org,
      params: IdParams,
      response: PolicyList,
      handler: ({ actor, params }) => listVisitPolicies(deps, actor, params.id),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/orgs/:id/visit-policies',
      summary: '设置社区走访频次 / Set a community’s visit policies',
      tags,
      auth: 'visit.manage',
      scope: org,
      params: IdParams,
      body: PolicyBody,
      response: PolicyList,
      handler: ({ actor, params, body }) => setVisitPolicies(deps, actor, params.id, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/orgs/:id/household-changes',
      summary: '待处理的住户信息变更（走访中发现）/ Household changes waiting for staff',
      tags,
      auth: 'household.change.apply',
      scope: org,
      params: IdParams,
      query: ChangeQuery,
      response: ChangeList,
      handler: ({ actor, params, query }) => listHouseholdChanges(deps, actor, params.id, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/household-changes/:id/apply',
      summary: '采纳变更，写入台账 / Apply a household change',
      tags,
      auth: 'household.change.apply',
      scope: { params: { id: 'change' } },
      params: IdParams,
      response: ChangeOut,
      handler: ({ actor, params }) => applyHouseholdChange(deps, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/household-changes/:id/reject',
      summary: '不予采纳 / Reject a household change',
      tags,
      auth: 'household.change.apply',
      scope: { params: { id: 'change' } },
      params: IdParams,
      body: RejectBody,
      response: ChangeOut,
      handler: ({ actor, params, body }) => rejectHouseholdChange(deps, actor, params.id, body.reason),
    }),
  ];
}
