import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createEventBus } from '@polis/bus';
import { createCache } from '@polis/cache';
import { createDatabase } from '@polis/db';
import { closeOnSignals, createLogger, startTracing } from '@polis/platform';
import { createTasksService } from './create-tasks-service.js';
import { runTasksMigrations } from './migrations.js';
import { loadTasksConfig } from './tasks.config.js';

/** Standalone Tasks process: env → infrastructure → migrations → HTTP on TASKS_SERVICE_PORT. */
async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger({ service: 'tasks' });
  const tracing = await startTracing({ serviceName: 'tasks' });
  const config = loadTasksConfig(env);

  const databaseUrl = env.TASKS_DATABASE_URL || env.DATABASE_URL;
  const dataDir = resolve(env.POLIS_DATA_DIR ?? 'data', 'pglite');
  if (!databaseUrl) await mkdir(dataDir, { recursive: true });
  const db = await createDatabase(databaseUrl ? { url: databaseUrl, applicationName: 'tasks' } : { dataDir });
  const bus = createEventBus({ url: env.TASKS_RABBITMQ_URL || env.RABBITMQ_URL || undefined });
  const cache = createCache({ url: env.TASKS_REDIS_URL || env.REDIS_URL || undefined });
  const authRedisUrl = env.AUTH_REDIS_URL;
  const authCache = authRedisUrl ? createCache({ url: authRedisUrl }) : cache;

  await runTasksMigrations(db);
  const service = await createTasksService({ config, db, bus, cache, authCache, logger });
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
