import type { EventBus } from '@polis/bus';
import type { Cache } from '@polis/cache';
import { type Database, OutboxRelay } from '@polis/db';
import { consulDiscovery, type Logger, type RunningService, startService } from '@polis/platform';
import type { Registry } from 'prom-client';
import { AuthModule } from './app.module.js';
import type { AuthConfig } from './auth.config.js';
import { ensureBootstrapAdmin } from './bootstrap/bootstrap-admin.js';
import { AUTH_SCHEMA } from './db/schema.js';
import { SigningKeyStore } from './keys/signing-key.store.js';
import { PasswordHasher } from './security/password-hasher.js';

export interface AuthServiceOptions {
  config: AuthConfig;
  db: Database;
  bus: EventBus;
  cache: Cache;
  logger: Logger;
  /** Default `config.port`; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  metrics?: Registry;
}

export interface RunningAuthService extends RunningService {
  relay: OutboxRelay;
  /** The signing keys: rotation and retirement without going through HTTP. */
  keys: SigningKeyStore;
}

/**
 * Starts Auth on infrastructure the caller owns: the database must be migrated (`runAuthMigrations`)
 * and db, bus and cache stay open after `close()`, which stops HTTP and flushes the outbox.
 */
export async function createAuthService(options: AuthServiceOptions): Promise<RunningAuthService> {
  const { config, db, bus, cache, logger } = options;
  const keys = new SigningKeyStore(config, db);
  await keys.open();
  const hasher = new PasswordHasher(config.passwordHash);
  const relay = new OutboxRelay({ db, bus, schema: AUTH_SCHEMA, logger });

  try {
    await bootstrapFromConfig(options);
    relay.start();
    const service = await startService({
      name: 'auth',
      module: AuthModule.create({ config, db, cache, relay, keys, hasher }),
      port: options.port ?? config.port,
      host: options.host ?? config.host,
      logger,
      trustProxy: config.trustProxy,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      readiness: {
        database: () => db.ping(),
        bus: () => bus.ping(),
        cache: () => cache.ping(),
      },
      onShutdown: [() => relay.stop(), async () => keys.close()],
      ...consulDiscovery(config.consul, 'auth-service'),
    });
    return Object.assign(service, { relay, keys });
  } catch (error) {
    await relay.stop();
    keys.close();
    throw error;
  }
}

async function bootstrapFromConfig({ config, db, logger }: AuthServiceOptions): Promise<void> {
  const { bootstrap } = config;
  if (!bootstrap.enabled) return;
  if (!bootstrap.password) {
    logger.warn({ email: bootstrap.email }, 'AUTH_BOOTSTRAP_ENABLED is set without AUTH_BOOTSTRAP_PASSWORD; skipped');
    return;
  }
  const result = await ensureBootstrapAdmin(
    { db, auditExchange: config.auditExchange, passwordHash: config.passwordHash },
    { email: bootstrap.email, password: bootstrap.password, roles: bootstrap.roles, production: config.production },
  );
  if (result.created) logger.info({ email: result.email }, 'bootstrap administrator created');
}
