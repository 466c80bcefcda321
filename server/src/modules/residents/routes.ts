import type { AppDeps } from '../../platform/deps.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import { setSessionCookies } from '../users/auth-routes.ts';
import { describeSignedIn } from './accounts.ts';
import {
  bindMyAccount,
  decideBinding,
  endBindingByStaff,
  getMyAccount,
  getMyHousehold,
  listBindingsInScope,
  unbindMyAccount,
} from './bindings.ts';
import {
  BindBody,
  BindingDecision,
  BindingIdParams,
  BindingList,
  BindingListQuery,
  BindingNoteBody,
  MyAccount,
  MyHousehold,
  ResidentSignInResult,
  SignInOptions,
  SmsCodeBody,
  SmsCodeSent,
  SmsVerifyBody,
  WechatCallbackQuery,
  WechatStartQuery,
} from './schema.ts';
import { requestSmsCode, verifySmsCode } from './sms-codes.ts';
import {
  WECHAT_STATE_COOKIE,
  WECHAT_STATE_TTL_S,
  finishWechatSignIn,
  startWechatSignIn,
  wechatConfigOf,
} from './wechat.ts';
import { WECHAT_CALLBACK_PATH } from './wechat-oauth.ts';

const tags = ['residents'];
const scoped = { params: { id: 'residentBinding' } } as const;

/**
 * Residents' front door: sign-in by SMS code or WeChat (a resident account is made on first use), her
 * account and binding to the registry, her household; and her community's staff deciding binding requests.
 */
export function residentRoutes(deps: AppDeps): RouteDef[] {
  const limit = { max: deps.config.loginRateLimitPerMinute, timeWindow: '1 minute' };
  const clientOf = (request: { ip: string; headers: Record<string, unknown> }) => ({
    ip: request.ip,
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
  });
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/auth/options',
      summary: '居民登录方式 / How residents may sign in',
      tags,
      auth: 'public',
      response: SignInOptions,
      handler: () => Promise.resolve({ sms: true, wechat: wechatConfigOf(deps) !== null }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/sms/code',
      summary: '获取短信验证码 / Send a sign-in code by SMS',
      tags,
      auth: 'public',
      body: SmsCodeBody,
      response: SmsCodeSent,
      rateLimit: limit,
      handler: ({ body, request }) => requestSmsCode(deps, body, clientOf(request)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/sms/verify',
      summary: '短信验证码登录（首次自动注册居民账号）/ Sign in with an SMS code (a resident account on first use)',
      tags,
      auth: 'public',
      body: SmsVerifyBody,
      response: ResidentSignInResult,
      rateLimit: limit,
      handler: async ({ body, request, reply }) => {
        const client = clientOf(request);
        const result = await verifySmsCode(deps, body, client);
        setSessionCookies(reply, result.token, result.csrfToken, request.protocol === 'https');
        return {
          user: await describeSignedIn(deps, result.user, client),
          csrfToken: result.csrfToken,
          isNewAccount: result.isNewAccount,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/auth/wechat/start',
      summary: '微信网页授权登录：跳转到微信 / WeChat sign-in: go to WeChat',
      tags,
      auth: 'public',
      query: WechatStartQuery,
      response: null,
      isRaw: true,
      rateLimit: limit,
      handler: async ({ query, request, reply }) => {
        const started = startWechatSignIn(deps, query.next);
        void reply.setCookie(WECHAT_STATE_COOKIE, started.cookie, {
          path: WECHAT_CALLBACK_PATH,
          httpOnly: true,
          sameSite: 'lax',
          secure: request.protocol === 'https',
          maxAge: WECHAT_STATE_TTL_S,
        });
        await reply.redirect(started.location, 302);
      },
    }),
    defineRoute({
      method: 'GET',
      url: WECHAT_CALLBACK_PATH,
      summary: '微信网页授权回调 / WeChat sign-in: back from WeChat',
      tags,
      auth: 'public',
      query: WechatCallbackQuery,
      response: null,
      isRaw: true,
      rateLimit: limit,
      handler: async ({ query, request, reply }) => {
        const outcome = await finishWechatSignIn(
          deps,
          { code: query.code, state: query.state, cookie: request.cookies[WECHAT_STATE_COOKIE] },
          clientOf(request),
        );
        void reply.clearCookie(WECHAT_STATE_COOKIE, { path: WECHAT_CALLBACK_PATH });
        if (!outcome.ok) {
          await reply.redirect(`/m/login?wechat=${outcome.reason}`, 302);
          return;
        }
        setSessionCookies(reply, outcome.token, outcome.csrfToken, request.protocol === 'https');
        await reply.redirect(outcome.next, 302);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/my/account',
      summary: '我的账号：登录方式与住户绑定状态 / My account: sign-in and binding',
      tags,
      auth: 'case.report',
      response: MyAccount,
      handler: ({ actor }) => getMyAccount(deps, actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/my/binding',
      summary: '绑定住户（姓名 + 身份证号核验）/ Bind my account to my registry record',
      tags,
      auth: 'case.report',
      body: BindBody,
      response: MyAccount,
      handler: ({ actor, body }) => bindMyAccount(deps, actor, body),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/my/binding',
      summary: '解除绑定或撤回申请 / Unbind, or withdraw my request',
      tags,
      auth: 'case.report',
      response: MyAccount,
      handler: ({ actor }) => unbindMyAccount(deps, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/my/household',
      summary: '我的住户（已绑定；证件号、电话已打码）/ My household (bound; numbers masked)',
      tags,
      auth: 'case.report',
      response: MyHousehold,
      handler: ({ actor }) => getMyHousehold(deps, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/resident-bindings',
      summary: '居民绑定申请 / Residents’ binding requests in my scope',
      tags,
      auth: 'resident.write',
      query: BindingListQuery,
      response: BindingList,
      handler: ({ actor, query }) => listBindingsInScope(deps, actor, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/resident-bindings/:id/confirm',
      summary: '确认绑定 / Confirm a binding request',
      tags,
      auth: 'resident.write',
      scope: scoped,
      params: BindingIdParams,
      body: BindingNoteBody,
      response: BindingDecision,
      handler: ({ actor, params, body }) =>
        decideBinding(deps, actor, params.id, { decision: 'confirm', note: body.note }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/resident-bindings/:id/reject',
      summary: '驳回绑定申请 / Reject a binding request',
      tags,
      auth: 'resident.write',
      scope: scoped,
      params: BindingIdParams,
      body: BindingNoteBody,
      response: BindingDecision,
      handler: ({ actor, params, body }) =>
        decideBinding(deps, actor, params.id, { decision: 'reject', note: body.note }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/resident-bindings/:id/end',
      summary: '解除居民绑定 / End a resident’s binding',
      tags,
      auth: 'resident.write',
      scope: scoped,
      params: BindingIdParams,
      body: BindingNoteBody,
      response: BindingDecision,
      handler: ({ actor, params, body }) => endBindingByStaff(deps, actor, params.id, body.note),
    }),
  ];
}
