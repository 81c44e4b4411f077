import {
  authVerifierEnv,
  authVerifierSettings,
  ConfigError,
  consulEnv,
  consulSettings,
  env,
  isTimeZone,
  loadConfig,
} from '@polis/platform';
import { z } from 'zod';

/** Every environment variable CRM reads (interfaces.md §6), with the embedded-mode defaults. */
export const crmConfigSchema = z.object({
  NODE_ENV: env.str('development'),
  CRM_SERVICE_HOST: env.str('0.0.0.0'),
  CRM_SERVICE_PORT: env.port(8082),
  CRM_TRUST_PROXY: env.bool(true),
  CRM_BASE_URL: env.url('http://localhost:8082'),
  CRM_EVENTS_EXCHANGE: env.str('crm.events'),
  /** The agency's time zone: "today" for review dates and the park suggestion. */
  CRM_TIMEZONE: env.str('Europe/Moscow'),
  /** Role every request transaction acts as (`SET LOCAL ROLE`); empty when the pool already logs in as it. */
  CRM_DB_ROLE: env.str('crm_app'),
  CRM_OUTBOX_POLL_INTERVAL_MS: env.int(250, { min: 1 }),
  /** SSE replay log (`crm:sse:deals`): entries kept, keep-alive comment interval, tail wait, client retry. */
  CRM_SSE_REPLAY_MAX_LEN: env.int(1000, { min: 1 }),
  CRM_SSE_KEEPALIVE_MS: env.int(15_000, { min: 10 }),
  CRM_SSE_BLOCK_MS: env.int(5_000, { min: 10 }),
  CRM_SSE_RETRY_MS: env.int(5_000, { min: 0 }),
  /** Largest payments import file CRM reads (the Gateway's upload limit applies before it). */
  CRM_IMPORT_MAX_MB: env.int(25, { min: 1 }),
  /** The Documents service: policy document links are checked there with the caller's token. */
  CRM_DOCUMENTS_BASE_URL: env.url('http://localhost:8084'),
  CRM_DOCUMENTS_TIMEOUT_MS: env.int(5_000, { min: 1 }),
  ...authVerifierEnv,
  ...consulEnv,
});
export type CrmEnv = z.output<typeof crmConfigSchema>;

export interface CrmConfig {
  production: boolean;
  host: string;
  port: number;
  /** One hop (the Gateway) when CRM_TRUST_PROXY, else false. */
  trustProxy: number | false;
  baseUrl: string;
  eventsExchange: string;
  timeZone: string;
  /** Undefined when the connection's own login role is the runtime role. */
  dbRole?: string;
  outboxPollIntervalMs: number;
  importMaxBytes: number;
  documents: { baseUrl: string; timeoutMs: number };
  sse: { replayMaxLen: number; keepAliveMs: number; blockMs: number; retryMs: number };
  jwt: { jwksUrl: string; issuer: string; audience: string };
  consul?: { url: string; token?: string };
}

export function toCrmConfig(values: CrmEnv): CrmConfig {
  const config: CrmConfig = {
    production: values.NODE_ENV === 'production',
    host: values.CRM_SERVICE_HOST,
    port: values.CRM_SERVICE_PORT,
    trustProxy: values.CRM_TRUST_PROXY ? 1 : false,
    baseUrl: values.CRM_BASE_URL.replace(/\/+$/, ''),
    eventsExchange: values.CRM_EVENTS_EXCHANGE,
    timeZone: values.CRM_TIMEZONE,
    outboxPollIntervalMs: values.CRM_OUTBOX_POLL_INTERVAL_MS,
    importMaxBytes: values.CRM_IMPORT_MAX_MB * 1024 * 1024,
    documents: {
      baseUrl: values.CRM_DOCUMENTS_BASE_URL.replace(/\/+$/, ''),
      timeoutMs: values.CRM_DOCUMENTS_TIMEOUT_MS,
    },
    sse: {
      replayMaxLen: values.CRM_SSE_REPLAY_MAX_LEN,
      keepAliveMs: values.CRM_SSE_KEEPALIVE_MS,
      blockMs: values.CRM_SSE_BLOCK_MS,
      retryMs: values.CRM_SSE_RETRY_MS,
    },
    jwt: authVerifierSettings(values),
  };
  const role = values.CRM_DB_ROLE.trim();
  if (role !== '') config.dbRole = role;
  const consul = consulSettings(values);
  if (consul) config.consul = consul;
  return config;
}

/** Reads and validates CRM's environment. */
export function loadCrmConfig(source: NodeJS.ProcessEnv = process.env): CrmConfig {
  const config = toCrmConfig(loadConfig(crmConfigSchema, source));
  if (!isTimeZone(config.timeZone)) {
    const message = `expected an IANA time zone such as Europe/Moscow, got '${config.timeZone}'`;
    throw new ConfigError(`CRM_TIMEZONE: ${message}`, [{ variable: 'CRM_TIMEZONE', message }]);
  }
  if (config.dbRole !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(config.dbRole)) {
    const message = `expected a lower-case role name, got '${config.dbRole}'`;
    throw new ConfigError(`CRM_DB_ROLE: ${message}`, [{ variable: 'CRM_DB_ROLE', message }]);
  }
  return config;
}
