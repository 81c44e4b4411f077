import { createEventBus } from '@polis/bus';
import { createCache } from '@polis/cache';
import { createDatabase } from '@polis/db';
import { createJobs } from '@polis/jobs';
import { runStandalone, serviceConnections } from '@polis/platform';
import { createDocumentsService } from './create-documents-service.js';
import { loadDocumentsConfig } from './documents.config.js';
import { runDocumentsMigrations } from './migrations.js';

/** Standalone Documents process: env → infrastructure → migrations → HTTP on DOCUMENTS_SERVICE_PORT + workers. */
runStandalone('documents', async ({ env, logger }) => {
  const config = loadDocumentsConfig(env);
  const connections = serviceConnections(env, 'documents');
  const db = await createDatabase(connections.database);
  const bus = createEventBus({ url: connections.rabbitmqUrl });
  const cache = createCache({ url: connections.redisUrl, keyPrefix: `${config.jobs.prefix}:` });
  const jobs = createJobs({ url: connections.redisUrl, prefix: config.jobs.prefix });
  const authCache = connections.authRedisUrl ? createCache({ url: connections.authRedisUrl }) : cache;

  if (env.DOCUMENTS_RUN_MIGRATIONS !== 'false') await runDocumentsMigrations(db);
  const service = await createDocumentsService({ config, db, bus, cache, jobs, authCache, logger });
  return [db, cache, ...(authCache === cache ? [] : [authCache]), bus, jobs, service];
});
