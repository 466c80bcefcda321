import crypto from 'node:crypto';
import type { Clock } from '../../../platform/clock.ts';
import { type ChannelAdapter, type OutgoingMessage, type SendOutcome, callProvider, httpFailure } from './types.ts';

export interface AliyunSmsConfig {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  /** https://dysmsapi.aliyuncs.com; a test points it at its local server */
  endpoint: string;
  regionId: string;
  /** message kind → TemplateCode (SMS_…); the template's variables are the kind's parameter names */
  templates: Record<string, string>;
}

/** Codes Aliyun answers when a send may succeed later: throttling, its own trouble. */
const RETRYABLE = new Set([
  'isv.BUSINESS_LIMIT_CONTROL',
  'isv.DAY_LIMIT_CONTROL',
  'isv.OUT_OF_SERVICE',
  'isp.SYSTEM_ERROR',
  'isp.RAM_PERMISSION_DENY',
  'Throttling',
  'Throttling.User',
  'Throttling.Api',
  'ServiceUnavailable',
  'InternalError',
]);

/**
 * RFC 3986 percent-encoding as Aliyun's RPC signature defines it: unreserved characters
 * (A–Z a–z 0–9 - _ . ~) stay, everything else is %XX in upper case (space is %20, * is %2A).
 */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Signature = Base64(HMAC-SHA1(secret + '&', method & encode('/') & encode(sorted, encoded query))). */
export function signAliyunRpc(method: string, params: Record<string, string>, accessKeySecret: string): string {
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k]!)}`)
    .join('&');
  const stringToSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonical)}`;
  return crypto.createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}

/**
 * Aliyun SMS (dysmsapi 2017-05-25, action SendSms), RPC style: the parameters, signed with HMAC-SHA1
 * over the canonicalized query, go as a form body (a number never goes into a URL).
 */
export class AliyunSmsAdapter implements ChannelAdapter {
  readonly name = 'aliyun-sms';
  constructor(
    private readonly config: AliyunSmsConfig,
    private readonly clock: Clock,
  ) {}

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const templateCode = this.config.templates[message.kind];
    if (templateCode === undefined) return { status: 'failed', error: `no Aliyun template for ${message.kind}` };
    const params: Record<string, string> = {
      AccessKeyId: this.config.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      RegionId: this.config.regionId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: crypto.randomUUID(),
      SignatureVersion: '1.0',
      Timestamp: this.clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
      PhoneNumbers: message.to,
      SignName: this.config.signName,
      TemplateCode: templateCode,
      TemplateParam: JSON.stringify(message.params),
      OutId: message.id,
    };
    params.Signature = signAliyunRpc('POST', params, this.config.accessKeySecret);
    const body = Object.entries(params)
      .map(([k, v]) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(v)}`)
      .join('&');
    const reply = await callProvider(new URL('/', this.config.endpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    if ('status' in reply) return reply;
    const answer = reply.body as { Code?: unknown; BizId?: unknown } | null;
    const code = typeof answer?.Code === 'string' ? answer.Code : null;
    if (code === 'OK') return { status: 'sent', providerId: typeof answer?.BizId === 'string' ? answer.BizId : null };
    if (code === null) return httpFailure('aliyun', reply.httpStatus);
    const isRetryable = RETRYABLE.has(code) || reply.httpStatus >= 500;
    return isRetryable ? { status: 'retry', error: `aliyun ${code}` } : { status: 'failed', error: `aliyun ${code}` };
  }
}
