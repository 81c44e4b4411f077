import type { Reminder, Task, TaskActivity, TaskStatus } from '@polis/contracts';
import type { ReminderRow, TaskActivityRow, TaskRow } from '../db/schema.js';

/** `task_statuses.name` of each code (seeded by the first migration). */
export const STATUS_NAMES: Readonly<Record<TaskStatus, string>> = {
  pending: 'Ожидает выполнения',
  scheduled: 'Отложена',
  in_progress: 'В работе',
  completed: 'Завершена',
  cancelled: 'Отменена',
};

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

export function toTask(row: TaskRow): Task {
  const context: Record<string, unknown> = {
    ...(typeof row.payload.context === 'object' && row.payload.context !== null
      ? (row.payload.context as Record<string, unknown>)
      : {}),
    dealId: row.dealId,
    policyId: row.policyId,
    paymentId: row.paymentId,
    clientId: row.clientId,
  };
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    statusCode: row.statusCode,
    statusName: STATUS_NAMES[row.statusCode],
    dueAt: iso(row.dueAt),
    scheduledFor: iso(row.scheduledFor),
    completedAt: iso(row.completedAt),
    cancelledReason: row.cancelledReason,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    payload: row.payload,
    assigneeId: row.assigneeId,
    authorId: row.authorId,
    priority: row.priority,
    dealId: row.dealId,
    policyId: row.policyId,
    paymentId: row.paymentId,
    clientId: row.clientId,
    context,
    ruleKey: row.ruleKey,
    escalatedAt: iso(row.escalatedAt),
  };
}

export function toActivity(row: TaskActivityRow): TaskActivity {
  return {
    id: row.id,
    taskId: row.taskId,
    authorId: row.authorId,
    eventType: row.eventType,
    body: row.body,
    payload: row.payload,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toReminder(row: ReminderRow): Reminder {
  return {
    id: row.id,
    taskId: row.taskId,
    remindAt: row.remindAt.toISOString(),
    channel: row.channel,
    firedAt: iso(row.firedAt),
    createdAt: row.createdAt.toISOString(),
  };
}
