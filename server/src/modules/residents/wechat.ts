import crypto from 'node:crypto';
import { recordAudit } from '../../platform/audit/service.ts';
import type { AppDeps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { randomToken } from '../../platform/auth/password.ts';
import { type ClientInfo, findOrCreateResidentAccount, openResidentSession } from './accounts.ts';
import type { WechatOAuthConfig } from './config.ts';
import { authorizeUrl, exchangeCode } from './wechat-oauth.ts';

/** The cookie binding a WeChat sign-in to the browser that started it: `<state>~<next path>`. */
export const WECHAT_STATE_COOKIE = 'tz_wx_state';
export const WECHAT_STATE_TTL_S = 600;

/** Where she lands after signing in: a path under /m/ only (never another site). */
export function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/m\/[A-Za-z0-9/_-]*$/.test(next) ? next : '/m/me';
}

export function wechatConfigOf(deps: AppDeps): WechatOAuthConfig | null {
  return deps.config.residents?.wechatOAuth ?? null;
}

const notOffered = () =>
  new AppError('NOT_FOUND', { zh: '本平台未开通微信登录', en: 'WeChat sign-in is not offered here' });

/** Starts a WeChat sign-in: the state to keep in her browser's cookie and the page to send her to. */
export function startWechatSignIn(deps: AppDeps, next: string | undefined) {
  const config = wechatConfigOf(deps);
  if (config === null) throw notOffered();
  const state = randomToken(18);
  return { location: authorizeUrl(config, state), cookie: `${state}~${safeNext(next)}` };
}

export type WechatFailure = 'state' | 'code_invalid' | 'code_used' | 'snapshot' | 'unavailable' | 'disabled';

/**
 * Finishes a WeChat sign-in: the state must equal the one in her cookie (set by the start), the code is
 * exchanged for her openid, her resident account is found by the openid's blind index (made when new)
 * and her session opened. Answers where to send her: her page, or the sign-in page with the reason.
 */
export async function finishWechatSignIn(
  deps: AppDeps,
  input: { code: string | undefined; state: string | undefined; cookie: string | undefined },
  client: ClientInfo,
  fetchImpl: typeof fetch = fetch,
): Promise<{ ok: true; next: string; token: string; csrfToken: string } | { ok: false; reason: WechatFailure }> {
  const config = wechatConfigOf(deps);
  if (config === null) throw notOffered();
  const who = { actorId: null, actorName: 'wechat', ...client };
  const fail = async (reason: WechatFailure, detail?: string) => {
    await recordAudit(deps.db, deps.clock, who, {
      action: 'auth.login_failed',
      detail: { via: 'wechat', reason, ...(detail === undefined ? {} : { detail }) },
    });
    return { ok: false as const, reason };
  };
  const [expected, nextRaw] = (input.cookie ?? '').split('~');
  if (
    input.state === undefined ||
    expected === undefined ||
    expected === '' ||
    expected.length !== input.state.length ||
    !crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(input.state))
  ) {
    return fail('state');
  }
  if (input.code === undefined || input.code === '') return fail('code_invalid');
  const exchanged = await exchangeCode(config, input.code, fetchImpl);
  if (!exchanged.ok) return fail(exchanged.reason, exchanged.detail);
  try {
    const opened = await deps.db.transaction().execute(async (trx) => {
      const { user } = await findOrCreateResidentAccount(trx, deps, who, { kind: 'wechat', openId: exchanged.openId });
      return openResidentSession(trx, deps, user, client, 'wechat');
    });
    return { ok: true, next: safeNext(nextRaw), ...opened };
  } catch (error) {
    if (error instanceof AppError && error.code === 'FORBIDDEN') return fail('disabled');
    throw error;
  }
}
