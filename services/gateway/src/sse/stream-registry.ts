import { randomUUID } from 'node:crypto';
import type { Cache } from '@polis/cache';
import type { Logger } from '@polis/platform';

export const EVICTION_CHANNEL = 'gateway:sse:evict';

export function connectionsKey(userId: string): string {
  return `gateway:sse:conn:${userId}`;
}

/** Connection ids sort by opening time, so the oldest stream of a user is the smallest id. */
/**
 * Ids sort by when the stream opened, to the microsecond (wall clock, so across replicas too): the
 * oldest stream is the one evicted. Milliseconds alone let two quick opens tie, and the random part
 * then decided.
 */
function newConnectionId(): string {
  const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
  return `${micros.toString(36).padStart(12, '0')}-${randomUUID()}`;
}

/**
 * Counts each user's open streams across every Gateway replica: a sorted set per user in the
 * cache (`gateway:sse:conn:<userId>`, connection id → expiry) that heartbeats keep fresh. Past the
 * limit the oldest streams are told, through pub/sub, to end with `stream_limit` wherever they are.
 */
export class StreamRegistry {
  private readonly evictions = new Map<string, () => void>();
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly cache: Cache,
    private readonly options: { maxPerUser: number; ttlMs: number },
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.cache.subscribe(EVICTION_CHANNEL, (connectionId) => {
      const evict = this.evictions.get(connectionId);
      this.evictions.delete(connectionId);
      evict?.();
    });
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Records a new stream of `userId`; `onEvict` runs if a newer stream pushes it over the limit. */
  async register(userId: string, onEvict: () => void): Promise<string> {
    const connectionId = newConnectionId();
    this.evictions.set(connectionId, onEvict);
    const key = connectionsKey(userId);
    try {
      await this.cache.zAdd(key, [{ member: connectionId, score: Date.now() + this.options.ttlMs }]);
      await this.cache.expire(key, this.options.ttlMs);
      if ((await this.cache.zCard(key)) > this.options.maxPerUser) await this.evictOldest(key);
    } catch (error) {
      this.logger.warn({ err: error }, 'stream registry unavailable; the per-user stream limit is not applied');
    }
    return connectionId;
  }

  private async evictOldest(key: string): Promise<void> {
    const now = Date.now();
    const expired = await this.cache.zRangeByScore(key, Number.NEGATIVE_INFINITY, now);
    if (expired.length > 0) await this.cache.zRemove(key, ...expired.map((entry) => entry.member));
    const live = (await this.cache.zRangeByScore(key, now, Number.POSITIVE_INFINITY)).map((entry) => entry.member);
    live.sort();
    for (const victim of live.slice(0, Math.max(0, live.length - this.options.maxPerUser))) {
      // Of two replicas racing to evict the same stream, only the one that removes it tells it.
      if ((await this.cache.zRemove(key, victim)) === 1) await this.cache.publish(EVICTION_CHANNEL, victim);
    }
  }

  /** Keeps a live stream's registration from expiring (called on each heartbeat). */
  async refresh(userId: string, connectionId: string): Promise<void> {
    // An evicted or closed stream must not come back to life with a late heartbeat.
    if (!this.evictions.has(connectionId)) return;
    const key = connectionsKey(userId);
    try {
      await this.cache.zAdd(key, [{ member: connectionId, score: Date.now() + this.options.ttlMs }]);
      await this.cache.expire(key, this.options.ttlMs);
    } catch (error) {
      this.logger.warn({ err: error }, 'stream registry refresh failed');
    }
  }

  async unregister(userId: string, connectionId: string): Promise<void> {
    this.evictions.delete(connectionId);
    try {
      await this.cache.zRemove(connectionsKey(userId), connectionId);
    } catch (error) {
      this.logger.warn({ err: error }, 'stream registry cleanup failed');
    }
  }
}
