import { randomInt, randomUUID } from 'node:crypto';
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
  DEMO_CRM_IDS,
  DEMO_CRM_USERS,
  loadCrmConfig,
  type RunningCrmService,
  runCrmMigrations,
  seedCrmDemo,
} from '@polis/crm';
import { createLogger } from '@polis/platform';
import { startTestBackend, type TestBackend } from '@polis/testing';
import {
  addDays,
  type Clock,
  createTasksService,
  loadTasksConfig,
  type RunningTasksService,
  runTasksMigrations,
} from '../src/index.js';

export type Json = Record<string, unknown>;

export interface ApiResponse<T = Json> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
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
export { DEMO_CRM_IDS };

const PASSWORD = 'Passw0rd!';
const OUTSIDE_EXECUTOR_EMAIL = 'ivan.executor@example.com';
const HASH = { memoryKib: 1024, iterations: 1 };
const ISSUER = 'http://auth.test';

/** A clock the test moves: "now" and the agency's "today" (Europe/Moscow). */
export class TestClock implements Clock {
  private readonly format = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Moscow',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });

  constructor(public current: Date = new Date()) {}

  now(): Date {
    return new Date(this.current.getTime());
  }

  today(): string {
    return this.format.format(this.current);
  }

  /** Moves to noon (Moscow) of `day`. */
  setDay(day: string): void {
    this.current = new Date(`${day}T09:00:00Z`);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TasksHarness {
  backend: TestBackend;
  auth: RunningAuthService;
  crm: RunningCrmService;
  tasks: RunningTasksService;
  clock: TestClock;
  today: string;
  tokens: Record<Person, string>;
  /** Request to Tasks (`/api/v1/tasks/...`). */
  request<T = Json>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Request to CRM (`/api/v1/crm/...`), to set up deals, policies, payments. */
  crmRequest<T = Json>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Raw SQL as the database owner (bypasses row-level security). */
  sql<T = Json>(text: string, params?: unknown[]): Promise<T[]>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  beforeStart?: (backend: TestBackend) => Promise<void>;
}

async function call<T>(
  base: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  } else if (body !== undefined) {
    headers['content-type'] ??= 'application/json';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${base}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/** One backend with Auth, CRM (demo data) and Tasks; real tokens from real sign-ins. */
export async function startTasks(options: StartOptions = {}): Promise<TasksHarness> {
  const backend = await startTestBackend();
  await runAuthMigrations(backend.db);
  await runCrmMigrations(backend.db);
  await runTasksMigrations(backend.db);
  await options.beforeStart?.(backend);

  const logger = createLogger({ service: 'tasks-test', level: process.env.LOG_LEVEL ?? 'silent' });
  const auth = await createAuthService({
    config: loadAuthConfig({
      AUTH_PASSWORD_HASH_MEMORY_KIB: String(HASH.memoryKib),
      AUTH_PASSWORD_HASH_ITERATIONS: String(HASH.iterations),
      AUTH_LOGIN_MAX_PER_MINUTE: '100000',
      AUTH_REFRESH_MAX_PER_MINUTE: '100000',
      AUTH_JWT_ISSUER: ISSUER,
    }),
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

  const clock = new TestClock();
  const today = clock.today();
  await seedCrmDemo(backend.db, { today });
  const jwks = `${auth.url}/.well-known/jwks.json`;
  const crm = await createCrmService({
    config: loadCrmConfig({ AUTH_JWKS_URL: jwks, AUTH_JWT_ISSUER: ISSUER, CRM_OUTBOX_POLL_INTERVAL_MS: '20' }),
    db: backend.db,
    bus: backend.bus,
    cache: backend.cache,
    logger,
    port: 0,
    host: '127.0.0.1',
    clock: { now: () => clock.now(), today: () => clock.today() },
  });
  const tasks = await createTasksService({
    config: loadTasksConfig({
      AUTH_JWKS_URL: jwks,
      AUTH_JWT_ISSUER: ISSUER,
      TASKS_CRM_BASE_URL: crm.url,
      TASKS_OUTBOX_POLL_INTERVAL_MS: '20',
      TASKS_SSE_BLOCK_MS: '100',
      TASKS_SSE_KEEPALIVE_MS: '1000',
      // Tests drive the worker and the scan themselves, with the test clock.
      TASKS_WORKER_ENABLED: 'false',
      TASKS_MAIN_ADMIN_USER_ID: PEOPLE.admin,
      TASKS_PUBLIC_BASE_URL: 'http://gateway.test',
      ...options.env,
    }),
    db: backend.db,
    bus: backend.bus,
    cache: backend.cache,
    logger,
    port: 0,
    host: '127.0.0.1',
    clock,
  });

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
        'x-forwarded-for': `10.1.${randomInt(0, 256)}.${randomInt(1, 255)}`,
      },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (response.status !== 200) throw new Error(`login of ${email} failed: ${response.status}`);
    tokens[person] = ((await response.json()) as TokenPair).accessToken;
  }

  return {
    backend,
    auth,
    crm,
    tasks,
    clock,
    today,
    tokens,
    request: (method, path, requestOptions) => call(tasks.url, method, path, requestOptions),
    crmRequest: (method, path, requestOptions) => call(crm.url, method, path, requestOptions),
    sql: (text, params) => backend.db.query(text, params),
    async count(table) {
      const [row] = await backend.db.query<{ n: number }>(`select count(*)::int as n from tasks.${table}`);
      return row?.n ?? 0;
    },
    async close() {
      await tasks.close();
      await crm.close();
      await auth.close();
      await backend.close();
    },
  };
}

/** Collects every event published on an exchange (a queue bound `#`). */
export class EventRecorder {
  readonly events: CloudEvent[] = [];

  async bind(backend: TestBackend, exchange = 'tasks.events'): Promise<void> {
    await backend.bus.subscribe({
      queue: `test.tasks.${randomUUID().slice(0, 8)}`,
      exchange,
      bindings: ['#'],
      handler: async (event) => {
        this.events.push(event);
      },
    });
  }

  ofType(type: string): CloudEvent[] {
    return this.events.filter((event) => event.type === type);
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

export { addDays };

/** A fresh deal of the owner (through CRM, so its events reach Tasks' projection), with a team. */
export async function createDeal(
  harness: TasksHarness,
  options: { team?: string[]; title?: string } = {},
): Promise<string> {
  const deal = await harness.crmRequest<{ id: string }>('POST', '/api/v1/crm/deals', {
    token: harness.tokens.owner,
    body: {
      clientId: DEMO_CRM_IDS.clients.C1,
      title: options.title ?? `Сделка ${randomUUID().slice(0, 6)}`,
      nextReviewAt: harness.today,
    },
  });
  if (deal.status !== 201) throw new Error(`deal: ${deal.status} ${deal.text}`);
  for (const userId of options.team ?? []) {
    const added = await harness.crmRequest('POST', `/api/v1/crm/deals/${deal.body.id}/participants`, {
      token: harness.tokens.owner,
      body: { userId },
    });
    if (added.status !== 201) throw new Error(`participant: ${added.status} ${added.text}`);
  }
  const expected = (options.team ?? []).length;
  await eventually(async () => {
    const [row] = await harness.sql<{ n: number }>(
      `select count(m.user_id)::int as n from tasks.crm_deals d left join tasks.crm_deal_members m on m.deal_id = d.deal_id
       where d.deal_id = $1 group by d.deal_id`,
      [deal.body.id],
    );
    return row && row.n === expected ? true : undefined;
  });
  return deal.body.id;
}
