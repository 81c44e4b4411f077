/**
 * The consuming service of the bus benchmark, in its own thread as it would be its own process in
 * production: either a raw amqplib consumer, or an EventBus subscription applying each event
 * idempotently (processed_events + an effect row, group-committed).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createRabbitBus } from '@polis/bus';
import { createDatabase, GroupedApplier } from '@polis/db';
import amqplib from 'amqplib';
import { sql } from 'drizzle-orm';

export interface ConsumerJob {
  mode: 'raw' | 'outbox';
  events: number;
  rabbitmqUrl: string;
  /** raw: the queue to consume. outbox: the bus name prefix. */
  queue: string;
  databaseUrl?: string;
}

const job = workerData as ConsumerJob;
const port = parentPort;
if (!port) throw new Error('bus-consumer.worker must run as a worker thread');

if (job.mode === 'raw') {
  const connection = await amqplib.connect(job.rabbitmqUrl);
  const channel = await connection.createChannel();
  await channel.prefetch(200);
  let received = 0;
  await channel.consume(job.queue, (message) => {
    if (!message) return;
    JSON.parse(message.content.toString('utf8'));
    channel.ack(message);
    received += 1;
    if (received === job.events) port.postMessage('done');
  });
  port.postMessage('ready');
  port.once('message', () => void connection.close().then(() => port.postMessage('closed')));
} else {
  const db = await createDatabase({ url: job.databaseUrl as string, poolMax: 10 });
  const bus = createRabbitBus({ url: job.rabbitmqUrl, prefix: job.queue });
  const applier = new GroupedApplier(db, { schema: 'bench', consumer: 'bench' });
  let applied = 0;
  await bus.subscribe({
    queue: 'bench.consumer',
    exchange: 'bench.events',
    bindings: ['bench.#'],
    prefetch: 200,
    handler: async (event) => {
      const fresh = await applier.apply(event.id, async (tx) => {
        await tx.execute(sql`insert into bench.effects (event_id) values (${event.id})`);
      });
      if (fresh) applied += 1;
      if (applied === job.events) port.postMessage('done');
    },
  });
  port.postMessage('ready');
  port.once('message', () => void Promise.all([bus.close(), db.close()]).then(() => port.postMessage('closed')));
}
