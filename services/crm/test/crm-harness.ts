import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningAuthService, runAuthMigrations } from '@polis/auth';
import type { CreateDocumentResponse, FolderOwnerType } from '@polis/contracts';
import {
  createDocumentsService,
  loadDocumentsConfig,
  type RunningDocumentsService,
  runDocumentsMigrations,
} from '@polis/documents';
import { createLogger } from '@polis/platform';
import {
  EventRecorder as BaseEventRecorder,
  type Json,
  type JsonRequest,
  jsonClient,
  OUTSIDE_EXECUTOR,
  startTestAuth,
  startTestBackend,
  type TestBackend,
} from '@polis/testing';
import {
  type Clock,
  createCrmService,
  DEMO_CRM_USERS,
  HttpDocumentsClient,
  loadCrmConfig,
  type RunningCrmService,
  runCrmMigrations,
  seedCrmDemo,
  systemClock,
} from '../src/index.js';

export { type ApiResponse, eventually, type Json, type RequestOptions } from '@polis/testing';

/** The people of the authorization matrix: the demo agency plus an executor on no team. */
export const PEOPLE = {
  admin: DEMO_CRM_USERS.anna,
  owner: DEMO_CRM_USERS.sergey,
  otherAgent: DEMO_CRM_USERS.olga,
  teamExecutor: DEMO_CRM_USERS.elena,
  sellerExecutor: DEMO_CRM_USERS.dmitry,
  outsideExecutor: OUTSIDE_EXECUTOR.id,
} as const;
export type Person = keyof typeof PEOPLE;

export interface StartOptions {
  env?: Record<string, string>;
  /** Runs before the services start, e.g. to bind a queue so that no event is missed. */
  beforeStart?: (backend: TestBackend) => Promise<void>;
  /** Load the demo data (default true). */
  seed?: boolean;
  /** Also start the Documents service (after CRM, pointed at it) and have CRM check links there. */
  documents?: boolean;
}

/** The Documents service of a harness started with `documents: true`. */
export interface DocumentsSide {
  service: RunningDocumentsService;
  url: string;
  request: JsonRequest;
  /** A document (no file yet) on a client, deal or policy, created through the API by `person`. */
  create(person: Person, ownerType: FolderOwnerType, ownerId: string): Promise<string>;
  /** Stops Documents for good: from then on CRM cannot reach it. */
  stop(): Promise<void>;
}

/** One backend, one Auth and one CRM per test file; real tokens from real sign-ins. */
export interface CrmHarness {
  backend: TestBackend;
  auth: RunningAuthService;
  crm: RunningCrmService;
  url: string;
  /** The fixed "today" of this file's CRM (the agency's date when the file started). */
  today: string;
  tokens: Record<Person, string>;
  /** Present when started with `documents: true`. */
  documents?: DocumentsSide;
  request: JsonRequest;
  /** Rows of a crm table, soft-deleted ones included. */
  count(table: string): Promise<number>;
  /** Raw SQL as the database owner (bypasses row-level security). */
  sql<T = Json>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function startCrm(options: StartOptions = {}): Promise<CrmHarness> {
  const backend = await startTestBackend();
  await runAuthMigrations(backend.db);
  await runCrmMigrations(backend.db);
  if (options.documents) await runDocumentsMigrations(backend.db);
  await options.beforeStart?.(backend);

  const logger = createLogger({ service: 'crm-test', level: process.env.LOG_LEVEL ?? 'silent' });
  const testAuth = await startTestAuth(backend, { logger });
  const auth = testAuth.service;

  const today = systemClock('Europe/Moscow').today();
  const clock: Clock = { now: () => new Date(), today: () => today };
  if (options.seed ?? true) await seedCrmDemo(backend.db, { today });
  const { jwtEnv } = testAuth;
  const crmConfig = loadCrmConfig({
    ...jwtEnv,
    CRM_OUTBOX_POLL_INTERVAL_MS: '20',
    CRM_SSE_BLOCK_MS: '100',
    CRM_SSE_KEEPALIVE_MS: '1000',
    ...options.env,
  });
  // Documents starts after CRM (it needs CRM's address): the client learns its address then.
  let documentsUrl = '';
  const crm = await createCrmService({
    config: crmConfig,
    db: backend.db,
    bus: backend.bus,
    cache: backend.cache,
    logger,
    port: 0,
    host: '127.0.0.1',
    clock,
    ...(options.documents
      ? { documents: new HttpDocumentsClient(() => documentsUrl, crmConfig.documents.timeoutMs) }
      : {}),
  });

  const request = jsonClient(crm.url);
  const tokens = await testAuth.signInAll(PEOPLE);

  let documents: DocumentsSide | undefined;
  let storage: string | undefined;
  if (options.documents) {
    storage = await mkdtemp(join(tmpdir(), 'polis-crm-documents-'));
    const service = await createDocumentsService({
      config: loadDocumentsConfig({
        ...jwtEnv,
        DOCUMENTS_STORAGE_ROOT: join(storage, 'root'),
        DOCUMENTS_IMPORT_ROOT: join(storage, 'imports'),
        DOCUMENTS_CRM_BASE_URL: crm.url,
        DOCUMENTS_OUTBOX_POLL_INTERVAL_MS: '20',
        DOCUMENTS_CLEANUP_AT: '',
        DOCUMENTS_LINK_RATE_LIMIT_PER_HOUR: '100000',
      }),
      db: backend.db,
      bus: backend.bus,
      cache: backend.cache,
      jobs: backend.jobs,
      logger,
      port: 0,
      host: '127.0.0.1',
    });
    documentsUrl = service.url;
    let stopped = false;
    const documentsRequest = jsonClient(service.url);
    documents = {
      service,
      url: service.url,
      request: documentsRequest,
      async create(person, ownerType, ownerId) {
        const created = await documentsRequest<CreateDocumentResponse>('POST', '/api/v1/documents', {
          token: tokens[person],
          body: { ownerType, ownerId, title: `Документ ${randomUUID().slice(0, 6)}` },
        });
        if (created.status !== 201) {
          throw new Error(`document creation failed: ${created.status} ${JSON.stringify(created.body)}`);
        }
        return created.body.documentId;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await service.close();
      },
    };
  }

  return {
    backend,
    auth,
    crm,
    url: crm.url,
    today,
    tokens,
    ...(documents ? { documents } : {}),
    request,
    async count(table) {
      const [row] = await backend.db.query<{ n: number }>(`select count(*)::int as n from crm.${table}`);
      return row?.n ?? 0;
    },
    sql: (text, params) => backend.db.query(text, params),
    async close() {
      await documents?.stop();
      await crm.close();
      await auth.close();
      await backend.close();
      if (storage !== undefined) await rm(storage, { recursive: true, force: true });
    },
  };
}

/** Collects every event CRM publishes (a queue bound `#` on `crm.events` unless told otherwise). */
export class EventRecorder extends BaseEventRecorder {
  override bind(backend: TestBackend, exchange = 'crm.events'): Promise<void> {
    return super.bind(backend, exchange);
  }
}

/** A date relative to the harness's today. */
export { addDays as daysFrom } from '@polis/platform';
