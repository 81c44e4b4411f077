import type { Task } from '@polis/contracts';
import type { Database } from '@polis/db';
import { createLogger } from '@polis/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DelayedQueue, ReminderWorker } from '../src/index.js';
import { EventRecorder, eventually, type Json, PEOPLE, startTasks, type TasksHarness } from './tasks-harness.js';

const HOUR = 3_600_000;
const logger = createLogger({ service: 'worker-test', level: 'silent' });

describe('reminders and scheduled tasks: the worker', () => {
  let h: TasksHarness;
  const recorder = new EventRecorder();
  let queue: DelayedQueue;

  beforeAll(async () => {
    h = await startTasks({ beforeStart: (backend) => recorder.bind(backend) });
    queue = new DelayedQueue(h.backend.cache, 'tasks:delayed', logger);
  });
  afterAll(async () => h?.close());

  const worker = (name: string, db: Database = h.backend.db) =>
    new ReminderWorker({
      db,
      queue,
      relay: h.tasks.relay,
      clock: h.clock,
      logger,
      exchange: 'tasks.events',
      dbRole: 'tasks_app',
      pollIntervalMs: 20,
      batchSize: 7,
      rebuildIntervalMs: 60_000,
      name,
    });

  const newTask = async (extra: Json = {}) =>
    (
      await h.request<Task>('POST', '/api/v1/tasks', {
        token: h.tokens.owner,
        body: { subject: 'Напомнить', description: 'Проверить оплату', assigneeId: PEOPLE.owner, ...extra },
      })
    ).body;
  const remind = async (taskId: string, at: Date, channel = 'sse') => {
    const response = await h.request<Json>('POST', `/api/v1/tasks/${taskId}/reminders`, {
      token: h.tokens.owner,
      body: { remindAt: at.toISOString(), channel },
    });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };
  const reminderEvents = (ids: Set<string>) =>
    recorder.ofType('tasks.task.reminder').filter((event) => ids.has((event.data as Json).reminderId as string));
  const unfired = async (ids: string[]) =>
    (
      await h.sql<{ n: number }>(
        'select count(*)::int as n from tasks.task_reminders where id = any($1) and fired_at is null',
        [ids],
      )
    )[0]?.n;

  it('fires every reminder exactly once with two workers racing', async () => {
    const task = await newTask();
    const base = h.clock.now().getTime() + HOUR;
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1)
      ids.push(await remind(task.id, new Date(base + i * 1000), i % 2 ? 'sse' : 'telegram'));
    const a = worker('a');
    const b = worker('b');
    expect(await a.tick()).toBe(0);
    h.clock.advance(2 * HOUR);
    for (let round = 0; round < 20 && (await unfired(ids)) !== 0; round += 1)
      await Promise.all([a.tick(), b.tick(), a.tick()]);
    expect(await unfired(ids)).toBe(0);

    const [outbox] = await h.sql<{ n: number; distinct: number }>(
      `select count(*)::int as n, count(distinct event->'data'->>'reminderId')::int as distinct
       from tasks.outbox where routing_key = 'task.reminder' and event->'data'->>'reminderId' = any($1)`,
      [ids],
    );
    expect(outbox).toEqual({ n: 30, distinct: 30 });
    const delivered = await eventually(async () => {
      const events = reminderEvents(new Set(ids));
      return events.length >= 30 ? events : undefined;
    });
    expect(new Set(delivered.map((event) => (event.data as Json).reminderId)).size).toBe(30);
    expect(delivered[0]?.data).toMatchObject({ taskId: task.id, assigneeId: PEOPLE.owner, subject: 'Напомнить' });
    expect(await h.backend.cache.zRangeByScore('tasks:delayed', 0, h.clock.now().getTime())).toEqual([]);
  });

  it('loses nothing when a worker dies mid-way: the reminder fires late after the restart', async () => {
    const task = await newTask();
    const id = await remind(task.id, new Date(h.clock.now().getTime() + HOUR));
    h.clock.advance(2 * HOUR);
    // A worker killed after its update, before the commit: the transaction rolls back.
    const db = h.backend.db;
    const dying: Database = Object.assign(Object.create(db) as Database, {
      transaction: <T>(fn: (tx: Parameters<Parameters<Database['transaction']>[0]>[0]) => Promise<T>) =>
        db.transaction(async (tx) => {
          await fn(tx);
          throw new Error('killed');
        }),
    });
    await expect(worker('dying', dying).tick()).rejects.toThrow('killed');
    expect(await unfired([id])).toBe(1);
    // The index entry survived; even if the cache lost it, the restarted worker rebuilds it from the database.
    await h.backend.cache.del('tasks:delayed');
    const restarted = worker('restarted');
    restarted.start();
    try {
      await eventually(async () => ((await unfired([id])) === 0 ? true : undefined));
    } finally {
      await restarted.stop();
    }
    await eventually(async () => (reminderEvents(new Set([id])).length === 1 ? true : undefined));
  });

  it('activates a scheduled task at scheduledFor and fires nothing for a finished task', async () => {
    const at = new Date(h.clock.now().getTime() + HOUR);
    const scheduled = await newTask({ scheduledFor: at.toISOString() });
    expect(scheduled.statusCode).toBe('scheduled');
    const done = await newTask();
    const doneReminder = await remind(done.id, new Date(h.clock.now().getTime() + HOUR));
    expect(
      (await h.request('POST', `/api/v1/tasks/${done.id}/complete`, { token: h.tokens.owner, body: {} })).status,
    ).toBe(200);

    const w = worker('w');
    await w.tick();
    expect(
      (await h.request<Task>('GET', `/api/v1/tasks/${scheduled.id}`, { token: h.tokens.owner })).body.statusCode,
    ).toBe('scheduled');
    h.clock.advance(2 * HOUR);
    while ((await w.tick()) > 0) {}
    const activated = await h.request<Task>('GET', `/api/v1/tasks/${scheduled.id}`, { token: h.tokens.owner });
    expect(activated.body).toMatchObject({ statusCode: 'pending', scheduledFor: null });
    const change = await eventually(async () =>
      recorder.ofType('tasks.task.status_changed').find((event) => (event.data as Json).taskId === scheduled.id),
    );
    expect(change.data).toMatchObject({ oldStatus: 'scheduled', newStatus: 'pending', actorId: null });
    expect(await unfired([doneReminder])).toBe(0);
    const [outbox] = await h.sql<{ n: number }>(
      `select count(*)::int as n from tasks.outbox where routing_key = 'task.reminder' and event->'data'->>'reminderId' = $1`,
      [doneReminder],
    );
    expect(outbox?.n).toBe(0);
  });
});
