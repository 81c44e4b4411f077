import { createJwtVerifier, type JwtVerifier } from '@polis/auth-kit';
import type { EventBus } from '@polis/bus';
import type { Cache } from '@polis/cache';
import { type Database, OutboxRelay } from '@polis/db';
import {
  type Clock,
  consulDiscovery,
  type Logger,
  type RunningService,
  startService,
  systemClock,
} from '@polis/platform';
import type { Registry } from 'prom-client';
import { CrmModule } from './app.module.js';
import type { CrmConfig } from './crm.config.js';
import { CRM_ROUTES } from './crm.routes.js';
import { CRM_SCHEMA } from './db/schema.js';
import { type DocumentsClient, HttpDocumentsClient } from './documents/documents-client.js';
import { ReplayLog } from './events/replay-log.js';
import { ReplayingEventBus } from './events/replaying-event-bus.js';

export interface CrmServiceOptions {
  config: CrmConfig;
  db: Database;
  bus: EventBus;
  /** CRM's cache (Redis DB 1): the SSE replay log. */
  cache: Cache;
  logger: Logger;
  /** Default `config.port`; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  metrics?: Registry;
  /** Auth's cache (`auth:disabled:<userId>`); default `cache`. */
  authCache?: Cache;
  /** Default: the system clock in `config.timeZone`. */
  clock?: Clock;
  /** Default: Auth's JWKS at `config.jwt.jwksUrl`. */
  verifier?: JwtVerifier;
  /**
   * Default: Documents at `config.documents.baseUrl`. A process that starts Documents after CRM passes
   * `new HttpDocumentsClient(() => documentsUrl, timeoutMs)`.
   */
  documents?: DocumentsClient;
}

export interface RunningCrmService extends RunningService {
  relay: OutboxRelay;
  /** The `deals` SSE replay log. */
  replayLog: ReplayLog;
}

/**
 * Starts CRM on infrastructure the caller owns: the database must be migrated (`runCrmMigrations`)
 * and db, bus and cache stay open after `close()`, which stops HTTP and flushes the outbox.
 */
export async function createCrmService(options: CrmServiceOptions): Promise<RunningCrmService> {
  const { config, db, bus, cache, logger } = options;
  const replayLog = new ReplayLog(cache, config.sse.replayMaxLen);
  // Events reach the SSE replay log once the broker has confirmed them (ARCHITECTURE.md §7).
  const relay = new OutboxRelay({
    db,
    bus: new ReplayingEventBus(bus, replayLog, config.eventsExchange, logger),
    schema: CRM_SCHEMA,
    logger,
    pollIntervalMs: config.outboxPollIntervalMs,
  });
  const verifier = options.verifier ?? createJwtVerifier(config.jwt);

  relay.start();
  try {
    const service = await startService({
      name: 'crm',
      module: CrmModule.create({
        config,
        db,
        relay,
        replayLog,
        clock: options.clock ?? systemClock(config.timeZone),
        verifier,
        authCache: options.authCache ?? cache,
        documents: options.documents ?? new HttpDocumentsClient(config.documents.baseUrl, config.documents.timeoutMs),
      }),
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
      onShutdown: [() => relay.stop()],
      openapi: { routes: CRM_ROUTES, title: 'Polis CRM' },
      ...consulDiscovery(config.consul, 'crm-service'),
    });
    return Object.assign(service, { relay, replayLog });
  } catch (error) {
    await relay.stop();
    throw error;
  }
}
