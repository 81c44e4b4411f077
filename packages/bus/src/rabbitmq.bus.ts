import { type AmqpConnectionManager, type ChannelWrapper, connect } from 'amqp-connection-manager';
import type { Channel, ChannelModel, ConsumeMessage, GetMessage, Message, Options } from 'amqplib';
import { type BusLogger, errorMessage, silentBusLogger } from './bus-logger.js';
import {
  DEAD_LETTER_EXCHANGE,
  DEAD_LETTER_TTL_MS,
  deadLetterQueueName,
  MAX_QUEUE_LENGTH,
  type RawPublisher,
  retryQueueName,
  validateSubscribeOptions,
} from './bus-topology.js';
import { type CloudEvent, parseCloudEvent } from './cloud-event.js';
import type { DeadLetter, EventBus, OutgoingMessage, SubscribeOptions, Subscription } from './event-bus.port.js';

export interface RabbitBusOptions {
  url: string;
  /** Prepended with a dot to every exchange and queue name, so tests can share one broker. */
  prefix?: string;
  /** Deletes every queue and exchange this instance declared when it closes (tests). */
  temporary?: boolean;
  logger?: BusLogger;
  /** How long a publish may wait for the broker's confirm (including a reconnect). Default 10 s. */
  publishTimeoutMs?: number;
}

export type RabbitEventBus = EventBus & RawPublisher;

const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';
const DEFAULT_PUBLISH_TIMEOUT_MS = 10_000;
const RECONNECT_SECONDS = 1;
const HEARTBEAT_SECONDS = 5;
/** Headers carrying where a message first came from, since a retry tier re-routes it through the default exchange. */
const ORIGINAL_EXCHANGE_HEADER = 'x-original-exchange';
const ORIGINAL_ROUTING_KEY_HEADER = 'x-original-routing-key';
const RETRY_COUNT_HEADER = 'x-retry-count';
const DEATH_REASON_HEADER = 'x-death-reason';
/** Broker-maintained dead-lettering headers; a republished copy must not inherit them. */
const BROKER_HEADERS = ['x-death', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason'];

type Headers = Record<string, unknown>;

interface ManagedConnection {
  manager: AmqpConnectionManager;
  watchChannel(channel: Channel, label: string): { markOperational(): void };
  close(): Promise<void>;
}

interface Origin {
  exchange: string;
  routingKey: string;
  retryCount: number;
}

/**
 * RabbitMQ adapter over amqp-connection-manager: connections that reconnect by themselves, one confirm
 * channel for publishing, one channel per subscription. Topology is declared in each channel's setup,
 * so a reconnect declares it again before consuming or publishing.
 */
export function createRabbitBus(options: RabbitBusOptions): RabbitEventBus {
  const logger = options.logger ?? silentBusLogger;
  const prefix = options.prefix;
  const publishTimeoutMs = options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
  const declaredQueues = new Set<string>();
  const declaredExchanges = new Set<string>();
  const exchangesReady = new Map<string, Promise<void>>();
  const subscriptions = new Set<Subscription>();
  let closing: Promise<void> | undefined;

  const named = (name: string): string => (prefix ? `${prefix}.${name}` : name);
  const unprefixed = (name: string): string =>
    prefix && name.startsWith(`${prefix}.`) ? name.slice(prefix.length + 1) : name;

  const server = describeServer(options.url);

  /**
   * Publishing and consuming use separate connections, as RabbitMQ advises: flow control throttles a
   * whole connection, and a busy publisher must not slow down the acks of consumers (or the reverse).
   */
  function openConnection(role: 'publisher' | 'consumer'): ManagedConnection {
    const manager: AmqpConnectionManager = connect(options.url, {
      heartbeatIntervalInSeconds: HEARTBEAT_SECONDS,
      reconnectTimeInSeconds: RECONNECT_SECONDS,
      connectionOptions: {
        // Without it Nagle's algorithm holds each small frame back until the broker's delayed ACK (~40 ms).
        noDelay: true,
        clientProperties: { connection_name: `polis-bus ${role}${prefix ? ` ${prefix}` : ''}` },
      },
    });
    manager.on('connect', () => logger.info({ server, role }, 'RabbitMQ connected'));
    manager.on('disconnect', ({ err }: { err: Error }) =>
      logger.warn({ server, role, reason: errorMessage(err) }, 'RabbitMQ disconnected'),
    );
    manager.on('connectFailed', ({ err }: { err: Error }) =>
      logger.warn({ server, role, reason: errorMessage(err) }, 'RabbitMQ connection failed; retrying'),
    );
    manager.on('blocked', ({ reason }: { reason: string }) =>
      logger.warn({ server, role, reason }, 'RabbitMQ blocked the connection'),
    );
    manager.on('unblocked', () => logger.info({ server, role }, 'RabbitMQ unblocked the connection'));

    let reconnectTimer: NodeJS.Timeout | undefined;
    function scheduleReconnect(): void {
      if (reconnectTimer || closing) return;
      reconnectTimer = setTimeout(() => {
        reconnectTimer = undefined;
        if (!closing) manager.reconnect();
      }, RECONNECT_SECONDS * 1000);
    }

    return {
      manager,
      /**
       * amqp-connection-manager replaces a channel only when the connection drops, not when the broker
       * closes that one channel (jwalton/node-amqp-connection-manager#347), so a channel error forces a
       * reconnect. Errors while a setup runs are left to the setup's caller, or a persistent mismatch
       * would reconnect forever.
       */
      watchChannel(channel, label) {
        let operational = false;
        channel.on('error', (error: Error) => {
          if (closing) return;
          logger.error({ channel: label, reason: errorMessage(error) }, 'RabbitMQ closed a channel');
          if (operational) scheduleReconnect();
        });
        return {
          markOperational() {
            operational = true;
          },
        };
      },
      async close() {
        clearTimeout(reconnectTimer);
        await manager.close();
      },
    };
  }

  const publishing = openConnection('publisher');
  let consuming: ManagedConnection | undefined;
  const consumingConnection = (): ManagedConnection => {
    consuming ??= openConnection('consumer');
    return consuming;
  };

  const publisher: ChannelWrapper = publishing.manager.createChannel({
    name: 'publisher',
    confirm: true,
    publishTimeout: publishTimeoutMs,
    setup: async (channel: Channel) => {
      const watch = publishing.watchChannel(channel, 'publisher');
      channel.on('return', (message: Message) => {
        logger.warn(
          { exchange: message.fields.exchange, routingKey: message.fields.routingKey },
          'event routed to no queue; dropped',
        );
      });
      watch.markOperational();
    },
  });
  publisher.on('error', (error: Error) =>
    logger.error({ channel: 'publisher', reason: errorMessage(error) }, 'publisher setup failed'),
  );

  function assertOpen(): void {
    if (closing) throw new Error('event bus is closed');
  }

  /** Declares a topic exchange once per name; as a channel setup, it is declared again after reconnects. */
  function ensureExchange(exchange: string): Promise<void> {
    let ready = exchangesReady.get(exchange);
    if (!ready) {
      declaredExchanges.add(exchange);
      const setup = async (channel: Channel) => {
        await channel.assertExchange(exchange, 'topic', { durable: true });
      };
      ready = publisher.addSetup(setup).catch(async (error: unknown) => {
        exchangesReady.delete(exchange);
        await publisher.removeSetup(setup);
        throw error;
      });
      exchangesReady.set(exchange, ready);
    }
    return ready;
  }

  async function publishAll(
    items: Array<{ exchange: string; routingKey: string; content: Buffer; properties: Options.Publish }>,
  ): Promise<void> {
    assertOpen();
    if (items.length === 0) return;
    await Promise.all([...new Set(items.map((i) => i.exchange))].map(ensureExchange));
    // Everything is handed to the channel first and the confirms are awaited together: the broker
    // confirms in batches, so waiting message by message would cost a round trip each.
    await Promise.all(items.map((i) => publisher.publish(i.exchange, i.routingKey, i.content, i.properties)));
  }

  /** A fresh plain channel for one-off operations, so a 404 on it cannot break the long-lived ones. */
  async function withOneOffChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T> {
    const connection = await currentConnection();
    const channel = await connection.createChannel();
    channel.on('error', (error: Error) => logger.warn({ reason: errorMessage(error) }, 'one-off channel closed'));
    try {
      return await work(channel);
    } finally {
      await Promise.resolve()
        .then(() => channel.close())
        .catch(() => undefined);
    }
  }

  async function currentConnection(): Promise<ChannelModel> {
    const { manager } = publishing;
    const existing = manager.connection;
    if (existing) return existing;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        manager.removeListener('connect', onConnect);
        reject(new Error(`RabbitMQ not connected after ${publishTimeoutMs} ms`));
      }, publishTimeoutMs);
      const onConnect = () => {
        clearTimeout(timer);
        resolve();
      };
      manager.once('connect', onConnect);
    });
    const connection = manager.connection;
    if (!connection) throw new Error('RabbitMQ connection lost');
    return connection;
  }

  async function subscribe(subscribeOptions: SubscribeOptions): Promise<Subscription> {
    assertOpen();
    const { prefetch, retryDelaysMs } = validateSubscribeOptions(subscribeOptions);
    const queueName = subscribeOptions.queue;
    const queue = named(queueName);
    const exchange = named(subscribeOptions.exchange);
    const deadLetterExchange = named(DEAD_LETTER_EXCHANGE);
    const deadLetterQueue = named(deadLetterQueueName(queueName));
    const retryQueues = retryDelaysMs.map((delayMs) => ({ delayMs, queue: named(retryQueueName(queueName, delayMs)) }));
    for (const name of [exchange, deadLetterExchange]) declaredExchanges.add(name);
    for (const name of [queue, deadLetterQueue, ...retryQueues.map((r) => r.queue)]) declaredQueues.add(name);

    const connection = consumingConnection();
    const inFlight = new Set<Promise<void>>();
    let cancelled = false;
    let current: { channel: Channel; consumerTag: string } | undefined;
    let settleFirstSetup: ((error?: unknown) => void) | undefined;
    const firstSetup = new Promise<void>((resolve, reject) => {
      settleFirstSetup = (error) => (error === undefined ? resolve() : reject(error));
    });

    async function declareTopology(channel: Channel): Promise<void> {
      await Promise.all([
        channel.assertExchange(deadLetterExchange, 'direct', { durable: true }),
        channel.assertExchange(exchange, 'topic', { durable: true }),
        channel.assertQueue(queue, {
          durable: true,
          arguments: {
            'x-queue-type': 'quorum',
            'x-dead-letter-exchange': deadLetterExchange,
            'x-dead-letter-routing-key': queue,
            'x-max-length': MAX_QUEUE_LENGTH,
            'x-overflow': 'reject-publish',
          },
        }),
        channel.assertQueue(deadLetterQueue, {
          durable: true,
          arguments: { 'x-queue-type': 'quorum', 'x-message-ttl': DEAD_LETTER_TTL_MS },
        }),
        ...retryQueues.map((retry) =>
          channel.assertQueue(retry.queue, {
            durable: true,
            arguments: {
              'x-queue-type': 'classic',
              'x-message-ttl': retry.delayMs,
              'x-dead-letter-exchange': '',
              'x-dead-letter-routing-key': queue,
            },
          }),
        ),
      ]);
      await Promise.all([
        channel.bindQueue(deadLetterQueue, deadLetterExchange, queue),
        ...subscribeOptions.bindings.map((pattern) => channel.bindQueue(queue, exchange, pattern)),
      ]);
    }

    const setup = async (channel: Channel) => {
      const watch = connection.watchChannel(channel, `consumer ${queue}`);
      try {
        await declareTopology(channel);
        if (!cancelled) {
          await channel.prefetch(prefetch);
          const { consumerTag } = await channel.consume(
            queue,
            (message: ConsumeMessage | null) => {
              if (message) track(handleDelivery(channel, message));
              else logger.warn({ queue }, 'RabbitMQ cancelled the consumer');
            },
            { noAck: false },
          );
          current = { channel, consumerTag };
        }
        watch.markOperational();
        settleFirstSetup?.();
      } catch (error) {
        settleFirstSetup?.(error);
        throw error;
      } finally {
        settleFirstSetup = undefined;
      }
    };

    function track(delivery: Promise<void>): void {
      const tracked: Promise<void> = delivery
        .catch((error: unknown) => logger.error({ queue, reason: errorMessage(error) }, 'event delivery failed'))
        .finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }

    async function handleDelivery(channel: Channel, message: ConsumeMessage): Promise<void> {
      const headers: Headers = message.properties.headers ?? {};
      const origin: Origin = {
        exchange: stringHeader(headers, ORIGINAL_EXCHANGE_HEADER) ?? unprefixed(message.fields.exchange),
        routingKey: stringHeader(headers, ORIGINAL_ROUTING_KEY_HEADER) ?? message.fields.routingKey,
        retryCount: retryCountOf(headers),
      };
      let body: unknown;
      try {
        body = JSON.parse(message.content.toString('utf8'));
      } catch (error) {
        await forwardThenAck(channel, message, () =>
          deadLetter(message, origin, `body is not JSON: ${errorMessage(error)}`),
        );
        return;
      }
      const parsed = parseCloudEvent(body);
      if (!parsed.ok) {
        await forwardThenAck(channel, message, () => deadLetter(message, origin, parsed.reason));
        return;
      }
      try {
        await subscribeOptions.handler(parsed.event, {
          exchange: origin.exchange,
          routingKey: origin.routingKey,
          queue: queueName,
          attempt: origin.retryCount + 1,
        });
      } catch (error) {
        const reason = errorMessage(error);
        const retry = retryQueues[origin.retryCount];
        if (retry) {
          logger.warn(
            { queue, routingKey: origin.routingKey, attempt: origin.retryCount + 1, delayMs: retry.delayMs, reason },
            'event handler failed; retrying',
          );
          await forwardThenAck(channel, message, () => sendToRetry(message, origin, retry.queue, reason));
        } else {
          await forwardThenAck(channel, message, () => deadLetter(message, origin, reason));
        }
        return;
      }
      acknowledge(channel, message);
    }

    /** The original is acked only once its copy is confirmed; if the copy fails it is requeued, never lost. */
    async function forwardThenAck(channel: Channel, message: ConsumeMessage, forward: () => Promise<void>) {
      try {
        await forward();
      } catch (error) {
        logger.error({ queue, reason: errorMessage(error) }, 'could not park a failed event; requeueing it');
        try {
          channel.nack(message, false, true);
        } catch {
          // The channel is gone; the broker redelivers unacked messages on its own.
        }
        return;
      }
      acknowledge(channel, message);
    }

    function acknowledge(channel: Channel, message: ConsumeMessage): void {
      try {
        channel.ack(message);
      } catch (error) {
        logger.warn({ queue, reason: errorMessage(error) }, 'ack failed; the broker will redeliver the event');
      }
    }

    async function sendToRetry(message: ConsumeMessage, origin: Origin, retryQueue: string, reason: string) {
      await publisher.publish('', retryQueue, message.content, {
        ...copiedProperties(message),
        headers: {
          ...copiedHeaders(message),
          [ORIGINAL_EXCHANGE_HEADER]: origin.exchange,
          [ORIGINAL_ROUTING_KEY_HEADER]: origin.routingKey,
          [RETRY_COUNT_HEADER]: origin.retryCount + 1,
          'x-last-error': reason,
        },
      });
    }

    async function deadLetter(message: ConsumeMessage, origin: Origin, reason: string): Promise<void> {
      logger.error({ queue, routingKey: origin.routingKey, reason }, 'event dead-lettered');
      await publisher.publish(deadLetterExchange, queue, message.content, {
        ...copiedProperties(message),
        headers: {
          ...copiedHeaders(message),
          [ORIGINAL_EXCHANGE_HEADER]: origin.exchange,
          [ORIGINAL_ROUTING_KEY_HEADER]: origin.routingKey,
          [RETRY_COUNT_HEADER]: origin.retryCount,
          [DEATH_REASON_HEADER]: reason,
        },
      });
    }

    const wrapper: ChannelWrapper = connection.manager.createChannel({
      name: `consumer ${queue}`,
      confirm: false,
      setup,
    });
    wrapper.on('error', (error: Error) =>
      logger.error({ queue, reason: errorMessage(error) }, 'consumer channel setup failed'),
    );
    try {
      await firstSetup;
      assertOpen();
    } catch (error) {
      cancelled = true;
      await wrapper.close().catch(() => undefined);
      throw error;
    }

    let cancelling: Promise<void> | undefined;
    const subscription: Subscription = {
      cancel() {
        cancelling ??= (async () => {
          cancelled = true;
          const consumer = current;
          current = undefined;
          if (consumer) {
            try {
              await consumer.channel.cancel(consumer.consumerTag);
            } catch (error) {
              logger.warn({ queue, reason: errorMessage(error) }, 'consumer cancel failed');
            }
          }
          // The broker sends every delivery before its cancel-ok, so nothing new arrives once this drains.
          while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
          await wrapper.close().catch(() => undefined);
          subscriptions.delete(subscription);
        })();
        return cancelling;
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  async function takeDeadLetters(queueName: string, limit = 100): Promise<DeadLetter[]> {
    const deadLetterQueue = named(deadLetterQueueName(queueName));
    return withOneOffChannel(async (channel) => {
      const letters: DeadLetter[] = [];
      try {
        while (letters.length < limit) {
          const message = await channel.get(deadLetterQueue, { noAck: false });
          if (message === false) break;
          letters.push(toDeadLetter(queueName, message));
          channel.ack(message);
        }
      } catch (error) {
        if (amqpCode(error) === 404) return letters;
        throw error;
      }
      return letters;
    });
  }

  async function deleteTemporaryTopology(): Promise<void> {
    if (!publishing.manager.isConnected()) {
      logger.warn({ prefix }, 'not connected; temporary topology left in place');
      return;
    }
    const deletions: Array<(channel: Channel) => Promise<unknown>> = [
      ...[...declaredQueues].map((queue) => (channel: Channel) => channel.deleteQueue(queue)),
      ...[...declaredExchanges].map((exchange) => (channel: Channel) => channel.deleteExchange(exchange)),
    ];
    for (const deletion of deletions) {
      try {
        await withOneOffChannel(deletion);
      } catch (error) {
        logger.warn({ prefix, reason: errorMessage(error) }, 'could not delete temporary topology');
      }
    }
  }

  return {
    kind: 'rabbitmq',

    // Async so that an unserializable event rejects instead of throwing; the body is still built
    // before the first await, so later changes to the caller's object are not published.
    async publish(messages: OutgoingMessage[]): Promise<void> {
      return publishAll(
        messages.map((m) => ({
          exchange: named(m.exchange),
          routingKey: m.routingKey,
          content: Buffer.from(JSON.stringify(m.event)),
          properties: publishProperties(m.event),
        })),
      );
    },

    async publishRaw(exchange: string, routingKey: string, body: string | Uint8Array): Promise<void> {
      return publishAll([
        { exchange: named(exchange), routingKey, content: Buffer.from(body), properties: { persistent: true } },
      ]);
    },

    subscribe,
    takeDeadLetters,

    async ping(): Promise<void> {
      assertOpen();
      for (const managed of [publishing, consuming]) {
        if (managed && !managed.manager.isConnected()) throw new Error(`RabbitMQ at ${server} is not connected`);
      }
    },

    close(): Promise<void> {
      closing ??= (async () => {
        await Promise.all([...subscriptions].map((s) => s.cancel()));
        if (options.temporary) await deleteTemporaryTopology();
        await consuming?.close();
        await publishing.close();
      })();
      return closing;
    },
  };
}

function publishProperties(event: CloudEvent): Options.Publish {
  const headers: Headers = {
    'ce-specversion': event.specversion,
    'ce-id': event.id,
    'ce-type': event.type,
    'ce-source': event.source,
  };
  if (event.traceparent !== undefined) headers.traceparent = event.traceparent;
  const time = Date.parse(event.time);
  return {
    persistent: true,
    mandatory: true,
    contentType: CLOUDEVENTS_CONTENT_TYPE,
    messageId: event.id,
    // AMQP timestamps are whole seconds.
    timestamp: Math.floor((Number.isNaN(time) ? Date.now() : time) / 1000),
    type: event.type,
    headers,
  };
}

function copiedProperties(message: Message): Options.Publish {
  const properties: Options.Publish = { persistent: true, mandatory: true };
  // amqplib types these properties as `any`; read them as unknown and keep only well-formed values.
  const contentType: unknown = message.properties.contentType;
  const messageId: unknown = message.properties.messageId;
  const timestamp: unknown = message.properties.timestamp;
  const type: unknown = message.properties.type;
  if (typeof contentType === 'string') properties.contentType = contentType;
  if (typeof messageId === 'string') properties.messageId = messageId;
  if (typeof timestamp === 'number') properties.timestamp = timestamp;
  if (typeof type === 'string') properties.type = type;
  return properties;
}

function copiedHeaders(message: Message): Headers {
  const headers: Headers = { ...(message.properties.headers ?? {}) };
  for (const name of BROKER_HEADERS) delete headers[name];
  return headers;
}

function stringHeader(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

function retryCountOf(headers: Headers): number {
  const value = headers[RETRY_COUNT_HEADER];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

function toDeadLetter(queue: string, message: GetMessage): DeadLetter {
  const headers: Headers = message.properties.headers ?? {};
  const brokerDeath = firstDeath(headers);
  const text = message.content.toString('utf8');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the raw text is what the operator needs to see.
  }
  return {
    queue,
    reason:
      stringHeader(headers, DEATH_REASON_HEADER) ??
      (brokerDeath ? `dead-lettered by the broker: ${brokerDeath.reason}` : 'unknown'),
    routingKey:
      stringHeader(headers, ORIGINAL_ROUTING_KEY_HEADER) ?? brokerDeath?.routingKey ?? message.fields.routingKey,
    body,
  };
}

/** Reads the broker's own `x-death` record, for messages it dead-lettered itself (rejected, expired, over limit). */
function firstDeath(headers: Headers): { reason: string; routingKey?: string } | undefined {
  const deaths = headers['x-death'];
  if (!Array.isArray(deaths)) return undefined;
  const first: unknown = deaths[0];
  if (typeof first !== 'object' || first === null) return undefined;
  const reason = 'reason' in first && typeof first.reason === 'string' ? first.reason : 'unknown';
  const keys = 'routing-keys' in first && Array.isArray(first['routing-keys']) ? first['routing-keys'] : [];
  const routingKey: unknown = keys[0];
  return typeof routingKey === 'string' ? { reason, routingKey } : { reason };
}

function amqpCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

/** The broker address without credentials, for logs and errors. */
function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'RabbitMQ';
  }
}
