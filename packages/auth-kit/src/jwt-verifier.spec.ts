import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DomainError } from '@polis/platform';
import { type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, type SigningKeyPair, signToken, type TokenClaims } from './jwt-signer.js';
import { createJwtVerifier } from './jwt-verifier.js';

const issuer = 'https://auth.test';
const audience = 'crm-clients';
const claims: TokenClaims = {
  sub: '7b0c1d8e-5f7a-4c1e-9d3b-2a6f0e4c8b11',
  email: 'anna@example.com',
  roles: ['ROLE_USER', 'ROLE_ADMIN'],
  typ: 'access',
  amr: ['pwd'],
  sid: 'family-1',
};

/** A tiny JWKS endpoint whose key list the tests change, counting how often it is fetched. */
class JwksServer {
  keys: JWK[] = [];
  fetches = 0;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((_request, response) => {
      this.fetches += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe('createJwtVerifier', () => {
  const jwks = new JwksServer();
  let current: SigningKeyPair;

  beforeAll(async () => {
    current = await generateSigningKey();
    jwks.keys = [current.publicJwk];
    await jwks.start();
  });

  afterAll(async () => {
    await jwks.stop();
  });

  const remoteVerifier = () => createJwtVerifier({ jwksUrl: jwks.url, issuer, audience, cooldownMs: 0 });

  it('accepts a valid token and exposes its claims as the principal', async () => {
    const token = await signToken(current, claims, { issuer, audience, ttlSec: 900 });
    const principal = await remoteVerifier().verify(token);
    expect(principal).toMatchObject({
      userId: claims.sub,
      email: 'anna@example.com',
      roles: ['ROLE_USER', 'ROLE_ADMIN'],
      type: 'access',
      amr: ['pwd'],
      sessionId: 'family-1',
      token,
    });
    expect(principal.tokenId).toMatch(/[0-9a-f-]{36}/);
    expect(principal.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it('rejects a wrong issuer or audience as invalid_token', async () => {
    const verifier = remoteVerifier();
    const wrongIssuer = await signToken(current, claims, { issuer: 'https://evil.test', audience, ttlSec: 900 });
    const wrongAudience = await signToken(current, claims, { issuer, audience: 'other', ttlSec: 900 });
    for (const token of [wrongIssuer, wrongAudience]) {
      const error = await rejection(verifier.verify(token));
      expect([error.status, error.code]).toEqual([401, 'invalid_token']);
    }
  });

  it('rejects an HS256 token even when its kid matches a published key', async () => {
    const secret = new TextEncoder().encode('a-shared-secret-that-must-never-work-here');
    const token = await new SignJWT({ roles: ['ROLE_ADMIN'], typ: 'access' })
      .setProtectedHeader({ alg: 'HS256', kid: current.kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(claims.sub)
      .setJti('x')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);
    const error = await rejection(remoteVerifier().verify(token));
    expect(error.code).toBe('invalid_token');
  });

  it('answers token_expired for an expired token beyond the allowed skew', async () => {
    const issuedAt = Math.floor(Date.now() / 1000) - 3600;
    const token = await signToken(current, claims, { issuer, audience, ttlSec: 900, issuedAt });
    const error = await rejection(remoteVerifier().verify(token));
    expect([error.status, error.code]).toEqual([401, 'token_expired']);
  });

  it('tolerates 60 s of clock skew by default', async () => {
    const issuedAt = Math.floor(Date.now() / 1000) - 930;
    const token = await signToken(current, claims, { issuer, audience, ttlSec: 900, issuedAt });
    await expect(remoteVerifier().verify(token)).resolves.toMatchObject({ userId: claims.sub });
  });

  it('rejects a tampered payload and garbage', async () => {
    const token = await signToken(current, claims, { issuer, audience, ttlSec: 900 });
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), roles: ['ROLE_ADMIN'] }),
    ).toString('base64url');
    const verifier = remoteVerifier();
    for (const bad of [`${header}.${forged}.${signature}`, 'not-a-jwt', `${header}.${payload}.`]) {
      const error = await rejection(verifier.verify(bad));
      expect(error.code).toBe('invalid_token');
    }
  });

  it('rejects a token signed by a key that is not published', async () => {
    const stranger = await generateSigningKey(current.kid);
    const token = await signToken(stranger, claims, { issuer, audience, ttlSec: 900 });
    const error = await rejection(remoteVerifier().verify(token));
    expect(error.code).toBe('invalid_token');
  });

  it('rejects a token without the claims Auth always writes', async () => {
    const token = await new SignJWT({ roles: 'ROLE_ADMIN', typ: 'access' })
      .setProtectedHeader({ alg: 'EdDSA', kid: current.kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(claims.sub)
      .setJti('x')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(current.privateKey);
    const error = await rejection(remoteVerifier().verify(token));
    expect(error.code).toBe('invalid_token');
  });

  it('refetches the JWKS once for an unknown kid (key rotation) and accepts the new key', async () => {
    const verifier = remoteVerifier();
    await verifier.verify(await signToken(current, claims, { issuer, audience, ttlSec: 900 }));
    const fetchesBefore = jwks.fetches;

    const next = await generateSigningKey();
    jwks.keys = [current.publicJwk, next.publicJwk];
    const principal = await verifier.verify(await signToken(next, claims, { issuer, audience, ttlSec: 900 }));
    expect(principal.userId).toBe(claims.sub);
    expect(jwks.fetches).toBe(fetchesBefore + 1);

    // Known kids are served from the cache: no further fetch.
    await verifier.verify(await signToken(current, claims, { issuer, audience, ttlSec: 900 }));
    expect(jwks.fetches).toBe(fetchesBefore + 1);
    jwks.keys = [current.publicJwk];
  });

  it('rejects a token whose key was removed from the JWKS once the set is fetched again', async () => {
    const retiring = await generateSigningKey();
    jwks.keys = [current.publicJwk, retiring.publicJwk];
    const verifier = remoteVerifier();
    const token = await signToken(retiring, claims, { issuer, audience, ttlSec: 900 });
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: claims.sub });

    jwks.keys = [current.publicJwk];
    await verifier.refresh();
    const error = await rejection(verifier.verify(token));
    expect(error.code).toBe('invalid_token');
  });

  it('drops a removed key when the cache ages out, without an explicit refresh', async () => {
    const retiring = await generateSigningKey();
    jwks.keys = [current.publicJwk, retiring.publicJwk];
    const verifier = createJwtVerifier({ jwksUrl: jwks.url, issuer, audience, cacheMaxAgeMs: 20, cooldownMs: 0 });
    const token = await signToken(retiring, claims, { issuer, audience, ttlSec: 900 });
    await verifier.verify(token);
    jwks.keys = [current.publicJwk];
    const deadline = Date.now() + 5_000;
    let outcome: unknown;
    while (Date.now() < deadline) {
      outcome = await verifier.verify(token).then(
        () => 'accepted',
        (error: unknown) => (error instanceof DomainError ? error.code : error),
      );
      if (outcome !== 'accepted') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(outcome).toBe('invalid_token');
  });

  it('answers 503 when the JWKS cannot be fetched', async () => {
    const verifier = createJwtVerifier({ jwksUrl: 'http://127.0.0.1:1/jwks.json', issuer, audience });
    const token = await signToken(current, claims, { issuer, audience, ttlSec: 900 });
    const error = await rejection(verifier.verify(token));
    expect(error.status).toBe(503);
  });

  it('verifies with in-memory keys: a JWKS document, one key, or a resolver', async () => {
    const token = await signToken(current, claims, { issuer, audience, ttlSec: 900 });
    const fromJwks = createJwtVerifier({ keys: { keys: [current.publicJwk] }, issuer, audience });
    const fromResolver = createJwtVerifier({ keys: async () => current.publicJwk, issuer, audience });
    await expect(fromJwks.verify(token)).resolves.toMatchObject({ userId: claims.sub });
    await expect(fromResolver.verify(token)).resolves.toMatchObject({ userId: claims.sub });
    await fromJwks.refresh();
  });

  it('refuses to be built without keys', () => {
    expect(() => createJwtVerifier({ issuer, audience })).toThrow(/jwksUrl or keys/);
  });

  describe('remembered verifications', () => {
    function countingResolver() {
      const calls = { count: 0 };
      const keys = async () => {
        calls.count += 1;
        return current.publicJwk;
      };
      return { calls, keys };
    }

    it('verifies a token once and answers repeats from memory until refresh()', async () => {
      const { calls, keys } = countingResolver();
      const verifier = createJwtVerifier({ keys, issuer, audience, verifiedCacheSize: 10 });
      const token = await signToken(current, claims, { issuer, audience, ttlSec: 900 });
      const first = await verifier.verify(token);
      const again = await verifier.verify(token);
      expect(again).toEqual(first);
      expect(calls.count).toBe(1);
      await verifier.refresh();
      await verifier.verify(token);
      expect(calls.count).toBe(2);
    });

    it('keeps at most verifiedCacheSize tokens, forgetting the oldest', async () => {
      const { calls, keys } = countingResolver();
      const verifier = createJwtVerifier({ keys, issuer, audience, verifiedCacheSize: 2 });
      const tokens = await Promise.all(
        ['a', 'b', 'c'].map((sid) => signToken(current, { ...claims, sid }, { issuer, audience, ttlSec: 900 })),
      );
      for (const token of tokens) await verifier.verify(token);
      expect(calls.count).toBe(3);
      await verifier.verify(tokens[2] as string);
      expect(calls.count).toBe(3);
      await verifier.verify(tokens[0] as string);
      expect(calls.count).toBe(4);
    });

    it('does not remember by default when the keys come from a resolver, whose answers may change', async () => {
      const { calls, keys } = countingResolver();
      const verifier = createJwtVerifier({ keys, issuer, audience });
      const token = await signToken(current, claims, { issuer, audience, ttlSec: 900 });
      await verifier.verify(token);
      await verifier.verify(token);
      expect(calls.count).toBe(2);
    });

    it('never remembers a failure', async () => {
      const verifier = createJwtVerifier({ keys: { keys: [current.publicJwk] }, issuer, audience });
      const other = await generateSigningKey();
      const forged = await signToken(other, claims, { issuer, audience, ttlSec: 900 });
      expect((await rejection(verifier.verify(forged))).code).toBe('invalid_token');
      expect((await rejection(verifier.verify(forged))).code).toBe('invalid_token');
    });
  });
});
