import { randomUUID } from 'node:crypto';
import { createAuthService, ensureUser, loadAuthConfig, type RunningAuthService, runAuthMigrations } from '@polis/auth';
import type { InviteResponse, TokenPair } from '@polis/contracts';
import { createLogger } from '@polis/platform';
import { startTestBackend, type TestBackend } from '@polis/testing';
import {
  createGatewayService,
  type GatewayServiceOptions,
  loadGatewayConfig,
  type RunningGatewayService,
  type UpstreamOverrides,
} from '../../src/index.js';

export const ADMIN_EMAIL = 'gateway.admin@example.com';
export const ADMIN_PASSWORD = 'Adm1n-Gateway-Pw!';
export const APP_ORIGIN = 'http://app.test';
export const SESSION_SECRET = 'test-session-secret-0123456789abcdef';
export const JWT_ISSUER = 'http://auth.test';

/** Cheap hashing and generous limits: tests that exercise a limit lower it themselves. */
export const AUTH_TEST_ENV: Record<string, string> = {
  AUTH_PASSWORD_HASH_MEMORY_KIB: '1024',
  AUTH_PASSWORD_HASH_ITERATIONS: '1',
  AUTH_LOGIN_MAX_PER_MINUTE: '100000',
  AUTH_REFRESH_MAX_PER_MINUTE: '100000',
  AUTH_CODE_MAX_ATTEMPTS: '100000',
  AUTH_JWT_ISSUER: JWT_ISSUER,
};

export interface TestUser {
  id: string;
  email: string;
  password: string;
  tokens: TokenPair;
}

export interface GatewayHarness {
  backend: TestBackend;
  auth: RunningAuthService;
  gateway: RunningGatewayService;
  /** The Gateway's base URL. */
  url: string;
  /** Another Gateway on the same backend and Auth (a replica, or different limits). */
  startGateway(env?: Record<string, string>, upstreams?: UpstreamOverrides): Promise<RunningGatewayService>;
  /** A second Auth on the same database and keys, e.g. with a short access-token lifetime. */
  startAuth(env: Record<string, string>): Promise<RunningAuthService>;
  adminToken(): Promise<string>;
  /** Invites and activates a user directly at Auth; answers their credentials and first tokens. */
  createUser(roles?: string[]): Promise<TestUser>;
  close(): Promise<void>;
}

export function gatewayEnv(authUrl: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    GATEWAY_UPSTREAM_AUTH_BASE_URL: authUrl,
    AUTH_JWT_ISSUER: JWT_ISSUER,
    CORS_ORIGINS: APP_ORIGIN,
    SESSION_SECRET,
    GATEWAY_BASE_URL: 'https://api.polis.test/api',
    GATEWAY_UPSTREAM_TIMEOUT: '3000',
    GATEWAY_RATE_LIMIT_PER_MINUTE: '100000',
    GATEWAY_LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    GATEWAY_DOCS_CACHE_MS: '0',
    ...env,
  };
}

async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * One test backend, the real Auth service on it (tokens are real EdDSA JWTs with a JWKS) and a
 * Gateway in front; other upstreams are local stand-ins the test file passes in.
 */
export async function startHarness(
  options: { env?: Record<string, string>; upstreams?: UpstreamOverrides } = {},
): Promise<GatewayHarness> {
  const backend = await startTestBackend();
  const logger = createLogger({ service: 'gateway-test', level: process.env.LOG_LEVEL ?? 'silent' });
  const extraAuths: RunningAuthService[] = [];
  const extraGateways: RunningGatewayService[] = [];
  let auth: RunningAuthService | undefined;
  try {
    await runAuthMigrations(backend.db);
    await ensureUser(
      { db: backend.db, passwordHash: { memoryKib: 1024, iterations: 1 } },
      {
        email: ADMIN_EMAIL,
        fullName: 'Gateway Admin',
        password: ADMIN_PASSWORD,
        roles: ['ROLE_ADMIN'],
        auditKey: 'auth.user.created',
      },
    );
    const startAuth = (env: Record<string, string>) =>
      createAuthService({
        config: loadAuthConfig({ ...AUTH_TEST_ENV, ...env }),
        db: backend.db,
        bus: backend.bus,
        cache: backend.cache,
        logger,
        port: 0,
        host: '127.0.0.1',
      });
    const mainAuth = await startAuth({});
    auth = mainAuth;
    const startGateway = (env: Record<string, string> = {}, upstreams?: UpstreamOverrides) => {
      const serviceOptions: GatewayServiceOptions = {
        config: loadGatewayConfig(gatewayEnv(mainAuth.url, env)),
        cache: backend.cache,
        logger,
        port: 0,
        host: '127.0.0.1',
      };
      if (upstreams !== undefined) serviceOptions.upstreams = upstreams;
      return createGatewayService(serviceOptions);
    };
    const gateway = await startGateway(options.env, options.upstreams);
    let adminToken: Promise<string> | undefined;

    const harness: GatewayHarness = {
      backend,
      auth: mainAuth,
      gateway,
      url: gateway.url,
      async startGateway(env, upstreams) {
        const extra = await startGateway(env, upstreams);
        extraGateways.push(extra);
        return extra;
      },
      async startAuth(env) {
        const extra = await startAuth(env);
        extraAuths.push(extra);
        return extra;
      },
      adminToken() {
        adminToken ??= fetch(`${mainAuth.url}/api/v1/auth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
        })
          .then((response) => json<TokenPair>(response))
          .then((pair) => pair.accessToken);
        return adminToken;
      },
      async createUser(roles = []) {
        const email = `user.${randomUUID().slice(0, 8)}@example.com`;
        const password = `Pw-${randomUUID()}`;
        const token = await harness.adminToken();
        const invite = await fetch(`${mainAuth.url}/api/v1/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ email, fullName: 'Gateway Tester', roles }),
        });
        if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${await invite.text()}`);
        const { id, activationLink } = await json<InviteResponse>(invite);
        const activationToken = new URL(activationLink).searchParams.get('token');
        const activated = await fetch(`${mainAuth.url}/api/v1/auth/activate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: activationToken, password }),
        });
        if (activated.status !== 200) throw new Error(`activation failed: ${await activated.text()}`);
        return { id, email, password, tokens: await json<TokenPair>(activated) };
      },
      async close() {
        for (const extra of extraGateways) await extra.close();
        await gateway.close();
        for (const extra of extraAuths) await extra.close();
        await mainAuth.close();
        await backend.close();
      },
    };
    return harness;
  } catch (error) {
    await auth?.close();
    await backend.close();
    throw error;
  }
}
