import crypto from 'node:crypto';
import type { Clock } from '../../../platform/clock.ts';
import { type ChannelAdapter, type OutgoingMessage, type SendOutcome, callProvider, httpFailure } from './types.ts';

export interface TencentSmsConfig {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  region: string;
  /** https://sms.tencentcloudapi.com; a test points it at its local server */
  endpoint: string;
  /** message kind → template id and the kind's parameters in the template's order ({1}, {2}, …) */
  templates: Record<string, { id: string; params: string[] }>;
}

const sha256Hex = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: crypto.BinaryLike, text: string) => crypto.createHmac('sha256', key).update(text, 'utf8').digest();

/**
 * TC3-HMAC-SHA256 (Tencent Cloud API 3.0): a canonical request over content-type and host, its hash in
 * the string to sign, and a key derived from the secret through the date, the service and tc3_request.
 */
export function signTc3(options: {
  secretId: string;
  secretKey: string;
  service: string;
  host: string;
  timestamp: number;
  payload: string;
}): string {
  const date = new Date(options.timestamp * 1000).toISOString().slice(0, 10);
  const canonicalRequest = [
    'POST',
    '/',
    '',
    `content-type:application/json; charset=utf-8\nhost:${options.host}\n`,
    'content-type;host',
    sha256Hex(options.payload),
  ].join('\n');
  const scope = `${date}/${options.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(options.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${options.secretKey}`, date), options.service), 'tc3_request');
  const signature = crypto.createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `TC3-HMAC-SHA256 Credential=${options.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`;
}

/** Error codes worth trying again: throttling (LimitExceeded.*, RequestLimitExceeded) and Tencent's own trouble. */
function isRetryable(code: string): boolean {
  return (
    code.startsWith('LimitExceeded') || code.startsWith('RequestLimitExceeded') || code.startsWith('InternalError')
  );
}

/** Tencent Cloud SMS, API 3.0 SendSms version 2021-01-11. */
export class TencentSmsAdapter implements ChannelAdapter {
  readonly name = 'tencent-sms';
  constructor(
    private readonly config: TencentSmsConfig,
    private readonly clock: Clock,
  ) {}

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const template = this.config.templates[message.kind];
    if (template === undefined) return { status: 'failed', error: `no Tencent template for ${message.kind}` };
    const payload = JSON.stringify({
      PhoneNumberSet: [message.to.startsWith('+') ? message.to : `+86${message.to}`],
      SmsSdkAppId: this.config.sdkAppId,
      SignName: this.config.signName,
      TemplateId: template.id,
      TemplateParamSet: template.params.map((name) => message.params[name] ?? ''),
      SessionContext: message.id,
    });
    const url = new URL('/', this.config.endpoint);
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    const authorization = signTc3({
      secretId: this.config.secretId,
      secretKey: this.config.secretKey,
      service: 'sms',
      host: url.host,
      timestamp,
      payload,
    });
    const reply = await callProvider(url, {
      method: 'POST',
      headers: {
        authorization,
        // fetch sends Host as url.host, which the signature covers
        'content-type': 'application/json; charset=utf-8',
        'x-tc-action': 'SendSms',
        'x-tc-version': '2021-01-11',
        'x-tc-timestamp': String(timestamp),
        'x-tc-region': this.config.region,
      },
      body: payload,
    });
    if ('status' in reply) return reply;
    const answer = reply.body as {
      Response?: { Error?: { Code?: string }; SendStatusSet?: { Code?: string; SerialNo?: string }[] };
    } | null;
    if (answer?.Response === undefined) return httpFailure('tencent', reply.httpStatus);
    const code = answer.Response.Error?.Code ?? answer.Response.SendStatusSet?.[0]?.Code ?? 'NoStatus';
    if (code === 'Ok') return { status: 'sent', providerId: answer.Response.SendStatusSet?.[0]?.SerialNo ?? null };
    return isRetryable(code)
      ? { status: 'retry', error: `tencent ${code}` }
      : { status: 'failed', error: `tencent ${code}` };
  }
}
