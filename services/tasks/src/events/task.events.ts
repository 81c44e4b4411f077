import { Inject, Injectable } from '@nestjs/common';
import { createEvent, type OutgoingMessage } from '@polis/bus';
import { TASK_EVENT_SOURCE, type TaskEventData, type TaskEventKey, taskEventType } from '@polis/contracts';
import { type Executor, enqueueEvents } from '@polis/db';
import { TASKS_SCHEMA } from '../db/schema.js';
import type { TasksConfig } from '../tasks.config.js';
import { TASKS_CONFIG } from '../tasks.tokens.js';

/** One task event: its routing key, the task id (`subject`) and the camelCase data of that key. */
export type TaskEvent = { [K in TaskEventKey]: { key: K; subject: string; data: TaskEventData[K] } }[TaskEventKey];

/** The outbox message of one event: a CloudEvent from `tasks.service`, routed by its key. */
export function taskMessage(exchange: string, event: TaskEvent): OutgoingMessage {
  return {
    exchange,
    routingKey: event.key,
    event: createEvent({
      source: TASK_EVENT_SOURCE,
      type: taskEventType(event.key),
      subject: event.subject,
      data: event.data,
    }),
  };
}

/** Writes task events to the outbox in the transaction of the change they describe. */
export async function emitTaskEvents(tx: Executor, exchange: string, events: TaskEvent[]): Promise<void> {
  if (events.length === 0) return;
  await enqueueEvents(
    tx,
    TASKS_SCHEMA,
    events.map((event) => taskMessage(exchange, event)),
  );
}

@Injectable()
export class TaskEvents {
  constructor(@Inject(TASKS_CONFIG) private readonly config: TasksConfig) {}

  emit(tx: Executor, events: TaskEvent[]): Promise<void> {
    return emitTaskEvents(tx, this.config.eventsExchange, events);
  }
}
