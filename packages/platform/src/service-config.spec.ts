import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from './config.js';
import {
  authVerifierEnv,
  authVerifierSettings,
  consulDiscovery,
  consulEnv,
  consulSettings,
  isTimeZone,
} from './service-config.js';

const schema = z.object({ ...authVerifierEnv, ...consulEnv });

describe('shared service settings', () => {
  it("derives Auth's JWKS and issuer from AUTH_BASE_URL unless given", () => {
    expect(authVerifierSettings(loadConfig(schema, { AUTH_BASE_URL: 'http://auth:8081/' }))).toEqual({
      jwksUrl: 'http://auth:8081/.well-known/jwks.json',
      issuer: 'http://auth:8081',
      audience: 'crm-clients',
    });
    const explicit = loadConfig(schema, {
      AUTH_JWKS_URL: 'http://keys/jwks.json',
      AUTH_JWT_ISSUER: 'https://polis.example',
      AUTH_JWT_AUDIENCE: 'bots',
    });
    expect(authVerifierSettings(explicit)).toEqual({
      jwksUrl: 'http://keys/jwks.json',
      issuer: 'https://polis.example',
      audience: 'bots',
    });
  });

  it('registers with Consul only when CONSUL_HTTP_ADDR is set', () => {
    expect(consulSettings(loadConfig(schema, {}))).toBeUndefined();
    expect(consulDiscovery(undefined, 'crm-service')).toEqual({});
    const consul = consulSettings(
      loadConfig(schema, { CONSUL_HTTP_ADDR: 'http://consul:8500/', CONSUL_HTTP_TOKEN: 't' }),
    );
    expect(consul).toEqual({ url: 'http://consul:8500', token: 't' });
    expect(consulDiscovery(consul, 'crm-service')).toEqual({
      discovery: { consulUrl: 'http://consul:8500', serviceName: 'crm-service', token: 't' },
    });
  });

  it('knows IANA time zones', () => {
    expect(isTimeZone('Europe/Moscow')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
