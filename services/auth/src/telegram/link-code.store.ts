import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from '@polis/cache';
import type { AuthConfig } from '../auth.config.js';
import { AUTH_CONFIG, CACHE } from '../auth.tokens.js';

const keys = {
  code: (code: string) => `auth:tg-link:${code}`,
  ofUser: (userId: string) => `auth:tg-link-user:${userId}`,
};

/** Single-use 6-digit codes that tie a Telegram account to the signed-in user who asked for one. */
@Injectable()
export class LinkCodeStore {
  constructor(
    @Inject(CACHE) private readonly cache: Cache,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** A fresh code for the user; their previous code stops working. */
  async issue(userId: string): Promise<string> {
    const ttlMs = this.config.ttl.telegramLinkCodeMs;
    const previous = await this.cache.getDel(keys.ofUser(userId));
    if (previous !== null) await this.cache.del(keys.code(previous));
    // A million codes and a few minutes of life: a collision is rare, and SET NX makes it harmless.
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      if (await this.cache.set(keys.code(code), userId, { ttlMs, onlyIfAbsent: true })) {
        await this.cache.set(keys.ofUser(userId), code, { ttlMs });
        return code;
      }
    }
    throw new Error('could not allocate a free Telegram link code');
  }

  /** The user the code was issued to, consuming it; null when unknown, used or expired. */
  async consume(code: string): Promise<string | null> {
    const userId = await this.cache.getDel(keys.code(code));
    if (userId !== null) await this.cache.del(keys.ofUser(userId));
    return userId;
  }
}
