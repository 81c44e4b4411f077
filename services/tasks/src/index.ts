export { addDays, type Clock, systemClock } from '@polis/platform';
export { TasksModule, type TasksModuleDeps } from './app.module.js';
export { AutomationService } from './automation/automation.service.js';
export {
  AMENDMENT_RULE,
  type Anchor,
  hitsFor,
  REMINDER_RULES,
  type ReminderRule,
  type Responsible,
  ruleKeyOf,
} from './automation/rules.js';
export { type Caller, callerOf } from './common/caller.js';
export {
  createTasksService,
  type RunningTasksService,
  TASKS_STREAM_KEY,
  type TasksServiceOptions,
} from './create-tasks-service.js';
export { type CrmClient, HttpCrmClient } from './crm/crm-client.js';
export { TASKS_SCHEMA } from './db/schema.js';
export { runTasksMigrations, TASKS_MIGRATIONS_DIR } from './migrations.js';
export { CRM_BINDINGS, CrmEventsConsumer } from './projection/crm-events.consumer.js';
export { DelayedQueue } from './reminders/delayed-queue.js';
export { ReminderWorker, type ReminderWorkerOptions } from './reminders/reminder-worker.js';
export { TASK_TRANSITIONS } from './tasks/task-rules.js';
export { loadTasksConfig, type TasksConfig, type TasksEnv, tasksConfigSchema, toTasksConfig } from './tasks.config.js';
export { TASKS_ROUTES } from './tasks.routes.js';
