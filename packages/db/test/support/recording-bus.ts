import type { DeadLetter, EventBus, OutgoingMessage, Subscription } from '@polis/bus';

/**
 * A test double of the EventBus port that only records what is published and can be told to
 * fail, as a broker that is down would. Used where a test needs publish to reject on demand.
 */
export class RecordingBus implements EventBus {
  readonly kind = 'memory' as const;
  readonly published: OutgoingMessage[] = [];
  failing = false;
  /** Routing keys the broker refuses while up; a publish holding one fails whole, as a batch does. */
  readonly refused = new Set<string>();
  publishCalls = 0;

  async publish(messages: OutgoingMessage[]): Promise<void> {
    this.publishCalls += 1;
    if (this.failing) throw new Error('broker unavailable');
    const refused = messages.find((message) => this.refused.has(message.routingKey));
    if (refused) throw new Error(`message refused: ${refused.routingKey}`);
    this.published.push(...messages);
  }

  async subscribe(): Promise<Subscription> {
    throw new Error('RecordingBus does not deliver');
  }

  async takeDeadLetters(): Promise<DeadLetter[]> {
    return [];
  }

  async ping(): Promise<void> {
    if (this.failing) throw new Error('broker unavailable');
  }

  async close(): Promise<void> {}

  publishedIds(): string[] {
    return this.published.map((message) => message.event.id);
  }
}
