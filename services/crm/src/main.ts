import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createEventBus } from '@polis/bus';
import { createCache } from '@polis/cache';
import { createDatabase } from '@polis/db';
import { closeOnSignals, createLogger, startTracing } from '@polis/platform';
import { createCrmService } from './create-crm-service.js';
import { loadCrmConfig } from './crm.config.js';
import { runCrmMigrations } from './migrations.js';

/** Standalone CRM process: env → infrastructure → migrations → HTTP on CRM_SERVICE_PORT. */
async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger({ service: 'crm' });
  const tracing = await startTracing({ serviceName: 'crm' });
  const config = loadCrmConfig(env);

  const databaseUrl = env.CRM_DATABASE_URL || env.DATABASE_URL;
  const dataDir = resolve(env.POLIS_DATA_DIR ?? 'data', 'pglite');
  if (!databaseUrl) await mkdir(dataDir, { recursive: true });
  const db = await createDatabase(databaseUrl ? { url: databaseUrl, applicationName: 'crm' } : { dataDir });
  const bus = createEventBus({ url: env.CRM_RABBITMQ_URL || env.RABBITMQ_URL || undefined });
  const cache = createCache({ url: env.CRM_REDIS_URL || env.REDIS_URL || undefined });
  const authRedisUrl = env.AUTH_REDIS_URL;
  const authCache = authRedisUrl ? createCache({ url: authRedisUrl }) : cache;

  await runCrmMigrations(db);
  const service = await createCrmService({ config, db, bus, cache, authCache, logger });
  const infrastructure = {
    async close() {
      await bus.close();
      if (authCache !== cache) await authCache.close();
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
