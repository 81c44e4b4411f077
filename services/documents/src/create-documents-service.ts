import { createJwtVerifier, type JwtVerifier } from '@polis/auth-kit';
import type { EventBus } from '@polis/bus';
import type { Cache } from '@polis/cache';
import { type Database, OutboxRelay } from '@polis/db';
import type { Jobs } from '@polis/jobs';
import { type Logger, type RunningService, startService } from '@polis/platform';
import type { Registry } from 'prom-client';
import { type AclDriver, createAclDriver } from './acl/acl-driver.js';
import { DocumentsModule } from './app.module.js';
import { type Clock, systemClock } from './common/clock.js';
import { DOCUMENTS_SCHEMA } from './db/schema.js';
import type { DocumentsConfig } from './documents.config.js';
import { DOCUMENTS_ROUTES } from './documents.routes.js';
import { CrmEventsConsumer } from './events/crm-events.consumer.js';
import { FolderService } from './folders/folder.service.js';
import { CleanupScheduler } from './jobs/cleanup-scheduler.js';
import { type CleanupReport, DocumentWorker } from './jobs/document-worker.js';
import { DocumentJobs, type DocumentQueues } from './jobs/job-queues.js';
import { LinkSigner } from './links/link-signer.js';
import { DocumentStorage } from './storage/document-storage.js';

export interface DocumentsServiceOptions {
  config: DocumentsConfig;
  db: Database;
  bus: EventBus;
  /** Documents' cache (Redis DB 3): upload nonces and locks, visibility answers, the cleanup lock. */
  cache: Cache;
  /** BullMQ with `DOCUMENTS_REDIS_PREFIX` in production, in-process when embedded. */
  jobs: Jobs;
  logger: Logger;
  /** Default `config.port`; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  metrics?: Registry;
  /** Auth's cache (`auth:disabled:<userId>`); default `cache`. */
  authCache?: Cache;
  clock?: Clock;
  /** Default: Auth's JWKS at `config.jwt.jwksUrl`. */
  verifier?: JwtVerifier;
  /** Default: from `config.storage.aclDriver`. */
  acl?: AclDriver;
  /** Run the job workers in this process (default true; false for an API-only replica). */
  workers?: boolean;
}

export interface RunningDocumentsService extends RunningService {
  relay: OutboxRelay;
  storage: DocumentStorage;
  /** Runs the daily cleanup now, in this process (operators' tools and tests). */
  runCleanup(): Promise<CleanupReport>;
  /** Queues the daily cleanup as the schedule would; answers false when another replica holds today's lock. */
  scheduleCleanupNow(): Promise<boolean>;
}

/**
 * Starts Documents on infrastructure the caller owns: the database must be migrated
 * (`runDocumentsMigrations`); db, bus, cache and jobs stay open after `close()`, which stops HTTP,
 * the CRM consumer and the schedule, and flushes the outbox. Workers stop with `jobs.close()`.
 */
export async function createDocumentsService(options: DocumentsServiceOptions): Promise<RunningDocumentsService> {
  const { config, db, bus, cache, jobs, logger } = options;
  const relay = new OutboxRelay({
    db,
    bus,
    schema: DOCUMENTS_SCHEMA,
    logger,
    pollIntervalMs: config.outboxPollIntervalMs,
  });
  const storage = await DocumentStorage.open(config.storage.root, config.storage.dirMode);
  const clock = options.clock ?? systemClock;
  const queues: DocumentQueues = {
    tasks: jobs.queue(config.jobs.queue),
    permissions: jobs.queue(config.jobs.permissionsQueue),
  };
  const verifier = options.verifier ?? createJwtVerifier(config.jwt);
  let consumer: CrmEventsConsumer | undefined;
  let scheduler: CleanupScheduler | undefined;

  relay.start();
  try {
    const service = await startService({
      name: 'documents',
      module: DocumentsModule.create({
        config,
        db,
        relay,
        cache,
        queues,
        storage,
        signer: new LinkSigner(config.links.keys, config.links.signingKid, () => clock.now()),
        acl: options.acl ?? createAclDriver(config.storage.aclDriver),
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
        jobs: () => jobs.ping(),
      },
      // Uploads finish (or are cut) before the consumer and the relay stop.
      drainTimeoutMs: 30_000,
      onShutdown: [
        async () => {
          scheduler?.stop();
          await consumer?.stop();
        },
        () => relay.stop(),
      ],
      openapi: { routes: DOCUMENTS_ROUTES, title: 'Polis Documents' },
    });
    const worker = service.app.get(DocumentWorker);
    const documentJobs = service.app.get(DocumentJobs);
    try {
      consumer = new CrmEventsConsumer({ db, bus, config, folders: service.app.get(FolderService), logger });
      await consumer.start();
      if (options.workers ?? true) {
        await queues.tasks.process((job) => worker.handleTask(job), { concurrency: 4 });
        await queues.permissions.process((job) => worker.handlePermissions(job), { concurrency: 1 });
      }
      if (config.retention.cleanupAtMinutes !== null) {
        scheduler = new CleanupScheduler({
          jobs: documentJobs,
          cache,
          logger,
          timeZone: config.timeZone,
          atMinutes: config.retention.cleanupAtMinutes,
          now: () => clock.now(),
        });
        scheduler.start();
      }
    } catch (error) {
      await service.close();
      throw error;
    }
    const cleanupScheduler = new CleanupScheduler({
      jobs: documentJobs,
      cache,
      logger,
      timeZone: config.timeZone,
      atMinutes: config.retention.cleanupAtMinutes ?? 0,
      now: () => clock.now(),
    });
    return Object.assign(service, {
      relay,
      storage,
      runCleanup: () => worker.cleanup(),
      scheduleCleanupNow: () => cleanupScheduler.tick(),
    });
  } catch (error) {
    await relay.stop();
    throw error;
  }
}
