/**
 * Events per second end to end — service transactions → outbox → relay → RabbitMQ (publisher
 * confirms, quorum queue) → another service's idempotent consumer (processed_events + effect, group
 * commit) — beside raw amqplib publish + consume of the same number of messages on the same broker,
 * in the same run. Consumers run in their own thread, as the consuming service would be its own
 * process; the producer thread writes the events in transactions of 50 while its relay publishes.
 *
 *   npm run bench:bus            (BENCH_EVENTS=20000 BENCH_ROUNDS=3 by default; needs PostgreSQL and RabbitMQ)
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createEvent, createRabbitBus } from '@polis/bus';
import { createDatabase, enqueueEvents, OutboxRelay, runMigrations } from '@polis/db';
import { createPostgresDatabase, dropPostgresDatabase, realServers } from '@polis/testing';
import amqplib from 'amqplib';
import type { ConsumerJob } from './bus-consumer.worker.js';
import { envNumber, format, median } from './stats.js';

const events = envNumber('BENCH_EVENTS', 20_000);
const rounds = envNumber('BENCH_ROUNDS', 3);
const eventsPerTransaction = 50;

/** Starts the consumer thread; resolves once it is subscribed, with a promise of "all consumed". */
async function startConsumer(job: ConsumerJob): Promise<{ done: Promise<void>; stop: () => Promise<void> }> {
  const worker = new Worker(new URL('./bus-consumer.worker.js', import.meta.url), { workerData: job });
  const messages: string[] = [];
  const waiters: Array<{ name: string; resolve: () => void }> = [];
  worker.on('message', (message: string) => {
    const index = waiters.findIndex((waiter) => waiter.name === message);
    if (index >= 0) waiters.splice(index, 1)[0]?.resolve();
    else messages.push(message);
  });
  const next = (name: string) =>
    new Promise<void>((resolve, reject) => {
      if (messages.includes(name)) return resolve();
      waiters.push({ name, resolve });
      worker.once('error', reject);
    });
  await next('ready');
  const done = next('done');
  return {
    done,
    async stop() {
      const closed = next('closed');
      worker.postMessage('close');
      await closed;
      await worker.terminate();
    },
  };
}

async function rawAmqplib(round: number): Promise<number> {
  const connection = await amqplib.connect(realServers.rabbitmqUrl);
  const channel = await connection.createConfirmChannel();
  const exchange = `bench.raw.${round}.${randomUUID()}`;
  const queue = `${exchange}.q`;
  await channel.assertExchange(exchange, 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(queue, exchange, 'bench.#');
  const consumer = await startConsumer({ mode: 'raw', events, rabbitmqUrl: realServers.rabbitmqUrl, queue });
  try {
    const started = performance.now();
    for (let i = 0; i < events; i += 1) {
      const event = createEvent({ source: 'bench', type: 'bench.raw', data: { n: i } });
      channel.publish(exchange, 'bench.raw', Buffer.from(JSON.stringify(event)), {
        persistent: true,
        messageId: event.id,
        contentType: 'application/cloudevents+json',
      });
    }
    await channel.waitForConfirms();
    await consumer.done;
    return (events / (performance.now() - started)) * 1000;
  } finally {
    await consumer.stop();
    await channel.deleteQueue(queue);
    await channel.deleteExchange(exchange);
    await connection.close();
  }
}

async function throughOutbox(round: number, migrations: string): Promise<number> {
  const name = `bench_bus_${round}_${Date.now().toString(36)}`;
  const databaseUrl = await createPostgresDatabase(name);
  const db = await createDatabase({ url: databaseUrl, poolMax: 10 });
  const bus = createRabbitBus({ url: realServers.rabbitmqUrl, prefix: name, temporary: true });
  let consumer: Awaited<ReturnType<typeof startConsumer>> | undefined;
  try {
    await runMigrations(db, { schema: 'bench', directory: migrations });
    // Declares the queue (the consumer thread subscribes to the same one) before anything is published.
    await (
      await bus.subscribe({
        queue: 'bench.consumer',
        exchange: 'bench.events',
        bindings: ['bench.#'],
        handler: async () => {},
      })
    ).cancel();
    consumer = await startConsumer({
      mode: 'outbox',
      events,
      rabbitmqUrl: realServers.rabbitmqUrl,
      queue: name,
      databaseUrl,
    });
    const relay = new OutboxRelay({ db, bus, schema: 'bench' });
    relay.start();
    const started = performance.now();
    for (let written = 0; written < events; written += eventsPerTransaction) {
      const count = Math.min(eventsPerTransaction, events - written);
      await db.transaction(async (tx) => {
        const messages = Array.from({ length: count }, (_, i) => ({
          exchange: 'bench.events',
          routingKey: 'bench.happened',
          event: createEvent({ source: 'bench', type: 'bench.happened', data: { n: written + i } }),
        }));
        await enqueueEvents(tx, 'bench', messages);
      });
      relay.notify();
    }
    await consumer.done;
    const elapsed = performance.now() - started;
    await relay.stop();
    return (events / elapsed) * 1000;
  } finally {
    await consumer?.stop();
    await bus.close();
    await db.close();
    await dropPostgresDatabase(name);
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'polis-bench-'));
  await writeFile(join(dir, '0001_effects.sql'), 'create table bench.effects (event_id uuid primary key);\n');
  const raw: number[] = [];
  const outbox: number[] = [];
  try {
    for (let round = 1; round <= rounds; round += 1) {
      raw.push(await rawAmqplib(round));
      outbox.push(await throughOutbox(round, dir));
      console.log(
        `round ${round}: raw amqplib ${format(raw.at(-1) ?? 0)} msg/s, outbox end to end ${format(outbox.at(-1) ?? 0)} events/s`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const rawMedian = median(raw);
  const outboxMedian = median(outbox);
  console.log(`events per round: ${events}, rounds: ${rounds}`);
  console.log(`raw amqplib publish+consume (confirms, quorum queue): median ${format(rawMedian)} msg/s`);
  console.log(`outbox -> RabbitMQ -> idempotent consumer:           median ${format(outboxMedian)} events/s`);
  console.log(
    `ratio outbox/raw: ${format(outboxMedian / rawMedian, 2)} (target >= 0.5; absolute target >= 5,000 events/s)`,
  );
}

await main();
