import { z } from 'zod';
import { idSchema } from './auth.js';

/** Tasks service contracts: the task API (interfaces.md §1.3) and `tasks.events` data (§4.4), camelCase. */

export const TASK_STATUSES = ['pending', 'scheduled', 'in_progress', 'completed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const FINAL_TASK_STATUSES: readonly TaskStatus[] = ['completed', 'cancelled'];
export const TASK_PRIORITIES = ['low', 'normal', 'high'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export const REMINDER_CHANNELS = ['sse', 'telegram'] as const;
export type ReminderChannel = (typeof REMINDER_CHANNELS)[number];

export const taskStatusSchema = z.enum(TASK_STATUSES);
export const taskPrioritySchema = z.enum(TASK_PRIORITIES);
export const reminderChannelSchema = z.enum(REMINDER_CHANNELS);

function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * A moment on input: an ISO-8601 timestamp with an offset, or a date `YYYY-MM-DD`, which means
 * 00:00 UTC of that day (domain.md §2.10). Output: the ISO string in UTC.
 */
export const taskMomentSchema = z
  .string()
  .trim()
  .refine(
    (value) =>
      (/^\d{4}-\d{2}-\d{2}$/.test(value) ||
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) &&
      isCalendarDate(value) &&
      !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)),
    'must be a date YYYY-MM-DD or an ISO-8601 timestamp with a time zone',
  )
  .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00Z` : value).toISOString());

const subjectSchema = z.string().trim().min(1, 'must not be blank').max(255);
const descriptionSchema = z.string().trim().min(1, 'must not be blank').max(20_000);
const reasonSchema = z.string().trim().min(1, 'must not be blank').max(1024);

export const taskContextSchema = z.looseObject({
  dealId: idSchema.nullable().optional(),
  policyId: idSchema.nullable().optional(),
  paymentId: idSchema.nullable().optional(),
  clientId: idSchema.nullable().optional(),
});
export type TaskContext = z.infer<typeof taskContextSchema>;

/** The origin's snake_case names, accepted on input beside the camelCase ones. */
const SNAKE_ALIASES: Readonly<Record<string, string>> = {
  assignee_id: 'assigneeId',
  author_id: 'authorId',
  due_date: 'dueDate',
  scheduled_for: 'scheduledFor',
  initial_status: 'initialStatus',
  deal_id: 'dealId',
  policy_id: 'policyId',
  payment_id: 'paymentId',
  client_id: 'clientId',
  completed_at: 'completedAt',
  cancelled_reason: 'cancelledReason',
  remind_at: 'remindAt',
};

function camelize(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const name = SNAKE_ALIASES[key] ?? key;
    result[name] = key === 'context' ? camelize(item) : item;
  }
  return result;
}

export const createTaskRequestSchema = z.preprocess(
  camelize,
  z.strictObject({
    subject: subjectSchema,
    description: descriptionSchema,
    assigneeId: idSchema,
    /** Honoured for service tokens only; a person always authors their own tasks. */
    authorId: idSchema.optional(),
    dueDate: taskMomentSchema.nullable().optional(),
    priority: taskPrioritySchema.default('normal'),
    context: taskContextSchema.optional(),
    scheduledFor: taskMomentSchema.nullable().optional(),
    payload: z.record(z.string(), z.unknown()).optional(),
    initialStatus: z.enum(['pending', 'in_progress']).optional(),
  }),
);
export type CreateTaskRequest = z.input<typeof createTaskRequestSchema>;
export type ParsedCreateTaskRequest = z.output<typeof createTaskRequestSchema>;

export const updateTaskRequestSchema = z.preprocess(
  camelize,
  z
    .strictObject({
      status: taskStatusSchema.optional(),
      subject: subjectSchema.optional(),
      description: descriptionSchema.optional(),
      assigneeId: idSchema.optional(),
      dueDate: taskMomentSchema.nullable().optional(),
      priority: taskPrioritySchema.optional(),
      scheduledFor: taskMomentSchema.optional(),
      completedAt: taskMomentSchema.optional(),
      cancelledReason: reasonSchema.optional(),
    })
    .refine((value) => Object.keys(value).length > 0, { message: 'at least one field must be given' }),
);
export type UpdateTaskRequest = z.input<typeof updateTaskRequestSchema>;
export type ParsedUpdateTaskRequest = z.output<typeof updateTaskRequestSchema>;

export const scheduleTaskRequestSchema = z.preprocess(
  camelize,
  z.strictObject({ scheduledFor: taskMomentSchema.optional() }),
);
export const completeTaskRequestSchema = z.preprocess(
  camelize,
  z.strictObject({ completedAt: taskMomentSchema.optional() }),
);
export const cancelTaskRequestSchema = z.strictObject({ reason: reasonSchema });
export const taskCommentRequestSchema = z.strictObject({ body: z.string().trim().min(1).max(5000) });
export const createReminderRequestSchema = z.preprocess(
  camelize,
  z.strictObject({ remindAt: taskMomentSchema, channel: reminderChannelSchema.default('sse') }),
);
export type CreateReminderRequest = z.input<typeof createReminderRequestSchema>;

/** A query value that may repeat (`k=a&k=b`). */
function repeatable<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) => (value === undefined || Array.isArray(value) ? value : [value]),
    z.array(item).min(1).max(20),
  );
}

const taskFilterShape = {
  assigneeId: idSchema.optional(),
  authorId: idSchema.optional(),
  dealId: idSchema.optional(),
  status: repeatable(taskStatusSchema).optional(),
  priority: repeatable(taskPrioritySchema).optional(),
  dueBefore: taskMomentSchema.optional(),
  dueAfter: taskMomentSchema.optional(),
};

export const tasksQuerySchema = z.strictObject({
  ...taskFilterShape,
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type TasksQuery = z.input<typeof tasksQuerySchema>;
export type ParsedTasksQuery = z.output<typeof tasksQuerySchema>;

export const TASK_EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export const taskExportQuerySchema = z.strictObject({ ...taskFilterShape, format: z.enum(TASK_EXPORT_FORMATS) });
export type ParsedTaskExportQuery = z.output<typeof taskExportQuerySchema>;

export const taskIdParamsSchema = z.strictObject({ taskId: idSchema });
export const reminderParamsSchema = z.strictObject({ taskId: idSchema, reminderId: idSchema });
export const calendarFeedQuerySchema = z.strictObject({ token: z.string().min(1).max(200).optional() });

export const taskSchema = z.object({
  id: idSchema,
  title: z.string(),
  description: z.string().nullable(),
  statusCode: taskStatusSchema,
  statusName: z.string(),
  dueAt: z.string().nullable(),
  scheduledFor: z.string().nullable(),
  completedAt: z.string().nullable(),
  cancelledReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  payload: z.record(z.string(), z.unknown()),
  assigneeId: idSchema,
  authorId: idSchema,
  priority: taskPrioritySchema,
  dealId: idSchema.nullable(),
  policyId: idSchema.nullable(),
  paymentId: idSchema.nullable(),
  clientId: idSchema.nullable(),
  context: z.record(z.string(), z.unknown()),
  /** Set on tasks the reminder rules generated: `<rule>:<entity id>:<offset>`. */
  ruleKey: z.string().nullable(),
  escalatedAt: z.string().nullable(),
});
export type Task = z.infer<typeof taskSchema>;
export const tasksListSchema = z.array(taskSchema);

export const TASK_ACTIVITY_TYPES = [
  'created',
  'status_changed',
  'assignee_changed',
  'due_changed',
  'comment',
  'updated',
  'escalated',
] as const;
export type TaskActivityType = (typeof TASK_ACTIVITY_TYPES)[number];

export const taskActivitySchema = z.object({
  id: idSchema,
  taskId: idSchema,
  authorId: z.string().nullable(),
  eventType: z.enum(TASK_ACTIVITY_TYPES),
  body: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type TaskActivity = z.infer<typeof taskActivitySchema>;
export const taskActivityListSchema = z.array(taskActivitySchema);

export const reminderSchema = z.object({
  id: idSchema,
  taskId: idSchema,
  remindAt: z.string(),
  channel: reminderChannelSchema,
  firedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Reminder = z.infer<typeof reminderSchema>;
export const remindersSchema = z.array(reminderSchema);

export const calendarTokenSchema = z.object({
  token: z.string(),
  /** The subscription address (webcal clients take it as is). */
  url: z.string(),
  createdAt: z.string(),
});
export type CalendarToken = z.infer<typeof calendarTokenSchema>;

/* ----------------------------------------------------------------------------------------------
 * Events on `tasks.events` (interfaces.md §4.4, camelCase data) and the `tasks` SSE stream
 * -------------------------------------------------------------------------------------------- */

export const TASK_EVENT_KEYS = [
  'task.created',
  'task.status.changed',
  'task.assigned',
  'task.reminder',
  'task.escalated',
] as const;
export type TaskEventKey = (typeof TASK_EVENT_KEYS)[number];
export const TASK_EVENT_SOURCE = 'tasks.service';

/** CloudEvent `type` of a key: `tasks.` + the key, its last dot turned into `_` for three words. */
export function taskEventType(key: TaskEventKey): string {
  const words = key.split('.');
  if (words.length < 3) return `tasks.${key}`;
  const last = words.pop() as string;
  return `tasks.${words.join('.')}_${last}`;
}

const contextDataSchema = z.object({
  dealId: idSchema.nullable(),
  policyId: idSchema.nullable(),
  paymentId: idSchema.nullable(),
  clientId: idSchema.nullable(),
});

export const taskCreatedDataSchema = z.object({
  taskId: idSchema,
  subject: z.string(),
  assigneeId: idSchema,
  authorId: idSchema,
  status: taskStatusSchema,
  priority: taskPrioritySchema,
  dueDate: z.string().nullable(),
  scheduledFor: z.string().nullable(),
  context: contextDataSchema,
  ruleKey: z.string().nullable(),
  createdAt: z.string(),
});
export const taskStatusChangedDataSchema = z.object({
  taskId: idSchema,
  oldStatus: taskStatusSchema,
  newStatus: taskStatusSchema,
  changedAt: z.string(),
  actorId: z.string().nullable(),
  assigneeId: idSchema,
  authorId: idSchema,
  dealId: idSchema.nullable(),
});
export const taskAssignedDataSchema = z.object({
  taskId: idSchema,
  assigneeId: idSchema,
  previousAssigneeId: idSchema.nullable(),
  assignedAt: z.string(),
  actorId: z.string().nullable(),
  dealId: idSchema.nullable(),
});
export const taskReminderDataSchema = z.object({
  taskId: idSchema,
  reminderId: idSchema,
  remindAt: z.string(),
  channel: reminderChannelSchema,
  assigneeId: idSchema,
  authorId: idSchema,
  subject: z.string(),
  dealId: idSchema.nullable(),
});
export const taskEscalatedDataSchema = z.object({
  taskId: idSchema,
  /** The main admin the task escalates to (null when none is configured). */
  escalatedToId: idSchema.nullable(),
  assigneeId: idSchema,
  ruleKey: z.string().nullable(),
  reason: z.string(),
  escalatedAt: z.string(),
  dealId: idSchema.nullable(),
});

export const taskEventDataSchemas = {
  'task.created': taskCreatedDataSchema,
  'task.status.changed': taskStatusChangedDataSchema,
  'task.assigned': taskAssignedDataSchema,
  'task.reminder': taskReminderDataSchema,
  'task.escalated': taskEscalatedDataSchema,
} as const satisfies Record<TaskEventKey, z.ZodType>;

export type TaskEventData = { [K in TaskEventKey]: z.infer<(typeof taskEventDataSchemas)[K]> };
