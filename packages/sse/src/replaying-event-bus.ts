import type { DeadLetter, EventBus, OutgoingMessage, SubscribeOptions, Subscription } from '@polis/bus';
import type { Logger } from '@polis/platform';
import type { ReplayLog } from './replay-log.js';

/**
 * The bus an outbox relay publishes through: once the broker has confirmed a batch, each event in
 * it that went to `exchange` is appended to the SSE replay log. A failed append is logged, not
 * retried: the stream is a convenience (clients reload through REST on `reset`), the bus is the record.
 */
export class ReplayingEventBus implements EventBus {
  readonly kind: EventBus['kind'];

  constructor(
    private readonly inner: EventBus,
    private readonly log: ReplayLog,
    private readonly exchange: string,
    private readonly logger: Logger,
  ) {
    this.kind = inner.kind;
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    await this.inner.publish(messages);
    for (const message of messages) {
      if (message.exchange !== this.exchange) continue;
      try {
        await this.log.append(message.routingKey, message.event.data);
      } catch (error) {
        this.logger.warn({ err: error, eventId: message.event.id }, 'could not append an event to the SSE replay log');
      }
    }
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    return this.inner.subscribe(options);
  }

  takeDeadLetters(queue: string, limit?: number): Promise<DeadLetter[]> {
    return this.inner.takeDeadLetters(queue, limit);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  /** The composition root owns the inner bus; the relay never closes it. */
  async close(): Promise<void> {}
}
