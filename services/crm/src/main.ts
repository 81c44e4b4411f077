import { createEventBus } from '@polis/bus';
import { createCache } from '@polis/cache';
import { createDatabase } from '@polis/db';
import { runStandalone, serviceConnections } from '@polis/platform';
import { createCrmService } from './create-crm-service.js';
import { loadCrmConfig } from './crm.config.js';
import { runCrmMigrations } from './migrations.js';

/** Standalone CRM process: env → infrastructure → migrations → HTTP on CRM_SERVICE_PORT. */
runStandalone('crm', async ({ env, logger }) => {
  const config = loadCrmConfig(env);
  const connections = serviceConnections(env, 'crm');
  const db = await createDatabase(connections.database);
  const bus = createEventBus({ url: connections.rabbitmqUrl });
  const cache = createCache({ url: connections.redisUrl });
  const authCache = connections.authRedisUrl ? createCache({ url: connections.authRedisUrl }) : cache;

  await runCrmMigrations(db);
  const service = await createCrmService({ config, db, bus, cache, authCache, logger });
  return [db, cache, ...(authCache === cache ? [] : [authCache]), bus, service];
});
