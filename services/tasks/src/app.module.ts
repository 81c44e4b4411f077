import { type DynamicModule, Module } from '@nestjs/common';
import { AuthKitModule, type JwtVerifier } from '@polis/auth-kit';
import type { Cache } from '@polis/cache';
import type { Database, OutboxRelay } from '@polis/db';
import { type Clock } from '@polis/platform';
import type { ReplayLog } from '@polis/sse';
import { CalendarController } from './calendar/calendar.controller.js';
import { CalendarService } from './calendar/calendar.service.js';
import { TasksDb } from './common/tasks-db.js';
import type { CrmClient } from './crm/crm-client.js';
import { TaskEvents } from './events/task.events.js';
import { ExportController } from './export/export.controller.js';
import { ProjectionRepository } from './projection/projection.repository.js';
import type { DelayedQueue } from './reminders/delayed-queue.js';
import { TaskStreamController } from './streams/task-stream.controller.js';
import { TaskStreamService } from './streams/task-stream.service.js';
import { TaskController } from './tasks/task.controller.js';
import { TaskRepository } from './tasks/task.repository.js';
import { TaskService } from './tasks/task.service.js';
import type { TasksConfig } from './tasks.config.js';
import {
  CACHE,
  CLOCK,
  CRM_CLIENT,
  DATABASE,
  DELAYED_QUEUE,
  OUTBOX_RELAY,
  REPLAY_LOG,
  TASKS_CONFIG,
} from './tasks.tokens.js';

/** What the composition root owns and hands in (it also closes them). */
export interface TasksModuleDeps {
  config: TasksConfig;
  db: Database;
  cache: Cache;
  relay: OutboxRelay;
  replayLog: ReplayLog;
  queue: DelayedQueue;
  crm: CrmClient;
  clock: Clock;
  verifier: JwtVerifier;
  /** Auth's cache, read for `auth:disabled:<userId>`. */
  authCache: Cache;
}

@Module({})
export class TasksModule {
  static create(deps: TasksModuleDeps): DynamicModule {
    return {
      module: TasksModule,
      imports: [AuthKitModule.forRoot({ verifier: deps.verifier, cache: deps.authCache })],
      // Static paths first: `calendar.ics` and `export` must not be taken for a task id.
      controllers: [CalendarController, ExportController, TaskController, TaskStreamController],
      providers: [
        { provide: TASKS_CONFIG, useValue: deps.config },
        { provide: DATABASE, useValue: deps.db },
        { provide: CACHE, useValue: deps.cache },
        { provide: OUTBOX_RELAY, useValue: deps.relay },
        { provide: REPLAY_LOG, useValue: deps.replayLog },
        { provide: DELAYED_QUEUE, useValue: deps.queue },
        { provide: CRM_CLIENT, useValue: deps.crm },
        { provide: CLOCK, useValue: deps.clock },
        TasksDb,
        TaskEvents,
        TaskRepository,
        ProjectionRepository,
        TaskService,
        TaskStreamService,
        CalendarService,
      ],
    };
  }
}
