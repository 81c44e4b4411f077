import { isAbsolute, resolve } from 'node:path';
import { authVerifierEnv, authVerifierSettings, ConfigError, env, isTimeZone, loadConfig } from '@polis/platform';
import { z } from 'zod';

const MB = 1024 * 1024;
const DEVELOPMENT_SIGNING_KEYS = 'dev:polis-documents-development-only';

/** Every environment variable Documents reads (interfaces.md §6, platform.md §3), with embedded-mode defaults. */
export const documentsConfigSchema = z.object({
  NODE_ENV: env.str('development'),
  DOCUMENTS_SERVICE_HOST: env.str('0.0.0.0'),
  DOCUMENTS_SERVICE_PORT: env.port(8084),
  DOCUMENTS_TRUST_PROXY: env.bool(true),
  DOCUMENTS_BASE_URL: env.url('http://localhost:8084'),
  DOCUMENTS_TIMEZONE: env.str('Europe/Moscow'),
  DOCUMENTS_EVENTS_EXCHANGE: env.str('documents.events'),
  DOCUMENTS_AUDIT_EXCHANGE: env.str('audit.events'),
  DOCUMENTS_CRM_EVENTS_EXCHANGE: env.str('crm.events'),
  DOCUMENTS_CRM_EVENTS_QUEUE: env.str('documents.crm'),
  DOCUMENTS_OUTBOX_POLL_INTERVAL_MS: env.int(250, { min: 1 }),
  DOCUMENTS_REDIS_PREFIX: env.str('documents'),
  DOCUMENTS_QUEUE_NAME: env.str('documents_tasks'),
  DOCUMENTS_PERMISSIONS_SYNC_QUEUE_NAME: env.str('documents.permissions.sync'),
  DOCUMENTS_PERMISSIONS_SYNC_JOB_TTL: env.int(300, { min: 60 }),
  DOCUMENTS_JOB_ATTEMPTS: env.int(5, { min: 1 }),
  DOCUMENTS_JOB_BACKOFF_MS: env.int(10_000, { min: 0 }),
  DOCUMENTS_STORAGE_DRIVER: env.oneOf(['local'], 'local'),
  DOCUMENTS_STORAGE_ROOT: env.str(),
  DOCUMENTS_STORAGE_LOCAL_PATH: env.str('./data/documents'),
  DOCUMENTS_STORAGE_DEFAULT_MODE: env.str('0770'),
  DOCUMENTS_STORAGE_ACL_ENABLED: env.bool(false),
  DOCUMENTS_ACL_DRIVER: env.oneOf(['noop', 'posix'], 'noop'),
  /** JSON object: user id → numeric uid on the storage host, for the posix ACL driver. */
  DOCUMENTS_ACL_USER_MAP: env.str('{}'),
  DOCUMENTS_STORAGE_QUOTA_MB: env.int(0, { min: 0 }),
  DOCUMENTS_STORAGE_PUBLIC_BASE_URL: env.url(),
  DOCUMENTS_FOLDERS_WEB_BASE_URL: env.url('https://files.local/documents/'),
  DOCUMENTS_FOLDERS_TEMPLATE_DEFAULT: env.str('{title}'),
  DOCUMENTS_FOLDERS_TEMPLATE_CLIENT: env.str('Client {ownerId}'),
  DOCUMENTS_FOLDERS_TEMPLATE_DEAL: env.str('Deal {ownerId}'),
  DOCUMENTS_FOLDERS_TEMPLATE_POLICY: env.str('Policy {ownerId}'),
  DOCUMENTS_FOLDERS_TEMPLATE_PAYMENT: env.str('Payment {ownerId}'),
  DOCUMENTS_UPLOAD_URL_BASE: env.url('http://localhost:8080/api/v1/documents'),
  DOCUMENTS_UPLOAD_URL_TTL: env.int(900, { min: 60 }),
  DOCUMENTS_DOWNLOAD_URL_BASE: env.url(),
  DOCUMENTS_DOWNLOAD_URL_TTL: env.int(300, { min: 10 }),
  /** `kid:secret` pairs, comma-separated; the first signs, all verify (rotation). Required in production. */
  DOCUMENTS_URL_SIGNING_KEYS: env.secret(),
  DOCUMENTS_MAX_UPLOAD_MB: env.int(25, { min: 1 }),
  /** Signed links (upload and download) one user may be issued per hour (platform.md §1.9). */
  DOCUMENTS_LINK_RATE_LIMIT_PER_HOUR: env.int(120, { min: 1 }),
  DOCUMENTS_IMPORT_ROOT: env.str(),
  DOCUMENTS_RETENTION_DAYS: env.int(90, { min: 1 }),
  DOCUMENTS_RETENTION_WARNING_DAYS: env.int(7, { min: 0 }),
  DOCUMENTS_CLEANUP_MODE: env.oneOf(['archive', 'delete'], 'archive'),
  /** Local time (in DOCUMENTS_TIMEZONE) of the daily cleanup, `HH:MM`; empty disables the schedule. */
  DOCUMENTS_CLEANUP_AT: env.str('03:30'),
  /** Temp and staged files older than this are swept by the cleanup. */
  DOCUMENTS_TEMP_MAX_AGE_MS: env.int(3_600_000, { min: 0 }),
  DOCUMENTS_CRM_BASE_URL: env.url('http://localhost:8082'),
  DOCUMENTS_CRM_TIMEOUT_MS: env.int(5_000, { min: 100 }),
  DOCUMENTS_VISIBILITY_CACHE_TTL_MS: env.int(5_000, { min: 0 }),
  ...authVerifierEnv,
});
export type DocumentsEnv = z.output<typeof documentsConfigSchema>;

export type FolderTemplates = Record<'default' | 'client' | 'deal' | 'policy' | 'payment', string>;

export interface DocumentsConfig {
  production: boolean;
  host: string;
  port: number;
  trustProxy: number | false;
  baseUrl: string;
  timeZone: string;
  eventsExchange: string;
  auditExchange: string;
  crmEvents: { exchange: string; queue: string };
  outboxPollIntervalMs: number;
  jobs: {
    prefix: string;
    queue: string;
    permissionsQueue: string;
    permissionsJobTtlSeconds: number;
    attempts: number;
    backoffMs: number;
  };
  storage: {
    /** Absolute. */
    root: string;
    /** Directory mode of new folders. */
    dirMode: number;
    quotaBytes: number | null;
    aclDriver: 'noop' | 'posix';
    aclUserMap: Record<string, number>;
  };
  folders: { templates: FolderTemplates; webBaseUrl: string };
  links: {
    uploadBase: string;
    uploadTtlSeconds: number;
    downloadBase: string;
    downloadTtlSeconds: number;
    /** Links one user may be issued per hour. */
    perUserPerHour: number;
    /** kid → secret; `signingKid` signs. */
    keys: Map<string, string>;
    signingKid: string;
  };
  maxUploadBytes: number;
  importRoot: string | null;
  retention: {
    days: number;
    warningDays: number;
    mode: 'archive' | 'delete';
    /** Minutes after local midnight; null = no schedule. */
    cleanupAtMinutes: number | null;
    tempMaxAgeMs: number;
  };
  crm: { baseUrl: string; timeoutMs: number };
  visibilityCacheTtlMs: number;
  jwt: { jwksUrl: string; issuer: string; audience: string };
}

function fail(variable: string, message: string): never {
  throw new ConfigError(`${variable}: ${message}`, [{ variable, message }]);
}

function parseKeys(text: string): { keys: Map<string, string>; signingKid: string } {
  const keys = new Map<string, string>();
  let signingKid: string | undefined;
  for (const part of text.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    const kid = colon > 0 ? entry.slice(0, colon) : '';
    const secret = colon > 0 ? entry.slice(colon + 1) : '';
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(kid) || secret.length < 16) {
      fail('DOCUMENTS_URL_SIGNING_KEYS', 'expected kid:secret pairs (kid [A-Za-z0-9_-], secret of 16+ characters)');
    }
    if (keys.has(kid)) fail('DOCUMENTS_URL_SIGNING_KEYS', `kid '${kid}' appears twice`);
    keys.set(kid, secret);
    signingKid ??= kid;
  }
  if (signingKid === undefined) fail('DOCUMENTS_URL_SIGNING_KEYS', 'at least one kid:secret pair is required');
  return { keys, signingKid };
}

function parseUserMap(text: string): Record<string, number> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail('DOCUMENTS_ACL_USER_MAP', 'expected a JSON object of user id → uid');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('DOCUMENTS_ACL_USER_MAP', 'expected a JSON object of user id → uid');
  }
  const map: Record<string, number> = {};
  for (const [userId, uid] of Object.entries(value)) {
    if (!Number.isInteger(uid) || (uid as number) < 0)
      fail('DOCUMENTS_ACL_USER_MAP', `uid of ${userId} must be an integer >= 0`);
    map[userId.toLowerCase()] = uid as number;
  }
  return map;
}

function queueName(variable: string, name: string): string {
  if (name === '' || name.includes(':')) fail(variable, `queue names may not contain ':' (BullMQ), got '${name}'`);
  return name;
}

export function toDocumentsConfig(values: DocumentsEnv): DocumentsConfig {
  const rootSetting = values.DOCUMENTS_STORAGE_ROOT ?? values.DOCUMENTS_STORAGE_LOCAL_PATH;
  if (rootSetting.includes('\0')) fail('DOCUMENTS_STORAGE_ROOT', 'must not contain NUL');
  const root = isAbsolute(rootSetting) ? resolve(rootSetting) : resolve(process.cwd(), rootSetting);
  if (!/^0?[0-7]{3}$/.test(values.DOCUMENTS_STORAGE_DEFAULT_MODE)) {
    fail(
      'DOCUMENTS_STORAGE_DEFAULT_MODE',
      `expected an octal mode such as 0770, got '${values.DOCUMENTS_STORAGE_DEFAULT_MODE}'`,
    );
  }
  if (!isTimeZone(values.DOCUMENTS_TIMEZONE))
    fail('DOCUMENTS_TIMEZONE', `unknown time zone '${values.DOCUMENTS_TIMEZONE}'`);
  let cleanupAtMinutes: number | null = null;
  const at = values.DOCUMENTS_CLEANUP_AT.trim();
  if (at !== '') {
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
    if (!match) fail('DOCUMENTS_CLEANUP_AT', `expected HH:MM, got '${at}'`);
    cleanupAtMinutes = Number(match[1]) * 60 + Number(match[2]);
  }
  const uploadBase = values.DOCUMENTS_UPLOAD_URL_BASE.replace(/\/+$/, '');
  const aclDriver =
    values.DOCUMENTS_STORAGE_ACL_ENABLED && values.DOCUMENTS_ACL_DRIVER === 'noop'
      ? 'posix'
      : values.DOCUMENTS_ACL_DRIVER;
  return {
    production: values.NODE_ENV === 'production',
    host: values.DOCUMENTS_SERVICE_HOST,
    port: values.DOCUMENTS_SERVICE_PORT,
    trustProxy: values.DOCUMENTS_TRUST_PROXY ? 1 : false,
    baseUrl: values.DOCUMENTS_BASE_URL.replace(/\/+$/, ''),
    timeZone: values.DOCUMENTS_TIMEZONE,
    eventsExchange: values.DOCUMENTS_EVENTS_EXCHANGE,
    auditExchange: values.DOCUMENTS_AUDIT_EXCHANGE,
    crmEvents: { exchange: values.DOCUMENTS_CRM_EVENTS_EXCHANGE, queue: values.DOCUMENTS_CRM_EVENTS_QUEUE },
    outboxPollIntervalMs: values.DOCUMENTS_OUTBOX_POLL_INTERVAL_MS,
    jobs: {
      prefix: values.DOCUMENTS_REDIS_PREFIX,
      queue: queueName('DOCUMENTS_QUEUE_NAME', values.DOCUMENTS_QUEUE_NAME),
      permissionsQueue: queueName(
        'DOCUMENTS_PERMISSIONS_SYNC_QUEUE_NAME',
        values.DOCUMENTS_PERMISSIONS_SYNC_QUEUE_NAME,
      ),
      permissionsJobTtlSeconds: values.DOCUMENTS_PERMISSIONS_SYNC_JOB_TTL,
      attempts: values.DOCUMENTS_JOB_ATTEMPTS,
      backoffMs: values.DOCUMENTS_JOB_BACKOFF_MS,
    },
    storage: {
      root,
      dirMode: Number.parseInt(values.DOCUMENTS_STORAGE_DEFAULT_MODE, 8),
      quotaBytes: values.DOCUMENTS_STORAGE_QUOTA_MB > 0 ? values.DOCUMENTS_STORAGE_QUOTA_MB * MB : null,
      aclDriver,
      aclUserMap: parseUserMap(values.DOCUMENTS_ACL_USER_MAP),
    },
    folders: {
      templates: {
        default: values.DOCUMENTS_FOLDERS_TEMPLATE_DEFAULT,
        client: values.DOCUMENTS_FOLDERS_TEMPLATE_CLIENT,
        deal: values.DOCUMENTS_FOLDERS_TEMPLATE_DEAL,
        policy: values.DOCUMENTS_FOLDERS_TEMPLATE_POLICY,
        payment: values.DOCUMENTS_FOLDERS_TEMPLATE_PAYMENT,
      },
      webBaseUrl: values.DOCUMENTS_STORAGE_PUBLIC_BASE_URL ?? values.DOCUMENTS_FOLDERS_WEB_BASE_URL,
    },
    links: {
      uploadBase,
      uploadTtlSeconds: values.DOCUMENTS_UPLOAD_URL_TTL,
      downloadBase: (values.DOCUMENTS_DOWNLOAD_URL_BASE ?? uploadBase).replace(/\/+$/, ''),
      downloadTtlSeconds: values.DOCUMENTS_DOWNLOAD_URL_TTL,
      perUserPerHour: values.DOCUMENTS_LINK_RATE_LIMIT_PER_HOUR,
      // Outside production a fixed development key keeps embedded mode working without setup.
      ...parseKeys(values.DOCUMENTS_URL_SIGNING_KEYS ?? DEVELOPMENT_SIGNING_KEYS),
    },
    maxUploadBytes: values.DOCUMENTS_MAX_UPLOAD_MB * MB,
    importRoot: values.DOCUMENTS_IMPORT_ROOT ? resolve(values.DOCUMENTS_IMPORT_ROOT) : null,
    retention: {
      days: values.DOCUMENTS_RETENTION_DAYS,
      warningDays: values.DOCUMENTS_RETENTION_WARNING_DAYS,
      mode: values.DOCUMENTS_CLEANUP_MODE,
      cleanupAtMinutes,
      tempMaxAgeMs: values.DOCUMENTS_TEMP_MAX_AGE_MS,
    },
    crm: { baseUrl: values.DOCUMENTS_CRM_BASE_URL.replace(/\/+$/, ''), timeoutMs: values.DOCUMENTS_CRM_TIMEOUT_MS },
    visibilityCacheTtlMs: values.DOCUMENTS_VISIBILITY_CACHE_TTL_MS,
    jwt: authVerifierSettings(values),
  };
}

/** Reads and validates Documents' environment; a queue name with `:` fails here, at startup. */
export function loadDocumentsConfig(source: NodeJS.ProcessEnv = process.env): DocumentsConfig {
  return toDocumentsConfig(loadConfig(documentsConfigSchema, source));
}
