import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningAuthService, runAuthMigrations } from '@polis/auth';
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
import {
  type ApiResponse,
  type RequestOptions as BaseRequestOptions,
  type Json,
  OUTSIDE_EXECUTOR,
  requestJson,
  startTestAuth,
  startTestBackend,
  type TestBackend,
} from '@polis/testing';
import {
  type AclDriver,
  createDocumentsService,
  loadDocumentsConfig,
  type RunningDocumentsService,
  runDocumentsMigrations,
} from '../src/index.js';

export { type ApiResponse, EventRecorder, eventually, type Json } from '@polis/testing';

/** The people of the authorization matrix: the demo agency plus an executor on no team. */
export const PEOPLE = {
  admin: DEMO_CRM_USERS.anna,
  owner: DEMO_CRM_USERS.sergey,
  otherAgent: DEMO_CRM_USERS.olga,
  teamExecutor: DEMO_CRM_USERS.elena,
  outsideExecutor: OUTSIDE_EXECUTOR.id,
} as const;
export type Person = keyof typeof PEOPLE;

export const TEST_SIGNING_KEYS = 'k1:documents-test-signing-key-0001,k0:documents-test-signing-key-0000';

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

export interface RequestOptions extends BaseRequestOptions {
  /** Another address than the service's (e.g. a link's host); redirects are never followed. */
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
  const testAuth = await startTestAuth(backend, { logger });
  const auth = testAuth.service;
  const today = systemClock('Europe/Moscow').today();
  await seedCrmDemo(backend.db, { today });
  const { jwtEnv } = testAuth;
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

  const request = <T = Json>(method: string, path: string, requestOptions: RequestOptions = {}) =>
    requestJson<T>(`${requestOptions.base ?? docs.url}${path}`, method, requestOptions, { redirect: 'manual' });
  const tokens = await testAuth.signInAll(PEOPLE);

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
