/**
 * The services behind the Gateway (interfaces.md §0.1, §1.0): their env infix, default port and the
 * public path prefixes under `/api/v1` they own. The bot owns no prefix: only the webhook reaches it.
 */
export const UPSTREAM_CATALOGUE = {
  auth: { envKey: 'AUTH', port: 8081, prefixes: ['auth', 'users', 'roles'] },
  crm: { envKey: 'CRM', port: 8082, prefixes: ['crm'] },
  documents: { envKey: 'DOCUMENTS', port: 8084, prefixes: ['documents', 'folders'] },
  notifications: { envKey: 'NOTIFICATIONS', port: 8085, prefixes: ['notifications', 'templates'] },
  tasks: { envKey: 'TASKS', port: 8086, prefixes: ['tasks'] },
  reports: { envKey: 'REPORTS', port: 8087, prefixes: ['reports'] },
  audit: { envKey: 'AUDIT', port: 8088, prefixes: ['audit'] },
  backup: { envKey: 'BACKUP', port: 8094, prefixes: ['backup'] },
  'telegram-bot': { envKey: 'TELEGRAM_BOT', port: 8089, prefixes: [] },
} as const satisfies Record<string, { envKey: string; port: number; prefixes: readonly string[] }>;

export type UpstreamName = keyof typeof UPSTREAM_CATALOGUE;
export type UpstreamEnvKey = (typeof UPSTREAM_CATALOGUE)[UpstreamName]['envKey'];

export const UPSTREAM_NAMES = Object.keys(UPSTREAM_CATALOGUE) as UpstreamName[];

/**
 * Services that exist in this repository today and are therefore routed by default. Any other
 * upstream is routed once its `GATEWAY_UPSTREAM_<X>_BASE_URL` or `_SERVICE_NAME` is set, or it is
 * listed in `GATEWAY_UPSTREAMS`; until then its prefix answers 404.
 */
export const DEFAULT_ENABLED_UPSTREAMS: readonly UpstreamName[] = ['auth', 'crm', 'documents', 'tasks'];

export function isUpstreamName(value: string): value is UpstreamName {
  return Object.hasOwn(UPSTREAM_CATALOGUE, value);
}

/** SSE channels (interfaces.md §3.1) and the service whose internal stream each relays. */
export const SSE_CHANNELS = {
  deals: { upstream: 'crm', path: '/internal/v1/streams/deals' },
  notifications: { upstream: 'notifications', path: '/internal/v1/notifications/stream' },
  tasks: { upstream: 'tasks', path: '/internal/v1/streams/tasks' },
} as const satisfies Record<string, { upstream: UpstreamName; path: string }>;

export type SseChannel = keyof typeof SSE_CHANNELS;

/** Public names that are aliases of a channel. */
export const SSE_CHANNEL_ALIASES: Record<string, SseChannel> = { crm: 'deals' };
