import type { Cache } from '@polis/cache';
import type { Logger } from '@polis/platform';

/** What waits in the delayed queue: a reminder to fire, or a scheduled task to activate. */
export type DelayedItem = { kind: 'reminder'; id: string } | { kind: 'activation'; id: string };

export function memberOf(item: DelayedItem): string {
  return `${item.kind === 'reminder' ? 'r' : 'a'}:${item.id}`;
}

export function itemOf(member: string): DelayedItem | undefined {
  const [prefix, id] = [member.slice(0, 2), member.slice(2)];
  if (id === '') return undefined;
  if (prefix === 'r:') return { kind: 'reminder', id };
  if (prefix === 'a:') return { kind: 'activation', id };
  return undefined;
}

/**
 * The sorted set `TASKS_DELAYED_QUEUE_KEY` (score = due time, epoch ms): an index of due work.
 * The database stays the source of truth, so a failed write here is only logged: the workers
 * rebuild the index from unfired rows on start and periodically. A worker claims an entry by
 * removing it (`ZREM` answers 1 to one caller only).
 */
export class DelayedQueue {
  constructor(
    private readonly cache: Cache,
    readonly key: string,
    private readonly logger: Logger,
  ) {}

  async add(entries: Array<{ item: DelayedItem; at: Date }>): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.cache.zAdd(
        this.key,
        entries.map(({ item, at }) => ({ member: memberOf(item), score: at.getTime() })),
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'could not index delayed task work; the worker rebuild will');
    }
  }

  async remove(items: DelayedItem[]): Promise<void> {
    if (items.length === 0) return;
    try {
      await this.cache.zRemove(this.key, ...items.map(memberOf));
    } catch (error) {
      this.logger.warn({ err: error }, 'could not drop delayed task work from the index');
    }
  }

  /** Members due at `nowMs` or earlier, oldest first. */
  async due(nowMs: number, limit: number): Promise<Array<{ member: string; score: number }>> {
    return this.cache.zRangeByScore(this.key, 0, nowMs, limit);
  }

  /** Removes each entry, answering those this caller removed (the ones it now owns). */
  async claim(entries: Array<{ member: string; score: number }>): Promise<Array<{ member: string; score: number }>> {
    const removed = await Promise.all(entries.map((entry) => this.cache.zRemove(this.key, entry.member)));
    return entries.filter((_entry, index) => removed[index] === 1);
  }

  /** Re-adds raw members (the rebuild). */
  async put(entries: Array<{ member: string; score: number }>): Promise<void> {
    if (entries.length > 0) await this.cache.zAdd(this.key, entries);
  }
}
