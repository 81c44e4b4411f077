import { Unauthorized, Unavailable } from '@polis/platform';
import {
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  type KeyObject,
  type RemoteJWKSet,
} from 'jose';
import type { Principal } from './principal.js';

/** Access tokens are signed with Ed25519 only; pinning the algorithm rules out alg confusion. */
export const JWT_ALGORITHM = 'EdDSA';

export interface JwtVerifierOptions {
  /** Auth's JWKS (`AUTH_JWKS_URL`); keys are cached and refetched once on an unknown `kid`. */
  jwksUrl?: string;
  /** In-memory keys instead of a JWKS URL: a key resolver, a JWKS document, or one public key. */
  keys?: JWTVerifyGetKey | JSONWebKeySet | CryptoKey | KeyObject;
  issuer: string;
  audience: string;
  /** Allowed clock skew. Default 60 s. */
  clockToleranceSec?: number;
  /** How long a fetched JWKS is trusted before it is fetched again. Default 10 min. */
  cacheMaxAgeMs?: number;
  /**
   * Minimum time between two fetches caused by unknown `kid`s, so a flood of forged tokens cannot
   * turn into a flood of JWKS requests. Default 30 s.
   */
  cooldownMs?: number;
  /** JWKS request timeout. Default 5 s. */
  timeoutMs?: number;
  /**
   * How many verified tokens to remember (0 turns the cache off). Every service verifies the same
   * few live tokens on every request; an Ed25519 verification costs ~100 µs of CPU, a lookup ~0.
   * Default 10,000 — but 0 when `keys` is a resolver function, whose answers may change.
   */
  verifiedCacheSize?: number;
  /**
   * How long a verification is remembered, at most until the token's `exp` and never longer than
   * the JWKS cache age, so a key withdrawn from the JWKS is refused no later than it would be anyway.
   * `refresh()` forgets everything. Default 60 s.
   */
  verifiedCacheTtlMs?: number;
}

export interface JwtVerifier {
  /** Resolves the principal, or throws 401 `token_expired` / `invalid_token` (503 when keys are unreachable). */
  verify(token: string): Promise<Principal>;
  /** Fetches the JWKS again now (no-op for in-memory keys). */
  refresh(): Promise<void>;
}

type KeySource = JWTVerifyGetKey | CryptoKey | KeyObject;

function isJwks(value: unknown): value is JSONWebKeySet {
  return typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys);
}

export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  let remote: RemoteJWKSet | undefined;
  let key: KeySource;
  if (options.keys !== undefined) {
    key = isJwks(options.keys) ? createLocalJWKSet(options.keys) : options.keys;
  } else if (options.jwksUrl) {
    remote = createRemoteJWKSet(new URL(options.jwksUrl), {
      cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
      cooldownDuration: options.cooldownMs ?? 30_000,
      timeoutDuration: options.timeoutMs ?? 5_000,
    });
    key = remote;
  } else {
    throw new Error('createJwtVerifier needs either jwksUrl or keys');
  }
  const verifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: [JWT_ALGORITHM],
    clockTolerance: options.clockToleranceSec ?? 60,
    requiredClaims: ['sub', 'exp', 'iat', 'jti'],
  };

  // A key resolver may change its answer at any time (Auth's own rotating store), so its
  // verifications are not remembered unless the caller asks for it.
  const dynamicKeys = typeof options.keys === 'function';
  const jwksAgeMs = remote ? (options.cacheMaxAgeMs ?? 10 * 60_000) : Number.POSITIVE_INFINITY;
  const verified = new VerifiedTokenCache(
    options.verifiedCacheSize ?? (dynamicKeys ? 0 : 10_000),
    Math.min(options.verifiedCacheTtlMs ?? 60_000, jwksAgeMs),
  );

  return {
    async verify(token: string): Promise<Principal> {
      const known = verified.get(token);
      if (known) return known;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key, verifyOptions));
      } catch (error) {
        throw translateError(error);
      }
      const principal = toPrincipal(payload, token);
      verified.set(token, principal);
      return principal;
    },
    async refresh(): Promise<void> {
      verified.clear();
      await remote?.reload();
    },
  };
}

/** Least-recently-set bounded map of token → principal, each entry valid until min(ttl, exp). */
class VerifiedTokenCache {
  private readonly entries = new Map<string, { principal: Principal; validUntilMs: number }>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {}

  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (Date.now() >= entry.validUntilMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  set(token: string, principal: Principal): void {
    if (this.capacity <= 0) return;
    const validUntilMs = Math.min(Date.now() + this.ttlMs, principal.expiresAt * 1000);
    if (validUntilMs <= Date.now()) return;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { principal, validUntilMs });
  }

  clear(): void {
    this.entries.clear();
  }
}

function translateError(error: unknown): Error {
  if (error instanceof errors.JWTExpired) return new Unauthorized('The access token has expired.', 'token_expired');
  if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
    return new Unavailable('The signing keys of the Auth service cannot be fetched.');
  }
  if (error.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/.test(error.message)) {
    return new Unavailable('The signing keys of the Auth service cannot be fetched.');
  }
  return new Unauthorized('The access token is not valid.', 'invalid_token');
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Checks the claims Auth always writes; a token without them was not issued by Auth. */
export function toPrincipal(payload: JWTPayload, token: string): Principal {
  const { sub, jti, exp, typ, roles, amr, email, sid } = payload as Record<string, unknown>;
  const valid =
    typeof sub === 'string' &&
    sub.length > 0 &&
    typeof jti === 'string' &&
    typeof exp === 'number' &&
    (typ === 'access' || typ === 'service') &&
    isStringArray(roles) &&
    (amr === undefined || isStringArray(amr)) &&
    (email === undefined || typeof email === 'string') &&
    (sid === undefined || typeof sid === 'string');
  if (!valid) throw new Unauthorized('The access token is not valid.', 'invalid_token');
  const principal: Principal = {
    userId: sub,
    roles,
    type: typ,
    amr: amr ?? [],
    tokenId: jti,
    expiresAt: exp,
    token,
  };
  if (email !== undefined) principal.email = email;
  if (sid !== undefined) principal.sessionId = sid;
  return principal;
}
