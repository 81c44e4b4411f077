import { randomUUID } from 'node:crypto';
import type { Cache } from '@polis/cache';
import type { Logger } from '@polis/platform';
import { localDate } from '../common/clock.js';
import type { DocumentJobs } from './job-queues.js';

const DAY_MS = 86_400_000;

/** Offset of a time zone from UTC at an instant, in ms (positive east of Greenwich). */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(
    value('year'),
    value('month') - 1,
    value('day'),
    value('hour'),
    value('minute'),
    value('second'),
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The next instant after `now` at which the local time in `timeZone` is `minutes` past midnight. */
export function nextLocalTime(now: Date, minutes: number, timeZone: string): Date {
  const [year, month, day] = localDate(now, timeZone).split('-').map(Number) as [number, number, number];
  for (let offsetDays = 0; offsetDays < 3; offsetDays += 1) {
    const wallClock = Date.UTC(year, month - 1, day + offsetDays, Math.floor(minutes / 60), minutes % 60);
    const instant = wallClock - zoneOffset(wallClock, timeZone);
    if (instant > now.getTime()) return new Date(instant);
  }
  return new Date(now.getTime() + DAY_MS);
}

/**
 * Queues `documents.cleanup` once a day at the configured local time. Every replica keeps a timer;
 * a lock per local date (`SET NX` in the cache) lets exactly one of them queue the run.
 */
export class CleanupScheduler {
  private timer: NodeJS.Timeout | undefined;
  private readonly instance = randomUUID();

  constructor(
    private readonly deps: {
      jobs: DocumentJobs;
      cache: Cache;
      logger: Logger;
      timeZone: string;
      atMinutes: number;
      now?: () => Date;
    },
  ) {}

  start(): void {
    const now = this.deps.now?.() ?? new Date();
    const next = nextLocalTime(now, this.deps.atMinutes, this.deps.timeZone);
    this.timer = setTimeout(() => void this.tick(), next.getTime() - now.getTime());
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  async tick(): Promise<boolean> {
    const runKey = localDate(this.deps.now?.() ?? new Date(), this.deps.timeZone);
    let queued = false;
    try {
      const won = await this.deps.cache.set(`locks:cleanup:${runKey}`, this.instance, {
        onlyIfAbsent: true,
        ttlMs: DAY_MS,
      });
      if (won) {
        await this.deps.jobs.cleanup(runKey);
        queued = true;
      }
    } catch (error) {
      this.deps.logger.error({ err: error }, 'queueing the daily documents cleanup failed');
    } finally {
      if (this.timer !== undefined) this.start();
    }
    return queued;
  }
}
