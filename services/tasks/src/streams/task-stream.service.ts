import type { ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Principal } from '@polis/auth-kit';
import { LOGGER, type Logger } from '@polis/platform';
import { type ReplayEntry, type ReplayLog, SseStreams } from '@polis/sse';
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
export class TaskStreamService implements OnModuleInit {
  private readonly streams = new SseStreams();

  constructor(
    @Inject(TASKS_CONFIG) private readonly config: TasksConfig,
    @Inject(REPLAY_LOG) private readonly log: ReplayLog,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly db: TasksDb,
    private readonly tasks: TaskRepository,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<{
      addHook(name: 'preClose', hook: () => Promise<void>): unknown;
    }>();
    fastify.addHook('preClose', async () => this.streams.closeAll());
  }

  serve(
    caller: Caller,
    principal: Principal,
    lastEventId: string | undefined,
    response: ServerResponse,
  ): Promise<void> {
    return this.streams.serve(response, {
      log: this.log,
      lastEventId,
      retryMs: this.config.sse.retryMs,
      keepAliveMs: this.config.sse.keepAliveMs,
      blockMs: this.config.sse.blockMs,
      expiresAtMs: principal.expiresAt * 1000,
      visible: (entries) => this.visible(caller, entries),
      path: '/internal/v1/streams/tasks',
      logger: this.logger,
    });
  }

  private async visible(caller: Caller, entries: ReplayEntry[]): Promise<ReplayEntry[]> {
    if (caller.isAdmin) return entries;
    const ids = [
      ...new Set(entries.flatMap((entry) => (typeof entry.data.taskId === 'string' ? [entry.data.taskId] : []))),
    ];
    const visible = await this.db.read(caller, (tx) => this.tasks.visibleIds(tx, caller, ids));
    return entries.filter((entry) => typeof entry.data.taskId === 'string' && visible.has(entry.data.taskId));
  }
}
