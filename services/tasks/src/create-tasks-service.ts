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
import { ReplayingEventBus, ReplayLog } from '@polis/sse';
import type { Registry } from 'prom-client';
import { TasksModule } from './app.module.js';
import { AutomationService } from './automation/automation.service.js';
import { type CrmClient, HttpCrmClient } from './crm/crm-client.js';
import { TASKS_SCHEMA } from './db/schema.js';
import { CrmEventsConsumer } from './projection/crm-events.consumer.js';
import { DelayedQueue } from './reminders/delayed-queue.js';
import { ReminderWorker } from './reminders/reminder-worker.js';
import type { TasksConfig } from './tasks.config.js';
import { TASKS_ROUTES } from './tasks.routes.js';

/** The replay log of the `tasks` SSE channel (interfaces.md §3.3, §5). */
export const TASKS_STREAM_KEY = 'tasks:sse:events';

export interface TasksServiceOptions {
  config: TasksConfig;
  db: Database;
  bus: EventBus;
  /** Tasks' cache (Redis DB 2): the delayed queue, the SSE replay log, the scan lock. */
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
  /** Default: CRM's HTTP API at `config.crm.baseUrl`. */
  crm?: CrmClient;
}

export interface RunningTasksService extends RunningService {
  relay: OutboxRelay;
  replayLog: ReplayLog;
  queue: DelayedQueue;
  /** Present when `TASKS_WORKER_ENABLED`. */
  worker?: ReminderWorker;
  automation: AutomationService;
  consumer: CrmEventsConsumer;
}

/**
 * Starts Tasks on infrastructure the caller owns: the database must be migrated
 * (`runTasksMigrations`); db, bus and cache stay open after `close()`, which stops HTTP, the
 * consumer, the worker and the scan, then flushes the outbox.
 */
export async function createTasksService(options: TasksServiceOptions): Promise<RunningTasksService> {
  const { config, db, bus, cache, logger } = options;
  const clock = options.clock ?? systemClock(config.timeZone);
  const replayLog = new ReplayLog(cache, config.sse.replayMaxLen, TASKS_STREAM_KEY);
  const relay = new OutboxRelay({
    db,
    bus: new ReplayingEventBus(bus, replayLog, config.eventsExchange, logger),
    schema: TASKS_SCHEMA,
    logger,
    pollIntervalMs: config.outboxPollIntervalMs,
  });
  const queue = new DelayedQueue(cache, config.worker.queueKey, logger);
  const dbRole = config.dbRole === undefined ? {} : { dbRole: config.dbRole };
  const automation = new AutomationService({
    db,
    cache,
    relay,
    clock,
    logger,
    exchange: config.eventsExchange,
    ...dbRole,
    timeZone: config.timeZone,
    cron: config.rules.cron,
    escalationAfterMs: config.rules.escalationAfterMs,
    mainAdminUserId: config.rules.mainAdminUserId,
  });
  const consumer = new CrmEventsConsumer({
    db,
    bus,
    relay,
    automation,
    logger,
    exchange: config.crm.eventsExchange,
    queue: config.crm.queue,
    rules: config.rules.enabled,
  });
  const worker = config.worker.enabled
    ? new ReminderWorker({
        db,
        queue,
        relay,
        clock,
        logger,
        exchange: config.eventsExchange,
        ...dbRole,
        pollIntervalMs: config.worker.pollIntervalMs,
        batchSize: config.worker.batchSize,
        rebuildIntervalMs: config.worker.rebuildIntervalMs,
        ...(config.rules.enabled ? { onBeat: async () => void (await automation.escalate()) } : {}),
      })
    : undefined;
  const verifier = options.verifier ?? createJwtVerifier(config.jwt);
  const crm = options.crm ?? new HttpCrmClient(config.crm.baseUrl, config.crm.timeoutMs);

  const stopAll = async () => {
    automation.stop();
    await worker?.stop();
    await consumer.stop();
    await relay.stop();
  };
  relay.start();
  try {
    await consumer.start();
    worker?.start();
    if (config.rules.enabled) automation.start();
    const service = await startService({
      name: 'tasks',
      module: TasksModule.create({
        config,
        db,
        cache,
        relay,
        replayLog,
        queue,
        crm,
        clock,
        verifier,
        authCache: options.authCache ?? cache,
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
      onShutdown: [stopAll],
      openapi: { routes: TASKS_ROUTES, title: 'Polis Tasks' },
      ...consulDiscovery(config.consul, 'tasks-service'),
    });
    return Object.assign(service, { relay, replayLog, queue, automation, consumer, ...(worker ? { worker } : {}) });
  } catch (error) {
    await stopAll();
    throw error;
  }
}
