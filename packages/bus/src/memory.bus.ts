import { type BusLogger, errorMessage, silentBusLogger } from './bus-logger.js';
import { MAX_QUEUE_LENGTH, type RawPublisher, validateSubscribeOptions } from './bus-topology.js';
import { parseCloudEvent } from './cloud-event.js';
import type {
  DeadLetter,
  EventBus,
  EventHandler,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
} from './event-bus.port.js';
import { compileTopicPattern, type TopicMatcher } from './topic-matcher.js';

export interface MemoryBusOptions {
  logger?: BusLogger;
}

export type MemoryEventBus = EventBus & RawPublisher;

/** A message as a queue holds it: the body stays serialized so every delivery parses its own copy. */
interface StoredMessage {
  exchange: string;
  routingKey: string;
  body: string;
  retryCount: number;
}

/**
 * FIFO with O(1) take: `Array.prototype.shift` copies the whole array once it is large, which made
 * draining a backlog of tens of thousands of messages quadratic.
 */
class Fifo<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

interface MemoryQueue {
  name: string;
  ready: Fifo<StoredMessage>;
  consumers: MemoryConsumer[];
  nextConsumer: number;
  deadLetters: DeadLetter[];
  dispatchScheduled: boolean;
}

interface MemoryConsumer {
  queue: MemoryQueue;
  handler: EventHandler;
  prefetch: number;
  retryDelaysMs: readonly number[];
  inFlight: Set<Promise<void>>;
  active: boolean;
}

interface Binding {
  pattern: string;
  matches: TopicMatcher;
  queue: MemoryQueue;
}

/**
 * In-process event bus with the broker's semantics: topic exchanges, one delivery per queue shared
 * round-robin by its consumers, prefetch as a per-consumer concurrency cap, retries after delays,
 * dead letters with reasons. Messages routed to no queue are dropped, as the broker drops them.
 */
export function createMemoryBus(options: MemoryBusOptions = {}): MemoryEventBus {
  const logger = options.logger ?? silentBusLogger;
  const exchanges = new Map<string, Binding[]>();
  const queues = new Map<string, MemoryQueue>();
  const subscriptions = new Set<Subscription>();
  const retryTimers = new Set<NodeJS.Timeout>();
  let closing: Promise<void> | undefined;

  function assertOpen(): void {
    if (closing) throw new Error('event bus is closed');
  }

  function queueNamed(name: string): MemoryQueue {
    let queue = queues.get(name);
    if (!queue) {
      queue = { name, ready: new Fifo(), consumers: [], nextConsumer: 0, deadLetters: [], dispatchScheduled: false };
      queues.set(name, queue);
    }
    return queue;
  }

  function bind(exchange: string, pattern: string, queue: MemoryQueue): void {
    let bindings = exchanges.get(exchange);
    if (!bindings) {
      bindings = [];
      exchanges.set(exchange, bindings);
    }
    if (!bindings.some((b) => b.pattern === pattern && b.queue === queue)) {
      bindings.push({ pattern, matches: compileTopicPattern(pattern), queue });
    }
  }

  /** Returns false when some bound queue was full and refused the message (the broker nacks then). */
  function route(exchange: string, routingKey: string, body: string): boolean {
    const targets = new Set<MemoryQueue>();
    for (const binding of exchanges.get(exchange) ?? []) {
      if (binding.matches(routingKey)) targets.add(binding.queue);
    }
    if (targets.size === 0) {
      logger.warn({ exchange, routingKey }, 'event routed to no queue; dropped');
      return true;
    }
    let accepted = true;
    for (const queue of targets) {
      if (queue.ready.length >= MAX_QUEUE_LENGTH) {
        accepted = false;
        continue;
      }
      queue.ready.push({ exchange, routingKey, body, retryCount: 0 });
      scheduleDispatch(queue);
    }
    return accepted;
  }

  // Deliveries always start from a fresh macrotask, never inside the publisher's call stack.
  function scheduleDispatch(queue: MemoryQueue): void {
    if (queue.dispatchScheduled) return;
    queue.dispatchScheduled = true;
    setImmediate(() => {
      queue.dispatchScheduled = false;
      dispatch(queue);
    });
  }

  function dispatch(queue: MemoryQueue): void {
    while (queue.ready.length > 0) {
      const consumer = nextFreeConsumer(queue);
      if (!consumer) return;
      const message = queue.ready.take();
      if (!message) return;
      const delivery: Promise<void> = deliver(consumer, message).finally(() => {
        consumer.inFlight.delete(delivery);
        scheduleDispatch(queue);
      });
      consumer.inFlight.add(delivery);
    }
  }

  function nextFreeConsumer(queue: MemoryQueue): MemoryConsumer | undefined {
    const count = queue.consumers.length;
    for (let step = 0; step < count; step++) {
      const index = (queue.nextConsumer + step) % count;
      const consumer = queue.consumers[index];
      if (consumer?.active && consumer.inFlight.size < consumer.prefetch) {
        queue.nextConsumer = (index + 1) % count;
        return consumer;
      }
    }
    return undefined;
  }

  async function deliver(consumer: MemoryConsumer, message: StoredMessage): Promise<void> {
    const queue = consumer.queue;
    let body: unknown;
    try {
      body = JSON.parse(message.body);
    } catch (error) {
      deadLetter(queue, message, `body is not JSON: ${errorMessage(error)}`, message.body);
      return;
    }
    const parsed = parseCloudEvent(body);
    if (!parsed.ok) {
      deadLetter(queue, message, parsed.reason, body);
      return;
    }
    try {
      await consumer.handler(parsed.event, {
        exchange: message.exchange,
        routingKey: message.routingKey,
        queue: queue.name,
        attempt: message.retryCount + 1,
      });
    } catch (error) {
      const reason = errorMessage(error);
      const delayMs = consumer.retryDelaysMs[message.retryCount];
      if (delayMs === undefined) {
        deadLetter(queue, message, reason, body);
        return;
      }
      logger.warn(
        { queue: queue.name, routingKey: message.routingKey, attempt: message.retryCount + 1, delayMs, reason },
        'event handler failed; retrying',
      );
      scheduleRetry(queue, { ...message, retryCount: message.retryCount + 1 }, delayMs);
    }
  }

  function scheduleRetry(queue: MemoryQueue, message: StoredMessage, delayMs: number): void {
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      queue.ready.push(message);
      scheduleDispatch(queue);
    }, delayMs);
    retryTimers.add(timer);
  }

  function deadLetter(queue: MemoryQueue, message: StoredMessage, reason: string, body: unknown): void {
    logger.error({ queue: queue.name, routingKey: message.routingKey, reason }, 'event dead-lettered');
    queue.deadLetters.push({ queue: queue.name, reason, routingKey: message.routingKey, body });
  }

  async function publishBodies(items: Array<{ exchange: string; routingKey: string; body: string }>): Promise<void> {
    assertOpen();
    let refused = 0;
    for (const item of items) {
      if (!route(item.exchange, item.routingKey, item.body)) refused++;
    }
    if (refused > 0) throw new Error(`${refused} message(s) refused: a queue holds ${MAX_QUEUE_LENGTH} messages`);
  }

  const bus: MemoryEventBus = {
    kind: 'memory',

    async publish(messages: OutgoingMessage[]): Promise<void> {
      // Serializing before the first await is the deep copy: later changes to `event` reach nobody.
      const items = messages.map((m) => ({
        exchange: m.exchange,
        routingKey: m.routingKey,
        body: JSON.stringify(m.event),
      }));
      return publishBodies(items);
    },

    async publishRaw(exchange: string, routingKey: string, body: string | Uint8Array): Promise<void> {
      const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
      return publishBodies([{ exchange, routingKey, body: text }]);
    },

    async subscribe(subscribeOptions: SubscribeOptions): Promise<Subscription> {
      assertOpen();
      const { prefetch, retryDelaysMs } = validateSubscribeOptions(subscribeOptions);
      const queue = queueNamed(subscribeOptions.queue);
      for (const pattern of subscribeOptions.bindings) bind(subscribeOptions.exchange, pattern, queue);
      const consumer: MemoryConsumer = {
        queue,
        handler: subscribeOptions.handler,
        prefetch,
        retryDelaysMs: [...retryDelaysMs],
        inFlight: new Set(),
        active: true,
      };
      queue.consumers.push(consumer);
      scheduleDispatch(queue);

      let cancelling: Promise<void> | undefined;
      const subscription: Subscription = {
        cancel() {
          cancelling ??= (async () => {
            consumer.active = false;
            queue.consumers = queue.consumers.filter((c) => c !== consumer);
            queue.nextConsumer = 0;
            await Promise.allSettled([...consumer.inFlight]);
            subscriptions.delete(subscription);
          })();
          return cancelling;
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async takeDeadLetters(queueName: string, limit = 100): Promise<DeadLetter[]> {
      const queue = queues.get(queueName);
      return queue ? queue.deadLetters.splice(0, Math.max(0, limit)) : [];
    },

    async ping(): Promise<void> {
      assertOpen();
    },

    close(): Promise<void> {
      closing ??= (async () => {
        await Promise.all([...subscriptions].map((s) => s.cancel()));
        for (const timer of retryTimers) clearTimeout(timer);
        retryTimers.clear();
      })();
      return closing;
    },
  };
  return bus;
}
