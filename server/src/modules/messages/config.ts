import { z } from 'zod';
import type { AliyunSmsConfig } from './adapters/aliyun.ts';
import type { TencentSmsConfig } from './adapters/tencent.ts';
import type { WechatConfig } from './adapters/wechat.ts';

/** How messages leave: which adapter each external channel uses, and the dispatcher's pace. */
export interface MessagesConfig {
  sms:
    | { provider: 'log' }
    | { provider: 'aliyun'; aliyun: AliyunSmsConfig }
    | { provider: 'tencent'; tencent: TencentSmsConfig };
  wechat: { provider: 'log' } | { provider: 'wechat'; wechat: WechatConfig };
  /** attempts before a message that keeps failing for a passing reason is parked */
  maxAttempts: number;
  /** how often the dispatcher looks for due messages */
  intervalMs: number;
  /** when the staff digest goes out, in minutes of the Asia/Shanghai day (TIANZIGE_MESSAGES_DIGEST_AT, HH:MM) */
  digestMinute: number;
}

export const DEFAULT_MESSAGES_CONFIG: MessagesConfig = {
  sms: { provider: 'log' },
  wechat: { provider: 'log' },
  maxAttempts: 6,
  intervalMs: 2000,
  digestMinute: 8 * 60 + 30,
};

const jsonRecord = <T extends z.ZodTypeAny>(value: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), value));

/** The messages part of the environment (documented in the README's table). */
export const MessagesEnvSchema = z.object({
  TIANZIGE_SMS_PROVIDER: z.enum(['log', 'aliyun', 'tencent']).default('log'),
  TIANZIGE_ALIYUN_SMS_ACCESS_KEY_ID: z.string().min(1).optional(),
  TIANZIGE_ALIYUN_SMS_ACCESS_KEY_SECRET: z.string().min(1).optional(),
  TIANZIGE_ALIYUN_SMS_SIGN_NAME: z.string().min(1).optional(),
  TIANZIGE_ALIYUN_SMS_ENDPOINT: z.string().url().default('https://dysmsapi.aliyuncs.com'),
  TIANZIGE_ALIYUN_SMS_REGION: z.string().default('cn-hangzhou'),
  TIANZIGE_ALIYUN_SMS_TEMPLATES: jsonRecord(z.string().min(1)).optional(),
  TIANZIGE_TENCENT_SMS_SECRET_ID: z.string().min(1).optional(),
  TIANZIGE_TENCENT_SMS_SECRET_KEY: z.string().min(1).optional(),
  TIANZIGE_TENCENT_SMS_SDK_APP_ID: z.string().min(1).optional(),
  TIANZIGE_TENCENT_SMS_SIGN_NAME: z.string().min(1).optional(),
  TIANZIGE_TENCENT_SMS_REGION: z.string().default('ap-guangzhou'),
  TIANZIGE_TENCENT_SMS_ENDPOINT: z.string().url().default('https://sms.tencentcloudapi.com'),
  TIANZIGE_TENCENT_SMS_TEMPLATES: jsonRecord(
    z.object({ id: z.string().min(1), params: z.array(z.string()) }),
  ).optional(),
  TIANZIGE_WECHAT_PROVIDER: z.enum(['log', 'wechat']).default('log'),
  TIANZIGE_WECHAT_APP_ID: z.string().min(1).optional(),
  TIANZIGE_WECHAT_APP_SECRET: z.string().min(1).optional(),
  TIANZIGE_WECHAT_ENDPOINT: z.string().url().default('https://api.weixin.qq.com'),
  TIANZIGE_WECHAT_TEMPLATES: jsonRecord(
    z.object({ id: z.string().min(1), data: z.record(z.string(), z.string()), page: z.string().optional() }),
  ).optional(),
  TIANZIGE_MESSAGES_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  TIANZIGE_MESSAGES_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  TIANZIGE_MESSAGES_DIGEST_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (Asia/Shanghai)')
    .default('08:30'),
});

export type MessagesEnv = z.infer<typeof MessagesEnvSchema>;

/** The chosen providers with their settings; a provider chosen without its settings is one clear line. */
export function messagesConfigFrom(e: MessagesEnv): MessagesConfig | { missing: string[] } {
  const missing: string[] = [];
  const need = (name: keyof MessagesEnv): string => {
    const value = e[name];
    if (typeof value !== 'string') {
      missing.push(name);
      return '';
    }
    return value;
  };
  let sms: MessagesConfig['sms'] = { provider: 'log' };
  if (e.TIANZIGE_SMS_PROVIDER === 'aliyun') {
    sms = {
      provider: 'aliyun',
      aliyun: {
        accessKeyId: need('TIANZIGE_ALIYUN_SMS_ACCESS_KEY_ID'),
        accessKeySecret: need('TIANZIGE_ALIYUN_SMS_ACCESS_KEY_SECRET'),
        signName: need('TIANZIGE_ALIYUN_SMS_SIGN_NAME'),
        endpoint: e.TIANZIGE_ALIYUN_SMS_ENDPOINT,
        regionId: e.TIANZIGE_ALIYUN_SMS_REGION,
        templates: e.TIANZIGE_ALIYUN_SMS_TEMPLATES ?? {},
      },
    };
  } else if (e.TIANZIGE_SMS_PROVIDER === 'tencent') {
    sms = {
      provider: 'tencent',
      tencent: {
        secretId: need('TIANZIGE_TENCENT_SMS_SECRET_ID'),
        secretKey: need('TIANZIGE_TENCENT_SMS_SECRET_KEY'),
        sdkAppId: need('TIANZIGE_TENCENT_SMS_SDK_APP_ID'),
        signName: need('TIANZIGE_TENCENT_SMS_SIGN_NAME'),
        region: e.TIANZIGE_TENCENT_SMS_REGION,
        endpoint: e.TIANZIGE_TENCENT_SMS_ENDPOINT,
        templates: e.TIANZIGE_TENCENT_SMS_TEMPLATES ?? {},
      },
    };
  }
  let wechat: MessagesConfig['wechat'] = { provider: 'log' };
  if (e.TIANZIGE_WECHAT_PROVIDER === 'wechat') {
    wechat = {
      provider: 'wechat',
      wechat: {
        appId: need('TIANZIGE_WECHAT_APP_ID'),
        appSecret: need('TIANZIGE_WECHAT_APP_SECRET'),
        endpoint: e.TIANZIGE_WECHAT_ENDPOINT,
        templates: e.TIANZIGE_WECHAT_TEMPLATES ?? {},
      },
    };
  }
  if (missing.length > 0) return { missing };
  const [hour = 0, minute = 0] = e.TIANZIGE_MESSAGES_DIGEST_AT.split(':').map(Number);
  return {
    sms,
    wechat,
    maxAttempts: e.TIANZIGE_MESSAGES_MAX_ATTEMPTS,
    intervalMs: e.TIANZIGE_MESSAGES_INTERVAL_MS,
    digestMinute: hour * 60 + minute,
  };
}
