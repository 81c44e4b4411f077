import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, env, loadConfig, parseIsoDuration } from './config.js';

const authSchema = z.object({
  AUTH_SERVICE_PORT: env.port(8081),
  AUTH_ACCESS_TOKEN_TTL: env.duration('PT15M'),
  AUTH_REFRESH_TOKEN_TTL: env.duration('P7D'),
  AUTH_REGISTRATION_ENABLED: env.bool(false),
  AUTH_BOOTSTRAP_ROLES: env.list(['ROLE_ADMIN', 'ROLE_USER']),
  AUTH_BASE_URL: env.url(),
  AUTH_WEB_BASE_URL: env.url('http://localhost:3000'),
  AUTH_JWT_KEY_ID: env.str(),
  AUTH_RABBITMQ_PREFETCH: env.int(50, { min: 1, max: 1000 }),
  AUTH_BOOTSTRAP_PASSWORD: env.secret('change_me'),
});

describe('parseIsoDuration', () => {
  it.each([
    ['PT15M', 900_000],
    ['P7D', 604_800_000],
    ['PT72H', 259_200_000],
    ['P1DT2H', 93_600_000],
    ['PT5M', 300_000],
    ['PT0.5S', 500],
    ['P2W', 1_209_600_000],
    ['P1DT1H1M1S', 90_061_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each(['garbage', '', 'P', 'PT', 'P1DT', '15M', 'PT-5M', 'P1Y', 'P1M', 'PT1H30'])('refuses %j', (text) => {
    expect(() => parseIsoDuration(text)).toThrow(/ISO-8601 duration/);
  });
});

describe('loadConfig', () => {
  it('applies defaults when variables are absent or empty', () => {
    const config = loadConfig(authSchema, { AUTH_ACCESS_TOKEN_TTL: '', AUTH_BOOTSTRAP_ROLES: '' });
    expect(config).toEqual({
      AUTH_SERVICE_PORT: 8081,
      AUTH_ACCESS_TOKEN_TTL: 900_000,
      AUTH_REFRESH_TOKEN_TTL: 604_800_000,
      AUTH_REGISTRATION_ENABLED: false,
      AUTH_BOOTSTRAP_ROLES: ['ROLE_ADMIN', 'ROLE_USER'],
      AUTH_BASE_URL: undefined,
      AUTH_WEB_BASE_URL: 'http://localhost:3000',
      AUTH_JWT_KEY_ID: undefined,
      AUTH_RABBITMQ_PREFETCH: 50,
      AUTH_BOOTSTRAP_PASSWORD: 'change_me',
    });
  });

  it('converts given values', () => {
    const config = loadConfig(authSchema, {
      AUTH_SERVICE_PORT: '9001',
      AUTH_ACCESS_TOKEN_TTL: 'PT5M',
      AUTH_REGISTRATION_ENABLED: 'TRUE',
      AUTH_BOOTSTRAP_ROLES: 'ROLE_ADMIN, ROLE_EXECUTOR,,',
      AUTH_BASE_URL: 'http://auth:8081',
      AUTH_JWT_KEY_ID: 'k1',
      AUTH_RABBITMQ_PREFETCH: '10',
      UNRELATED: 'ignored',
    });
    expect(config).toMatchObject({
      AUTH_SERVICE_PORT: 9001,
      AUTH_ACCESS_TOKEN_TTL: 300_000,
      AUTH_REGISTRATION_ENABLED: true,
      AUTH_BOOTSTRAP_ROLES: ['ROLE_ADMIN', 'ROLE_EXECUTOR'],
      AUTH_BASE_URL: 'http://auth:8081',
      AUTH_JWT_KEY_ID: 'k1',
      AUTH_RABBITMQ_PREFETCH: 10,
    });
    expect(config).not.toHaveProperty('UNRELATED');
    expect(loadConfig(authSchema, { AUTH_REGISTRATION_ENABLED: '0' }).AUTH_REGISTRATION_ENABLED).toBe(false);
    expect(loadConfig(authSchema, { AUTH_REGISTRATION_ENABLED: '1' }).AUTH_REGISTRATION_ENABLED).toBe(true);
  });

  it('names the variable and the value it refused', () => {
    const attempt = () => loadConfig(authSchema, { AUTH_SERVICE_PORT: 'abc' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow("AUTH_SERVICE_PORT: expected a number, got 'abc'");
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig(authSchema, {
        AUTH_SERVICE_PORT: '70000',
        AUTH_ACCESS_TOKEN_TTL: 'garbage',
        AUTH_REGISTRATION_ENABLED: 'maybe',
        AUTH_BASE_URL: 'not a url',
        AUTH_RABBITMQ_PREFETCH: '0',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { issues, message } = error as ConfigError;
    expect(issues.map((issue) => issue.variable).sort()).toEqual([
      'AUTH_ACCESS_TOKEN_TTL',
      'AUTH_BASE_URL',
      'AUTH_RABBITMQ_PREFETCH',
      'AUTH_REGISTRATION_ENABLED',
      'AUTH_SERVICE_PORT',
    ]);
    expect(message).toContain("AUTH_SERVICE_PORT: expected a port between 0 and 65535, got '70000'");
    expect(message).toContain(
      "AUTH_ACCESS_TOKEN_TTL: expected an ISO-8601 duration such as PT15M or P7D, got 'garbage'",
    );
    expect(message).toContain("AUTH_REGISTRATION_ENABLED: expected true, false, 1 or 0, got 'maybe'");
    expect(message).toContain("AUTH_BASE_URL: expected a URL, got 'not a url'");
    expect(message).toContain("AUTH_RABBITMQ_PREFETCH: expected at least 1, got '0'");
  });

  it('says "is required" for a plain zod field that is missing', () => {
    const schema = z.object({ AUTH_DATABASE_URL: z.string() });
    expect(() => loadConfig(schema, {})).toThrow('AUTH_DATABASE_URL: is required');
  });

  it('accepts one of a fixed set of values', () => {
    const schema = z.object({ NODE_ENV: env.oneOf(['development', 'test', 'production'], 'development') });
    expect(loadConfig(schema, {}).NODE_ENV).toBe('development');
    expect(loadConfig(schema, { NODE_ENV: 'test' }).NODE_ENV).toBe('test');
    expect(() => loadConfig(schema, { NODE_ENV: 'prod' })).toThrow(
      "NODE_ENV: expected one of development, test, production, got 'prod'",
    );
  });

  it('keeps a development placeholder secret outside production', () => {
    expect(loadConfig(authSchema, { NODE_ENV: 'development' }).AUTH_BOOTSTRAP_PASSWORD).toBe('change_me');
  });

  it('refuses placeholder and empty secrets in production without repeating them', () => {
    const schema = z.object({
      AUTH_BOOTSTRAP_PASSWORD: env.secret('change_me'),
      SESSION_SECRET: env.secret(),
      TELEGRAM_BOT_WEBHOOK_SECRET: env.secret(),
      AUTH_JWT_PRIVATE_KEY: env.secret(),
    });
    let error: unknown;
    try {
      loadConfig(schema, {
        NODE_ENV: 'production',
        TELEGRAM_BOT_WEBHOOK_SECRET: 'dev-webhook-secret',
        AUTH_JWT_PRIVATE_KEY: 'a-real-key-material',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { message, issues } = error as ConfigError;
    expect(issues.map((issue) => issue.variable)).toEqual([
      'AUTH_BOOTSTRAP_PASSWORD',
      'SESSION_SECRET',
      'TELEGRAM_BOT_WEBHOOK_SECRET',
    ]);
    expect(message).toContain('AUTH_BOOTSTRAP_PASSWORD: is a placeholder value, not allowed in production');
    expect(message).toContain('SESSION_SECRET: must be set in production');
    expect(message).not.toContain('change_me');
    expect(message).not.toContain('dev-webhook-secret');
  });

  it('accepts real secrets in production', () => {
    const schema = z.object({ SESSION_SECRET: env.secret('change_me_session_secret') });
    expect(loadConfig(schema, { NODE_ENV: 'production', SESSION_SECRET: 's3cr3t-from-vault' })).toEqual({
      SESSION_SECRET: 's3cr3t-from-vault',
    });
  });

  it('reads process.env when no source is given', () => {
    const schema = z.object({ PLATFORM_CONFIG_SPEC_VALUE: env.int(1) });
    process.env.PLATFORM_CONFIG_SPEC_VALUE = '42';
    try {
      expect(loadConfig(schema).PLATFORM_CONFIG_SPEC_VALUE).toBe(42);
    } finally {
      delete process.env.PLATFORM_CONFIG_SPEC_VALUE;
    }
  });
});
