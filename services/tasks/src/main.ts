import { createEventBus } from '@polis/bus';
import { createCache } from '@polis/cache';
import { createDatabase } from '@polis/db';
import { runStandalone, serviceConnections } from '@polis/platform';
import { createTasksService } from './create-tasks-service.js';
import { runTasksMigrations } from './migrations.js';
import { loadTasksConfig } from './tasks.config.js';

/** Standalone Tasks process: env → infrastructure → migrations → HTTP on TASKS_SERVICE_PORT. */
runStandalone('tasks', async ({ env, logger }) => {
  const config = loadTasksConfig(env);
  const connections = serviceConnections(env, 'tasks');
  const db = await createDatabase(connections.database);
  const bus = createEventBus({ url: connections.rabbitmqUrl });
  const cache = createCache({ url: connections.redisUrl });
  const authCache = connections.authRedisUrl ? createCache({ url: connections.authRedisUrl }) : cache;

  await runTasksMigrations(db);
  const service = await createTasksService({ config, db, bus, cache, authCache, logger });
  return [db, cache, ...(authCache === cache ? [] : [authCache]), bus, service];
});
