import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createEventBus } from '@polis/bus';
import { createCache } from '@polis/cache';
import { createDatabase } from '@polis/db';
import { createJobs } from '@polis/jobs';
import { closeOnSignals, createLogger, startTracing } from '@polis/platform';
import { createDocumentsService } from './create-documents-service.js';
import { loadDocumentsConfig } from './documents.config.js';
import { runDocumentsMigrations } from './migrations.js';

/** Standalone Documents process: env → infrastructure → migrations → HTTP on DOCUMENTS_SERVICE_PORT + workers. */
async function main(): Promise<void> {
  const env = process.env;
  const logger = createLogger({ service: 'documents' });
  const tracing = await startTracing({ serviceName: 'documents' });
  const config = loadDocumentsConfig(env);

  const databaseUrl = env.DOCUMENTS_DATABASE_URL || env.DATABASE_URL;
  const dataDir = resolve(env.POLIS_DATA_DIR ?? 'data', 'pglite');
  if (!databaseUrl) await mkdir(dataDir, { recursive: true });
  const db = await createDatabase(databaseUrl ? { url: databaseUrl, applicationName: 'documents' } : { dataDir });
  const bus = createEventBus({ url: env.DOCUMENTS_RABBITMQ_URL || env.RABBITMQ_URL || undefined });
  const redisUrl = env.DOCUMENTS_REDIS_URL || env.REDIS_URL || undefined;
  const cache = createCache({ url: redisUrl, keyPrefix: `${config.jobs.prefix}:` });
  const jobs = createJobs({ url: redisUrl, prefix: config.jobs.prefix });
  const authRedisUrl = env.AUTH_REDIS_URL;
  const authCache = authRedisUrl ? createCache({ url: authRedisUrl }) : cache;

  if (env.DOCUMENTS_RUN_MIGRATIONS !== 'false') await runDocumentsMigrations(db);
  const service = await createDocumentsService({ config, db, bus, cache, jobs, authCache, logger });
  const infrastructure = {
    async close() {
      await jobs.close();
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
