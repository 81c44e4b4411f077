import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from '@polis/cache';
import { Gone, Invalid } from '@polis/platform';
import type { AuthConfig } from '../auth.config.js';
import { AUTH_CONFIG, CACHE } from '../auth.tokens.js';
import { sha256 } from '../tokens/refresh-token.store.js';

/** How long after its expiry an activation token is still recognised as "expired" (410) rather than unknown (400). */
const EXPIRED_MEMORY_MS = 30 * 24 * 3_600_000;

/**
 * What a one-time token lets its holder do: activate an invited account, or set a new password
 * where the sign-in demanded one (bootstrap administrator, recovered account).
 */
export type OneTimeTokenPurpose = 'activation' | 'password_change';

export interface OneTimeToken {
  userId: string;
  purpose: OneTimeTokenPurpose;
}

export interface IssueOptions {
  /** Default `AUTH_ACTIVATION_TOKEN_TTL`. */
  ttlMs?: number;
  /** Default `activation`. */
  purpose?: OneTimeTokenPurpose;
}

interface IssuedMarker {
  userId: string;
  purpose?: OneTimeTokenPurpose;
  /** Epoch ms. */
  expiresAt: number;
}

/** Tokens issued before purposes existed hold the bare user id: they are activation tokens. */
function parseToken(raw: string): OneTimeToken {
  if (!raw.startsWith('{')) return { userId: raw, purpose: 'activation' };
  const parsed = JSON.parse(raw) as Partial<OneTimeToken>;
  return { userId: String(parsed.userId), purpose: parsed.purpose ?? 'activation' };
}

const keys = {
  activation: (hash: string) => `auth:activation:${hash}`,
  issued: (hash: string) => `auth:activation-issued:${hash}`,
  ofUser: (userId: string) => `auth:activation-user:${userId}`,
};

/**
 * One-time tokens: activation of invited users and the forced password change. 32 random bytes,
 * only their hash in the cache. A user has at most one: issuing another voids the previous.
 */
@Injectable()
export class ActivationTokenStore {
  constructor(
    @Inject(CACHE) private readonly cache: Cache,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async issue(userId: string, options: IssueOptions = {}): Promise<string> {
    await this.revoke(userId);
    const token = randomBytes(32).toString('base64url');
    const hash = sha256(token);
    const ttlMs = options.ttlMs ?? this.config.ttl.activationMs;
    const purpose = options.purpose ?? 'activation';
    const marker: IssuedMarker = { userId, purpose, expiresAt: Date.now() + ttlMs };
    const value: OneTimeToken = { userId, purpose };
    await this.cache.set(keys.activation(hash), JSON.stringify(value), { ttlMs });
    await this.cache.set(keys.issued(hash), JSON.stringify(marker), { ttlMs: ttlMs + EXPIRED_MEMORY_MS });
    await this.cache.set(keys.ofUser(userId), hash, { ttlMs: ttlMs + EXPIRED_MEMORY_MS });
    return token;
  }

  /** Whose a live token is and what it is for; throws 410/400 when it expired or is unknown. */
  async peek(token: string): Promise<OneTimeToken> {
    const raw = await this.cache.get(keys.activation(sha256(token)));
    if (raw === null) throw await this.whyMissing(token);
    return parseToken(raw);
  }

  /** Uses the token up (atomically: a second, concurrent use fails). */
  async consume(token: string): Promise<OneTimeToken> {
    const hash = sha256(token);
    const raw = await this.cache.getDel(keys.activation(hash));
    if (raw === null) throw await this.whyMissing(token);
    const found = parseToken(raw);
    await this.cache.del(keys.issued(hash), keys.ofUser(found.userId));
    return found;
  }

  /** Voids the user's outstanding token, if any. */
  async revoke(userId: string): Promise<void> {
    const previous = await this.cache.getDel(keys.ofUser(userId));
    if (previous !== null) await this.cache.del(keys.activation(previous), keys.issued(previous));
  }

  private async whyMissing(token: string): Promise<Error> {
    const raw = await this.cache.get(keys.issued(sha256(token)));
    const marker = raw === null ? null : (JSON.parse(raw) as IssuedMarker);
    const change = marker?.purpose === 'password_change';
    if (marker && Date.now() >= marker.expiresAt) {
      return new Gone(
        change
          ? 'The time to set a new password has run out; sign in again.'
          : 'The activation link has expired; ask an administrator for a new one.',
        'activation_token_expired',
      );
    }
    return new Invalid(
      change
        ? 'The password change token is not valid (already used or replaced); sign in again.'
        : 'The activation link is not valid (already used or replaced).',
      'invalid_activation_token',
    );
  }
}
