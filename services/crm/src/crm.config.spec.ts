import { ConfigError } from '@polis/platform';
import { describe, expect, it } from 'vitest';
import { loadCrmConfig } from './crm.config.js';

describe('CRM config', () => {
  it('has embedded-mode defaults', () => {
    expect(loadCrmConfig({})).toMatchObject({
      port: 8082,
      eventsExchange: 'crm.events',
      timeZone: 'Europe/Moscow',
      dbRole: 'crm_app',
      importMaxBytes: 25 * 1024 * 1024,
      documents: { baseUrl: 'http://localhost:8084', timeoutMs: 5000 },
      sse: { replayMaxLen: 1000, keepAliveMs: 15_000 },
      jwt: {
        jwksUrl: 'http://localhost:8081/.well-known/jwks.json',
        issuer: 'http://localhost:8081',
        audience: 'crm-clients',
      },
    });
  });

  it('derives the JWKS URL from AUTH_BASE_URL and lets an empty role mean the login role', () => {
    const config = loadCrmConfig({
      AUTH_BASE_URL: 'http://auth:8081/',
      CRM_DB_ROLE: ' ',
      CRM_DOCUMENTS_BASE_URL: 'http://documents:8084/',
    });
    expect(config.jwt.jwksUrl).toBe('http://auth:8081/.well-known/jwks.json');
    expect(config.documents.baseUrl).toBe('http://documents:8084');
    expect(config.dbRole).toBeUndefined();
  });

  it('names the bad variable', () => {
    expect(() => loadCrmConfig({ CRM_TIMEZONE: 'Mars/Olympus' })).toThrow(ConfigError);
    expect(() => loadCrmConfig({ CRM_TIMEZONE: 'Mars/Olympus' })).toThrow(/CRM_TIMEZONE/);
    expect(() => loadCrmConfig({ CRM_DB_ROLE: 'crm app; drop' })).toThrow(/CRM_DB_ROLE/);
    expect(() => loadCrmConfig({ CRM_SERVICE_PORT: 'abc' })).toThrow(/CRM_SERVICE_PORT/);
    expect(() => loadCrmConfig({ CRM_DOCUMENTS_BASE_URL: 'documents' })).toThrow(/CRM_DOCUMENTS_BASE_URL/);
    expect(() => loadCrmConfig({ CRM_DOCUMENTS_TIMEOUT_MS: '0' })).toThrow(/CRM_DOCUMENTS_TIMEOUT_MS/);
  });
});
