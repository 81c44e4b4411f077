import { randomBytes } from 'node:crypto';
import { createEvent, createRabbitBus, type RabbitEventBus } from '@polis/bus';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const real = process.env.TEST_BACKEND === 'real';
const rabbitUrl = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('RabbitMQ adapter without a broker', () => {
  // Port 1 refuses connections at once, so this needs no server and runs on every backend.
  const unreachable = 'amqp://guest:guest@127.0.0.1:1';

  it('fails ping and rejects publishes once the confirm timeout passes', async () => {
    const bus = createRabbitBus({ url: unreachable, publishTimeoutMs: 100 });
    try {
      await expect(bus.ping()).rejects.toThrow(/not connected/);
      const event = createEvent({ source: 'bus.test', type: 'deal.created', data: {} });
      await expect(bus.publish([{ exchange: 'crm.events', routingKey: 'deal.created', event }])).rejects.toThrow(
        /timeout/,
      );
    } finally {
      await bus.close();
    }
  });

  it('keeps credentials out of its errors', async () => {
    const bus = createRabbitBus({ url: 'amqp://alice:s3cret@127.0.0.1:1', publishTimeoutMs: 100 });
    try {
      const failure = await bus.ping().then(
        () => 'connected',
        (error: unknown) => String(error),
      );
      expect(failure).not.toContain('s3cret');
      expect(failure).toContain('127.0.0.1:1');
    } finally {
      await bus.close();
    }
  });
});

describe.runIf(real)('RabbitMQ adapter on a broker', () => {
  const prefix = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  let bus: RabbitEventBus;
  let connection: amqplib.ChannelModel;

  /** Runs one broker operation on its own channel, since a refused declaration closes the channel. */
  async function onFreshChannel<T>(work: (channel: amqplib.Channel) => Promise<T>): Promise<T> {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  beforeAll(async () => {
    bus = createRabbitBus({ url: rabbitUrl, prefix, temporary: true, publishTimeoutMs: 5_000 });
    connection = await amqplib.connect(rabbitUrl);
  });

  afterAll(async () => {
    await bus.close();
    await connection.close();
  });

  it('declares a quorum work queue with its dead-letter queue and one retry tier per delay', async () => {
    const subscription = await bus.subscribe({
      queue: 'notifications.crm',
      exchange: 'crm.events',
      bindings: ['deal.#'],
      retryDelaysMs: [20, 40],
      handler: async () => undefined,
    });
    const queue = `${prefix}.notifications.crm`;
    for (const name of [queue, `${queue}.dlq`, `${queue}.retry.20`, `${queue}.retry.40`]) {
      await expect(onFreshChannel((ch) => ch.checkQueue(name))).resolves.toMatchObject({ queue: name });
    }
    // Redeclaring with identical arguments succeeds and with one changed fails, which pins each argument.
    const workQueueArguments = {
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': `${prefix}.dlx`,
      'x-dead-letter-routing-key': queue,
      'x-max-length': 100_000,
      'x-overflow': 'reject-publish',
    };
    const declare = (name: string, args: Record<string, unknown>) =>
      onFreshChannel((ch) => ch.assertQueue(name, { durable: true, arguments: args }));
    await expect(declare(queue, workQueueArguments)).resolves.toMatchObject({ queue });
    await expect(declare(queue, { ...workQueueArguments, 'x-queue-type': 'classic' })).rejects.toThrow(/x-queue-type/);
    const dlqArguments = { 'x-queue-type': 'quorum', 'x-message-ttl': 14 * 24 * 3600 * 1000 };
    await expect(declare(`${queue}.dlq`, dlqArguments)).resolves.toBeDefined();
    const retryArguments = {
      'x-queue-type': 'classic',
      'x-message-ttl': 20,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': queue,
    };
    await expect(declare(`${queue}.retry.20`, retryArguments)).resolves.toBeDefined();
    await expect(declare(`${queue}.retry.20`, { ...retryArguments, 'x-message-ttl': 21 })).rejects.toThrow(
      /x-message-ttl/,
    );
    await expect(onFreshChannel((ch) => ch.checkExchange(`${prefix}.dlx`))).resolves.toBeDefined();

    // Other delays on the same queue declare other tiers instead of clashing with these.
    const other = await bus.subscribe({
      queue: 'notifications.crm',
      exchange: 'crm.events',
      bindings: ['deal.#'],
      retryDelaysMs: [25],
      handler: async () => undefined,
    });
    await expect(onFreshChannel((ch) => ch.checkQueue(`${queue}.retry.25`))).resolves.toBeDefined();
    await other.cancel();
    await subscription.cancel();
  });

  it('publishes persistent CloudEvents with the AMQP properties and ce- headers', async () => {
    const exchange = `${prefix}.audit.events`;
    const probe = `${prefix}.probe`;
    await onFreshChannel(async (ch) => {
      await ch.assertExchange(exchange, 'topic', { durable: true });
      await ch.assertQueue(probe, { durable: false, autoDelete: false });
      await ch.bindQueue(probe, exchange, '#');
    });
    const event = createEvent({
      source: 'auth.service',
      type: 'auth.login.succeeded',
      subject: 'user-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      data: { actorId: 'user-1' },
    });
    await bus.publish([{ exchange: 'audit.events', routingKey: 'auth.login.succeeded', event }]);

    const message = await onFreshChannel(async (ch) => {
      const got = await ch.get(probe, { noAck: true });
      await ch.deleteQueue(probe);
      return got;
    });
    expect(message).not.toBe(false);
    if (message === false) return;
    expect(JSON.parse(message.content.toString('utf8'))).toEqual(event);
    expect(message.fields.routingKey).toBe('auth.login.succeeded');
    expect(message.properties).toMatchObject({
      contentType: 'application/cloudevents+json',
      deliveryMode: 2,
      messageId: event.id,
      type: 'auth.login.succeeded',
      timestamp: Math.floor(Date.parse(event.time) / 1000),
      headers: {
        'ce-specversion': '1.0',
        'ce-id': event.id,
        'ce-type': 'auth.login.succeeded',
        'ce-source': 'auth.service',
        traceparent: event.traceparent,
      },
    });
  });

  it('answers no dead letters for a queue that was never declared, and stays usable', async () => {
    await expect(bus.takeDeadLetters('never.declared')).resolves.toEqual([]);
    await expect(bus.ping()).resolves.toBeUndefined();
  });

  it('rejects a publish the broker refuses, then recovers its channels and keeps consuming', async () => {
    const received: string[] = [];
    const subscription = await bus.subscribe({
      queue: 'recovering',
      exchange: 'tasks.events',
      bindings: ['task.#'],
      retryDelaysMs: [20],
      handler: async (event) => {
        received.push(event.id);
      },
    });
    // An exchange of another type under the same name: declaring it as a topic exchange is refused.
    await onFreshChannel((ch) => ch.assertExchange(`${prefix}.clash`, 'direct', { durable: false, autoDelete: false }));
    const clash = createEvent({ source: 'bus.test', type: 'x', data: {} });
    await expect(bus.publish([{ exchange: 'clash', routingKey: 'x', event: clash }])).rejects.toThrow(/inequivalent/);
    await onFreshChannel((ch) => ch.deleteExchange(`${prefix}.clash`));

    const event = createEvent({ source: 'tasks.service', type: 'task.created', data: {} });
    await bus.publish([{ exchange: 'tasks.events', routingKey: 'task.created', event }]);
    await waitFor(() => received.includes(event.id), 'an event after the channel error');
    await subscription.cancel();
  });
});
