import type { ReminderChannel, TaskActivityType, TaskPriority, TaskStatus } from '@polis/contracts';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  char,
  date,
  integer,
  jsonb,
  numeric,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

export const TASKS_SCHEMA = 'tasks';
export const tasksSchema = pgSchema(TASKS_SCHEMA);

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const day = (name: string) => date(name, { mode: 'string' });

export const taskStatuses = tasksSchema.table('task_statuses', {
  code: varchar('code', { length: 32 }).$type<TaskStatus>().primaryKey(),
  name: varchar('name', { length: 128 }).notNull(),
  description: text('description'),
  isFinal: boolean('is_final').notNull().default(false),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const tasks = tasksSchema.table('tasks', {
  id: uuid('id').primaryKey(),
  title: varchar('title', { length: 255 }).notNull(),
  description: text('description'),
  statusCode: varchar('status_code', { length: 32 }).$type<TaskStatus>().notNull(),
  dueAt: timestamptz('due_at'),
  scheduledFor: timestamptz('scheduled_for'),
  completedAt: timestamptz('completed_at'),
  cancelledReason: text('cancelled_reason'),
  assigneeId: uuid('assignee_id').notNull(),
  authorId: uuid('author_id').notNull(),
  dealId: uuid('deal_id'),
  policyId: uuid('policy_id'),
  paymentId: uuid('payment_id'),
  clientId: uuid('client_id'),
  priority: varchar('priority', { length: 8 }).$type<TaskPriority>().notNull().default('normal'),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
  ruleKey: varchar('rule_key', { length: 200 }),
  escalatedAt: timestamptz('escalated_at'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});
export type TaskRow = typeof tasks.$inferSelect;

export const taskActivity = tasksSchema.table('task_activity', {
  id: uuid('id').primaryKey(),
  taskId: uuid('task_id').notNull(),
  authorId: uuid('author_id'),
  eventType: varchar('event_type', { length: 64 }).$type<TaskActivityType>().notNull(),
  body: text('body'),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamptz('created_at').notNull().default(sql`clock_timestamp()`),
  seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
});
export type TaskActivityRow = typeof taskActivity.$inferSelect;

export const taskReminders = tasksSchema.table('task_reminders', {
  id: uuid('id').primaryKey(),
  taskId: uuid('task_id').notNull(),
  remindAt: timestamptz('remind_at').notNull(),
  channel: varchar('channel', { length: 16 }).$type<ReminderChannel>().notNull().default('sse'),
  firedAt: timestamptz('fired_at'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});
export type ReminderRow = typeof taskReminders.$inferSelect;

export const crmDeals = tasksSchema.table('crm_deals', {
  dealId: uuid('deal_id').primaryKey(),
  clientId: uuid('client_id'),
  ownerId: uuid('owner_id'),
  title: varchar('title', { length: 255 }),
  isDeleted: boolean('is_deleted').notNull().default(false),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const crmDealMembers = tasksSchema.table(
  'crm_deal_members',
  {
    dealId: uuid('deal_id').notNull(),
    userId: uuid('user_id').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.dealId, table.userId] })],
);

export const crmPolicies = tasksSchema.table('crm_policies', {
  policyId: uuid('policy_id').primaryKey(),
  dealId: uuid('deal_id'),
  clientId: uuid('client_id'),
  policyNumber: varchar('policy_number', { length: 64 }),
  status: varchar('status', { length: 50 }).notNull(),
  effectiveFrom: day('effective_from'),
  effectiveTo: day('effective_to'),
  isDeleted: boolean('is_deleted').notNull().default(false),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});
export type CrmPolicyRow = typeof crmPolicies.$inferSelect;

export const crmPayments = tasksSchema.table('crm_payments', {
  paymentId: uuid('payment_id').primaryKey(),
  dealId: uuid('deal_id').notNull(),
  policyId: uuid('policy_id').notNull(),
  sequence: integer('sequence'),
  status: varchar('status', { length: 32 }).notNull(),
  plannedDate: day('planned_date'),
  plannedAmount: numeric('planned_amount', { precision: 14, scale: 2 }),
  currency: varchar('currency', { length: 3 }),
  actualDate: day('actual_date'),
  isDeleted: boolean('is_deleted').notNull().default(false),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});
export type CrmPaymentRow = typeof crmPayments.$inferSelect;

export const ruleScans = tasksSchema.table('rule_scans', {
  scan: varchar('scan', { length: 64 }).primaryKey(),
  lastDay: day('last_day').notNull(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const calendarFeedTokens = tasksSchema.table('calendar_feed_tokens', {
  userId: uuid('user_id').primaryKey(),
  tokenHash: char('token_hash', { length: 64 }).notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});
