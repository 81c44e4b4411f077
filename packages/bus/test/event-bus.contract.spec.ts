import { randomBytes } from 'node:crypto';
import {
  type CloudEvent,
  createEvent,
  createMemoryBus,
  createRabbitBus,
  type DeadLetter,
  type DeliveryContext,
  type EventBus,
  type EventHandler,
  type RawPublisher,
  type Subscription,
} from '@polis/bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type TestBus = EventBus & RawPublisher;

const real = process.env.TEST_BACKEND === 'real';
const rabbitUrl = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const retryDelaysMs = [20, 40];

function newBus(): TestBus {
  if (!real) return createMemoryBus();
  const prefix = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  return createRabbitBus({ url: rabbitUrl, prefix, temporary: true, publishTimeoutMs: 5_000 });
}

let counter = 0;
/** Queue and exchange names unique within this file, so tests never see each other's messages. */
function unique(base: string): string {
  counter += 1;
  return `${base}-${counter}`;
}

function testEvent(type: string, data: Record<string, unknown> = {}): CloudEvent {
  return createEvent<unknown>({ source: 'bus.contract-test', type, data });
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Received {
  event: CloudEvent;
  context: DeliveryContext;
}

interface Recorder {
  received: Received[];
  subscription: Subscription;
  keys(): string[];
  ids(): string[];
}

async function record(
  bus: EventBus,
  options: {
    queue: string;
    exchange: string;
    bindings: string[];
    prefetch?: number;
    handler?: EventHandler;
  },
): Promise<Recorder> {
  const received: Received[] = [];
  const subscription = await bus.subscribe({
    queue: options.queue,
    exchange: options.exchange,
    bindings: options.bindings,
    prefetch: options.prefetch ?? 1,
    retryDelaysMs,
    handler: async (event, context) => {
      received.push({ event, context });
      await options.handler?.(event, context);
    },
  });
  return {
    received,
    subscription,
    keys: () => received.map((r) => r.context.routingKey),
    ids: () => received.map((r) => r.event.id),
  };
}

/** Takes dead letters until `count` have arrived (they are removed from the DLQ as they are taken). */
async function takeDeadLetters(bus: EventBus, queue: string, count: number, timeoutMs = 15_000): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    letters.push(...(await bus.takeDeadLetters(queue)));
    if (letters.length >= count) return letters;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} dead letter(s) in ${queue}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(`EventBus contract (${real ? 'RabbitMQ' : 'in-process'})`, () => {
  let bus: TestBus;

  beforeAll(() => {
    bus = newBus();
  });

  afterAll(async () => {
    await bus.close();
  });

  it('routes topic wildcards as RabbitMQ does', async () => {
    const exchange = unique('crm.events');
    const deal = await record(bus, { queue: unique('deal'), exchange, bindings: ['deal.#'] });
    const created = await record(bus, { queue: unique('created'), exchange, bindings: ['*.created'] });
    const allQueue = unique('all');
    const all = await record(bus, { queue: allQueue, exchange, bindings: ['#'] });
    const az = await record(bus, { queue: unique('az'), exchange, bindings: ['a.#.z'] });

    const keys = ['deal', 'deal.created', 'deal.payment.created', 'task.created', 'a.z', 'a.b.c.z', 'a.b', 'zz'];
    // One last message per queue marks the end: delivery is in order with prefetch 1.
    const ends = ['deal.end', 'end.created', 'a.end.z'];
    await bus.publish([...keys, ...ends].map((routingKey) => ({ exchange, routingKey, event: testEvent(routingKey) })));

    await waitFor(() => deal.keys().includes('deal.end'), 'deal.# to finish');
    await waitFor(() => created.keys().includes('end.created'), '*.created to finish');
    await waitFor(() => az.keys().includes('a.end.z'), 'a.#.z to finish');
    await waitFor(() => all.received.length >= keys.length + ends.length, '# to finish');

    expect(deal.keys()).toEqual(['deal', 'deal.created', 'deal.payment.created', 'deal.end']);
    expect(created.keys()).toEqual(['deal.created', 'task.created', 'end.created']);
    expect(az.keys()).toEqual(['a.z', 'a.b.c.z', 'a.end.z']);
    expect(all.keys()).toEqual([...keys, ...ends]);
    for (const r of all.received) {
      expect(r.context).toMatchObject({ exchange, queue: allQueue, attempt: 1 });
      expect(r.event.type).toBe(r.context.routingKey);
    }
  });

  it('delivers each message once per queue, even when several bindings of that queue match', async () => {
    const exchange = unique('crm.events');
    const overlapping = await record(bus, {
      queue: unique('overlapping'),
      exchange,
      bindings: ['deal.created', 'deal.*', '#'],
    });
    const exact = await record(bus, { queue: unique('exact'), exchange, bindings: ['deal.created'] });

    const events = Array.from({ length: 6 }, (_, i) => testEvent('deal.created', { i }));
    await bus.publish(events.map((event) => ({ exchange, routingKey: 'deal.created', event })));
    const last = events.at(-1)?.id;

    await waitFor(() => overlapping.ids().includes(last ?? ''), 'the overlapping queue to finish');
    await waitFor(() => exact.ids().includes(last ?? ''), 'the exact queue to finish');
    expect(overlapping.ids()).toEqual(events.map((e) => e.id));
    expect(exact.ids()).toEqual(events.map((e) => e.id));
    expect(overlapping.received[0]?.context.queue).not.toBe(exact.received[0]?.context.queue);
  });

  it('shares one queue between its consumers without duplicates', async () => {
    const exchange = unique('tasks.events');
    const queue = unique('shared');
    const slow: EventHandler = () => new Promise((resolve) => setTimeout(resolve, 5));
    const first = await record(bus, { queue, exchange, bindings: ['task.#'], handler: slow });
    const second = await record(bus, { queue, exchange, bindings: ['task.#'], handler: slow });

    const events = Array.from({ length: 40 }, (_, i) => testEvent('task.created', { i }));
    await bus.publish(events.map((event) => ({ exchange, routingKey: 'task.created', event })));

    const allIds = () => [...first.ids(), ...second.ids()];
    await waitFor(() => new Set(allIds()).size === events.length, 'every event to be handled');
    expect(allIds()).toHaveLength(events.length);
    expect(new Set(allIds())).toEqual(new Set(events.map((e) => e.id)));
    expect(first.received.length).toBeGreaterThan(0);
    expect(second.received.length).toBeGreaterThan(0);
    expect(first.received.every((r) => r.context.queue === queue)).toBe(true);
  });

  it('retries a failing handler with increasing attempts, then dead-letters it with the error as reason', async () => {
    const exchange = unique('crm.events');
    const queue = unique('failing');
    const failing = await record(bus, {
      queue,
      exchange,
      bindings: ['deal.#'],
      handler: async (event, context) => {
        throw new Error(`boom on attempt ${context.attempt} of ${event.id}`);
      },
    });
    const event = testEvent('deal.payment.updated', { amount: '10.00' });
    await bus.publish([{ exchange, routingKey: 'deal.payment.updated', event }]);

    const [letter] = await takeDeadLetters(bus, queue, 1);
    expect(failing.received.map((r) => r.context.attempt)).toEqual([1, 2, 3]);
    for (const r of failing.received) {
      expect(r.event).toEqual(event);
      expect(r.context).toEqual({ exchange, routingKey: 'deal.payment.updated', queue, attempt: r.context.attempt });
    }
    expect(letter).toEqual({
      queue,
      reason: `boom on attempt 3 of ${event.id}`,
      routingKey: 'deal.payment.updated',
      body: event,
    });
    expect(await bus.takeDeadLetters(queue)).toEqual([]);
  });

  it('stops retrying once the handler succeeds', async () => {
    const exchange = unique('crm.events');
    const queue = unique('flaky');
    const flaky = await record(bus, {
      queue,
      exchange,
      bindings: ['deal.updated'],
      handler: async (_event, context) => {
        if (context.attempt < 2) throw new Error('transient');
      },
    });
    const events = [testEvent('deal.updated', { n: 1 }), testEvent('deal.updated', { n: 2 })];
    await bus.publish(events.map((event) => ({ exchange, routingKey: 'deal.updated', event })));

    await waitFor(() => flaky.received.filter((r) => r.context.attempt === 2).length === 2, 'both second attempts');
    const attemptsOf = (id: string) => flaky.received.filter((r) => r.event.id === id).map((r) => r.context.attempt);
    for (const event of events) expect(attemptsOf(event.id)).toEqual([1, 2]);
    expect(await bus.takeDeadLetters(queue)).toEqual([]);
  });

  it('dead-letters invalid envelopes with a reason, never calls the handler with them, and keeps consuming', async () => {
    const exchange = unique('crm.events');
    const queue = unique('guarded');
    const guarded = await record(bus, { queue, exchange, bindings: ['deal.#'] });

    await bus.publishRaw(exchange, 'deal.created', 'not json {');
    await bus.publishRaw(exchange, 'deal.updated', JSON.stringify({ hello: 'world' }));
    await bus.publishRaw(exchange, 'deal.deleted', new TextEncoder().encode('\u0000\u0001'));
    const valid = testEvent('deal.created', { ok: true });
    await bus.publish([{ exchange, routingKey: 'deal.created', event: valid }]);

    const letters = await takeDeadLetters(bus, queue, 3);
    await waitFor(() => guarded.received.length === 1, 'the valid event');
    expect(guarded.received[0]?.event).toEqual(valid);

    const byKey = new Map(letters.map((l) => [l.routingKey, l]));
    expect(byKey.get('deal.created')).toMatchObject({ queue, body: 'not json {' });
    expect(byKey.get('deal.created')?.reason).toMatch(/not JSON/);
    expect(byKey.get('deal.updated')).toMatchObject({ queue, body: { hello: 'world' } });
    expect(byKey.get('deal.updated')?.reason).toMatch(/invalid CloudEvent envelope/);
    expect(byKey.get('deal.deleted')?.reason).toMatch(/not JSON/);

    const after = testEvent('deal.created', { after: true });
    await bus.publish([{ exchange, routingKey: 'deal.created', event: after }]);
    await waitFor(() => guarded.received.length === 2, 'an event after the garbage');
    expect(guarded.received[1]?.event).toEqual(after);
  });

  it('holds published messages in a queue without consumers, and drops those sent before any queue existed', async () => {
    const exchange = unique('documents.events');
    const queue = unique('held');
    const before = testEvent('document.uploaded', { n: 0 });
    await bus.publish([{ exchange, routingKey: 'document.uploaded', event: before }]);

    const firstConsumer = await record(bus, { queue, exchange, bindings: ['document.*'] });
    await firstConsumer.subscription.cancel();

    const held = Array.from({ length: 30 }, (_, n) => testEvent('document.uploaded', { n: n + 1 }));
    await bus.publish(held.map((event) => ({ exchange, routingKey: 'document.uploaded', event })));

    const secondConsumer = await record(bus, { queue, exchange, bindings: ['document.*'] });
    const last = held.at(-1)?.id ?? '';
    await waitFor(() => secondConsumer.ids().includes(last), 'the held messages');
    expect(firstConsumer.received).toEqual([]);
    expect(secondConsumer.ids()).toEqual(held.map((e) => e.id));
  });

  it('delivers asynchronously, and every queue gets its own copy of the event', async () => {
    const exchange = unique('crm.events');
    const mutating = await record(bus, {
      queue: unique('mutating'),
      exchange,
      bindings: ['deal.created'],
      handler: async (event) => {
        (event.data as { title: string }).title = 'changed by a consumer';
      },
    });
    const reading = await record(bus, { queue: unique('reading'), exchange, bindings: ['deal.created'] });
    const event = createEvent({ source: 'bus.contract-test', type: 'deal.created', data: { title: 'original' } });

    const publishing = bus.publish([{ exchange, routingKey: 'deal.created', event }]);
    const handledDuringPublishCall = mutating.received.length + reading.received.length;
    event.data.title = 'changed by the publisher';
    await publishing;

    await waitFor(() => mutating.received.length === 1 && reading.received.length === 1, 'both copies');
    expect(handledDuringPublishCall).toBe(0);
    expect(reading.received[0]?.event.data).toEqual({ title: 'original' });
    expect(mutating.received[0]?.event).not.toBe(reading.received[0]?.event);
  });

  it('never runs more handlers at once than the prefetch', async () => {
    const exchange = unique('tasks.events');
    let active = 0;
    let mostActive = 0;
    const capped = await record(bus, {
      queue: unique('capped'),
      exchange,
      bindings: ['task.#'],
      prefetch: 3,
      handler: async () => {
        active += 1;
        mostActive = Math.max(mostActive, active);
        await new Promise((resolve) => setTimeout(resolve, 10));
        active -= 1;
      },
    });
    const events = Array.from({ length: 15 }, (_, i) => testEvent('task.reminder', { i }));
    await bus.publish(events.map((event) => ({ exchange, routingKey: 'task.reminder', event })));

    await waitFor(() => capped.received.length === events.length && active === 0, 'every reminder');
    expect(mostActive).toBeGreaterThanOrEqual(1);
    expect(mostActive).toBeLessThanOrEqual(3);
  });

  it('publishes an empty batch as a no-op', async () => {
    await expect(bus.publish([])).resolves.toBeUndefined();
  });

  it('answers ping while open', async () => {
    await expect(bus.ping()).resolves.toBeUndefined();
  });

  it('waits for in-flight handlers on close, and refuses work afterwards', async () => {
    const closingBus = newBus();
    const exchange = unique('crm.events');
    let started = false;
    let finished = false;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await closingBus.subscribe({
      queue: unique('slow'),
      exchange,
      bindings: ['#'],
      retryDelaysMs,
      handler: async () => {
        started = true;
        await gate;
        finished = true;
      },
    });
    await closingBus.publish([{ exchange, routingKey: 'deal.created', event: testEvent('deal.created') }]);
    await waitFor(() => started, 'the handler to start');

    const closed = closingBus.close();
    setTimeout(release, 30);
    await closed;
    expect(finished).toBe(true);

    await expect(closingBus.ping()).rejects.toThrow();
    await expect(
      closingBus.publish([{ exchange, routingKey: 'deal.created', event: testEvent('deal.created') }]),
    ).rejects.toThrow(/closed/);
  });
});
