import { randomInt, randomUUID } from 'node:crypto';
import type { AccessTokenResponse, InviteResponse, TokenPair } from '@polis/contracts';
import { createLogger } from '@polis/platform';
import {
  type ApiResponse,
  type RequestOptions as BaseRequestOptions,
  type Json,
  requestJson,
  startTestBackend,
  type TestBackend,
} from '@polis/testing';
import {
  type AuthConfig,
  createAuthService,
  loadAuthConfig,
  type RunningAuthService,
  runAuthMigrations,
} from '../src/index.js';

export const ADMIN_EMAIL = 'root.admin@example.com';
/** AUTH_BOOTSTRAP_PASSWORD: it only opens the forced change at the first sign-in. */
export const ADMIN_INITIAL_PASSWORD = 'Adm1n-Initial-Pw!';
/** The password the harness sets through that change; the admin signs in with it afterwards. */
export const ADMIN_PASSWORD = 'Adm1n-Passw0rd!';
export const SERVICE_CLIENTS = { bot: ['telegram-bot', 'bot-secret-1'], gateway: ['gateway', 'gw-secret-1'] } as const;

export { type ApiResponse, eventually, type Json } from '@polis/testing';

export interface RequestOptions extends BaseRequestOptions {
  /** The client address the service sees (X-Forwarded-For): keeps rate-limit counters apart. */
  ip?: string;
}

/** One backend and one Auth service per test file; tests isolate themselves with fresh emails and IPs. */
export interface AuthHarness {
  backend: TestBackend;
  service: RunningAuthService;
  config: AuthConfig;
  url: string;
  request<T = Json>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  login(email: string, password: string, ip?: string): Promise<ApiResponse<TokenPair & Json>>;
  /** Signs in where a new password is required: the 403's change token and the new password → tokens. */
  loginWithChange(email: string, password: string, newPassword: string): Promise<TokenPair>;
  adminToken(): Promise<string>;
  /** Invites and activates a user with these extra roles; answers their credentials and first tokens. */
  createUser(roles?: string[], fullName?: string): Promise<TestUser>;
  serviceToken(client?: keyof typeof SERVICE_CLIENTS): Promise<string>;
  /** Stops the service and starts a new one on the same backend and config (a process restart). */
  restart(): Promise<void>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  tokens: TokenPair;
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}.${randomUUID().slice(0, 8)}@example.com`;
}

export function uniqueIp(): string {
  return `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/** Test-friendly defaults: cheap hashing, generous rate limits (files that test limits lower them). */
const TEST_ENV: Record<string, string> = {
  AUTH_PASSWORD_HASH_MEMORY_KIB: '1024',
  AUTH_PASSWORD_HASH_ITERATIONS: '1',
  AUTH_LOGIN_MAX_PER_MINUTE: '100000',
  AUTH_REFRESH_MAX_PER_MINUTE: '100000',
  AUTH_CODE_MAX_ATTEMPTS: '100000',
  AUTH_JWT_ISSUER: 'http://auth.test',
  AUTH_SERVICE_CLIENTS: Object.values(SERVICE_CLIENTS)
    .map(([id, secret]) => `${id}:${secret}`)
    .join(','),
  AUTH_BOOTSTRAP_ENABLED: 'true',
  AUTH_BOOTSTRAP_EMAIL: ADMIN_EMAIL,
  AUTH_BOOTSTRAP_PASSWORD: ADMIN_INITIAL_PASSWORD,
};

export interface StartOptions {
  /** Runs before the service starts, e.g. to bind a queue so that no event is missed. */
  beforeStart?: (backend: TestBackend) => Promise<void>;
  /**
   * Default true: the bootstrap admin's forced first change is done (to ADMIN_PASSWORD) before the
   * tests run. False leaves the admin with ADMIN_INITIAL_PASSWORD and the change pending.
   */
  completeAdminPasswordChange?: boolean;
}

export async function startAuth(env: Record<string, string> = {}, options: StartOptions = {}): Promise<AuthHarness> {
  const backend = await startTestBackend();
  await runAuthMigrations(backend.db);
  await options.beforeStart?.(backend);
  const config = loadAuthConfig({ ...TEST_ENV, ...env });
  const logger = createLogger({ service: 'auth', level: process.env.LOG_LEVEL ?? 'silent' });
  const start = () =>
    createAuthService({
      config,
      db: backend.db,
      bus: backend.bus,
      cache: backend.cache,
      logger,
      port: 0,
      host: '127.0.0.1',
    });
  const service = await start();
  let adminToken: Promise<string> | undefined;

  const request = <T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> =>
    requestJson<T>(`${harness.url}${path}`, method, {
      ...options,
      headers: { 'x-forwarded-for': options.ip ?? uniqueIp(), ...options.headers },
    });

  const harness: AuthHarness = {
    backend,
    service,
    config,
    url: service.url,
    request,
    login: (email, password, ip) =>
      request<TokenPair & Json>('POST', '/api/v1/auth/token', { body: { email, password }, ip }),
    async loginWithChange(email, password, newPassword) {
      const required = await harness.login(email, password);
      const changeToken = (required.body as { details?: { changeToken?: string } }).details?.changeToken;
      if (required.status !== 403 || !changeToken) {
        throw new Error(`expected password_change_required: ${required.status} ${JSON.stringify(required.body)}`);
      }
      const changed = await request<TokenPair>('POST', '/api/v1/auth/activate', {
        body: { token: changeToken, password: newPassword },
      });
      if (changed.status !== 200) throw new Error(`password change failed: ${JSON.stringify(changed.body)}`);
      return changed.body;
    },
    adminToken() {
      adminToken ??= harness.login(ADMIN_EMAIL, ADMIN_PASSWORD).then((response) => {
        if (response.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(response.body)}`);
        return response.body.accessToken;
      });
      return adminToken;
    },
    async createUser(roles = [], fullName = 'Test Person') {
      const email = uniqueEmail();
      const password = `Pw-${randomUUID()}`;
      const token = await harness.adminToken();
      const invite = await request<InviteResponse>('POST', '/api/v1/users', {
        token,
        body: { email, fullName, roles },
      });
      if (invite.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invite.body)}`);
      const activationToken = activationTokenOf(invite.body.activationLink);
      const activated = await request<TokenPair>('POST', '/api/v1/auth/activate', {
        body: { token: activationToken, password },
      });
      if (activated.status !== 200) throw new Error(`activation failed: ${JSON.stringify(activated.body)}`);
      return { id: invite.body.id, email, password, tokens: activated.body };
    },
    async serviceToken(client = 'bot') {
      const [clientId, clientSecret] = SERVICE_CLIENTS[client];
      const response = await request<AccessTokenResponse>('POST', '/internal/v1/auth/service-token', {
        body: { clientId, clientSecret },
      });
      if (response.status !== 200) throw new Error(`service token failed: ${JSON.stringify(response.body)}`);
      return response.body.accessToken;
    },
    async restart() {
      await harness.service.close();
      harness.service = await start();
      harness.url = harness.service.url;
    },
    async count(table) {
      const [row] = await backend.db.query<{ n: number }>(`select count(*)::int as n from auth.${table}`);
      return row?.n ?? 0;
    },
    async close() {
      await harness.service.close();
      await backend.close();
    },
  };
  if (options.completeAdminPasswordChange ?? true) {
    await harness.loginWithChange(ADMIN_EMAIL, ADMIN_INITIAL_PASSWORD, ADMIN_PASSWORD);
  }
  return harness;
}

export function activationTokenOf(link: string): string {
  const token = new URL(link).searchParams.get('token');
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}
