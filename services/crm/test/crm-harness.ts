import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAuthService,
  ensureUser,
  loadAuthConfig,
  type RunningAuthService,
  runAuthMigrations,
  seedDemoUsers,
} from '@polis/auth';
import type { CloudEvent } from '@polis/bus';
import type { CreateDocumentResponse, FolderOwnerType, TokenPair } from '@polis/contracts';
import {
  createDocumentsService,
  loadDocumentsConfig,
  type RunningDocumentsService,
  runDocumentsMigrations,
} from '@polis/documents';
import { createLogger } from '@polis/platform';
import { startTestBackend, type TestBackend } from '@polis/testing';
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

export type Json = Record<string, unknown>;

export interface ApiResponse<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is (already serialised), for malformed or oversized bodies. */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** The people of the authorization matrix: the demo agency plus an executor on no team. */
export const PEOPLE = {
  admin: DEMO_CRM_USERS.anna,
  owner: DEMO_CRM_USERS.sergey,
  otherAgent: DEMO_CRM_USERS.olga,
  teamExecutor: DEMO_CRM_USERS.elena,
  sellerExecutor: DEMO_CRM_USERS.dmitry,
  outsideExecutor: '5a7e2c1d-3b4f-4e6a-9c8d-7f1e2d3c4b5a',
} as const;
export type Person = keyof typeof PEOPLE;

const PASSWORD = 'Passw0rd!';
const OUTSIDE_EXECUTOR_EMAIL = 'ivan.executor@example.com';
const HASH = { memoryKib: 1024, iterations: 1 };

const AUTH_TEST_ENV: Record<string, string> = {
  AUTH_PASSWORD_HASH_MEMORY_KIB: String(HASH.memoryKib),
  AUTH_PASSWORD_HASH_ITERATIONS: String(HASH.iterations),
  AUTH_LOGIN_MAX_PER_MINUTE: '100000',
  AUTH_REFRESH_MAX_PER_MINUTE: '100000',
  AUTH_JWT_ISSUER: 'http://auth.test',
};

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
  request<T = Json>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
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
  request<T = Json>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
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
  const auth = await createAuthService({
    config: loadAuthConfig(AUTH_TEST_ENV),
    db: backend.db,
    bus: backend.bus,
    cache: backend.cache,
    logger,
    port: 0,
    host: '127.0.0.1',
  });
  await seedDemoUsers({ db: backend.db, passwordHash: HASH });
  await ensureUser(
    { db: backend.db, passwordHash: HASH },
    {
      id: PEOPLE.outsideExecutor,
      email: OUTSIDE_EXECUTOR_EMAIL,
      fullName: 'Иван Сидоров',
      password: PASSWORD,
      roles: ['ROLE_EXECUTOR'],
      auditKey: 'auth.user.created',
    },
  );

  const today = systemClock('Europe/Moscow').today();
  const clock: Clock = { now: () => new Date(), today: () => today };
  if (options.seed ?? true) await seedCrmDemo(backend.db, { today });
  const jwtEnv = { AUTH_JWKS_URL: `${auth.url}/.well-known/jwks.json`, AUTH_JWT_ISSUER: 'http://auth.test' };
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

  const requestTo =
    (base: () => string) =>
    async <T>(method: string, path: string, requestOptions: RequestOptions = {}): Promise<ApiResponse<T>> => {
      const headers: Record<string, string> = { ...requestOptions.headers };
      let body: string | undefined = requestOptions.rawBody;
      if (requestOptions.body !== undefined) {
        body = JSON.stringify(requestOptions.body);
        headers['content-type'] = 'application/json';
      } else if (body !== undefined) {
        headers['content-type'] ??= 'application/json';
      }
      if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`;
      const response = await fetch(`${base()}${path}`, { method, headers, body });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
    };
  const request = requestTo(() => crm.url);

  const emails: Record<Person, string> = {
    admin: 'anna.admin@example.com',
    owner: 'sergey.seller@example.com',
    otherAgent: 'olga.lead@example.com',
    teamExecutor: 'elena.executor@example.com',
    sellerExecutor: 'dmitry.lebedev@example.com',
    outsideExecutor: OUTSIDE_EXECUTOR_EMAIL,
  };
  const tokens = {} as Record<Person, string>;
  for (const [person, email] of Object.entries(emails) as Array<[Person, string]>) {
    const response = await fetch(`${auth.url}/api/v1/auth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': `10.0.${randomInt(0, 256)}.${randomInt(1, 255)}`,
      },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (response.status !== 200)
      throw new Error(`login of ${email} failed: ${response.status} ${await response.text()}`);
    tokens[person] = ((await response.json()) as TokenPair).accessToken;
  }

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
    const documentsRequest = requestTo(() => service.url);
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

/** Collects every event CRM publishes (a queue bound `#` on `crm.events`). */
export class EventRecorder {
  readonly events: CloudEvent[] = [];

  async bind(backend: TestBackend, exchange = 'crm.events'): Promise<void> {
    await backend.bus.subscribe({
      queue: `test.crm.${randomUUID().slice(0, 8)}`,
      exchange,
      bindings: ['#'],
      handler: async (event) => {
        this.events.push(event);
      },
    });
  }

  /** Events recorded from now on: call it before a mutation, read it after. */
  mark(): { since(): CloudEvent[] } {
    const start = this.events.length;
    return { since: () => this.events.slice(start) };
  }
}

/** Polls `probe` until it answers something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A date relative to the harness's today. */
export function daysFrom(today: string, days: number): string {
  const [year, month, day] = today.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}
