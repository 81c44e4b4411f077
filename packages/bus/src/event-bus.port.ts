import type { CloudEvent } from './cloud-event.js';

/** One message to publish: the envelope goes to `exchange` (a durable topic exchange) under `routingKey`. */
export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  event: CloudEvent;
}

export interface DeliveryContext {
  exchange: string;
  routingKey: string;
  queue: string;
  /** 1 for the first delivery, 2 for the first retry, and so on. */
  attempt: number;
}

export type EventHandler = (event: CloudEvent, context: DeliveryContext) => Promise<void>;

export interface SubscribeOptions {
  /** Durable work queue; the same name on several processes shares the work (one delivery per queue). */
  queue: string;
  /** Topic exchange the queue is bound to (declared if missing). */
  exchange: string;
  /** Routing-key patterns with RabbitMQ topic semantics: `*` one word, `#` zero or more words. */
  bindings: string[];
  handler: EventHandler;
  /** Unacknowledged messages in flight per consumer. Default 20. */
  prefetch?: number;
  /**
   * Delays before each retry of a message whose handler threw; its length is the number of retries.
   * After the last retry fails, the message is dead-lettered into `<queue>.dlq`.
   * Default [5_000, 30_000, 300_000].
   */
  retryDelaysMs?: number[];
}

export interface Subscription {
  /** Stops consuming; in-flight handlers finish first. The queue and its messages stay. */
  cancel(): Promise<void>;
}

/** A message that ended in `<queue>.dlq`, with the reason it got there. */
export interface DeadLetter {
  queue: string;
  reason: string;
  routingKey: string;
  /** The raw body as received (may be an invalid envelope, hence unknown). */
  body: unknown;
}

/**
 * The event bus port. Adapters: RabbitMQ (production) and in-process (embedded mode), with the same
 * semantics: topic routing, one delivery per queue, at-least-once, retries with backoff, DLQ.
 */
export interface EventBus {
  readonly kind: 'rabbitmq' | 'memory';
  /** Resolves once the broker has confirmed every message (persistent, publisher confirms). */
  publish(messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Takes (removes) up to `limit` messages from `<queue>.dlq`: for operators' tools and tests. */
  takeDeadLetters(queue: string, limit?: number): Promise<DeadLetter[]>;
  /** Throws when the broker is unreachable (readiness). */
  ping(): Promise<void>;
  /** Stops consumers (in-flight handlers finish), then closes connections. */
  close(): Promise<void>;
}
