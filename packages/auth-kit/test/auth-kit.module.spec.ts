import { Controller, Get, Module } from '@nestjs/common';
import { type Cache, createCache } from '@polis/cache';
import { createLogger, type RunningService, startService } from '@polis/platform';
import { backendKind, realServers } from '@polis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthKitModule,
  CurrentUser,
  createJwtVerifier,
  disabledUserKey,
  generateSigningKey,
  type Principal,
  Public,
  Roles,
  type SigningKeyPair,
  signToken,
  type TokenClaims,
} from '../src/index.js';

const issuer = 'https://auth.test';
const audience = 'crm-clients';

@Controller('probe')
class ProbeController {
  @Public()
  @Get('open')
  open(@CurrentUser() user: Principal | undefined) {
    return { user: user?.userId ?? null };
  }

  @Get('me')
  me(@CurrentUser() user: Principal) {
    return { userId: user.userId, roles: user.roles, type: user.type };
  }

  @Roles('ROLE_ADMIN', 'ROLE_EXECUTOR')
  @Get('staff')
  staff() {
    return { ok: true };
  }
}

@Roles('ROLE_SERVICE')
@Controller('machines')
class MachineController {
  @Get()
  list() {
    return { ok: true };
  }

  @Public()
  @Get('ping')
  ping() {
    return { pong: true };
  }
}

describe('AuthKitModule guard', () => {
  let key: SigningKeyPair;
  let cache: Cache;
  let service: RunningService;

  const token = (claims: Partial<TokenClaims> = {}, ttlSec = 900) =>
    signToken(
      key,
      { sub: 'c7f1c9a2-3a4b-4c5d-8e9f-0a1b2c3d4e5f', roles: ['ROLE_USER'], typ: 'access', amr: ['pwd'], ...claims },
      { issuer, audience, ttlSec, issuedAt: ttlSec < 0 ? Math.floor(Date.now() / 1000) - 3600 : undefined },
    );

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${service.url}${path}`, { headers });

  beforeAll(async () => {
    key = await generateSigningKey();
    // Only a cache is needed: Redis with an own key prefix on the real backend, memory otherwise.
    cache = createCache({
      url: backendKind() === 'real' ? realServers.redisUrl : undefined,
      keyPrefix: `auth-kit-${Date.now().toString(36)}-${process.pid}:`,
    });
    @Module({
      imports: [
        AuthKitModule.forRoot({
          verifier: createJwtVerifier({ keys: { keys: [key.publicJwk] }, issuer, audience }),
          cache,
        }),
      ],
      controllers: [ProbeController, MachineController],
    })
    class ProbeModule {}
    service = await startService({
      name: 'probe',
      module: ProbeModule,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger({ service: 'probe', level: 'silent' }),
    });
  });

  afterAll(async () => {
    await service?.close();
    await cache?.close();
  });

  it('lets @Public() routes and the ops routes through without a token', async () => {
    expect((await get('/probe/open')).status).toBe(200);
    expect((await get('/machines/ping')).status).toBe(200);
    expect((await get('/health')).status).toBe(200);
  });

  it('answers 401 problem+json without a token or with a bad one', async () => {
    const missing = await get('/probe/me');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await missing.json()).toMatchObject({ code: 'unauthorized' });

    const bad = await get('/probe/me', { authorization: 'Bearer nope' });
    expect(await bad.json()).toMatchObject({ status: 401, code: 'invalid_token' });

    const expired = await get('/probe/me', { authorization: `Bearer ${await token({}, -1)}` });
    expect(await expired.json()).toMatchObject({ status: 401, code: 'token_expired' });
  });

  it('puts the principal on the request, from the header or the crm_access_token cookie', async () => {
    const jwt = await token({ roles: ['ROLE_USER', 'ROLE_SALES_AGENT'] });
    const viaHeader = await get('/probe/me', { authorization: `Bearer ${jwt}` });
    expect(await viaHeader.json()).toEqual({
      userId: 'c7f1c9a2-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
      roles: ['ROLE_USER', 'ROLE_SALES_AGENT'],
      type: 'access',
    });
    const viaCookie = await get('/probe/me', { cookie: `theme=dark; crm_access_token=${jwt}` });
    expect(viaCookie.status).toBe(200);
  });

  it('enforces @Roles on handlers and classes: any of the listed roles', async () => {
    const user = await token();
    const executor = await token({ roles: ['ROLE_USER', 'ROLE_EXECUTOR'] });
    const forbidden = await get('/probe/staff', { authorization: `Bearer ${user}` });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: 'forbidden' });
    expect((await get('/probe/staff', { authorization: `Bearer ${executor}` })).status).toBe(200);

    expect((await get('/machines', { authorization: `Bearer ${user}` })).status).toBe(403);
    const machine = await token({ sub: 'svc:gateway', roles: ['ROLE_SERVICE'], typ: 'service' });
    expect((await get('/machines', { authorization: `Bearer ${machine}` })).status).toBe(200);
  });

  it('rejects a still-valid token of a disabled user with 403 user_disabled', async () => {
    const userId = '0d3c2b1a-9f8e-4d7c-8b6a-5f4e3d2c1b0a';
    const jwt = await token({ sub: userId });
    expect((await get('/probe/me', { authorization: `Bearer ${jwt}` })).status).toBe(200);
    await cache.set(disabledUserKey(userId), '1', { ttlMs: 60_000 });
    const refused = await get('/probe/me', { authorization: `Bearer ${jwt}` });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'user_disabled' });
  });
});
