/** Helpers for the benchmarks' child processes: each serves one part of the system on the local servers. */
import { createAuthService, loadAuthConfig } from '@polis/auth';
import { createEventBus } from '@polis/bus';
import { createCache } from '@polis/cache';
import { createCrmService, loadCrmConfig } from '@polis/crm';
import { createDatabase } from '@polis/db';
import { createLogger } from '@polis/platform';
import { realServers } from '@polis/testing';

/** The `iss` of the benchmarks' Auth. */
export const BENCH_ISSUER = 'http://auth.bench';

export const silentLogger = createLogger({ service: 'bench', level: 'silent' });

/** Closes the process's services on SIGTERM (the parent's stop), then exits. */
export function stopOn(close: () => Promise<void>): void {
  process.once('SIGTERM', () => {
    void close().finally(() => process.exit(0));
  });
}

export interface AuthAndCrm {
  authUrl: string;
  crmUrl: string;
  close(): Promise<void>;
}

/**
 * Auth and CRM sharing one database (`BENCH_DATABASE_URL`), bus and cache (both under `BENCH_PREFIX`),
 * with sign-in limits no benchmark reaches.
 */
export async function startAuthAndCrm(options: { applicationName: string; poolMax?: number }): Promise<AuthAndCrm> {
  const env = process.env;
  const db = await createDatabase({
    url: env.BENCH_DATABASE_URL,
    applicationName: options.applicationName,
    ...(options.poolMax ? { poolMax: options.poolMax } : {}),
  });
  const bus = createEventBus({ url: realServers.rabbitmqUrl, prefix: env.BENCH_PREFIX, temporary: true });
  const cache = createCache({ url: realServers.redisUrl, keyPrefix: `${env.BENCH_PREFIX}:` });
  const auth = await createAuthService({
    config: loadAuthConfig({ AUTH_JWT_ISSUER: BENCH_ISSUER, AUTH_LOGIN_MAX_PER_MINUTE: '100000' }),
    db,
    bus,
    cache,
    logger: silentLogger,
    port: 0,
    host: '127.0.0.1',
  });
  const crm = await createCrmService({
    config: loadCrmConfig({ AUTH_JWKS_URL: `${auth.url}/.well-known/jwks.json`, AUTH_JWT_ISSUER: BENCH_ISSUER }),
    db,
    bus,
    cache,
    logger: silentLogger,
    port: 0,
    host: '127.0.0.1',
  });
  return {
    authUrl: auth.url,
    crmUrl: crm.url,
    async close() {
      await crm.close();
      await auth.close();
      await bus.close();
      await cache.close();
      await db.close();
    },
  };
}
