import type { FastifyReply } from 'fastify';
import type { AppDeps } from '../../platform/deps.ts';
import { unauthenticated } from '../../platform/errors.ts';
import { defineRoute, type RouteDef } from '../../platform/http/route.ts';
import * as auth from './auth.ts';
import { LoginBody, LoginResult, MeResult, PasswordChangeBody } from './schema.ts';

const tags = ['auth'];

/** Hands a new session to the browser: the HttpOnly session cookie and the CSRF token the app sends back. */
export function setSessionCookies(reply: FastifyReply, token: string, csrfToken: string, isSecure: boolean) {
  const base = { path: '/', sameSite: 'lax' as const, secure: isSecure, maxAge: auth.ABSOLUTE_TIMEOUT_MS / 1000 };
  void reply.setCookie(auth.SESSION_COOKIE, token, { ...base, httpOnly: true });
  void reply.setCookie(auth.CSRF_COOKIE, csrfToken, { ...base, httpOnly: false });
}

export function authRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/login',
      summary: '登录 / Sign in',
      tags,
      auth: 'public',
      body: LoginBody,
      response: LoginResult,
      rateLimit: { max: deps.config.loginRateLimitPerMinute, timeWindow: '1 minute' },
      handler: async ({ body, request, reply }) => {
        const result = await auth.login(deps, body, {
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
        });
        setSessionCookies(reply, result.token, result.csrfToken, request.protocol === 'https');
        return { user: result.me, csrfToken: result.csrfToken };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/logout',
      summary: '退出登录 / Sign out',
      tags,
      auth: 'authenticated',
      isAllowedBeforePasswordChange: true,
      response: null,
      handler: async ({ request, reply }) => {
        if (request.auth === null) throw unauthenticated();
        await auth.logout(deps, request.auth);
        void reply.clearCookie(auth.SESSION_COOKIE, { path: '/' });
        void reply.clearCookie(auth.CSRF_COOKIE, { path: '/' });
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/auth/me',
      summary: '当前用户 / The signed-in user',
      tags,
      auth: 'authenticated',
      isAllowedBeforePasswordChange: true,
      response: MeResult,
      handler: async ({ actor }) => ({ user: await auth.describeMe(deps, actor) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/password',
      summary: '修改本人密码 / Change my password',
      tags,
      auth: 'authenticated',
      isAllowedBeforePasswordChange: true,
      body: PasswordChangeBody,
      response: null,
      handler: async ({ body, request }) => {
        if (request.auth === null) throw unauthenticated();
        await auth.changePassword(deps, request.auth, body);
      },
    }),
  ];
}
