import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@polis/bus';
import type { TestBackend } from './backend.js';

/** Collects every event published on the exchanges it is bound to (a queue bound `#` on each). */
export class EventRecorder {
  readonly events: CloudEvent[] = [];

  async bind(backend: TestBackend, exchange: string): Promise<void> {
    await backend.bus.subscribe({
      queue: `test.recorder.${randomUUID().slice(0, 8)}`,
      exchange,
      bindings: ['#'],
      handler: async (event) => {
        this.events.push(event);
      },
    });
  }

  /** Events recorded from now on: call it before a mutation, read it after. */
  mark(): { since(): CloudEvent[] } {
    const start = this.events.length;
    return { since: () => this.events.slice(start) };
  }

  ofType(type: string): CloudEvent[] {
    return this.events.filter((event) => event.type === type);
  }
}
