import type { Cache } from '@polis/cache';

export interface ReplayEntry {
  /** Stream id: the SSE frame id a client resumes from. */
  id: string;
  /** Routing key, the SSE event name. */
  key: string;
  /** The CloudEvent's data, sent as is. */
  data: Record<string, unknown>;
}

function parseEntry(id: string, payload: string): ReplayEntry | undefined {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value !== 'object' || value === null) return undefined;
    const key: unknown = Reflect.get(value, 'key');
    const data: unknown = Reflect.get(value, 'data');
    if (typeof key !== 'string' || typeof data !== 'object' || data === null) return undefined;
    return { id, key, data: data as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

/**
 * The replay log of one SSE channel: published events in a cache stream (a Redis Stream, or the
 * memory cache's ring), trimmed to about `maxLen` entries. `<key>:last` remembers the newest id so
 * that a new subscriber can start at the end without reading the whole log.
 */
export class ReplayLog {
  private readonly lastKey: string;

  constructor(
    private readonly cache: Cache,
    private readonly maxLen: number,
    readonly key: string,
  ) {
    this.lastKey = `${key}:last`;
  }

  async append(routingKey: string, data: unknown): Promise<string> {
    const id = await this.cache.streamAppend(this.key, JSON.stringify({ key: routingKey, data }), this.maxLen);
    await this.cache.set(this.lastKey, id);
    return id;
  }

  /** The newest id (null when nothing was appended yet): "from now on". */
  newestId(): Promise<string | null> {
    return this.cache.get(this.lastKey);
  }

  oldestId(): Promise<string | null> {
    return this.cache.streamFirstId(this.key);
  }

  /** Entries after `afterId`, waiting up to `blockMs` when there are none yet. */
  async wait(afterId: string | null, count: number, blockMs: number): Promise<ReplayEntry[]> {
    const entries = await this.cache.streamWait(this.key, afterId, count, blockMs);
    return entries.flatMap((entry) => parseEntry(entry.id, entry.payload) ?? []);
  }

  /** Entries after `afterId` that are there now. */
  async read(afterId: string | null, count: number): Promise<ReplayEntry[]> {
    const entries = await this.cache.streamRead(this.key, afterId, count);
    return entries.flatMap((entry) => parseEntry(entry.id, entry.payload) ?? []);
  }
}
