import { ConfigError } from '@polis/platform';
import { describe, expect, it } from 'vitest';
import { loadAuthConfig } from './auth.config.js';

describe('loadAuthConfig', () => {
  it('has embedded-mode defaults for everything', () => {
    const config = loadAuthConfig({});
    expect(config).toMatchObject({
      port: 8081,
      baseUrl: 'http://localhost:8081',
      webBaseUrl: 'http://localhost:3000',
      jwt: { audience: 'crm-clients', additionalPublicKeys: [] },
      ttl: {
        accessMs: 900_000,
        refreshMs: 604_800_000,
        activationMs: 72 * 3_600_000,
        telegramLinkCodeMs: 300_000,
        passwordChangeMs: 900_000,
        recoveryPasswordMs: 1_800_000,
      },
      registrationEnabled: false,
      auditExchange: 'audit.events',
      bootstrap: { enabled: false, email: 'admin@crm.example', roles: ['ROLE_ADMIN', 'ROLE_USER'] },
      rateLimits: {
        loginMaxFailures: 5,
        loginFailureWindowMs: 900_000,
        loginMaxPerMinute: 30,
        refreshMaxPerMinute: 30,
      },
    });
    expect(config.jwt.privateKey).toBeUndefined();
  });

  it('reads an empty AUTH_ACCESS_TOKEN_TTL as PT15M and the legacy PT7D as 7 days', () => {
    const config = loadAuthConfig({ AUTH_ACCESS_TOKEN_TTL: '', AUTH_REFRESH_TOKEN_TTL: 'PT7D' });
    expect(config.ttl.accessMs).toBe(15 * 60_000);
    expect(config.ttl.refreshMs).toBe(7 * 24 * 3_600_000);
    expect(loadAuthConfig({ AUTH_REFRESH_TOKEN_TTL: 'p14d' }).ttl.refreshMs).toBe(14 * 24 * 3_600_000);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadAuthConfig({ AUTH_ACCESS_TOKEN_TTL: '15 minutes' })).toThrow(/AUTH_ACCESS_TOKEN_TTL/);
    expect(() => loadAuthConfig({ AUTH_ACCESS_TOKEN_TTL: 'PT0S' })).toThrow(ConfigError);
    expect(() => loadAuthConfig({ AUTH_SERVICE_CLIENTS: 'gateway' })).toThrow(/AUTH_SERVICE_CLIENTS/);
    expect(() => loadAuthConfig({ AUTH_JWT_ADDITIONAL_PUBLIC_KEYS: '{"kty":"OKP"}' })).toThrow(
      /AUTH_JWT_ADDITIONAL_PUBLIC_KEYS/,
    );
  });

  it('parses service clients, bootstrap roles and escaped newlines of the private key', () => {
    const config = loadAuthConfig({
      AUTH_SERVICE_CLIENTS: 'gateway:s1, telegram-bot:s:2',
      AUTH_BOOTSTRAP_ROLES: 'admin, sales_agent',
      AUTH_JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----',
    });
    expect(config.serviceClients).toEqual({ gateway: 's1', 'telegram-bot': 's:2' });
    expect(config.bootstrap.roles).toEqual(['ROLE_ADMIN', 'ROLE_SALES_AGENT']);
    expect(config.jwt.privateKey).toBe('-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----');
  });

  it('refuses placeholder secrets in production', () => {
    const production = { NODE_ENV: 'production', AUTH_BOOTSTRAP_ENABLED: 'true' };
    expect(() => loadAuthConfig({ ...production, AUTH_BOOTSTRAP_PASSWORD: 'ChangeMePlease123!' })).toThrow(
      /AUTH_BOOTSTRAP_PASSWORD/,
    );
    expect(() => loadAuthConfig({ NODE_ENV: 'production', AUTH_SERVICE_CLIENTS: 'gateway:change_me' })).toThrow(
      /AUTH_SERVICE_CLIENTS/,
    );
    expect(loadAuthConfig({ ...production, AUTH_BOOTSTRAP_PASSWORD: 'a-real-long-secret' }).production).toBe(true);
  });
});
