import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CloudEvent, createEvent, createEventBus, type EventBus } from '@polis/bus';
import { backendKind, createPostgresDatabase, dropPostgresDatabase, realServers } from '@polis/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyOnce, createDatabase, type Database, OutboxRelay, runMigrations } from '../src/index.js';
import { uniqueName, waitFor } from './support/test-database.js';

const PRODUCER = 'crash_producer';
const CONSUMER = 'crash_consumer';
const EXCHANGE = 'crash.events';
const CHILD = fileURLToPath(new URL('./fixtures/commit-then-hang.mjs', import.meta.url));

/** Runs the child until it reports its commit, then kills it before anything else can happen. */
function commitThenKill(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('committed')) child.kill('SIGKILL');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' && stdout.includes('committed')) resolve();
      else reject(new Error(`child exited (code ${code}, signal ${signal}) before committing: ${stderr}`));
    });
  });
}

describe('crash between commit and publish', () => {
  const kind = backendKind();
  const name = uniqueName('t_crash');
  let workDir: string;
  let target: string;
  let db: Database | undefined;
  let bus: EventBus | undefined;
  let relay: OutboxRelay | undefined;

  async function open(): Promise<Database> {
    return kind === 'real' ? createDatabase({ url: target }) : createDatabase({ dataDir: target });
  }

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'polis-db-crash-'));
    target = kind === 'real' ? await createPostgresDatabase(name) : join(workDir, 'pgdata');
    const producerDir = join(workDir, 'producer');
    const consumerDir = join(workDir, 'consumer');
    await Promise.all([mkdir(producerDir), mkdir(consumerDir)]);
    await writeFile(join(producerDir, '0001_orders.sql'), 'create table orders (id uuid primary key);');
    await writeFile(
      join(consumerDir, '0001_counter.sql'),
      'create table order_counter (id int primary key, n int not null); insert into order_counter values (1, 0);',
    );
    // Embedded, the data directory has one owner at a time: migrate, then hand it to the child.
    const setup = await open();
    await runMigrations(setup, { schema: PRODUCER, directory: producerDir });
    await runMigrations(setup, { schema: CONSUMER, directory: consumerDir });
    await setup.close();
  });

  afterAll(async () => {
    await relay?.stop();
    await bus?.close();
    await db?.close();
    if (kind === 'real') await dropPostgresDatabase(name);
    await rm(workDir, { recursive: true, force: true });
  });

  it('delivers the committed event after the crash, and applies it exactly once', async () => {
    const orderId = randomUUID();
    const event = createEvent({ source: 'crash-test', type: 'order.created', subject: orderId, data: { orderId } });
    await commitThenKill([target, PRODUCER, orderId, EXCHANGE, 'order.created', JSON.stringify(event)]);

    db = await open();
    const database = db;
    expect(await database.query(`select id from ${PRODUCER}.orders`)).toEqual([{ id: orderId }]);
    expect(await database.query(`select published_at from ${PRODUCER}.outbox`)).toEqual([{ published_at: null }]);

    bus =
      kind === 'real'
        ? createEventBus({ url: realServers.rabbitmqUrl, prefix: uniqueName('dbcrash'), temporary: true })
        : createEventBus({});
    const outcomes: boolean[] = [];
    await bus.subscribe({
      queue: 'crash-test.order-counter',
      exchange: EXCHANGE,
      bindings: ['order.*'],
      handler: async (received: CloudEvent) => {
        const applied = await applyOnce(
          database,
          { schema: CONSUMER, consumer: 'crash-test.order-counter', eventId: received.id },
          async (tx) => {
            await tx.execute(sql`update crash_consumer.order_counter set n = n + 1 where id = 1`);
          },
        );
        outcomes.push(applied);
      },
    });

    relay = new OutboxRelay({ db: database, bus, schema: PRODUCER, pollIntervalMs: 20 });
    relay.start();
    await waitFor(() => outcomes.length === 1, 'the recovered event is consumed');
    expect(outcomes).toEqual([true]);
    expect(await database.query(`select n from ${CONSUMER}.order_counter`)).toEqual([{ n: 1 }]);
    await waitFor(
      async () =>
        (await database.query(`select 1 from ${PRODUCER}.outbox where published_at is not null`)).length === 1,
      'the outbox row is marked published',
    );

    // At-least-once delivery may hand the consumer the same event again: it must change nothing.
    await bus.publish([{ exchange: EXCHANGE, routingKey: 'order.created', event }]);
    await waitFor(() => outcomes.length === 2, 'the duplicate is consumed');
    expect(outcomes).toEqual([true, false]);
    expect(await database.query(`select n from ${CONSUMER}.order_counter`)).toEqual([{ n: 1 }]);
  });
});
