import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CloudEvent, createEvent, createEventBus, type EventBus, type OutgoingMessage } from '@polis/bus';
import { realServers } from '@polis/testing';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enqueueEvents, OutboxRelay, runMigrations } from '../src/index.js';
import { RecordingBus } from './support/recording-bus.js';
import { createTestDatabase, type TestDatabase, uniqueName, waitFor } from './support/test-database.js';

const SCHEMA = 'outbox_svc';
const EXCHANGE = 'orders.events';

function message(routingKey = 'order.created', data: unknown = {}): OutgoingMessage {
  return { exchange: EXCHANGE, routingKey, event: createEvent({ source: 'outbox-test', type: routingKey, data }) };
}

interface OutboxRow {
  id: string;
  published_at: Date | null;
  attempts: number;
  last_error: string | null;
}

describe('transactional outbox', () => {
  let testDb: TestDatabase;
  let dir: string;
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase('outbox');
    dir = await mkdtemp(join(tmpdir(), 'polis-db-outbox-'));
    await writeFile(join(dir, '0001_orders.sql'), 'create table orders (id uuid primary key);');
    await runMigrations(testDb.db, { schema: SCHEMA, directory: dir });
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    // Every test starts from an empty outbox.
    await testDb.db.exec(`delete from ${SCHEMA}.outbox`);
  });

  afterAll(async () => {
    await testDb.close();
    await rm(dir, { recursive: true, force: true });
  });

  function relay(
    bus: EventBus,
    options: { batchSize?: number; pollIntervalMs?: number; maxBackoffMs?: number; maxAttempts?: number } = {},
  ) {
    const created = new OutboxRelay({ db: testDb.db, bus, schema: SCHEMA, pollIntervalMs: 20, ...options });
    relays.push(created);
    return created;
  }

  /** One business transaction: a state change plus its events. */
  async function placeOrder(events: OutgoingMessage[]): Promise<void> {
    await testDb.db.transaction(async (tx) => {
      await tx.execute(sql`insert into outbox_svc.orders (id) values (${randomUUID()})`);
      await enqueueEvents(tx, SCHEMA, events);
    });
  }

  async function outboxRows(): Promise<OutboxRow[]> {
    return testDb.db.query<OutboxRow>(
      `select id, published_at, attempts, last_error from ${SCHEMA}.outbox order by created_at, seq`,
    );
  }

  it('stores the whole envelope with its exchange and routing key', async () => {
    const sent = message('order.created', { total: '10.50', items: [{ sku: 'A-1' }] });
    await placeOrder([sent]);
    const rows = await testDb.db.query<{ id: string; exchange: string; routing_key: string; event: CloudEvent }>(
      `select id, exchange, routing_key, event from ${SCHEMA}.outbox`,
    );
    expect(rows).toEqual([{ id: sent.event.id, exchange: EXCHANGE, routing_key: 'order.created', event: sent.event }]);
  });

  it('never publishes events of a rolled-back transaction', async () => {
    const bus = new RecordingBus();
    await expect(
      testDb.db.transaction(async (tx) => {
        await enqueueEvents(tx, SCHEMA, [message(), message()]);
        throw new Error('validation failed after enqueue');
      }),
    ).rejects.toThrow('validation failed');

    expect(await relay(bus).flush()).toBe(0);
    expect(bus.published).toEqual([]);
    expect(await outboxRows()).toEqual([]);
  });

  it('publishes committed events exactly once, in commit order, across several batches', async () => {
    const bus = new RecordingBus();
    const expected: string[] = [];
    for (let order = 0; order < 7; order += 1) {
      const events = Array.from({ length: 3 }, (_, i) => message('order.updated', { order, i }));
      expected.push(...events.map((e) => e.event.id));
      await placeOrder(events);
    }

    const outboxRelay = relay(bus, { batchSize: 4 });
    expect(await outboxRelay.flush()).toBe(21);
    expect(bus.publishedIds()).toEqual(expected);
    expect(bus.published[0]).toMatchObject({ exchange: EXCHANGE, routingKey: 'order.updated' });

    expect(await outboxRelay.flush()).toBe(0);
    expect(bus.published).toHaveLength(21);
    const rows = await outboxRows();
    expect(rows.every((row) => row.published_at instanceof Date && row.attempts === 1)).toBe(true);
  });

  it('parks a row the broker keeps refusing while it takes others, and lets the rest through in order', async () => {
    const bus = new RecordingBus();
    bus.refused.add('order.poison');
    const before = [message(), message()];
    const poison = message('order.poison');
    const after = [message(), message()];
    await placeOrder([...before, poison, ...after]);

    const outboxRelay = relay(bus, { maxAttempts: 3 });
    // The rows ahead of the refused one go out; the ones behind it wait, keeping the order.
    await expect(outboxRelay.flush()).rejects.toThrow('refused');
    expect(bus.publishedIds()).toEqual(before.map((m) => m.event.id));
    await expect(outboxRelay.flush()).rejects.toThrow('refused');
    expect(bus.published).toHaveLength(2);

    // The third refusal parks it: what follows is published, and the parked row stays for an operator.
    await expect(outboxRelay.flush()).rejects.toThrow('refused');
    expect(await outboxRelay.flush()).toBe(2);
    expect(bus.publishedIds()).toEqual([...before, ...after].map((m) => m.event.id));
    const [parked] = await testDb.db.query<{ refusals: number; parked_at: Date | null; last_error: string }>(
      `select refusals, parked_at, last_error from ${SCHEMA}.outbox where id = $1`,
      [poison.event.id],
    );
    expect(parked).toMatchObject({
      refusals: 3,
      parked_at: expect.any(Date),
      last_error: 'message refused: order.poison',
    });
    expect(await outboxRelay.flush()).toBe(0);

    // Released by hand (and fixed), it goes out on the next pass.
    bus.refused.clear();
    await testDb.db.exec(`update ${SCHEMA}.outbox set parked_at = null where parked_at is not null`);
    expect(await outboxRelay.flush()).toBe(1);
    expect(bus.publishedIds().at(-1)).toBe(poison.event.id);
  });

  it('counts nothing against a row while the broker is down', async () => {
    const bus = new RecordingBus();
    bus.failing = true;
    await placeOrder([message(), message()]);
    const outboxRelay = relay(bus, { maxAttempts: 1 });
    for (let i = 0; i < 3; i += 1) await expect(outboxRelay.flush()).rejects.toThrow('broker unavailable');
    const rows = await testDb.db.query<{ refusals: number; parked_at: Date | null }>(
      `select refusals, parked_at from ${SCHEMA}.outbox`,
    );
    expect(rows).toEqual([
      { refusals: 0, parked_at: null },
      { refusals: 0, parked_at: null },
    ]);
    bus.failing = false;
    expect(await outboxRelay.flush()).toBe(2);
  });

  it('keeps rows pending while the bus fails and publishes them once it recovers', async () => {
    const bus = new RecordingBus();
    bus.failing = true;
    const sent = [message(), message()];
    await placeOrder(sent);

    const outboxRelay = relay(bus, { pollIntervalMs: 10, maxBackoffMs: 40 });
    await expect(outboxRelay.flush()).rejects.toThrow('broker unavailable');
    const [first] = await outboxRows();
    expect(first).toMatchObject({
      published_at: null,
      attempts: 1,
      last_error: expect.stringContaining('broker unavailable'),
    });

    outboxRelay.start();
    await waitFor(async () => (await outboxRows()).every((row) => row.attempts >= 3), 'retries while the bus is down');
    expect(bus.published).toEqual([]);

    bus.failing = false;
    await waitFor(async () => (await outboxRows()).every((row) => row.published_at !== null), 'publish after recovery');
    expect(bus.publishedIds()).toEqual(sent.map((m) => m.event.id));
  });

  it('publishes right away when notified, without waiting for the poll interval', async () => {
    const bus = new RecordingBus();
    const outboxRelay = relay(bus, { pollIntervalMs: 600_000 });
    outboxRelay.start();
    await waitFor(() => bus.publishCalls === 0, 'relay started');

    const sent = message();
    await placeOrder([sent]);
    outboxRelay.notify();
    await waitFor(() => bus.published.length === 1, 'notified relay publishes');
    expect(bus.publishedIds()).toEqual([sent.event.id]);
  });

  it('flushes what is pending when stopped', async () => {
    const bus = new RecordingBus();
    const outboxRelay = relay(bus, { pollIntervalMs: 600_000 });
    outboxRelay.start();
    // Let the first (empty) cycle run so the relay is asleep for the long poll interval.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sent = message();
    await placeOrder([sent]);

    await outboxRelay.stop();
    expect(bus.publishedIds()).toEqual([sent.event.id]);
  });

  it('lets two relays on one database share the work without publishing a row twice', async () => {
    const expected: string[] = [];
    for (let order = 0; order < 20; order += 1) {
      const events = Array.from({ length: 10 }, () => message());
      expected.push(...events.map((e) => e.event.id));
      await placeOrder(events);
    }
    const busA = new RecordingBus();
    const busB = new RecordingBus();
    const other = await testDb.openAnother();
    const relayA = relay(busA, { batchSize: 7 });
    const relayB = new OutboxRelay({ db: other, bus: busB, schema: SCHEMA, batchSize: 7 });
    relays.push(relayB);

    const [countA, countB] = await Promise.all([relayA.flush(), relayB.flush()]);

    const all = [...busA.publishedIds(), ...busB.publishedIds()];
    expect(countA + countB).toBe(200);
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual([...expected].sort());
  });

  it('purges published rows older than the retention and keeps pending ones', async () => {
    const bus = new RecordingBus();
    const outboxRelay = relay(bus);
    await placeOrder([message(), message()]);
    await outboxRelay.flush();
    bus.failing = true;
    const pending = message();
    await placeOrder([pending]);

    expect(await outboxRelay.purgePublished(3_600_000)).toBe(0);
    await waitFor(
      async () => (await outboxRelay.purgePublished(0)) === 0 && (await outboxRows()).length === 1,
      'purge',
    );
    expect((await outboxRows()).map((row) => row.id)).toEqual([pending.event.id]);
  });

  it('delivers through the real bus adapter to a subscriber, in order', async () => {
    const prefix = uniqueName('dbtest');
    const bus =
      testDb.kind === 'real'
        ? createEventBus({ url: realServers.rabbitmqUrl, prefix, temporary: true })
        : createEventBus({});
    const received: string[] = [];
    try {
      await bus.subscribe({
        queue: 'outbox-test.orders',
        exchange: EXCHANGE,
        bindings: ['order.#'],
        prefetch: 1,
        handler: async (event) => {
          received.push(event.id);
        },
      });
      const sent = Array.from({ length: 30 }, (_, i) => message('order.created', { i }));
      for (let i = 0; i < sent.length; i += 5) await placeOrder(sent.slice(i, i + 5));

      const outboxRelay = relay(bus, { batchSize: 8 });
      outboxRelay.start();
      outboxRelay.notify();
      await waitFor(() => received.length >= sent.length, 'events delivered');
      expect(received).toEqual(sent.map((m) => m.event.id));
    } finally {
      await Promise.all(relays.splice(0).map((r) => r.stop()));
      await bus.close();
    }
  });
});
