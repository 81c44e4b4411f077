import { randomUUID } from 'node:crypto';
import { type RunningAuthService, runAuthMigrations } from '@polis/auth';
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
import {
  EventRecorder as BaseEventRecorder,
  eventually,
  type Json,
  type JsonRequest,
  jsonClient,
  OUTSIDE_EXECUTOR,
  startTestAuth,
  startTestBackend,
  type TestBackend,
} from '@polis/testing';
import {
  addDays,
  type Clock,
  createTasksService,
  loadTasksConfig,
  type RunningTasksService,
  runTasksMigrations,
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
export { DEMO_CRM_IDS };

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
  request: JsonRequest;
  /** Request to CRM (`/api/v1/crm/...`), to set up deals, policies, payments. */
  crmRequest: JsonRequest;
  /** Raw SQL as the database owner (bypasses row-level security). */
  sql<T = Json>(text: string, params?: unknown[]): Promise<T[]>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  beforeStart?: (backend: TestBackend) => Promise<void>;
}

/** One backend with Auth, CRM (demo data) and Tasks; real tokens from real sign-ins. */
export async function startTasks(options: StartOptions = {}): Promise<TasksHarness> {
  const backend = await startTestBackend();
  await runAuthMigrations(backend.db);
  await runCrmMigrations(backend.db);
  await runTasksMigrations(backend.db);
  await options.beforeStart?.(backend);

  const logger = createLogger({ service: 'tasks-test', level: process.env.LOG_LEVEL ?? 'silent' });
  const testAuth = await startTestAuth(backend, { logger });
  const auth = testAuth.service;

  const clock = new TestClock();
  const today = clock.today();
  await seedCrmDemo(backend.db, { today });
  const crm = await createCrmService({
    config: loadCrmConfig({ ...testAuth.jwtEnv, CRM_OUTBOX_POLL_INTERVAL_MS: '20' }),
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
      ...testAuth.jwtEnv,
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

  const tokens = await testAuth.signInAll(PEOPLE);

  return {
    backend,
    auth,
    crm,
    tasks,
    clock,
    today,
    tokens,
    request: jsonClient(tasks.url),
    crmRequest: jsonClient(crm.url),
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

/** Collects every event published on an exchange (`tasks.events` unless told otherwise). */
export class EventRecorder extends BaseEventRecorder {
  override bind(backend: TestBackend, exchange = 'tasks.events'): Promise<void> {
    return super.bind(backend, exchange);
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
