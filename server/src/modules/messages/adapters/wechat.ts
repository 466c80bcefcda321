import type { Clock } from '../../../platform/clock.ts';
import { type ChannelAdapter, type OutgoingMessage, type SendOutcome, callProvider, httpFailure } from './types.ts';

export interface WechatConfig {
  appId: string;
  appSecret: string;
  /** https://api.weixin.qq.com; a test points it at its local server */
  endpoint: string;
  /** message kind → subscribe-message template id and which of its keys (thing1, time2 …) each parameter fills */
  templates: Record<string, { id: string; data: Record<string, string>; page?: string }>;
}

/** The access token is refused: invalid (40001, 40014) or expired (42001) — fetch a new one and try once more. */
const TOKEN_REFUSED = new Set([40001, 40014, 42001]);
/** Worth trying later: WeChat busy (-1), the API call limit (45009), too frequent (45011). */
const RETRYABLE = new Set([-1, 45009, 45011]);

interface WechatAnswer {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
  msgid?: number | string;
}

/**
 * WeChat subscribe messages (订阅消息): POST /cgi-bin/message/subscribe/send with an access_token from
 * /cgi-bin/token, cached until five minutes before it expires and fetched again once when WeChat
 * refuses it.
 */
export class WechatSubscribeAdapter implements ChannelAdapter {
  readonly name = 'wechat-subscribe';
  private token: { value: string; expiresAt: number } | null = null;
  private pendingToken: Promise<string | SendOutcome> | null = null;

  constructor(
    private readonly config: WechatConfig,
    private readonly clock: Clock,
  ) {}

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const template = this.config.templates[message.kind];
    if (template === undefined) return { status: 'failed', error: `no WeChat template for ${message.kind}` };
    const data = Object.fromEntries(
      Object.entries(template.data).map(([param, key]) => [key, { value: message.params[param] ?? '' }]),
    );
    const body = JSON.stringify({
      touser: message.to,
      template_id: template.id,
      ...(template.page === undefined ? {} : { page: template.page }),
      data,
      lang: 'zh_CN',
    });
    for (let round = 0; round < 2; round++) {
      const token = await this.accessToken(round > 0);
      if (typeof token !== 'string') return token;
      const answer = await this.call(`/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if ('status' in answer) return answer;
      const code = answer.errcode ?? 0;
      if (code === 0) return { status: 'sent', providerId: answer.msgid === undefined ? null : String(answer.msgid) };
      if (TOKEN_REFUSED.has(code) && round === 0) {
        this.token = null;
        continue;
      }
      return RETRYABLE.has(code) || TOKEN_REFUSED.has(code)
        ? { status: 'retry', error: `wechat ${code}` }
        : { status: 'failed', error: `wechat ${code}` };
    }
    return { status: 'retry', error: 'wechat token refused twice' };
  }

  /** The cached token, or a new one (one request at a time, however many sends wait for it). */
  private async accessToken(isRefresh: boolean): Promise<string | SendOutcome> {
    const now = this.clock.now().getTime();
    if (!isRefresh && this.token !== null && this.token.expiresAt > now) return this.token.value;
    this.pendingToken ??= this.fetchToken().finally(() => {
      this.pendingToken = null;
    });
    return this.pendingToken;
  }

  private async fetchToken(): Promise<string | SendOutcome> {
    const query = new URLSearchParams({
      grant_type: 'client_credential',
      appid: this.config.appId,
      secret: this.config.appSecret,
    });
    const answer = await this.call(`/cgi-bin/token?${query.toString()}`, { method: 'GET' });
    if ('status' in answer) return answer;
    if (typeof answer.access_token !== 'string') {
      const code = answer.errcode ?? 'no token';
      return RETRYABLE.has(Number(code))
        ? { status: 'retry', error: `wechat token ${code}` }
        : { status: 'failed', error: `wechat token ${code}` };
    }
    const lifetimeMs = Math.max(60, (answer.expires_in ?? 7200) - 300) * 1000;
    this.token = { value: answer.access_token, expiresAt: this.clock.now().getTime() + lifetimeMs };
    return answer.access_token;
  }

  private async call(pathAndQuery: string, init: RequestInit): Promise<WechatAnswer | SendOutcome> {
    const reply = await callProvider(new URL(pathAndQuery, this.config.endpoint), init);
    if ('status' in reply) return reply;
    if (reply.body === null || typeof reply.body !== 'object') return httpFailure('wechat', reply.httpStatus);
    return reply.body;
  }
}
