import { z } from 'zod';

/** Residents' sign-in: the per-source limit of SMS codes, and WeChat 网页授权 when deployed inside WeChat. */
export interface ResidentsConfig {
  /** distinct numbers one source address may ask codes for in an hour */
  smsNumbersPerSourceHour: number;
  /** null: WeChat sign-in is not offered */
  wechatOAuth: WechatOAuthConfig | null;
}

export interface WechatOAuthConfig {
  /** the 公众号 (official account) app id and secret: the same ones the subscribe messages use */
  appId: string;
  appSecret: string;
  /** https://api.weixin.qq.com; a test points it at its local server */
  apiEndpoint: string;
  /** https://open.weixin.qq.com/connect/oauth2/authorize */
  authorizeUrl: string;
  /** this deployment's public origin (https://gov.example.cn): WeChat sends her back to <origin>/api/v1/auth/wechat/callback */
  publicUrl: string;
}

export const DEFAULT_RESIDENTS_CONFIG: ResidentsConfig = { smsNumbersPerSourceHour: 10, wechatOAuth: null };

const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

/** The residents part of the environment (docs/residents.md). */
export const ResidentsEnvSchema = z.object({
  TIANZIGE_SMS_NUMBERS_PER_SOURCE_HOUR: z.coerce.number().int().min(1).max(100_000).default(10),
  TIANZIGE_WECHAT_OAUTH: booleanFlag.optional(),
  TIANZIGE_WECHAT_APP_ID: z.string().min(1).optional(),
  TIANZIGE_WECHAT_APP_SECRET: z.string().min(1).optional(),
  TIANZIGE_WECHAT_ENDPOINT: z.string().url().default('https://api.weixin.qq.com'),
  TIANZIGE_WECHAT_OAUTH_URL: z.string().url().default('https://open.weixin.qq.com/connect/oauth2/authorize'),
  TIANZIGE_PUBLIC_URL: z.string().url().optional(),
});

/** The settings from the environment, or the names still missing when WeChat sign-in is turned on without them. */
export function residentsConfigFrom(env: NodeJS.ProcessEnv): ResidentsConfig | { problems: string[] } {
  const parsed = ResidentsEnvSchema.safeParse(env);
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const e = parsed.data;
  if (!e.TIANZIGE_WECHAT_OAUTH)
    return { smsNumbersPerSourceHour: e.TIANZIGE_SMS_NUMBERS_PER_SOURCE_HOUR, wechatOAuth: null };
  const missing = (['TIANZIGE_WECHAT_APP_ID', 'TIANZIGE_WECHAT_APP_SECRET', 'TIANZIGE_PUBLIC_URL'] as const).filter(
    (name) => e[name] === undefined,
  );
  if (missing.length > 0) return { problems: missing.map((name) => `${name}: required by TIANZIGE_WECHAT_OAUTH`) };
  return {
    smsNumbersPerSourceHour: e.TIANZIGE_SMS_NUMBERS_PER_SOURCE_HOUR,
    wechatOAuth: {
      appId: e.TIANZIGE_WECHAT_APP_ID!,
      appSecret: e.TIANZIGE_WECHAT_APP_SECRET!,
      apiEndpoint: e.TIANZIGE_WECHAT_ENDPOINT,
      authorizeUrl: e.TIANZIGE_WECHAT_OAUTH_URL,
      publicUrl: e.TIANZIGE_PUBLIC_URL!.replace(/\/+$/, ''),
    },
  };
}
