import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LOGGER, type Logger } from '@polis/platform';
import { type PreCloseHooks, type ReplayEntry, type ReplayLog, SseChannel } from '@polis/sse';
import type { Caller } from '../common/caller.js';
import { TasksDb } from '../common/tasks-db.js';
import { TaskRepository } from '../tasks/task.repository.js';
import type { TasksConfig } from '../tasks.config.js';
import { REPLAY_LOG, TASKS_CONFIG } from '../tasks.tokens.js';

/**
 * The `tasks` SSE channel (interfaces.md §3): `task.*` events, each sent only to those who may see
 * the task at that moment (assignee, author, the deal's team, admins).
 */
@Injectable()
export class TaskStreamService extends SseChannel<Caller> implements OnModuleInit {
  constructor(
    @Inject(TASKS_CONFIG) config: TasksConfig,
    @Inject(REPLAY_LOG) log: ReplayLog,
    @Inject(LOGGER) logger: Logger,
    private readonly db: TasksDb,
    private readonly tasks: TaskRepository,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    super({ path: '/internal/v1/streams/tasks', log, timings: config.sse, logger });
  }

  onModuleInit(): void {
    this.endStreamsOnClose(this.adapterHost.httpAdapter.getInstance<PreCloseHooks>());
  }

  protected async visible(caller: Caller, entries: ReplayEntry[]): Promise<ReplayEntry[]> {
    const ids = [
      ...new Set(entries.flatMap((entry) => (typeof entry.data.taskId === 'string' ? [entry.data.taskId] : []))),
    ];
    const visible = await this.db.read(caller, (tx) => this.tasks.visibleIds(tx, caller, ids));
    return entries.filter((entry) => typeof entry.data.taskId === 'string' && visible.has(entry.data.taskId));
  }
}
