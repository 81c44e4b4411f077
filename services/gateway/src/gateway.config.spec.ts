import { ConfigError } from '@polis/platform';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from './gateway.config.js';

describe('loadGatewayConfig', () => {
  it('has embedded-mode defaults for everything', () => {
    const config = loadGatewayConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      publicOrigin: 'http://localhost:8080',
      trustProxy: false,
      corsOrigins: ['http://localhost:3000'],
      cookies: { secure: false },
      telegram: { webhookPath: '/internal/v1/telegram/updates' },
      jwt: {
        jwksUrl: 'http://localhost:8081/.well-known/jwks.json',
        issuer: 'http://localhost:8081',
        audience: 'crm-clients',
      },
      limits: {
        jsonBodyBytes: 1024 * 1024,
        uploadBodyBytes: 25 * 1024 * 1024,
        perMinute: 300,
        loginPerMinute: 30,
        webhookPerSecond: 60,
      },
      sse: {
        heartbeatIntervalMs: 15_000,
        reconnectDelayMs: 3000,
        monitorTtlMs: 60_000,
        maxStreamsPerUser: 5,
        monitorPrefix: 'gateway:sse',
      },
    });
    expect(config.consul).toBeUndefined();
    expect(config.telegram.webhookSecret).toBeUndefined();
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('routes only the services that exist, each at its default port and timeout', () => {
    const { upstreams } = loadGatewayConfig({});
    expect(upstreams.auth).toEqual({
      name: 'auth',
      baseUrl: 'http://localhost:8081',
      timeoutMs: 5000,
      serviceName: 'auth-service',
      enabled: true,
    });
    expect(upstreams.crm).toMatchObject({ baseUrl: 'http://localhost:8082', enabled: true });
    expect(upstreams.tasks).toMatchObject({ baseUrl: 'http://localhost:8086', enabled: true });
    expect(upstreams.documents).toMatchObject({ baseUrl: 'http://localhost:8084', enabled: true });
    expect(upstreams.reports).toMatchObject({ baseUrl: 'http://localhost:8087', enabled: false });
    expect(upstreams['telegram-bot']).toMatchObject({
      baseUrl: 'http://localhost:8089',
      serviceName: 'telegram-bot-service',
      enabled: false,
    });
    expect(loadGatewayConfig({}).sse.channels.deals).toEqual({
      upstream: 'crm',
      path: '/internal/v1/streams/deals',
      enabled: true,
    });
    expect(loadGatewayConfig({}).sse.channels.tasks).toMatchObject({ upstream: 'tasks', enabled: true });
    expect(loadGatewayConfig({}).sse.channels.notifications).toMatchObject({ enabled: false });
  });

  it('enables an upstream once its address, service name or GATEWAY_UPSTREAMS names it', () => {
    const config = loadGatewayConfig({
      GATEWAY_UPSTREAM_CRM_BASE_URL: 'http://crm:8082/',
      GATEWAY_UPSTREAM_CRM_TIMEOUT: '1500',
      GATEWAY_UPSTREAM_TASKS_SERVICE_NAME: 'tasks-svc',
      GATEWAY_UPSTREAMS: 'reports, AUDIT',
      GATEWAY_UPSTREAM_TIMEOUT: '7000',
    });
    expect(config.upstreams.crm).toMatchObject({ baseUrl: 'http://crm:8082', timeoutMs: 1500, enabled: true });
    expect(config.upstreams.tasks).toMatchObject({ serviceName: 'tasks-svc', timeoutMs: 7000, enabled: true });
    expect(config.upstreams.reports.enabled).toBe(true);
    expect(config.upstreams.audit.enabled).toBe(true);
    expect(config.sse.channels.deals.enabled).toBe(true);
    expect(config.sse.channels.notifications.enabled).toBe(false);
  });

  it('enables a channel by its explicit stream URL, and derives the JWKS URL from the Auth address', () => {
    const config = loadGatewayConfig({
      GATEWAY_UPSTREAM_NOTIFICATIONS_SSE_URL: 'http://notify:8085/internal/v1/notifications/stream',
      GATEWAY_UPSTREAM_AUTH_BASE_URL: 'http://auth:8081',
      JWT_ISSUER: 'https://auth.polis.example',
      JWT_AUDIENCE: 'polis',
    });
    expect(config.sse.channels.notifications).toMatchObject({
      enabled: true,
      url: 'http://notify:8085/internal/v1/notifications/stream',
    });
    expect(config.jwt).toEqual({
      jwksUrl: 'http://auth:8081/.well-known/jwks.json',
      issuer: 'https://auth.polis.example',
      audience: 'polis',
    });
    expect(loadGatewayConfig({ AUTH_JWT_ISSUER: 'a', JWT_ISSUER: 'b' }).jwt.issuer).toBe('a');
    expect(loadGatewayConfig({ AUTH_BASE_URL: 'http://auth:8081/' }).jwt.issuer).toBe('http://auth:8081');
  });

  it('reads Consul settings only when CONSUL_HTTP_ADDR is set', () => {
    const config = loadGatewayConfig({
      CONSUL_HTTP_ADDR: 'http://consul:8500/',
      CONSUL_HTTP_TOKEN: 't',
      CONSUL_DC: 'dc2',
    });
    expect(config.consul).toEqual({
      url: 'http://consul:8500',
      token: 't',
      datacenter: 'dc2',
      timeoutMs: 5000,
      cacheMs: 5000,
    });
  });

  it('names the variable of a bad value', () => {
    expect(() => loadGatewayConfig({ GATEWAY_UPSTREAM_CRM_BASE_URL: 'not a url' })).toThrow(
      /GATEWAY_UPSTREAM_CRM_BASE_URL/,
    );
    expect(() => loadGatewayConfig({ GATEWAY_SSE_MAX_STREAMS_PER_USER: '0' })).toThrow(
      /GATEWAY_SSE_MAX_STREAMS_PER_USER/,
    );
    expect(() => loadGatewayConfig({ GATEWAY_UPSTREAMS: 'crm,payments' })).toThrow(/GATEWAY_UPSTREAMS.*payments/);
  });

  it('in production requires SESSION_SECRET and refuses placeholder secrets', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: must be set in production/);
    expect(() => loadGatewayConfig({ NODE_ENV: 'production', SESSION_SECRET: 'change_me_session_secret' })).toThrow(
      ConfigError,
    );
    expect(() =>
      loadGatewayConfig({
        NODE_ENV: 'production',
        SESSION_SECRET: 's3cret-value-long-enough',
        TELEGRAM_BOT_WEBHOOK_SECRET: 'dev-webhook-secret',
      }),
    ).toThrow(/TELEGRAM_BOT_WEBHOOK_SECRET/);
    expect(
      loadGatewayConfig({ NODE_ENV: 'production', SESSION_SECRET: 's3cret-value-long-enough' }).sessionSecret,
    ).toBe('s3cret-value-long-enough');
  });

  it('reads GATEWAY_TRUST_PROXY as a number of trusted hops', () => {
    expect(loadGatewayConfig({}).trustProxy).toBe(false);
    expect(loadGatewayConfig({ GATEWAY_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadGatewayConfig({ GATEWAY_TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadGatewayConfig({ GATEWAY_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(() => loadGatewayConfig({ GATEWAY_TRUST_PROXY: 'all' })).toThrow(/GATEWAY_TRUST_PROXY/);
  });
});
