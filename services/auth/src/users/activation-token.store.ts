import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from '@polis/cache';
import { Gone, Invalid } from '@polis/platform';
import type { AuthConfig } from '../auth.config.js';
import { AUTH_CONFIG, CACHE } from '../auth.tokens.js';
import { sha256 } from '../tokens/refresh-token.store.js';

/** How long after its expiry an activation token is still recognised as "expired" (410) rather than unknown (400). */
const EXPIRED_MEMORY_MS = 30 * 24 * 3_600_000;

interface IssuedMarker {
  userId: string;
  /** Epoch ms. */
  expiresAt: number;
}

const keys = {
  activation: (hash: string) => `auth:activation:${hash}`,
  issued: (hash: string) => `auth:activation-issued:${hash}`,
  ofUser: (userId: string) => `auth:activation-user:${userId}`,
};

/**
 * One-time activation tokens of invited users: 32 random bytes, only their hash in the cache.
 * A user has at most one: issuing another voids the previous.
 */
@Injectable()
export class ActivationTokenStore {
  constructor(
    @Inject(CACHE) private readonly cache: Cache,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async issue(userId: string): Promise<string> {
    await this.revoke(userId);
    const token = randomBytes(32).toString('base64url');
    const hash = sha256(token);
    const ttlMs = this.config.ttl.activationMs;
    const marker: IssuedMarker = { userId, expiresAt: Date.now() + ttlMs };
    await this.cache.set(keys.activation(hash), userId, { ttlMs });
    await this.cache.set(keys.issued(hash), JSON.stringify(marker), { ttlMs: ttlMs + EXPIRED_MEMORY_MS });
    await this.cache.set(keys.ofUser(userId), hash, { ttlMs: ttlMs + EXPIRED_MEMORY_MS });
    return token;
  }

  /** The user a live token belongs to; throws 410/400 when it expired or is unknown. */
  async peek(token: string): Promise<string> {
    const userId = await this.cache.get(keys.activation(sha256(token)));
    if (userId === null) throw await this.whyMissing(token);
    return userId;
  }

  /** Uses the token up (atomically: a second, concurrent use fails). */
  async consume(token: string): Promise<string> {
    const hash = sha256(token);
    const userId = await this.cache.getDel(keys.activation(hash));
    if (userId === null) throw await this.whyMissing(token);
    await this.cache.del(keys.issued(hash), keys.ofUser(userId));
    return userId;
  }

  /** Voids the user's outstanding token, if any. */
  async revoke(userId: string): Promise<void> {
    const previous = await this.cache.getDel(keys.ofUser(userId));
    if (previous !== null) await this.cache.del(keys.activation(previous), keys.issued(previous));
  }

  private async whyMissing(token: string): Promise<Error> {
    const raw = await this.cache.get(keys.issued(sha256(token)));
    const marker = raw === null ? null : (JSON.parse(raw) as IssuedMarker);
    if (marker && Date.now() >= marker.expiresAt) {
      return new Gone(
        'The activation link has expired; ask an administrator for a new one.',
        'activation_token_expired',
      );
    }
    return new Invalid('The activation link is not valid (already used or replaced).', 'invalid_activation_token');
  }
}
