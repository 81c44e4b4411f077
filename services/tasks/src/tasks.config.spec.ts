import { ConfigError } from '@polis/platform';
import { describe, expect, it } from 'vitest';
import { loadTasksConfig } from './tasks.config.js';

describe('Tasks configuration', () => {
  it('has embedded-mode defaults', () => {
    const config = loadTasksConfig({});
    expect(config).toMatchObject({
      port: 8086,
      eventsExchange: 'tasks.events',
      crm: { eventsExchange: 'crm.events', queue: 'tasks.crm', baseUrl: 'http://localhost:8082' },
      worker: { enabled: true, queueKey: 'tasks:delayed', pollIntervalMs: 5000, batchSize: 100 },
      rules: { enabled: true, cron: '0 6 * * *', escalationAfterMs: 86_400_000, mainAdminUserId: null },
      dbRole: 'tasks_app',
      timeZone: 'Europe/Moscow',
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadTasksConfig({ TASKS_MAIN_ADMIN_USER_ID: 'anna' })).toThrow(/TASKS_MAIN_ADMIN_USER_ID/);
    expect(() => loadTasksConfig({ TASKS_RULES_CRON: 'every day' })).toThrow(/TASKS_RULES_CRON/);
    expect(() => loadTasksConfig({ TASKS_TIMEZONE: 'Mars/Olympus' })).toThrow(ConfigError);
    expect(() => loadTasksConfig({ TASKS_WORKER_BATCH_SIZE: '0' })).toThrow(/TASKS_WORKER_BATCH_SIZE/);
    expect(loadTasksConfig({ TASKS_ESCALATION_AFTER: 'PT2H' }).rules.escalationAfterMs).toBe(7_200_000);
  });
});
