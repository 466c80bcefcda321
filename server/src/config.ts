import path from 'node:path';
import { z } from 'zod';
import { type MessagesConfig, MessagesEnvSchema, messagesConfigFrom } from './modules/messages/config.ts';
import { type ResidentsConfig, residentsConfigFrom } from './modules/residents/config.ts';
import { type WebhooksConfig, WebhooksEnvSchema, webhooksConfigFrom } from './modules/webhooks/config.ts';

/** Configuration, parsed once from the environment at boot. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** `sqlite` file path or a `postgres://` URL */
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  adminPassword: string | undefined;
  isDemo: boolean;
  /** base64 of 64 bytes (32 encryption + 32 blind-index); otherwise a key file in the data dir */
  piiKey: string | undefined;
  /** the next personal-data key during a key rotation, for servers whose key comes from the environment */
  piiKeyNext?: string | undefined;
  tileUrl: string | undefined;
  /** base map: see modules/meta/map-settings.ts; absent means chosen from the keys that are set */
  mapProvider?: 'tianditu' | 'amap' | 'custom' | 'none' | undefined;
  /** 天地图 browser key (tk) */
  tiandituKey?: string | undefined;
  /** datum of the custom TIANZIGE_TILE_URL tiles */
  tileDatum?: 'wgs84' | 'gcj02' | undefined;
  webDist: string;
  loginRateLimitPerMinute: number;
  /** trust X-Forwarded-For only behind a known reverse proxy */
  isBehindProxy: boolean;
  logLevel: string;
  /** SQLite: how long a write waits for another process's (the CLI beside the server) before it gives up */
  sqliteBusyTimeoutMs?: number;
  /** the outbox's channels and dispatcher (modules/messages/config.ts); absent: the `log` adapters */
  messages?: MessagesConfig;
  /** residents' sign-in: SMS code limits, WeChat 网页授权 (modules/residents/config.ts); absent: defaults, no WeChat */
  residents?: ResidentsConfig;
  /** the webhook dispatcher's time limit, retries and pace (modules/webhooks/config.ts); absent: the defaults */
  webhooks?: WebhooksConfig;
  /** bearer token for GET /metrics (Prometheus); absent: no /metrics route (404) */
  metricsToken?: string | undefined;
}

export class ConfigError extends Error {}

const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  TIANZIGE_DATA_DIR: z.string().min(1).default('./data'),
  TIANZIGE_DATABASE_URL: z.string().optional(),
  TIANZIGE_ADMIN_PASSWORD: z.string().optional(),
  TIANZIGE_DEMO: booleanFlag.optional(),
  TIANZIGE_PII_KEY: z.string().optional(),
  TIANZIGE_PII_KEY_NEXT: z.string().optional(),
  TIANZIGE_TILE_URL: z.string().url().optional(),
  TIANZIGE_MAP_PROVIDER: z.enum(['tianditu', 'amap', 'custom', 'none']).optional(),
  TIANZIGE_TIANDITU_KEY: z
    .string()
    .regex(/^[0-9A-Za-z]{8,64}$/)
    .optional(),
  TIANZIGE_TILE_DATUM: z.enum(['wgs84', 'gcj02']).default('wgs84'),
  TIANZIGE_TRUST_PROXY: booleanFlag.optional(),
  TIANZIGE_LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
  TIANZIGE_SQLITE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  TIANZIGE_METRICS_TOKEN: z.string().min(16, 'at least 16 characters / 至少 16 个字符').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Reads and validates the environment; throws ConfigError with one readable line per problem. */
// npm runs workspace scripts inside server/; INIT_CWD is where the operator typed the command.
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = env.INIT_CWD ?? process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration / 配置错误: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.TIANZIGE_DATA_DIR);
  const database = parseDatabaseUrl(e.TIANZIGE_DATABASE_URL, dataDir);
  if (e.TIANZIGE_PII_KEY !== undefined && Buffer.from(e.TIANZIGE_PII_KEY, 'base64').length !== 64) {
    throw new ConfigError('TIANZIGE_PII_KEY must be 64 bytes in base64 / TIANZIGE_PII_KEY 须为 base64 编码的 64 字节');
  }
  if (e.TIANZIGE_PII_KEY_NEXT !== undefined && Buffer.from(e.TIANZIGE_PII_KEY_NEXT, 'base64').length !== 64) {
    throw new ConfigError(
      'TIANZIGE_PII_KEY_NEXT must be 64 bytes in base64 / TIANZIGE_PII_KEY_NEXT 须为 base64 编码的 64 字节',
    );
  }
  if (e.TIANZIGE_MAP_PROVIDER === 'tianditu' && e.TIANZIGE_TIANDITU_KEY === undefined) {
    throw new ConfigError(
      'TIANZIGE_MAP_PROVIDER=tianditu needs TIANZIGE_TIANDITU_KEY / 使用天地图须设置 TIANZIGE_TIANDITU_KEY',
    );
  }
  if (e.TIANZIGE_MAP_PROVIDER === 'custom' && e.TIANZIGE_TILE_URL === undefined) {
    throw new ConfigError('TIANZIGE_MAP_PROVIDER=custom needs TIANZIGE_TILE_URL / 自定义底图须设置 TIANZIGE_TILE_URL');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database,
    adminPassword: e.TIANZIGE_ADMIN_PASSWORD,
    isDemo: e.TIANZIGE_DEMO ?? database.kind === 'sqlite',
    piiKey: e.TIANZIGE_PII_KEY,
    piiKeyNext: e.TIANZIGE_PII_KEY_NEXT,
    tileUrl: e.TIANZIGE_TILE_URL,
    mapProvider: e.TIANZIGE_MAP_PROVIDER,
    tiandituKey: e.TIANZIGE_TIANDITU_KEY,
    tileDatum: e.TIANZIGE_TILE_DATUM,
    webDist: path.resolve(import.meta.dirname, '../../web/dist'),
    loginRateLimitPerMinute: e.TIANZIGE_LOGIN_RATE_LIMIT,
    isBehindProxy: e.TIANZIGE_TRUST_PROXY ?? false,
    logLevel: e.LOG_LEVEL,
    sqliteBusyTimeoutMs: e.TIANZIGE_SQLITE_BUSY_TIMEOUT_MS,
    messages: loadMessagesConfig(env),
    residents: loadResidentsConfig(env),
    webhooks: loadWebhooksConfig(env),
    metricsToken: e.TIANZIGE_METRICS_TOKEN,
  };
}

function parseDatabaseUrl(url: string | undefined, dataDir: string): Config['database'] {
  if (url === undefined || url === '') return { kind: 'sqlite', file: path.join(dataDir, 'tianzige.db') };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', file: path.resolve(url.slice('sqlite:'.length)) };
  throw new ConfigError(
    'TIANZIGE_DATABASE_URL must start with postgres:// or sqlite: / TIANZIGE_DATABASE_URL 须以 postgres:// 或 sqlite: 开头',
  );
}

/** The webhook dispatcher (docs/webhooks.md): a bad number is one clear line. */
function loadWebhooksConfig(env: NodeJS.ProcessEnv): WebhooksConfig {
  const parsed = WebhooksEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration / 配置错误: ${lines.join('; ')}`);
  }
  return webhooksConfigFrom(parsed.data);
}

/** SMS and WeChat providers (README's table): a provider chosen without its keys is one clear line. */
function loadMessagesConfig(env: NodeJS.ProcessEnv): MessagesConfig {
  const parsed = MessagesEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration / 配置错误: ${lines.join('; ')}`);
  }
  const config = messagesConfigFrom(parsed.data);
  if ('missing' in config) {
    throw new ConfigError(`the chosen message provider needs / 所选消息服务商须设置: ${config.missing.join(', ')}`);
  }
  return config;
}

/** Residents' sign-in (docs/residents.md): WeChat sign-in turned on without its settings is one clear line. */
function loadResidentsConfig(env: NodeJS.ProcessEnv): ResidentsConfig {
  const config = residentsConfigFrom(env);
  if ('problems' in config) throw new ConfigError(`invalid configuration / 配置错误: ${config.problems.join('; ')}`);
  return config;
}
