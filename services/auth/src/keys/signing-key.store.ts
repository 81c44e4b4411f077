import {
  exportSigningKey,
  generateSigningKey,
  importSigningKey,
  JWT_ALGORITHM,
  type SigningKeyPair,
} from '@polis/auth-kit';
import type { Database } from '@polis/db';
import { Conflict } from '@polis/platform';
import { type CryptoKey, errors, importJWK, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../auth.config.js';
import { SigningKeyRepository } from './signing-key.repository.js';

/** How often a replica re-reads the managed keys, so a rotation made elsewhere reaches it. */
const RELOAD_INTERVAL_MS = 30_000;
/** An unknown `kid` triggers at most one database read per this interval. */
const UNKNOWN_KID_RELOAD_MS = 2_000;

/**
 * The keys Auth signs with and publishes. Either static — `AUTH_JWT_PRIVATE_KEY` from the secret
 * store, rotated by operators (old public key kept in `AUTH_JWT_ADDITIONAL_PUBLIC_KEYS`) — or
 * managed: generated on first start and kept in `auth.signing_keys`, so an embedded restart keeps
 * sessions valid, and rotated with overlap (current + previous are published until retired).
 */
export class SigningKeyStore {
  private signing: SigningKeyPair | undefined;
  private published = new Map<string, JWK>();
  private readonly imported = new Map<string, Promise<CryptoKey>>();
  private lastReload = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly repository: SigningKeyRepository;

  constructor(
    private readonly config: AuthConfig,
    db: Database,
  ) {
    this.repository = new SigningKeyRepository(db);
  }

  get managed(): boolean {
    return this.config.jwt.privateKey === undefined;
  }

  async open(): Promise<void> {
    if (!this.managed) {
      this.signing = await importSigningKey(this.config.jwt.privateKey as string, this.config.jwt.keyId);
      this.replacePublished([this.signing.publicJwk]);
      return;
    }
    await this.reload();
    if (!this.signing) {
      const fresh = await generateSigningKey();
      await this.repository.insertFirst({
        kid: fresh.kid,
        privateKey: await exportSigningKey(fresh),
        publicJwk: fresh.publicJwk,
      });
      // Another replica may have inserted its key first: whichever is stored is the one to use.
      await this.reload();
    }
    if (!this.signing) throw new Error('no current signing key could be established');
    this.timer = setInterval(() => void this.reload().catch(() => undefined), RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The key new tokens are signed with. */
  current(): SigningKeyPair {
    if (!this.signing) throw new Error('SigningKeyStore.open() has not completed');
    return this.signing;
  }

  /** The JWKS: every key a token may still be signed with. Managed keys are read fresh. */
  async jwks(): Promise<JSONWebKeySet> {
    if (this.managed) await this.reload();
    return { keys: [...this.published.values()] };
  }

  /** Resolves the verification key of one of Auth's own tokens (no network, no JWKS fetch). */
  readonly getKey: JWTVerifyGetKey = async (header) => {
    const kid = header.kid;
    if (!kid) throw new errors.JWKSNoMatchingKey();
    let jwk = this.published.get(kid);
    if (!jwk && this.managed && Date.now() - this.lastReload > UNKNOWN_KID_RELOAD_MS) {
      await this.reload();
      jwk = this.published.get(kid);
    }
    if (!jwk) throw new errors.JWKSNoMatchingKey();
    let key = this.imported.get(kid);
    if (!key) {
      key = importJWK(jwk, JWT_ALGORITHM) as Promise<CryptoKey>;
      this.imported.set(kid, key);
    }
    return key;
  };

  /** Signs with a new key from now on; the old one stays published until `retirePrevious()`. */
  async rotate(): Promise<{ kid: string; previousKid: string }> {
    if (!this.managed) {
      throw new Conflict(
        'The signing key comes from AUTH_JWT_PRIVATE_KEY; rotate it in the secret store.',
        'static_signing_key',
      );
    }
    const previousKid = this.current().kid;
    const fresh = await generateSigningKey();
    await this.repository.rotate({
      kid: fresh.kid,
      privateKey: await exportSigningKey(fresh),
      publicJwk: fresh.publicJwk,
    });
    await this.reload();
    return { kid: this.current().kid, previousKid };
  }

  /** Stops publishing previous keys: tokens they signed are rejected from now on. */
  async retirePrevious(): Promise<{ retired: string[] }> {
    if (!this.managed) {
      throw new Conflict(
        'The signing key comes from AUTH_JWT_PRIVATE_KEY; remove old keys from AUTH_JWT_ADDITIONAL_PUBLIC_KEYS.',
        'static_signing_key',
      );
    }
    const retired = await this.repository.retirePrevious();
    await this.reload();
    return { retired };
  }

  private async reload(): Promise<void> {
    this.lastReload = Date.now();
    const rows = await this.repository.published();
    const current = rows.find((row) => row.status === 'current');
    if (current && current.kid !== this.signing?.kid) {
      this.signing = await importSigningKey(current.privateKey, current.kid);
    }
    this.replacePublished(rows.map((row) => row.publicJwk));
  }

  private replacePublished(own: JWK[]): void {
    const next = new Map<string, JWK>();
    for (const jwk of [...own, ...this.config.jwt.additionalPublicKeys]) {
      if (jwk.kid) next.set(jwk.kid, jwk);
    }
    for (const kid of this.imported.keys()) {
      if (!next.has(kid)) this.imported.delete(kid);
    }
    this.published = next;
  }
}
