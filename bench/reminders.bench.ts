/**
 * Reminder firing (issue 6), on the local PostgreSQL and Redis: 100,000 reminders due over one
 * minute, fired by two `ReminderWorker` instances running side by side in this process (sharing
 * the delayed index in Redis, each with its own database pool), their events relayed through the
 * outbox to an in-process bus. Prints the firing lag (database `fired_at` − `remind_at`) and the
 * delivery lag (event received − `remind_at`), p50/p99 (target p99 < 1 s), and the duplicate count
 * (must be 0).
 *
 *   npm run bench:reminders   (BENCH_REMINDERS=100000 BENCH_SPREAD_SECONDS=60 BENCH_BATCH=1000
 *                              BENCH_POLL_MS=50)
 */
import { randomBytes } from 'node:crypto';
import { createEventBus } from '@polis/bus';
import { createCache } from '@polis/cache';
import { createDatabase, OutboxRelay } from '@polis/db';
import { createLogger } from '@polis/platform';
import { DelayedQueue, ReminderWorker, runTasksMigrations, systemClock, TASKS_SCHEMA } from '@polis/tasks';
import { createPostgresDatabase, deleteRedisKeys, dropPostgresDatabase, realServers } from '@polis/testing';
import { envNumber, format, percentile } from './stats.js';

const total = envNumber('BENCH_REMINDERS', 100_000);
const spreadSeconds = envNumber('BENCH_SPREAD_SECONDS', 60);
const batchSize = envNumber('BENCH_BATCH', 1000);
const pollMs = envNumber('BENCH_POLL_MS', 50);
const TASKS = 1000;
const LEAD_MS = 15_000;
const logger = createLogger({ service: 'bench', level: 'warn' });

async function main(): Promise<void> {
  const id = `bench_reminders_${randomBytes(3).toString('hex')}`;
  const url = await createPostgresDatabase(id);
  const prefix = `${id}:`;
  const db = await createDatabase({ url, applicationName: 'bench-reminders' });
  const workerDbs = [
    await createDatabase({ url, applicationName: 'worker-a' }),
    await createDatabase({ url, applicationName: 'worker-b' }),
  ];
  const cache = createCache({ url: realServers.redisUrl, keyPrefix: prefix });
  const bus = createEventBus({});
  try {
    await runTasksMigrations(db);
    // Seed: 1,000 tasks, each with reminders spread evenly over the minute after a short lead.
    const start = Date.now() + LEAD_MS;
    const seedStarted = Date.now();
    await db.exec(`
      insert into tasks.tasks (id, title, description, status_code, assignee_id, author_id)
      select gen_random_uuid(), 'bench task ' || n, 'bench', 'pending', gen_random_uuid(), gen_random_uuid()
      from generate_series(1, ${TASKS}) as n;
      insert into tasks.task_reminders (id, task_id, remind_at, channel)
      select gen_random_uuid(), t.id,
             to_timestamp((${start} + ((row_number() over (order by t.id, n)) - 1) * ${(spreadSeconds * 1000) / total}) / 1000.0),
             case when n % 2 = 0 then 'sse' else 'telegram' end
      from (select id from tasks.tasks) t, generate_series(1, ${Math.ceil(total / TASKS)}) as n
      limit ${total};
    `);
    console.log(
      `seeded ${format(total)} reminders in ${format(Date.now() - seedStarted)} ms; due from +${LEAD_MS / 1000} s over ${spreadSeconds} s`,
    );

    // Deliveries: lag at receipt, and how often each reminder arrived.
    const received = new Map<string, number>();
    const deliveryLag: number[] = [];
    await bus.subscribe({
      queue: 'bench.reminders',
      exchange: 'tasks.events',
      bindings: ['task.reminder'],
      prefetch: 500,
      handler: async (event) => {
        const data = event.data as { reminderId: string; remindAt: string };
        received.set(data.reminderId, (received.get(data.reminderId) ?? 0) + 1);
        deliveryLag.push(Date.now() - Date.parse(data.remindAt));
      },
    });
    const relay = new OutboxRelay({ db, bus, schema: TASKS_SCHEMA, logger, pollIntervalMs: 20, batchSize: 2000 });
    relay.start();
    const queue = new DelayedQueue(cache, 'tasks:delayed', logger);
    const workers = workerDbs.map(
      (workerDb, index) =>
        new ReminderWorker({
          db: workerDb,
          queue,
          relay,
          clock: systemClock('Europe/Moscow'),
          logger,
          exchange: 'tasks.events',
          dbRole: 'tasks_app',
          pollIntervalMs: pollMs,
          batchSize,
          // The start-up rebuild indexes the whole minute (as creation would have, one by one).
          rebuildIntervalMs: 120_000,
          name: `worker-${index}`,
        }),
    );
    for (const worker of workers) worker.start();

    const deadline = start + spreadSeconds * 1000 + 60_000;
    for (;;) {
      const [row] = await db.query<{ n: number }>(
        'select count(*)::int as n from tasks.task_reminders where fired_at is null',
      );
      if (row?.n === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    for (const worker of workers) await worker.stop();
    await relay.stop();
    const settle = Date.now() + 10_000;
    while (received.size < total && Date.now() < settle) await new Promise((resolve) => setTimeout(resolve, 100));

    const lags = (
      await db.query<{ lag: number }>(
        'select (extract(epoch from (fired_at - remind_at)) * 1000)::float8 as lag from tasks.task_reminders where fired_at is not null',
      )
    ).map((row) => Number(row.lag));
    const [outbox] = await db.query<{ n: number; distinct: number }>(
      `select count(*)::int as n, count(distinct event->'data'->>'reminderId')::int as distinct
       from tasks.outbox where routing_key = 'task.reminder'`,
    );
    const duplicateDeliveries = [...received.values()].reduce((sum, count) => sum + (count - 1), 0);
    console.log(
      `workers: 2 ReminderWorker instances in one process (separate pools), batch ${batchSize}, poll ${pollMs} ms`,
    );
    console.log(`fired: ${format(lags.length)} / ${format(total)}; delivered: ${format(received.size)}`);
    console.log(
      `firing lag   p50 ${format(percentile(lags, 50))} ms, p99 ${format(percentile(lags, 99))} ms, max ${format(Math.max(...lags))} ms`,
    );
    console.log(
      `delivery lag p50 ${format(percentile(deliveryLag, 50))} ms, p99 ${format(percentile(deliveryLag, 99))} ms, max ${format(Math.max(...deliveryLag))} ms`,
    );
    console.log(
      `duplicates: outbox ${format((outbox?.n ?? 0) - (outbox?.distinct ?? 0))}, deliveries ${format(duplicateDeliveries)} (must be 0)`,
    );
  } finally {
    await bus.close();
    await cache.close();
    for (const workerDb of workerDbs) await workerDb.close();
    await db.close();
    await deleteRedisKeys(`${prefix}*`);
    await dropPostgresDatabase(id);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
