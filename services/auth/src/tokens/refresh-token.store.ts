import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Cache } from '@polis/cache';
import type { TokenPair } from '@polis/contracts';
import type { AuthConfig } from '../auth.config.js';
import { AUTH_CONFIG, CACHE } from '../auth.tokens.js';

/** What a live refresh token stands for. */
export interface RefreshRecord {
  userId: string;
  /** The login session: every rotation of one login shares it. */
  familyId: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Left behind by a rotation, so a second use of the same token is recognised as reuse. */
export interface RotatedMarker {
  userId: string;
  familyId: string;
  /** Epoch ms of the rotation. */
  at: number;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

const keys = {
  refresh: (hash: string) => `auth:refresh:${hash}`,
  userTokens: (userId: string) => `auth:user-refresh:${userId}`,
  family: (familyId: string) => `auth:refresh-family:${familyId}`,
  rotated: (hash: string) => `auth:refresh-rotated:${hash}`,
  grace: (hash: string) => `auth:refresh-grace:${hash}`,
  revoked: (hash: string) => `auth:refresh-revoked:${hash}`,
};

function parse<T>(raw: string | null): T | null {
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}

/**
 * Opaque refresh tokens in the cache (platform.md §2.4). Only the SHA-256 of a token is stored;
 * the token is 32 random bytes (base64url) plus its expiry (base36 epoch seconds), so an expired
 * token can be told from an unknown one without keeping it. Each token belongs to a family (one
 * login); the user's and the family's sets list live hashes for logout-all, disable and reuse.
 */
@Injectable()
export class RefreshTokenStore {
  constructor(
    @Inject(CACHE) private readonly cache: Cache,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async issue(userId: string, familyId: string = randomUUID()): Promise<{ token: string; familyId: string }> {
    const ttlMs = this.config.ttl.refreshMs;
    const expiresAt = Date.now() + ttlMs;
    const token = `${randomBytes(32).toString('base64url')}.${Math.floor(expiresAt / 1000).toString(36)}`;
    const hash = sha256(token);
    const record: RefreshRecord = { userId, familyId, expiresAt };
    await this.cache.set(keys.refresh(hash), JSON.stringify(record), { ttlMs });
    await this.cache.setAdd(keys.userTokens(userId), [hash], ttlMs);
    await this.cache.setAdd(keys.family(familyId), [hash], ttlMs);
    return { token, familyId };
  }

  /** Reads a live token without consuming it. */
  async peek(token: string): Promise<RefreshRecord | null> {
    return parse<RefreshRecord>(await this.cache.get(keys.refresh(sha256(token))));
  }

  /**
   * Consumes a live token atomically (GETDEL: of two concurrent callers exactly one gets it) and
   * leaves a rotation marker for the rest of the token's life.
   */
  async take(token: string): Promise<RefreshRecord | null> {
    const hash = sha256(token);
    const record = parse<RefreshRecord>(await this.cache.getDel(keys.refresh(hash)));
    if (!record) return null;
    const marker: RotatedMarker = { userId: record.userId, familyId: record.familyId, at: Date.now() };
    await this.cache.set(keys.rotated(hash), JSON.stringify(marker), {
      ttlMs: Math.max(this.config.ttl.refreshReuseGraceMs * 2, record.expiresAt - Date.now()),
    });
    await this.cache.setRemove(keys.userTokens(record.userId), [hash]);
    await this.cache.setRemove(keys.family(record.familyId), [hash]);
    return record;
  }

  async rotatedMarker(token: string): Promise<RotatedMarker | null> {
    return parse<RotatedMarker>(await this.cache.get(keys.rotated(sha256(token))));
  }

  /**
   * Remembers the pair a rotation produced for the grace window, encrypted with a key derived from
   * the old token: only its holder (the racing browser tab) can read it back.
   */
  async saveGrace(oldToken: string, pair: TokenPair): Promise<void> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.graceKey(oldToken), iv);
    const sealed = Buffer.concat([cipher.update(JSON.stringify(pair), 'utf8'), cipher.final()]);
    const payload = [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.');
    await this.cache.set(keys.grace(sha256(oldToken)), payload, { ttlMs: this.config.ttl.refreshReuseGraceMs });
  }

  async readGrace(oldToken: string): Promise<TokenPair | null> {
    const payload = await this.cache.get(keys.grace(sha256(oldToken)));
    if (payload === null) return null;
    const [iv, tag, sealed] = payload.split('.').map((part) => Buffer.from(part, 'base64url'));
    if (!iv || !tag || !sealed) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.graceKey(oldToken), iv);
      decipher.setAuthTag(tag);
      return JSON.parse(Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8')) as TokenPair;
    } catch {
      return null;
    }
  }

  /** Deletes every live token of one login session. */
  async revokeFamily(userId: string, familyId: string): Promise<void> {
    const hashes = await this.cache.setMembers(keys.family(familyId));
    if (hashes.length > 0) {
      await this.cache.del(...hashes.map(keys.refresh));
      await this.cache.setRemove(keys.userTokens(userId), hashes);
    }
    await this.cache.del(keys.family(familyId));
  }

  /**
   * Deletes every live token of a user, except those of `keepFamily` (the session that changed the
   * password). With `disabled`, each deleted token leaves a marker so that presenting it answers
   * 403 `user_disabled` instead of a bare 401.
   */
  async revokeUser(userId: string, options: { disabled?: boolean; keepFamily?: string } = {}): Promise<void> {
    const hashes = await this.cache.setMembers(keys.userTokens(userId));
    const removed: string[] = [];
    const families = new Set<string>();
    for (const hash of hashes) {
      const record = parse<RefreshRecord>(await this.cache.get(keys.refresh(hash)));
      if (options.keepFamily !== undefined && record?.familyId === options.keepFamily) continue;
      removed.push(hash);
      if (record) families.add(record.familyId);
    }
    if (removed.length === 0) return;
    await this.cache.del(...removed.map(keys.refresh));
    await this.cache.setRemove(keys.userTokens(userId), removed);
    if (families.size > 0) await this.cache.del(...[...families].map(keys.family));
    if (options.disabled) {
      for (const hash of removed) {
        await this.cache.set(keys.revoked(hash), userId, { ttlMs: this.config.ttl.refreshMs });
      }
    }
  }

  /** Deletes one token if it belongs to `userId`; answers whether it did. */
  async revokeOne(userId: string, token: string): Promise<boolean> {
    const hash = sha256(token);
    const record = parse<RefreshRecord>(await this.cache.get(keys.refresh(hash)));
    if (!record || record.userId !== userId) return false;
    await this.cache.del(keys.refresh(hash));
    await this.cache.setRemove(keys.userTokens(userId), [hash]);
    await this.cache.setRemove(keys.family(record.familyId), [hash]);
    return true;
  }

  /** The owner of a token deleted because the account was disabled. */
  async revokedOwner(token: string): Promise<string | null> {
    return this.cache.get(keys.revoked(sha256(token)));
  }

  /** The expiry written into a token (epoch ms), or null when the token is not in our format. */
  expiryOf(token: string): number | null {
    const match = /^[A-Za-z0-9_-]{43}\.([0-9a-z]{1,10})$/.exec(token);
    return match?.[1] ? Number.parseInt(match[1], 36) * 1000 : null;
  }

  private graceKey(token: string): Buffer {
    return createHash('sha256').update(`polis.refresh-grace.${token}`).digest();
  }
}
