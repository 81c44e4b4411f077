import {
  type CalendarToken,
  createReminderRequestSchema,
  createTaskRequestSchema,
  idSchema,
  REMINDER_CHANNELS,
  type Reminder,
  type ReminderChannel,
  TASK_EXPORT_FORMATS,
  TASK_PRIORITIES,
  TASK_STATUSES,
  type Task,
  type TaskActivity,
  type TaskPriority,
  type TaskStatus,
  taskCommentRequestSchema,
  updateTaskRequestSchema,
} from '@polis/contracts';
import { isOneOf } from '@/lib/format';

/* The Tasks API (interfaces.md §1.3; schemas in `@polis/contracts`) and the rules the UI applies. */

export {
  type CalendarToken,
  createReminderRequestSchema,
  createTaskRequestSchema,
  REMINDER_CHANNELS,
  type Reminder,
  type ReminderChannel,
  TASK_EXPORT_FORMATS,
  TASK_PRIORITIES,
  TASK_STATUSES,
  type Task,
  type TaskActivity,
  type TaskPriority,
  type TaskStatus,
  taskCommentRequestSchema,
  updateTaskRequestSchema,
};
export type TaskExportFormat = (typeof TASK_EXPORT_FORMATS)[number];
/** What the forms send (the contract schemas also take snake_case aliases, so their input type is open). */
export interface CreateTaskInput {
  subject: string;
  description: string;
  assigneeId: string;
  dueDate?: string;
  priority?: TaskPriority;
  scheduledFor?: string;
  context?: { dealId?: string; clientId?: string; policyId?: string; paymentId?: string };
}
export interface CreateReminderInput {
  remindAt: string;
  channel?: ReminderChannel;
}

/** domain.md §3.5: completed and cancelled are final; rework is a new task. */
export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  pending: ['in_progress', 'completed', 'scheduled', 'cancelled'],
  scheduled: ['pending', 'in_progress', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export function allowedTransitions(status: string): readonly TaskStatus[] {
  return isTaskStatus(status) ? TASK_TRANSITIONS[status] : [];
}

export function isTaskStatus(value: string): value is TaskStatus {
  return isOneOf(TASK_STATUSES, value);
}

export function isTaskPriority(value: string): value is TaskPriority {
  return isOneOf(TASK_PRIORITIES, value);
}

export const taskIdSchema = idSchema;

export interface TaskFilters {
  assigneeId?: string;
  status?: TaskStatus[];
  priority?: TaskPriority[];
  dealId?: string;
  /** Exclusive bounds, ISO instants. */
  dueAfter?: string;
  dueBefore?: string;
}

/** A cancel reason as the service takes it: non-blank, at most 1024 characters. */
export function isValidCancelReason(reason: string): boolean {
  const trimmed = reason.trim();
  return trimmed.length > 0 && trimmed.length <= 1024;
}

/** A `datetime-local` value (the viewer's wall clock) as an ISO instant; empty → undefined. */
export function localInputToIso(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** An ISO instant as a `datetime-local` value in the viewer's time zone. */
export function isoToLocalInput(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (part: number) => String(part).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Overdue: due in the past and still open. */
export function isOverdue(task: Pick<Task, 'dueAt' | 'statusCode'>, now: Date = new Date()): boolean {
  if (!task.dueAt || task.statusCode === 'completed' || task.statusCode === 'cancelled') return false;
  return new Date(task.dueAt).getTime() < now.getTime();
}
