import { createHash, randomInt, randomUUID } from 'node:crypto';
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
import type { TokenPair } from '@polis/contracts';
import {
  createCrmService,
  DEMO_CRM_USERS,
  HttpDocumentsClient,
  loadCrmConfig,
  type RunningCrmService,
  runCrmMigrations,
  seedCrmDemo,
  systemClock,
} from '@polis/crm';
import { createLogger } from '@polis/platform';
import { startTestBackend, type TestBackend } from '@polis/testing';
import {
  type AclDriver,
  createDocumentsService,
  loadDocumentsConfig,
  type RunningDocumentsService,
  runDocumentsMigrations,
} from '../src/index.js';

export type Json = Record<string, unknown>;

export interface ApiResponse<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

/** The people of the authorization matrix: the demo agency plus an executor on no team. */
export const PEOPLE = {
  admin: DEMO_CRM_USERS.anna,
  owner: DEMO_CRM_USERS.sergey,
  otherAgent: DEMO_CRM_USERS.olga,
  teamExecutor: DEMO_CRM_USERS.elena,
  outsideExecutor: '5a7e2c1d-3b4f-4e6a-9c8d-7f1e2d3c4b5a',
} as const;
export type Person = keyof typeof PEOPLE;

const PASSWORD = 'Passw0rd!';
const OUTSIDE_EXECUTOR_EMAIL = 'ivan.executor@example.com';
const HASH = { memoryKib: 1024, iterations: 1 };
export const TEST_SIGNING_KEYS = 'k1:documents-test-signing-key-0001,k0:documents-test-signing-key-0000';

const AUTH_TEST_ENV: Record<string, string> = {
  AUTH_PASSWORD_HASH_MEMORY_KIB: String(HASH.memoryKib),
  AUTH_PASSWORD_HASH_ITERATIONS: String(HASH.iterations),
  AUTH_LOGIN_MAX_PER_MINUTE: '100000',
  AUTH_REFRESH_MAX_PER_MINUTE: '100000',
  AUTH_JWT_ISSUER: 'http://auth.test',
};

export interface StartOptions {
  env?: Record<string, string>;
  acl?: AclDriver;
  /** Runs before the services start, e.g. to bind a queue so that no event is missed. */
  beforeStart?: (backend: TestBackend) => Promise<void>;
}

/** One backend, Auth, CRM (demo data) and Documents per test file; real tokens from real sign-ins. */
export interface DocumentsHarness {
  backend: TestBackend;
  auth: RunningAuthService;
  crm: RunningCrmService;
  docs: RunningDocumentsService;
  /** The storage root (a fresh temp directory) and a sibling directory outside it. */
  root: string;
  outside: string;
  importRoot: string;
  tokens: Record<Person, string>;
  request<T = Json>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** A link the service issued (on the public base), sent to the service directly. */
  direct(link: string): string;
  sql<T = Json>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
  base?: string;
}

export async function startDocuments(options: StartOptions = {}): Promise<DocumentsHarness> {
  const backend = await startTestBackend();
  await runAuthMigrations(backend.db);
  await runCrmMigrations(backend.db);
  await runDocumentsMigrations(backend.db);
  await options.beforeStart?.(backend);
  const work = await mkdtemp(join(tmpdir(), 'polis-documents-'));
  const root = join(work, 'root');
  const outside = join(work, 'outside');
  const importRoot = join(work, 'imports');

  const logger = createLogger({ service: 'documents-test', level: process.env.LOG_LEVEL ?? 'silent' });
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
  await seedCrmDemo(backend.db, { today });
  const jwtEnv = { AUTH_JWKS_URL: `${auth.url}/.well-known/jwks.json`, AUTH_JWT_ISSUER: 'http://auth.test' };
  const crmConfig = loadCrmConfig({ ...jwtEnv, CRM_OUTBOX_POLL_INTERVAL_MS: '20' });
  // CRM checks policy document links here; Documents starts after CRM, so the address comes later.
  let documentsUrl = '';
  const crm = await createCrmService({
    config: crmConfig,
    db: backend.db,
    bus: backend.bus,
    cache: backend.cache,
    logger,
    port: 0,
    host: '127.0.0.1',
    documents: new HttpDocumentsClient(() => documentsUrl, crmConfig.documents.timeoutMs),
  });
  const docs = await createDocumentsService({
    config: loadDocumentsConfig({
      ...jwtEnv,
      DOCUMENTS_STORAGE_ROOT: root,
      DOCUMENTS_IMPORT_ROOT: importRoot,
      DOCUMENTS_CRM_BASE_URL: crm.url,
      DOCUMENTS_URL_SIGNING_KEYS: TEST_SIGNING_KEYS,
      DOCUMENTS_UPLOAD_URL_BASE: 'http://gateway.test/api/v1/documents',
      DOCUMENTS_OUTBOX_POLL_INTERVAL_MS: '20',
      DOCUMENTS_JOB_ATTEMPTS: '2',
      DOCUMENTS_JOB_BACKOFF_MS: '10',
      DOCUMENTS_CLEANUP_AT: '',
      DOCUMENTS_VISIBILITY_CACHE_TTL_MS: '2000',
      ...options.env,
    }),
    db: backend.db,
    bus: backend.bus,
    cache: backend.cache,
    jobs: backend.jobs,
    logger,
    port: 0,
    host: '127.0.0.1',
    ...(options.acl ? { acl: options.acl } : {}),
  });
  documentsUrl = docs.url;

  const request = async <T>(method: string, path: string, requestOptions: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...requestOptions.headers };
    let body: string | undefined = requestOptions.rawBody;
    if (requestOptions.body !== undefined) {
      body = JSON.stringify(requestOptions.body);
      headers['content-type'] = 'application/json';
    } else if (body !== undefined) {
      headers['content-type'] ??= 'application/json';
    }
    if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`;
    const response = await fetch(`${requestOptions.base ?? docs.url}${path}`, {
      method,
      headers,
      body,
      redirect: 'manual',
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  };

  const emails: Record<Person, string> = {
    admin: 'anna.admin@example.com',
    owner: 'sergey.seller@example.com',
    otherAgent: 'olga.lead@example.com',
    teamExecutor: 'elena.executor@example.com',
    outsideExecutor: OUTSIDE_EXECUTOR_EMAIL,
  };
  const tokens = {} as Record<Person, string>;
  for (const [person, email] of Object.entries(emails) as Array<[Person, string]>) {
    const response = await fetch(`${auth.url}/api/v1/auth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': `10.1.${randomInt(0, 256)}.${randomInt(1, 255)}`,
      },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (response.status !== 200)
      throw new Error(`login of ${email} failed: ${response.status} ${await response.text()}`);
    tokens[person] = ((await response.json()) as TokenPair).accessToken;
  }

  return {
    backend,
    auth,
    crm,
    docs,
    root,
    outside,
    importRoot,
    tokens,
    request,
    direct(link: string) {
      const url = new URL(link);
      return `${docs.url}${url.pathname}${url.search}`;
    },
    sql: (text, params) => backend.db.query(text, params),
    async close() {
      await docs.close();
      await crm.close();
      await auth.close();
      await backend.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** A minimal valid PDF of about `size` bytes (magic bytes first, padding in a comment). */
export function pdfBytes(size = 2048, seed = 'x'): Buffer {
  const head = Buffer.from(`%PDF-1.4\n%${seed}\n`);
  const tail = Buffer.from('\n%%EOF\n');
  const padding = Buffer.alloc(Math.max(0, size - head.length - tail.length), 0x20);
  return Buffer.concat([head, padding, tail]);
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Collects every event published on an exchange (a queue bound `#`). */
export class EventRecorder {
  readonly events: CloudEvent[] = [];

  async bind(backend: TestBackend, exchange: string): Promise<void> {
    await backend.bus.subscribe({
      queue: `test.docs.${randomUUID().slice(0, 8)}`,
      exchange,
      bindings: ['#'],
      handler: async (event) => {
        this.events.push(event);
      },
    });
  }
}

/** Polls `probe` until it answers something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
