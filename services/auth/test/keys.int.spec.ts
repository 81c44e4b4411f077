import { createJwtVerifier, exportSigningKey, generateSigningKey, signToken } from '@polis/auth-kit';
import { jwksSchema, openIdConfigurationSchema } from '@polis/contracts';
import { DomainError } from '@polis/platform';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuthConfig, SigningKeyStore } from '../src/index.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type AuthHarness, type Json, startAuth } from './auth-harness.js';

describe('signing keys: JWKS, discovery, rotation with overlap', () => {
  let auth: AuthHarness;

  beforeAll(async () => {
    auth = await startAuth();
  });

  afterAll(async () => {
    await auth?.close();
  });

  const jwks = async () => (await auth.request<{ keys: JWK[] }>('GET', '/.well-known/jwks.json')).body.keys;
  const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid;
  const verifier = () =>
    createJwtVerifier({
      jwksUrl: `${auth.url}/.well-known/jwks.json`,
      issuer: auth.config.jwt.issuer,
      audience: auth.config.jwt.audience,
      cooldownMs: 0,
    });
  const loginToken = async () => (await auth.login(ADMIN_EMAIL, ADMIN_PASSWORD)).body.accessToken;
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (error: unknown) => (error instanceof DomainError ? error.code : String(error)),
    );

  it('publishes the JWKS at both paths: public Ed25519 keys only, cacheable', async () => {
    const wellKnown = await auth.request('GET', '/.well-known/jwks.json');
    const api = await auth.request('GET', '/api/v1/auth/jwks');
    expect(wellKnown.status).toBe(200);
    expect(wellKnown.headers.get('cache-control')).toContain('max-age');
    expect(jwksSchema.parse(wellKnown.body)).toEqual(api.body);
    const [key] = wellKnown.body.keys as JWK[];
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: expect.any(String) });
    expect(key).not.toHaveProperty('d');
  });

  it('serves the OpenID discovery document', async () => {
    const response = await auth.request('GET', '/.well-known/openid-configuration');
    expect(response.status).toBe(200);
    const document = openIdConfigurationSchema.parse(response.body);
    expect(document).toMatchObject({
      issuer: 'http://auth.test',
      jwks_uri: 'http://localhost:8081/.well-known/jwks.json',
      token_endpoint: 'http://localhost:8081/api/v1/auth/token',
      id_token_signing_alg_values_supported: ['EdDSA'],
    });
    expect(document.grant_types_supported).toEqual(['password', 'refresh_token', 'client_credentials']);
  });

  it('rotation: the previous key stays valid while listed; once retired its tokens are rejected', async () => {
    const admin = await auth.adminToken();
    const before = await loginToken();
    const cached = verifier();
    await cached.verify(before);

    const rotated = await auth.request<{ kid: string; previousKid: string } & Json>(
      'POST',
      '/internal/v1/auth/keys/rotate',
      {
        token: admin,
      },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.previousKid).toBe(kidOf(before));
    expect((await jwks()).map((key) => key.kid).sort()).toEqual([rotated.body.kid, rotated.body.previousKid].sort());

    const after = await loginToken();
    expect(kidOf(after)).toBe(rotated.body.kid);
    // A verifier holding the old JWKS meets an unknown kid, refetches once and accepts.
    await expect(cached.verify(after)).resolves.toMatchObject({ email: ADMIN_EMAIL });
    // Overlap: the old token is still good everywhere.
    await expect(verifier().verify(before)).resolves.toMatchObject({ email: ADMIN_EMAIL });
    expect((await auth.request('GET', '/api/v1/auth/me', { token: before })).status).toBe(200);

    const retired = await auth.request('POST', '/internal/v1/auth/keys/retire', {
      token: await auth.serviceToken('gateway'),
    });
    expect(retired.status).toBe(200);
    expect(retired.body).toEqual({ retired: [rotated.body.previousKid] });
    expect((await jwks()).map((key) => key.kid)).toEqual([rotated.body.kid]);

    expect(await rejection(verifier().verify(before))).toBe('invalid_token');
    const refused = await auth.request('GET', '/api/v1/auth/me', { token: before });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'invalid_token' });
    expect((await auth.request('GET', '/api/v1/auth/me', { token: after })).status).toBe(200);
  });

  it('the managed key survives a restart, so sessions stay valid', async () => {
    const token = await loginToken();
    const { refreshToken } = (await auth.login(ADMIN_EMAIL, ADMIN_PASSWORD)).body;
    const kids = (await jwks()).map((key) => key.kid);
    await auth.restart();
    expect((await jwks()).map((key) => key.kid)).toEqual(kids);
    expect((await auth.request('GET', '/api/v1/auth/me', { token })).status).toBe(200);
    expect((await auth.request('POST', '/api/v1/auth/refresh', { body: { refreshToken } })).status).toBe(200);
  });

  it('a static key from AUTH_JWT_PRIVATE_KEY signs, additional public keys stay verifiable, rotation is refused', async () => {
    const own = await generateSigningKey();
    const old = await generateSigningKey('retired-2024');
    const config = loadAuthConfig({
      AUTH_JWT_PRIVATE_KEY: (await exportSigningKey(own)).replace(/\n/g, '\\n'),
      AUTH_JWT_KEY_ID: 'static-1',
      AUTH_JWT_ADDITIONAL_PUBLIC_KEYS: JSON.stringify([old.publicJwk]),
    });
    const store = new SigningKeyStore(config, auth.backend.db);
    await store.open();
    try {
      expect(store.current().kid).toBe('static-1');
      expect((await store.jwks()).keys.map((key) => key.kid)).toEqual(['static-1', 'retired-2024']);
      const local = createJwtVerifier({ keys: store.getKey, issuer: 'i', audience: 'a' });
      const claims = { sub: 'u', roles: ['ROLE_USER'], typ: 'access' as const, amr: ['pwd'] };
      await expect(
        local.verify(await signToken(store.current(), claims, { issuer: 'i', audience: 'a', ttlSec: 60 })),
      ).resolves.toBeTruthy();
      await expect(
        local.verify(await signToken(old, claims, { issuer: 'i', audience: 'a', ttlSec: 60 })),
      ).resolves.toBeTruthy();
      await expect(store.rotate()).rejects.toMatchObject({ status: 409, code: 'static_signing_key' });
    } finally {
      store.close();
    }
  });
});
