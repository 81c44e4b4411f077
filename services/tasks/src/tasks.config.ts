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
import { Cron } from 'croner';
import { z } from 'zod';

/** Every environment variable Tasks reads (interfaces.md §6), with the embedded-mode defaults. */
export const tasksConfigSchema = z.object({
  NODE_ENV: env.str('development'),
  TASKS_SERVICE_HOST: env.str('0.0.0.0'),
  TASKS_SERVICE_PORT: env.port(8086),
  TASKS_TRUST_PROXY: env.bool(true),
  TASKS_BASE_URL: env.url('http://localhost:8086'),
  /** Where users reach the API (the Gateway): the calendar feed address is built on it. */
  TASKS_PUBLIC_BASE_URL: env.url('http://localhost:8080'),
  TASKS_EVENTS_EXCHANGE: env.str('tasks.events'),
  TASKS_CRM_EVENTS_EXCHANGE: env.str('crm.events'),
  /** The queue of the CRM projection and the rules (interfaces.md §4.6). */
  TASKS_CRM_QUEUE: env.str('tasks.crm'),
  TASKS_CRM_BASE_URL: env.url('http://localhost:8082'),
  TASKS_CRM_TIMEOUT_MS: env.int(5_000, { min: 1 }),
  /** The agency's time zone: "today" of the reminder rules. */
  TASKS_TIMEZONE: env.str('Europe/Moscow'),
  TASKS_DB_ROLE: env.str('tasks_app'),
  TASKS_OUTBOX_POLL_INTERVAL_MS: env.int(250, { min: 1 }),
  /** Sorted set of due work (reminders and scheduled activations), score = epoch ms. */
  TASKS_DELAYED_QUEUE_KEY: env.str('tasks:delayed'),
  TASKS_WORKER_ENABLED: env.bool(true),
  TASKS_WORKER_POLL_INTERVAL_MS: env.int(5_000, { min: 1 }),
  TASKS_WORKER_BATCH_SIZE: env.int(100, { min: 1, max: 10_000 }),
  /** How often a worker re-indexes unfired reminders and scheduled tasks from the database. */
  TASKS_WORKER_REBUILD_INTERVAL_MS: env.int(60_000, { min: 10 }),
  /** The main admin: escalations go to this user (the launcher passes the bootstrap admin). */
  TASKS_MAIN_ADMIN_USER_ID: env.str(),
  TASKS_RULES_ENABLED: env.bool(true),
  /** When the daily rule scan runs, in the agency's time zone. */
  TASKS_RULES_CRON: env.str('0 6 * * *'),
  /** A generated task still open this long after creation escalates to the main admin. */
  TASKS_ESCALATION_AFTER: env.duration('PT24H'),
  TASKS_SSE_REPLAY_MAX_LEN: env.int(1000, { min: 1 }),
  TASKS_SSE_KEEPALIVE_MS: env.int(15_000, { min: 10 }),
  TASKS_SSE_BLOCK_MS: env.int(5_000, { min: 10 }),
  TASKS_SSE_RETRY_MS: env.int(5_000, { min: 0 }),
  ...authVerifierEnv,
  ...consulEnv,
});
export type TasksEnv = z.output<typeof tasksConfigSchema>;

export interface TasksConfig {
  production: boolean;
  host: string;
  port: number;
  trustProxy: number | false;
  baseUrl: string;
  publicBaseUrl: string;
  eventsExchange: string;
  crm: { eventsExchange: string; queue: string; baseUrl: string; timeoutMs: number };
  timeZone: string;
  /** Undefined when the connection's own login role is the runtime role. */
  dbRole?: string;
  outboxPollIntervalMs: number;
  worker: {
    enabled: boolean;
    queueKey: string;
    pollIntervalMs: number;
    batchSize: number;
    rebuildIntervalMs: number;
  };
  rules: { enabled: boolean; cron: string; escalationAfterMs: number; mainAdminUserId: string | null };
  sse: { replayMaxLen: number; keepAliveMs: number; blockMs: number; retryMs: number };
  jwt: { jwksUrl: string; issuer: string; audience: string };
  consul?: { url: string; token?: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(variable: string, message: string): never {
  throw new ConfigError(`${variable}: ${message}`, [{ variable, message }]);
}

export function toTasksConfig(values: TasksEnv): TasksConfig {
  const admin = values.TASKS_MAIN_ADMIN_USER_ID?.trim() ?? '';
  if (admin !== '' && !UUID.test(admin)) fail('TASKS_MAIN_ADMIN_USER_ID', `expected a user UUID, got '${admin}'`);
  const config: TasksConfig = {
    production: values.NODE_ENV === 'production',
    host: values.TASKS_SERVICE_HOST,
    port: values.TASKS_SERVICE_PORT,
    trustProxy: values.TASKS_TRUST_PROXY ? 1 : false,
    baseUrl: values.TASKS_BASE_URL.replace(/\/+$/, ''),
    publicBaseUrl: values.TASKS_PUBLIC_BASE_URL.replace(/\/+$/, ''),
    eventsExchange: values.TASKS_EVENTS_EXCHANGE,
    crm: {
      eventsExchange: values.TASKS_CRM_EVENTS_EXCHANGE,
      queue: values.TASKS_CRM_QUEUE,
      baseUrl: values.TASKS_CRM_BASE_URL.replace(/\/+$/, ''),
      timeoutMs: values.TASKS_CRM_TIMEOUT_MS,
    },
    timeZone: values.TASKS_TIMEZONE,
    outboxPollIntervalMs: values.TASKS_OUTBOX_POLL_INTERVAL_MS,
    worker: {
      enabled: values.TASKS_WORKER_ENABLED,
      queueKey: values.TASKS_DELAYED_QUEUE_KEY,
      pollIntervalMs: values.TASKS_WORKER_POLL_INTERVAL_MS,
      batchSize: values.TASKS_WORKER_BATCH_SIZE,
      rebuildIntervalMs: values.TASKS_WORKER_REBUILD_INTERVAL_MS,
    },
    rules: {
      enabled: values.TASKS_RULES_ENABLED,
      cron: values.TASKS_RULES_CRON,
      escalationAfterMs: values.TASKS_ESCALATION_AFTER,
      mainAdminUserId: admin === '' ? null : admin.toLowerCase(),
    },
    sse: {
      replayMaxLen: values.TASKS_SSE_REPLAY_MAX_LEN,
      keepAliveMs: values.TASKS_SSE_KEEPALIVE_MS,
      blockMs: values.TASKS_SSE_BLOCK_MS,
      retryMs: values.TASKS_SSE_RETRY_MS,
    },
    jwt: authVerifierSettings(values),
  };
  const role = values.TASKS_DB_ROLE.trim();
  if (role !== '') config.dbRole = role;
  const consul = consulSettings(values);
  if (consul) config.consul = consul;
  return config;
}

/** Reads and validates the Tasks environment. */
export function loadTasksConfig(source: NodeJS.ProcessEnv = process.env): TasksConfig {
  const config = toTasksConfig(loadConfig(tasksConfigSchema, source));
  if (!isTimeZone(config.timeZone)) {
    fail('TASKS_TIMEZONE', `expected an IANA time zone such as Europe/Moscow, got '${config.timeZone}'`);
  }
  if (config.dbRole !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(config.dbRole)) {
    fail('TASKS_DB_ROLE', `expected a lower-case role name, got '${config.dbRole}'`);
  }
  try {
    new Cron(config.rules.cron, { paused: true }).stop();
  } catch {
    fail('TASKS_RULES_CRON', `expected a cron expression such as '0 6 * * *', got '${config.rules.cron}'`);
  }
  return config;
}
