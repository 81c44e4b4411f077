import type { Cache } from '@polis/cache';
import { type Logger, TooManyRequests } from '@polis/platform';
import type { GatewayMetrics } from '../gateway.metrics.js';

export interface RateLimit {
  /** `api-user`, `api-ip`, `login-ip`, `webhook-ip`: the `<scope>` of `rl:<scope>:<id>:<window>`. */
  scope: string;
  limit: number;
  windowMs: number;
}

function windowLabel(windowMs: number): string {
  if (windowMs % 60_000 === 0) return `${windowMs / 60_000}m`;
  if (windowMs % 1000 === 0) return `${windowMs / 1000}s`;
  return `${windowMs}ms`;
}

/**
 * Fixed-window counters in the cache (platform.md §1.9), shared by every Gateway replica. A window
 * opens with the first request of a caller, so there is no boundary at which a burst doubles.
 */
export class RateLimiter {
  constructor(
    private readonly cache: Cache,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  /** Counts one request of `id`; throws 429 `rate_limited` with Retry-After once over the limit. */
  async hit(rule: RateLimit, id: string): Promise<void> {
    let state: { value: number; ttlMs: number };
    try {
      state = await this.cache.increment(`rl:${rule.scope}:${id}:${windowLabel(rule.windowMs)}`, rule.windowMs);
    } catch (error) {
      // A limiter that is down must not take the whole API down with it.
      this.logger.warn({ err: error, scope: rule.scope }, 'rate limit counter unavailable; request let through');
      return;
    }
    if (state.value > rule.limit) {
      this.metrics.rateLimited.inc({ scope: rule.scope });
      throw new TooManyRequests(Math.max(state.ttlMs, 1) / 1000);
    }
  }
}
