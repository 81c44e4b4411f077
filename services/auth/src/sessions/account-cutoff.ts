import { Inject, Injectable } from '@nestjs/common';
import { disabledUserKey, USER_DISABLED_CHANNEL } from '@polis/auth-kit';
import type { Cache } from '@polis/cache';
import type { AuthConfig } from '../auth.config.js';
import { AUTH_CONFIG, CACHE } from '../auth.tokens.js';
import { RefreshTokenStore } from '../tokens/refresh-token.store.js';

/** Verifiers accept a token up to this long after `exp` (auth-kit's default clock tolerance). */
const VERIFIER_SKEW_MS = 60_000;

/**
 * Disabling ends every session at once (platform.md §1.7): refresh tokens are deleted and
 * `auth:disabled:<userId>` makes the Gateway and every service reject access tokens still in flight
 * for as long as any of them can be valid.
 */
@Injectable()
export class AccountCutoff {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(CACHE) private readonly cache: Cache,
    private readonly refreshTokens: RefreshTokenStore,
  ) {}

  async cutOff(userId: string): Promise<void> {
    const ttlMs = Math.max(this.config.ttl.accessMs, this.config.ttl.telegramMs) + VERIFIER_SKEW_MS;
    await this.cache.set(disabledUserKey(userId), '1', { ttlMs });
    await this.refreshTokens.revokeUser(userId, { disabled: true });
    // Long-lived connections (SSE streams) checked the key once when they opened: tell them now.
    await this.cache.publish(USER_DISABLED_CHANNEL, userId);
  }

  /** Whether the account was cut off (disabled) and not restored since. */
  async isCutOff(userId: string): Promise<boolean> {
    return (await this.cache.get(disabledUserKey(userId))) !== null;
  }

  async restore(userId: string): Promise<void> {
    await this.cache.del(disabledUserKey(userId));
  }
}
