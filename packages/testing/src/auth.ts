import { randomInt } from 'node:crypto';
import type { AuthServiceOptions, RunningAuthService } from '@polis/auth';
import type { TokenPair } from '@polis/contracts';
import type { TestBackend } from './backend.js';

/** The `iss` of the test Auth's tokens. */
export const TEST_AUTH_ISSUER = 'http://auth.test';

/** An executor on no team, outside the demo agency's deals: for authorization matrices. */
export const OUTSIDE_EXECUTOR = {
  id: '5a7e2c1d-3b4f-4e6a-9c8d-7f1e2d3c4b5a',
  email: 'ivan.executor@example.com',
  fullName: 'Иван Сидоров',
} as const;

/** Cheap hashing: tests sign in a lot. */
const TEST_PASSWORD_HASH = { memoryKib: 1024, iterations: 1 };

/** Test-friendly Auth settings: cheap hashing, limits no test file reaches. */
const TEST_AUTH_ENV: Record<string, string> = {
  AUTH_PASSWORD_HASH_MEMORY_KIB: String(TEST_PASSWORD_HASH.memoryKib),
  AUTH_PASSWORD_HASH_ITERATIONS: String(TEST_PASSWORD_HASH.iterations),
  AUTH_LOGIN_MAX_PER_MINUTE: '100000',
  AUTH_REFRESH_MAX_PER_MINUTE: '100000',
  AUTH_JWT_ISSUER: TEST_AUTH_ISSUER,
};

export interface TestAuth {
  service: RunningAuthService;
  url: string;
  /** `AUTH_JWKS_URL` and `AUTH_JWT_ISSUER` for a service that verifies this Auth's tokens. */
  jwtEnv: { AUTH_JWKS_URL: string; AUTH_JWT_ISSUER: string };
  /** Signs `email` in (demo password unless told) from a fresh client address; answers the access token. */
  signIn(email: string, password?: string): Promise<string>;
  /** Signs in each person (a demo user id or the outside executor's); answers their access tokens. */
  signInAll<P extends string>(people: Record<P, string>): Promise<Record<P, string>>;
  close(): Promise<void>;
}

export interface TestAuthOptions {
  logger: AuthServiceOptions['logger'];
}

/**
 * Auth with test settings on `backend` (its migrations already run), with the demo agency's people
 * and the outside executor, all with the demo password.
 */
export async function startTestAuth(backend: TestBackend, options: TestAuthOptions): Promise<TestAuth> {
  // Loaded on demand: files that only need a backend do not pay for the whole Auth service.
  const { createAuthService, DEMO_PASSWORD, DEMO_USERS, ensureUser, loadAuthConfig, seedDemoUsers } = await import(
    '@polis/auth'
  );
  const service = await createAuthService({
    config: loadAuthConfig(TEST_AUTH_ENV),
    db: backend.db,
    bus: backend.bus,
    cache: backend.cache,
    logger: options.logger,
    port: 0,
    host: '127.0.0.1',
  });
  await seedDemoUsers({ db: backend.db, passwordHash: TEST_PASSWORD_HASH });
  await ensureUser(
    { db: backend.db, passwordHash: TEST_PASSWORD_HASH },
    { ...OUTSIDE_EXECUTOR, password: DEMO_PASSWORD, roles: ['ROLE_EXECUTOR'], auditKey: 'auth.user.created' },
  );
  const emails = new Map<string, string>([
    ...DEMO_USERS.map((user): [string, string] => [user.id, user.email]),
    [OUTSIDE_EXECUTOR.id, OUTSIDE_EXECUTOR.email],
  ]);

  const signIn = async (email: string, password: string = DEMO_PASSWORD): Promise<string> => {
    const response = await fetch(`${service.url}/api/v1/auth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        // A fresh client address per sign-in keeps the login rate-limit counters apart.
        'x-forwarded-for': `10.1.${randomInt(0, 256)}.${randomInt(1, 255)}`,
      },
      body: JSON.stringify({ email, password }),
    });
    if (response.status !== 200) {
      throw new Error(`login of ${email} failed: ${response.status} ${await response.text()}`);
    }
    return ((await response.json()) as TokenPair).accessToken;
  };

  return {
    service,
    url: service.url,
    jwtEnv: { AUTH_JWKS_URL: `${service.url}/.well-known/jwks.json`, AUTH_JWT_ISSUER: TEST_AUTH_ISSUER },
    signIn,
    async signInAll(people) {
      const tokens = {} as Record<keyof typeof people, string>;
      for (const [person, userId] of Object.entries(people) as Array<[keyof typeof people, string]>) {
        const email = emails.get(userId);
        if (!email) throw new Error(`${String(person)} (${userId}) is not a demo user`);
        tokens[person] = await signIn(email);
      }
      return tokens;
    },
    close: () => service.close(),
  };
}
