import { z } from 'zod';
import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import {
  AnswerBody,
  AskBody,
  ATTACHMENT_LIMITS,
  AttachmentParams,
  AudiencePreview,
  CaseFromQuestion,
  FollowUpResult,
  MyNoticeDetail,
  MyNoticeList,
  NoticeBody,
  NoticeDetail,
  NoticeListQuery,
  NoticeParams,
  NoticeSummary,
  PreviewBody,
  QuestionOut,
  QuestionParams,
  ReceiptQuery,
  Receipts,
} from './schema.ts';
import {
  answerQuestion,
  askQuestion,
  followUpNotice,
  getAttachment,
  getMyNotice,
  getNotice,
  listMyNotices,
  listNotices,
  listReceipts,
  markMyNoticeRead,
  previewAudience,
  questionToCase,
  sendNotice,
} from './service.ts';

const tags = ['notices'];
const notice = { params: { id: 'notice' } } as const;
const myNotice = { params: { id: 'myNotice' } } as const;
const audienceIds = { orgId: 'org', 'audience.unitIds': 'org', 'audience.householdIds': 'household' } as const;

/** Sends an attachment inline, with its name (RFC 5987 for Chinese names). */
async function sendFile(
  reply: import('fastify').FastifyReply,
  file: { name: string; mime: string; data: Buffer | Uint8Array },
) {
  await reply
    .header('content-type', file.mime)
    .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`)
    .header('cache-control', 'private, max-age=3600')
    .header('x-content-type-options', 'nosniff')
    .send(Buffer.from(file.data));
}

export function noticeRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/notices/preview',
      summary: '通知对象预览：多少户、多少居民账号 / How many households and accounts an audience reaches',
      tags,
      auth: 'notice.send',
      scope: { body: audienceIds },
      body: PreviewBody,
      response: AudiencePreview,
      handler: ({ actor, body }) => previewAudience(deps, actor, body.orgId, body.audience),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/notices',
      summary:
        '发送通知（说文解策）：按范围、关爱标签、年龄或名单，可附 PDF/图片/Word/Excel（multipart：payload + attachments）/ Send a notice',
      tags,
      auth: 'notice.send',
      scope: { body: audienceIds },
      body: NoticeBody,
      files: ATTACHMENT_LIMITS,
      response: NoticeDetail,
      status: 201,
      handler: ({ actor, body, files }) => sendNotice(deps, actor, body, files),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/notices',
      summary: '已发通知（含已读、入户讲解、待答提问数）/ Notices sent',
      tags,
      auth: 'notice.read',
      scope: { query: { orgId: 'org' } },
      query: NoticeListQuery,
      response: z.object({ items: z.array(NoticeSummary) }),
      handler: ({ actor, query }) => listNotices(deps, actor, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/notices/:id',
      summary: '通知详情与居民提问 / A notice and the questions on it',
      tags,
      auth: 'notice.read',
      scope: notice,
      params: NoticeParams,
      response: NoticeDetail,
      handler: ({ actor, params }) => getNotice(deps, actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/notices/:id/receipts',
      summary: '回执：每户是否已读、入户讲解情况 / Read receipts per household',
      tags,
      auth: 'notice.read',
      scope: notice,
      params: NoticeParams,
      query: ReceiptQuery,
      response: Receipts,
      handler: ({ actor, params, query }) => listReceipts(deps, actor, params.id, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/notices/:id/follow-up',
      summary: '未读住户转网格员入户讲解（现在）/ Hand the unread households to grid workers now',
      tags,
      auth: 'notice.send',
      scope: notice,
      params: NoticeParams,
      response: FollowUpResult,
      handler: ({ actor, params }) => followUpNotice(deps, actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/notices/:id/attachments/:attachmentId',
      summary: '通知附件 / An attachment of a notice',
      tags,
      auth: 'notice.read',
      scope: {
        params: {
          id: 'notice',
          attachmentId: { none: 'an attachment of the notice named by :id, looked up among its own' },
        },
      },
      params: AttachmentParams,
      response: z.unknown(),
      isRaw: true,
      handler: async ({ actor, params, reply }) =>
        sendFile(reply, await getAttachment(deps, actor, params.id, params.attachmentId, false)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/notice-questions/:id/answer',
      summary: '答复居民提问（公开为常见问题或仅回复本人）/ Answer a question, publicly or privately',
      tags,
      auth: 'notice.send',
      scope: { params: { id: 'noticeQuestion' } },
      params: QuestionParams,
      body: AnswerBody,
      response: QuestionOut,
      handler: ({ actor, params, body }) => answerQuestion(deps, actor, params.id, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/notice-questions/:id/case',
      summary: '提问转为诉求（事件）/ Turn a question into a case',
      tags,
      auth: 'notice.send',
      scope: { params: { id: 'noticeQuestion' } },
      params: QuestionParams,
      response: CaseFromQuestion,
      handler: ({ actor, params }) => questionToCase(deps, actor, params.id),
    }),

    // ---- the resident's side (the phone) ----
    defineRoute({
      method: 'GET',
      url: '/api/v1/my/notices',
      summary:
        '我的通知（本户收到的，或按工作人员身份发给我的）/ Notices sent to my household or to me by my staff role',
      tags,
      auth: 'authenticated',
      response: MyNoticeList,
      handler: ({ actor }) => listMyNotices(deps, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/my/notices/:id',
      summary: '通知全文、白话解读、附件与问答 / A notice, its plain-words explainer and FAQ',
      tags,
      auth: 'authenticated',
      scope: myNotice,
      params: NoticeParams,
      response: MyNoticeDetail,
      handler: ({ actor, params }) => getMyNotice(deps, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/my/notices/:id/read',
      summary: '已读回执 / Read receipt',
      tags,
      auth: 'authenticated',
      scope: myNotice,
      params: NoticeParams,
      response: MyNoticeDetail,
      handler: ({ actor, params }) => markMyNoticeRead(deps, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/my/notices/:id/questions',
      summary: '就通知提问 / Ask a question on a notice',
      tags,
      auth: 'authenticated',
      scope: myNotice,
      params: NoticeParams,
      body: AskBody,
      response: MyNoticeDetail,
      status: 201,
      handler: ({ actor, params, body }) => askQuestion(deps, actor, params.id, body.body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/my/notices/:id/attachments/:attachmentId',
      summary: '通知附件 / An attachment of my notice',
      tags,
      auth: 'authenticated',
      scope: {
        params: {
          id: 'myNotice',
          attachmentId: { none: 'an attachment of the notice named by :id, looked up among its own' },
        },
      },
      params: AttachmentParams,
      response: z.unknown(),
      isRaw: true,
      handler: async ({ actor, params, reply }) =>
        sendFile(reply, await getAttachment(deps, actor, params.id, params.attachmentId, true)),
    }),
  ];
}
