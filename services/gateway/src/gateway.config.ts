import { randomBytes } from 'node:crypto';
import { ConfigError, env, loadConfig, PLACEHOLDER_SECRETS } from '@polis/platform';
import { z } from 'zod';
import {
  DEFAULT_ENABLED_UPSTREAMS,
  isUpstreamName,
  SSE_CHANNELS,
  type SseChannel,
  UPSTREAM_CATALOGUE,
  UPSTREAM_NAMES,
  type UpstreamEnvKey,
  type UpstreamName,
} from './routing/upstreams.js';

/** `GATEWAY_TRUST_PROXY`: empty/false/0 → 0, true → 1 (one ingress), or a number of hops. */
function proxyHops(): z.ZodType<number> {
  return z
    .string()
    .optional()
    .transform((raw, ctx): number => {
      const text = (raw ?? '').trim().toLowerCase();
      if (text === '' || text === 'false') return 0;
      if (text === 'true') return 1;
      if (/^\d{1,2}$/.test(text)) return Number(text);
      ctx.addIssue({ code: 'custom', message: `expected true, false or a number of proxy hops, got '${raw}'` });
      return z.NEVER;
    });
}

type UpstreamEnvShape = {
  [K in UpstreamEnvKey as `GATEWAY_UPSTREAM_${K}_BASE_URL`]: z.ZodType<string | undefined>;
} & {
  [K in UpstreamEnvKey as `GATEWAY_UPSTREAM_${K}_TIMEOUT`]: z.ZodType<number>;
} & {
  [K in UpstreamEnvKey as `GATEWAY_UPSTREAM_${K}_SERVICE_NAME`]: z.ZodType<string | undefined>;
};

/** `GATEWAY_UPSTREAM_<X>_BASE_URL`, `_TIMEOUT` (0 = `GATEWAY_UPSTREAM_TIMEOUT`) and `_SERVICE_NAME` for every upstream. */
function upstreamEnvShape(): UpstreamEnvShape {
  const shape: Record<string, z.ZodType> = {};
  for (const { envKey } of Object.values(UPSTREAM_CATALOGUE)) {
    shape[`GATEWAY_UPSTREAM_${envKey}_BASE_URL`] = env.url();
    shape[`GATEWAY_UPSTREAM_${envKey}_TIMEOUT`] = env.int(0, { min: 0 });
    shape[`GATEWAY_UPSTREAM_${envKey}_SERVICE_NAME`] = env.str();
  }
  return shape as UpstreamEnvShape;
}

/** Every environment variable the Gateway reads (interfaces.md §6), with the embedded-mode defaults. */
export const gatewayConfigSchema = z.object({
  NODE_ENV: env.str('development'),
  GATEWAY_SERVICE_HOST: env.str('0.0.0.0'),
  GATEWAY_SERVICE_PORT: env.port(8080),
  GATEWAY_BASE_URL: env.url('http://localhost:8080/api'),
  /** Proxies in front of the Gateway (the ingress): `false`/0, `true` (= 1) or a hop count. */
  GATEWAY_TRUST_PROXY: proxyHops(),
  GATEWAY_UPSTREAMS: env.list([]),
  GATEWAY_UPSTREAM_TIMEOUT: env.int(5000, { min: 1 }),
  ...upstreamEnvShape(),
  GATEWAY_UPSTREAM_CRM_SSE_URL: env.url(),
  GATEWAY_UPSTREAM_NOTIFICATIONS_SSE_URL: env.url(),
  GATEWAY_UPSTREAM_TASKS_SSE_URL: env.url(),
  GATEWAY_UPSTREAM_SSE_RECONNECT_DELAY: env.int(3000, { min: 0 }),
  GATEWAY_UPSTREAM_SSE_HEARTBEAT_INTERVAL: env.int(15_000, { min: 1 }),
  GATEWAY_UPSTREAM_SSE_HEARTBEAT_TTL: env.int(60, { min: 1 }),
  GATEWAY_SSE_MAX_STREAMS_PER_USER: env.int(5, { min: 1 }),
  REDIS_HEARTBEAT_PREFIX: env.str('gateway:sse'),
  GATEWAY_BODY_LIMIT_MB: env.int(1, { min: 1 }),
  DOCUMENTS_MAX_UPLOAD_MB: env.int(25, { min: 1 }),
  GATEWAY_UPLOAD_TIMEOUT: env.int(600_000, { min: 1 }),
  GATEWAY_RATE_LIMIT_PER_MINUTE: env.int(300, { min: 1 }),
  GATEWAY_LOGIN_RATE_LIMIT_PER_MINUTE: env.int(30, { min: 1 }),
  GATEWAY_WEBHOOK_RATE_LIMIT_PER_SECOND: env.int(60, { min: 1 }),
  CORS_ORIGINS: env.list(['http://localhost:3000']),
  GATEWAY_COOKIE_SECURE: env.bool(false),
  GATEWAY_COOKIE_DOMAIN: env.str(),
  SESSION_SECRET: env.secret(),
  TELEGRAM_BOT_WEBHOOK_SECRET: env.str(),
  TELEGRAM_BOT_WEBHOOK_PATH: env.str('/internal/v1/telegram/updates'),
  AUTH_JWKS_URL: env.url(),
  AUTH_BASE_URL: env.url(),
  AUTH_JWT_ISSUER: env.str(),
  JWT_ISSUER: env.str(),
  AUTH_JWT_AUDIENCE: env.str(),
  JWT_AUDIENCE: env.str(),
  REDIS_URL: env.url(),
  AUTH_REDIS_URL: env.url(),
  REDIS_RATE_LIMIT_URL: env.url(),
  CONSUL_HTTP_ADDR: env.url(),
  CONSUL_HTTP_TOKEN: env.str(),
  CONSUL_DC: env.str(),
  CONSUL_HTTP_TIMEOUT: env.int(5000, { min: 1 }),
  GATEWAY_DISCOVERY_CACHE_MS: env.int(5000, { min: 0 }),
  GATEWAY_DOCS_CACHE_MS: env.int(30_000, { min: 0 }),
});
export type GatewayEnv = z.output<typeof gatewayConfigSchema>;

export interface UpstreamConfig {
  name: UpstreamName;
  /** Requests go to `<baseUrl><public path>`; the path is never rewritten. */
  baseUrl: string;
  timeoutMs: number;
  /** Consul service name, used when discovery is on. */
  serviceName: string;
  /** False: the service does not exist (yet) here and its prefixes answer 404. */
  enabled: boolean;
}

export interface SseChannelConfig {
  upstream: UpstreamName;
  /** An explicit upstream stream URL; otherwise `path` on the upstream's (discovered) base URL. */
  url?: string;
  path: string;
  /** False: the channel answers 404. */
  enabled: boolean;
}

export interface GatewayConfig {
  production: boolean;
  host: string;
  port: number;
  /** Public origin that replaces an upstream's origin in `Location` headers. */
  publicOrigin: string;
  /** Take the client address from X-Forwarded-For (behind an ingress). */
  /** Trusted proxy hops in front of the Gateway; false when it faces clients directly. */
  trustProxy: number | false;
  upstreams: Record<UpstreamName, UpstreamConfig>;
  sse: {
    channels: Record<SseChannel, SseChannelConfig>;
    heartbeatIntervalMs: number;
    reconnectDelayMs: number;
    /** TTL of the monitoring keys and of a stream's registration without heartbeat. */
    monitorTtlMs: number;
    monitorPrefix: string;
    maxStreamsPerUser: number;
  };
  limits: {
    jsonBodyBytes: number;
    uploadBodyBytes: number;
    /** How long an upload or import may take before the upstream answers. */
    uploadTimeoutMs: number;
    perMinute: number;
    loginPerMinute: number;
    webhookPerSecond: number;
  };
  corsOrigins: string[];
  cookies: { secure: boolean; domain?: string };
  /** Signs the CSRF cookie. */
  sessionSecret: string;
  telegram: { webhookSecret?: string; webhookPath: string };
  jwt: { jwksUrl: string; issuer: string; audience: string };
  consul?: { url: string; token?: string; datacenter?: string; timeoutMs: number; cacheMs: number };
  docsCacheMs: number;
}

const MB = 1024 * 1024;

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function toGatewayConfig(values: GatewayEnv): GatewayConfig {
  const extra = values.GATEWAY_UPSTREAMS.map((name) => name.toLowerCase());
  const unknown = extra.filter((name) => !isUpstreamName(name));
  if (unknown.length > 0) {
    const message = `expected names among ${UPSTREAM_NAMES.join(', ')}, got '${unknown.join(', ')}'`;
    throw new ConfigError(`GATEWAY_UPSTREAMS: ${message}`, [{ variable: 'GATEWAY_UPSTREAMS', message }]);
  }
  const upstreams = {} as Record<UpstreamName, UpstreamConfig>;
  for (const name of UPSTREAM_NAMES) {
    const { envKey, port } = UPSTREAM_CATALOGUE[name];
    const baseUrl = values[`GATEWAY_UPSTREAM_${envKey}_BASE_URL`];
    const serviceName = values[`GATEWAY_UPSTREAM_${envKey}_SERVICE_NAME`];
    const timeout = values[`GATEWAY_UPSTREAM_${envKey}_TIMEOUT`];
    upstreams[name] = {
      name,
      baseUrl: trimSlash(baseUrl ?? `http://localhost:${port}`),
      timeoutMs: timeout > 0 ? timeout : values.GATEWAY_UPSTREAM_TIMEOUT,
      serviceName: serviceName ?? `${name}-service`,
      enabled:
        DEFAULT_ENABLED_UPSTREAMS.includes(name) ||
        extra.includes(name) ||
        baseUrl !== undefined ||
        serviceName !== undefined,
    };
  }

  const explicitSse: Record<SseChannel, string | undefined> = {
    deals: values.GATEWAY_UPSTREAM_CRM_SSE_URL,
    notifications: values.GATEWAY_UPSTREAM_NOTIFICATIONS_SSE_URL,
    tasks: values.GATEWAY_UPSTREAM_TASKS_SSE_URL,
  };
  const channels = {} as Record<SseChannel, SseChannelConfig>;
  for (const [channel, { upstream, path }] of Object.entries(SSE_CHANNELS) as Array<
    [SseChannel, (typeof SSE_CHANNELS)[SseChannel]]
  >) {
    const url = explicitSse[channel];
    channels[channel] = { upstream, path, enabled: url !== undefined || upstreams[upstream].enabled };
    if (url !== undefined) channels[channel].url = url;
  }

  const authBase = upstreams.auth.baseUrl;
  const config: GatewayConfig = {
    production: values.NODE_ENV === 'production',
    host: values.GATEWAY_SERVICE_HOST,
    port: values.GATEWAY_SERVICE_PORT,
    publicOrigin: new URL(values.GATEWAY_BASE_URL).origin,
    trustProxy: values.GATEWAY_TRUST_PROXY > 0 ? values.GATEWAY_TRUST_PROXY : false,
    upstreams,
    sse: {
      channels,
      heartbeatIntervalMs: values.GATEWAY_UPSTREAM_SSE_HEARTBEAT_INTERVAL,
      reconnectDelayMs: values.GATEWAY_UPSTREAM_SSE_RECONNECT_DELAY,
      monitorTtlMs: values.GATEWAY_UPSTREAM_SSE_HEARTBEAT_TTL * 1000,
      monitorPrefix: values.REDIS_HEARTBEAT_PREFIX,
      maxStreamsPerUser: values.GATEWAY_SSE_MAX_STREAMS_PER_USER,
    },
    limits: {
      jsonBodyBytes: values.GATEWAY_BODY_LIMIT_MB * MB,
      uploadBodyBytes: values.DOCUMENTS_MAX_UPLOAD_MB * MB,
      uploadTimeoutMs: values.GATEWAY_UPLOAD_TIMEOUT,
      perMinute: values.GATEWAY_RATE_LIMIT_PER_MINUTE,
      loginPerMinute: values.GATEWAY_LOGIN_RATE_LIMIT_PER_MINUTE,
      webhookPerSecond: values.GATEWAY_WEBHOOK_RATE_LIMIT_PER_SECOND,
    },
    corsOrigins: values.CORS_ORIGINS.map(trimSlash),
    cookies: { secure: values.GATEWAY_COOKIE_SECURE },
    // Embedded mode may leave it unset: CSRF cookies then last as long as this process.
    sessionSecret: values.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
    telegram: { webhookPath: values.TELEGRAM_BOT_WEBHOOK_PATH },
    jwt: {
      jwksUrl: values.AUTH_JWKS_URL ?? `${authBase}/.well-known/jwks.json`,
      // Auth's own default issuer is its AUTH_BASE_URL.
      issuer: values.AUTH_JWT_ISSUER ?? values.JWT_ISSUER ?? trimSlash(values.AUTH_BASE_URL ?? 'http://localhost:8081'),
      audience: values.AUTH_JWT_AUDIENCE ?? values.JWT_AUDIENCE ?? 'crm-clients',
    },
    docsCacheMs: values.GATEWAY_DOCS_CACHE_MS,
  };
  if (values.GATEWAY_COOKIE_DOMAIN) config.cookies.domain = values.GATEWAY_COOKIE_DOMAIN;
  if (values.TELEGRAM_BOT_WEBHOOK_SECRET) config.telegram.webhookSecret = values.TELEGRAM_BOT_WEBHOOK_SECRET;
  if (values.CONSUL_HTTP_ADDR) {
    config.consul = {
      url: trimSlash(values.CONSUL_HTTP_ADDR),
      timeoutMs: values.CONSUL_HTTP_TIMEOUT,
      cacheMs: values.GATEWAY_DISCOVERY_CACHE_MS,
    };
    if (values.CONSUL_HTTP_TOKEN) config.consul.token = values.CONSUL_HTTP_TOKEN;
    if (values.CONSUL_DC) config.consul.datacenter = values.CONSUL_DC;
  }
  return config;
}

/** Reads and validates the Gateway's environment; in production also refuses placeholder secrets. */
export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const config = toGatewayConfig(loadConfig(gatewayConfigSchema, source));
  const webhookSecret = config.telegram.webhookSecret;
  if (config.production && webhookSecret !== undefined && PLACEHOLDER_SECRETS.includes(webhookSecret)) {
    const message = 'is a placeholder value, not allowed in production';
    throw new ConfigError(`TELEGRAM_BOT_WEBHOOK_SECRET: ${message}`, [
      { variable: 'TELEGRAM_BOT_WEBHOOK_SECRET', message },
    ]);
  }
  return config;
}
