import { normalizeRoleName } from '@polis/contracts';
import {
  ConfigError,
  consulEnv,
  consulSettings,
  env,
  loadConfig,
  PLACEHOLDER_SECRETS,
  parseIsoDuration,
} from '@polis/platform';
import type { JWK } from 'jose';
import { z } from 'zod';

/**
 * An Auth lifetime (ISO-8601). Empty means the default; the legacy form `PT7D` (days after the T,
 * which the origin's config used) is read as 7 days rather than refused.
 */
function lifetime(defaultIso: string): z.ZodType<number> {
  return z
    .string()
    .optional()
    .transform((raw, ctx): number => {
      const text = (raw ?? '').trim().toUpperCase();
      if (text === '') return parseIsoDuration(defaultIso);
      const legacyDays = /^PT(\d+)D$/.exec(text);
      try {
        const ms = parseIsoDuration(legacyDays ? `P${legacyDays[1]}D` : text);
        if (ms > 0) return ms;
      } catch {
        // reported below
      }
      ctx.addIssue({
        code: 'custom',
        message: `expected a positive ISO-8601 duration such as PT15M or P7D, got '${raw}'`,
      });
      return z.NEVER;
    });
}

/** `AUTH_SERVICE_CLIENTS=gateway:secret1,telegram-bot:secret2`. */
const serviceClients = z
  .string()
  .optional()
  .transform((raw, ctx): Record<string, string> => {
    const clients: Record<string, string> = {};
    for (const entry of (raw ?? '').split(',')) {
      const item = entry.trim();
      if (item === '') continue;
      const separator = item.indexOf(':');
      const id = separator > 0 ? item.slice(0, separator).trim() : '';
      const secret = separator > 0 ? item.slice(separator + 1).trim() : '';
      if (!/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(id) || secret === '') {
        ctx.addIssue({ code: 'custom', message: 'expected a comma-separated list of clientId:secret' });
        return z.NEVER;
      }
      clients[id] = secret;
    }
    return clients;
  });

const publicJwkSchema = z.looseObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().min(1),
  kid: z.string().min(1),
});

/** `AUTH_JWT_ADDITIONAL_PUBLIC_KEYS`: a JSON array of Ed25519 public JWKs kept verifiable after a rotation. */
const additionalPublicKeys = z
  .string()
  .optional()
  .transform((raw, ctx): JWK[] => {
    const text = (raw ?? '').trim();
    if (text === '') return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON array of public JWKs' });
      return z.NEVER;
    }
    const result = z.array(publicJwkSchema).safeParse(parsed);
    if (!result.success) {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON array of Ed25519 public JWKs with kid' });
      return z.NEVER;
    }
    return result.data.map(({ kty, crv, x, kid }) => ({ kty, crv, x, kid, alg: 'EdDSA', use: 'sig' }));
  });

/** Every environment variable Auth reads (interfaces.md §6), with the embedded-mode defaults. */
export const authConfigSchema = z.object({
  NODE_ENV: env.str('development'),
  AUTH_SERVICE_HOST: env.str('0.0.0.0'),
  AUTH_SERVICE_PORT: env.port(8081),
  AUTH_TRUST_PROXY: env.bool(true),
  AUTH_BASE_URL: env.url('http://localhost:8081'),
  AUTH_WEB_BASE_URL: env.url('http://localhost:3000'),
  AUTH_JWT_ISSUER: env.str(),
  AUTH_JWT_AUDIENCE: env.str('crm-clients'),
  AUTH_JWT_PRIVATE_KEY: env.str(),
  AUTH_JWT_KEY_ID: env.str(),
  AUTH_JWT_ADDITIONAL_PUBLIC_KEYS: additionalPublicKeys,
  AUTH_ACCESS_TOKEN_TTL: lifetime('PT15M'),
  AUTH_REFRESH_TOKEN_TTL: lifetime('P7D'),
  AUTH_SERVICE_TOKEN_TTL: lifetime('PT5M'),
  AUTH_TELEGRAM_TOKEN_TTL: lifetime('PT5M'),
  AUTH_ACTIVATION_TOKEN_TTL: lifetime('PT72H'),
  AUTH_TELEGRAM_LINK_CODE_TTL: lifetime('PT5M'),
  AUTH_PASSWORD_CHANGE_TOKEN_TTL: lifetime('PT15M'),
  AUTH_RECOVERY_PASSWORD_TTL: lifetime('PT30M'),
  AUTH_REFRESH_REUSE_GRACE: lifetime('PT2S'),
  AUTH_REGISTRATION_ENABLED: env.bool(false),
  AUTH_SERVICE_CLIENTS: serviceClients,
  AUTH_TELEGRAM_BOT_USERNAME: env.str('polis_crm_bot'),
  AUTH_AUDIT_EXCHANGE: env.str('audit.events'),
  AUTH_BOOTSTRAP_ENABLED: env.bool(false),
  AUTH_BOOTSTRAP_EMAIL: env.str('admin@crm.example'),
  AUTH_BOOTSTRAP_PASSWORD: env.str(),
  AUTH_BOOTSTRAP_ROLES: env.list(['ROLE_ADMIN', 'ROLE_USER']),
  AUTH_LOGIN_MAX_FAILURES: env.int(5, { min: 1 }),
  AUTH_LOGIN_FAILURE_WINDOW: lifetime('PT15M'),
  AUTH_LOGIN_MAX_PER_MINUTE: env.int(30, { min: 1 }),
  AUTH_REFRESH_MAX_PER_MINUTE: env.int(30, { min: 1 }),
  AUTH_CODE_MAX_ATTEMPTS: env.int(10, { min: 1 }),
  AUTH_CODE_ATTEMPT_WINDOW: lifetime('PT15M'),
  AUTH_PASSWORD_HASH_MEMORY_KIB: env.int(19_456, { min: 1024 }),
  AUTH_PASSWORD_HASH_ITERATIONS: env.int(2, { min: 1, max: 10 }),
  ...consulEnv,
});
export type AuthEnv = z.output<typeof authConfigSchema>;

export interface AuthConfig {
  production: boolean;
  host: string;
  port: number;
  /**
   * Take the client address from X-Forwarded-For (per-IP rate limits, audit). On by default: Auth
   * is reached through the Gateway, never directly from the internet.
   */
  trustProxy: number | false;
  /** Where other services reach Auth (discovery, JWKS URL). */
  baseUrl: string;
  /** Base of the activation links. */
  webBaseUrl: string;
  jwt: {
    issuer: string;
    audience: string;
    /** PKCS#8 PEM; when absent a key is generated and kept in `auth.signing_keys`. */
    privateKey?: string;
    keyId?: string;
    additionalPublicKeys: JWK[];
  };
  ttl: {
    accessMs: number;
    refreshMs: number;
    serviceMs: number;
    telegramMs: number;
    activationMs: number;
    telegramLinkCodeMs: number;
    /** The single-use token a sign-in that must first set a new password answers with. */
    passwordChangeMs: number;
    /** How long a temporary password set by `auth-admin recover` signs in. */
    recoveryPasswordMs: number;
    /** Two refreshes of one token within this window get the same new pair (browser tab race). */
    refreshReuseGraceMs: number;
  };
  registrationEnabled: boolean;
  /** clientId → secret for `POST /internal/v1/auth/service-token`. */
  serviceClients: Record<string, string>;
  telegramBotUsername: string;
  auditExchange: string;
  bootstrap: { enabled: boolean; email: string; password?: string; roles: string[] };
  rateLimits: {
    loginMaxFailures: number;
    loginFailureWindowMs: number;
    loginMaxPerMinute: number;
    refreshMaxPerMinute: number;
    codeMaxAttempts: number;
    codeAttemptWindowMs: number;
  };
  passwordHash: { memoryKib: number; iterations: number };
  /** Registers in Consul (health check on /health) when set, so the Gateway can resolve replicas. */
  consul?: { url: string; token?: string };
}

export function toAuthConfig(values: AuthEnv): AuthConfig {
  const roles = [...new Set(values.AUTH_BOOTSTRAP_ROLES.map(normalizeRoleName))];
  const config: AuthConfig = {
    production: values.NODE_ENV === 'production',
    host: values.AUTH_SERVICE_HOST,
    port: values.AUTH_SERVICE_PORT,
    trustProxy: values.AUTH_TRUST_PROXY ? 1 : false,
    baseUrl: values.AUTH_BASE_URL.replace(/\/+$/, ''),
    webBaseUrl: values.AUTH_WEB_BASE_URL.replace(/\/+$/, ''),
    jwt: {
      // The discovery document's `issuer`; by default the address Auth is reached at.
      issuer: values.AUTH_JWT_ISSUER ?? values.AUTH_BASE_URL.replace(/\/+$/, ''),
      audience: values.AUTH_JWT_AUDIENCE,
      additionalPublicKeys: values.AUTH_JWT_ADDITIONAL_PUBLIC_KEYS,
    },
    ttl: {
      accessMs: values.AUTH_ACCESS_TOKEN_TTL,
      refreshMs: values.AUTH_REFRESH_TOKEN_TTL,
      serviceMs: values.AUTH_SERVICE_TOKEN_TTL,
      telegramMs: values.AUTH_TELEGRAM_TOKEN_TTL,
      activationMs: values.AUTH_ACTIVATION_TOKEN_TTL,
      telegramLinkCodeMs: values.AUTH_TELEGRAM_LINK_CODE_TTL,
      passwordChangeMs: values.AUTH_PASSWORD_CHANGE_TOKEN_TTL,
      recoveryPasswordMs: values.AUTH_RECOVERY_PASSWORD_TTL,
      refreshReuseGraceMs: values.AUTH_REFRESH_REUSE_GRACE,
    },
    registrationEnabled: values.AUTH_REGISTRATION_ENABLED,
    serviceClients: values.AUTH_SERVICE_CLIENTS,
    telegramBotUsername: values.AUTH_TELEGRAM_BOT_USERNAME,
    auditExchange: values.AUTH_AUDIT_EXCHANGE,
    bootstrap: {
      enabled: values.AUTH_BOOTSTRAP_ENABLED,
      email: values.AUTH_BOOTSTRAP_EMAIL.trim().toLowerCase(),
      roles,
    },
    rateLimits: {
      loginMaxFailures: values.AUTH_LOGIN_MAX_FAILURES,
      loginFailureWindowMs: values.AUTH_LOGIN_FAILURE_WINDOW,
      loginMaxPerMinute: values.AUTH_LOGIN_MAX_PER_MINUTE,
      refreshMaxPerMinute: values.AUTH_REFRESH_MAX_PER_MINUTE,
      codeMaxAttempts: values.AUTH_CODE_MAX_ATTEMPTS,
      codeAttemptWindowMs: values.AUTH_CODE_ATTEMPT_WINDOW,
    },
    passwordHash: {
      memoryKib: values.AUTH_PASSWORD_HASH_MEMORY_KIB,
      iterations: values.AUTH_PASSWORD_HASH_ITERATIONS,
    },
  };
  if (values.AUTH_JWT_PRIVATE_KEY) config.jwt.privateKey = values.AUTH_JWT_PRIVATE_KEY.replace(/\\n/g, '\n');
  if (values.AUTH_JWT_KEY_ID) config.jwt.keyId = values.AUTH_JWT_KEY_ID;
  if (values.AUTH_BOOTSTRAP_PASSWORD) config.bootstrap.password = values.AUTH_BOOTSTRAP_PASSWORD;
  const consul = consulSettings(values);
  if (consul) config.consul = consul;
  return config;
}

/** Reads and validates Auth's environment; in production also refuses placeholder secrets. */
export function loadAuthConfig(source: NodeJS.ProcessEnv = process.env): AuthConfig {
  const config = toAuthConfig(loadConfig(authConfigSchema, source));
  if (config.production) {
    const issues: { variable: string; message: string }[] = [];
    if (Object.values(config.serviceClients).some((secret) => PLACEHOLDER_SECRETS.includes(secret))) {
      issues.push({
        variable: 'AUTH_SERVICE_CLIENTS',
        message: 'holds a placeholder secret, not allowed in production',
      });
    }
    const password = config.bootstrap.password;
    if (config.bootstrap.enabled && password !== undefined && PLACEHOLDER_SECRETS.includes(password)) {
      issues.push({
        variable: 'AUTH_BOOTSTRAP_PASSWORD',
        message: 'is a placeholder value, not allowed in production',
      });
    }
    if (issues.length > 0) throw new ConfigError(issues.map((i) => `${i.variable}: ${i.message}`).join('; '), issues);
  }
  return config;
}
