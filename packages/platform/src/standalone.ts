import { resolve } from 'node:path';
import { createLogger, type Logger } from './logger.js';
import { closeOnSignals } from './service.js';
import { startTracing } from './tracing.js';

type Env = Record<string, string | undefined>;

/**
 * Where a standalone service's infrastructure lives: `<SERVICE>_X` wins over the shared `X`. Without
 * a database URL the service keeps an embedded PGlite under `POLIS_DATA_DIR`; without broker or Redis
 * URLs the in-process adapters are used.
 */
export interface ServiceConnections {
  database: { url: string; applicationName: string; statementCacheSize?: number } | { dataDir: string };
  rabbitmqUrl: string | undefined;
  redisUrl: string | undefined;
  /** Auth's Redis (revoked sessions), when it is not the service's own cache. */
  authRedisUrl: string | undefined;
}

export function serviceConnections(env: Env, service: string): ServiceConnections {
  const prefix = service.toUpperCase();
  const databaseUrl = env[`${prefix}_DATABASE_URL`] || env.DATABASE_URL;
  return {
    database: databaseUrl
      ? { url: databaseUrl, applicationName: service, ...statementCache(env.DATABASE_STATEMENT_CACHE_SIZE) }
      : { dataDir: resolve(env.POLIS_DATA_DIR ?? 'data', 'pglite') },
    rabbitmqUrl: env[`${prefix}_RABBITMQ_URL`] || env.RABBITMQ_URL || undefined,
    redisUrl: env[`${prefix}_REDIS_URL`] || env.REDIS_URL || undefined,
    authRedisUrl: env.AUTH_REDIS_URL || undefined,
  };
}

/** `DATABASE_STATEMENT_CACHE_SIZE`: a whole number ≥ 0 (0 turns prepared statements off). */
function statementCache(value: string | undefined): { statementCacheSize?: number } {
  if (value === undefined || value === '') return {};
  if (!/^\d+$/.test(value)) {
    throw new Error(`DATABASE_STATEMENT_CACHE_SIZE: expected a whole number >= 0, got "${value}"`);
  }
  return { statementCacheSize: Number(value) };
}

export interface StandaloneContext {
  env: Env;
  logger: Logger;
}

/**
 * The entry point of a service run as its own process: logger and tracing named after `service`,
 * then `start`, which opens what the service needs and answers it in opening order. On SIGTERM/SIGINT
 * those close last-opened first, tracing last; a failed start exits 1.
 */
export function runStandalone(
  service: string,
  start: (context: StandaloneContext) => Promise<Array<{ close(): Promise<void> }>>,
): void {
  const main = async (): Promise<void> => {
    const logger = createLogger({ service });
    const tracing = await startTracing({ serviceName: service });
    const opened = await start({ env: process.env, logger });
    closeOnSignals([{ close: () => tracing.shutdown() }, ...opened], logger);
  };
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
