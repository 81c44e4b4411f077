import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createEventBus } from '@polis/bus';
import { createCache } from '@polis/cache';
import { createDatabase } from '@polis/db';
import { closeOnSignals, createLogger, startTracing } from '@polis/platform';
import { loadAuthConfig } from './auth.config.js';
import { createAuthService } from './create-auth-service.js';
import { runAuthMigrations } from './migrations.js';

/** Standalone Auth process: env → infrastructure → migrations → HTTP on AUTH_SERVICE_PORT. */
async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger({ service: 'auth' });
  const tracing = await startTracing({ serviceName: 'auth' });
  const config = loadAuthConfig(env);

  const databaseUrl = env.AUTH_DATABASE_URL || env.DATABASE_URL;
  const dataDir = resolve(env.POLIS_DATA_DIR ?? 'data', 'pglite');
  if (!databaseUrl) await mkdir(dataDir, { recursive: true });
  const db = await createDatabase(databaseUrl ? { url: databaseUrl, applicationName: 'auth' } : { dataDir });
  const bus = createEventBus({ url: env.AUTH_RABBITMQ_URL || env.RABBITMQ_URL || undefined });
  const cache = createCache({ url: env.AUTH_REDIS_URL || env.REDIS_URL || undefined });

  await runAuthMigrations(db);
  const service = await createAuthService({ config, db, bus, cache, logger });
  const infrastructure = {
    async close() {
      await bus.close();
      await cache.close();
      await db.close();
      await tracing.shutdown();
    },
  };
  closeOnSignals([infrastructure, service], logger);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
