import type { Cache } from '@polis/cache';
import type { Logger } from '@polis/platform';

interface TargetState {
  lastActivity: number;
  lastEventId?: string;
  dirty: boolean;
}

/**
 * The monitoring keys of interfaces.md §3.3 step 6: `<prefix>:<target>` = epoch ms of the last
 * upstream activity and `<prefix>:<target>:last-event-id`, both expiring after the heartbeat TTL so
 * a stale stream shows as a missing key. Writes are batched per target: thousands of streams
 * relaying one event make one write, not thousands.
 */
export class SseMonitor {
  private readonly targets = new Map<string, TargetState>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cache: Cache,
    private readonly options: { prefix: string; ttlMs: number; flushEveryMs: number },
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.flushEveryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Something arrived from the target's upstream (an event, or just a keep-alive). */
  touch(target: string, eventId?: string): void {
    const state = this.targets.get(target) ?? { lastActivity: 0, dirty: false };
    state.lastActivity = Date.now();
    if (eventId !== undefined) state.lastEventId = eventId;
    state.dirty = true;
    this.targets.set(target, state);
  }

  async flush(): Promise<void> {
    const writes: Array<Promise<unknown>> = [];
    for (const [target, state] of this.targets) {
      if (!state.dirty) continue;
      state.dirty = false;
      const key = `${this.options.prefix}:${target}`;
      writes.push(this.cache.set(key, String(state.lastActivity), { ttlMs: this.options.ttlMs }));
      if (state.lastEventId !== undefined) {
        writes.push(this.cache.set(`${key}:last-event-id`, state.lastEventId, { ttlMs: this.options.ttlMs }));
      }
    }
    const results = await Promise.allSettled(writes);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) this.logger.warn({ err: failed.reason }, 'SSE monitoring keys could not be written');
  }
}
