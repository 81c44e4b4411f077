import { createHash } from 'node:crypto';
import type { Cache } from '@polis/cache';
import { TooManyRequests } from '@polis/platform';

export interface RateLimitRule {
  /** Short name of what is limited, e.g. `login-ip`. */
  scope: string;
  limit: number;
  windowMs: number;
}

/**
 * Fixed-window counters in the cache (`rl:<scope>:<id>:<window>`), atomic per increment. The window
 * starts with the first hit and the answer to a blocked caller says when it ends (`Retry-After`).
 */
export class RateLimiter {
  constructor(
    private readonly cache: Cache,
    private readonly onLimited: (scope: string) => void = () => undefined,
  ) {}

  /** Counts one attempt; throws 429 when this attempt goes over the limit. */
  async hit(rule: RateLimitRule, id: string): Promise<void> {
    const { value, ttlMs } = await this.cache.increment(this.key(rule, id), rule.windowMs);
    if (value > rule.limit) this.refuse(rule, ttlMs);
  }

  async reset(rule: RateLimitRule, id: string): Promise<void> {
    await this.cache.del(this.key(rule, id));
  }

  private refuse(rule: RateLimitRule, ttlMs: number): never {
    this.onLimited(rule.scope);
    throw new TooManyRequests(Math.max(1, ttlMs) / 1000);
  }

  private key(rule: RateLimitRule, id: string): string {
    // Hashed so that emails and addresses do not sit in the cache in clear and keys stay short.
    const digest = createHash('sha256').update(id).digest('base64url').slice(0, 32);
    return `rl:${rule.scope}:${digest}:${Math.round(rule.windowMs / 1000)}s`;
  }
}
