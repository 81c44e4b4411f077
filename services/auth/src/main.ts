import { createEventBus } from '@polis/bus';
import { createCache } from '@polis/cache';
import { createDatabase } from '@polis/db';
import { runStandalone, serviceConnections } from '@polis/platform';
import { loadAuthConfig } from './auth.config.js';
import { createAuthService } from './create-auth-service.js';
import { runAuthMigrations } from './migrations.js';

/** Standalone Auth process: env → infrastructure → migrations → HTTP on AUTH_SERVICE_PORT. */
runStandalone('auth', async ({ env, logger }) => {
  const config = loadAuthConfig(env);
  const connections = serviceConnections(env, 'auth');
  const db = await createDatabase(connections.database);
  const bus = createEventBus({ url: connections.rabbitmqUrl });
  const cache = createCache({ url: connections.redisUrl });

  await runAuthMigrations(db);
  const service = await createAuthService({ config, db, bus, cache, logger });
  return [db, cache, bus, service];
});
