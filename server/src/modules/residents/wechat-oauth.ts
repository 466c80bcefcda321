import type { WechatOAuthConfig } from './config.ts';

/** Where WeChat sends her back, on this deployment's public origin. */
export const WECHAT_CALLBACK_PATH = '/api/v1/auth/wechat/callback';

/**
 * The 网页授权 page she is sent to (snsapi_base: no consent screen, the openid only). WeChat requires the
 * parameters in this order and the `#wechat_redirect` fragment.
 */
export function authorizeUrl(config: WechatOAuthConfig, state: string): string {
  const redirect = encodeURIComponent(`${config.publicUrl}${WECHAT_CALLBACK_PATH}`);
  return (
    `${config.authorizeUrl}?appid=${encodeURIComponent(config.appId)}&redirect_uri=${redirect}` +
    `&response_type=code&scope=snsapi_base&state=${encodeURIComponent(state)}#wechat_redirect`
  );
}

/** What exchanging a code gave: her openid, or why not. */
export type CodeExchange =
  | { ok: true; openId: string }
  | { ok: false; reason: 'code_invalid' | 'code_used' | 'snapshot' | 'unavailable'; detail: string };

interface AccessTokenAnswer {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  openid?: string;
  scope?: string;
  /** 1 when she is on a 快照页 (a page previewed in Moments): the openid is not hers */
  is_snapshotuser?: number;
}

/** 40029 invalid code (wrong, expired after 5 minutes, or for another app), 40163 code been used. */
const CODE_ERRORS: Record<number, 'code_invalid' | 'code_used'> = { 40029: 'code_invalid', 40163: 'code_used' };

/**
 * Exchanges the code WeChat handed back for her openid: GET /sns/oauth2/access_token with the app's id and
 * secret. WeChat answers JSON (often labelled text/plain) with `errcode` on failure. The secret travels
 * in the query string as WeChat's API requires, so this URL is never logged.
 */
export async function exchangeCode(
  config: WechatOAuthConfig,
  code: string,
  fetchImpl: typeof fetch = fetch,
): Promise<CodeExchange> {
  const url =
    `${config.apiEndpoint.replace(/\/+$/, '')}/sns/oauth2/access_token?appid=${encodeURIComponent(config.appId)}` +
    `&secret=${encodeURIComponent(config.appSecret)}&code=${encodeURIComponent(code)}&grant_type=authorization_code`;
  let answer: AccessTokenAnswer;
  try {
    const res = await fetchImpl(url, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    if (!res.ok) return { ok: false, reason: 'unavailable', detail: `http ${res.status}` };
    answer = JSON.parse(text) as AccessTokenAnswer;
  } catch (error) {
    return { ok: false, reason: 'unavailable', detail: error instanceof Error ? error.name : 'error' };
  }
  const errcode = answer.errcode ?? 0;
  if (errcode !== 0) {
    return { ok: false, reason: CODE_ERRORS[errcode] ?? 'unavailable', detail: `wechat ${errcode}` };
  }
  if (answer.is_snapshotuser === 1) return { ok: false, reason: 'snapshot', detail: 'snapshot user' };
  if (typeof answer.openid !== 'string' || answer.openid === '') {
    return { ok: false, reason: 'unavailable', detail: 'no openid' };
  }
  return { ok: true, openId: answer.openid };
}
