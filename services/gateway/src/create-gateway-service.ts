import { createJwtVerifier } from '@polis/auth-kit';
import type { Cache } from '@polis/cache';
import { type Logger, type RunningService, startService } from '@polis/platform';
import { Registry } from 'prom-client';
import { Agent, request } from 'undici';
import { createUpstreamResolver, type UpstreamResolver } from './discovery/upstream-resolver.js';
import { DocsService } from './docs/docs.service.js';
import { GATEWAY_ROUTES } from './docs/gateway.routes.js';
import type { GatewayConfig, UpstreamConfig } from './gateway.config.js';
import { GatewayMetrics } from './gateway.metrics.js';
import { GatewayModule } from './gateway.module.js';
import { HealthService } from './health/health.service.js';
import { Authenticator } from './identity/authenticator.js';
import { RateLimiter } from './limits/rate-limiter.js';
import { ProxyHandler } from './proxy/proxy.handler.js';
import { UpstreamForwarder } from './proxy/upstream-forwarder.js';
import { SSE_CHANNELS, type SseChannel, type UpstreamName } from './routing/upstreams.js';
import { SseMonitor } from './sse/sse-monitor.js';
import { SseRelay } from './sse/sse-relay.js';
import { StreamRegistry } from './sse/stream-registry.js';
import { WebhookHandler } from './telegram/webhook.handler.js';

/**
 * Per-upstream replacements of the configured addresses (the embedded launcher knows the ports it
 * started services on; tests point upstreams at local servers). `false` switches an upstream off.
 */
export type UpstreamOverrides = Partial<
  Record<UpstreamName, { baseUrl: string; timeoutMs?: number; serviceName?: string; sseUrl?: string } | false>
>;

export interface GatewayServiceOptions {
  config: GatewayConfig;
  /** The Gateway's cache: stream registry, SSE monitoring keys, and rate limits unless `rateLimitCache`. */
  cache: Cache;
  logger: Logger;
  /** Default `config.port`; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  upstreams?: UpstreamOverrides;
  /** Auth's cache (`AUTH_REDIS_URL`), read for `auth:disabled:<userId>`; default `cache`. */
  authCache?: Cache;
  /** `REDIS_RATE_LIMIT_URL`; default `cache`. */
  rateLimitCache?: Cache;
  metrics?: Registry;
}

export interface RunningGatewayService extends RunningService {
  /** The configuration in effect, overrides applied. */
  config: GatewayConfig;
  /** Open SSE streams held by this instance. */
  openStreams(): number;
}

function withOverrides(config: GatewayConfig, overrides: UpstreamOverrides = {}): GatewayConfig {
  const upstreams = { ...config.upstreams };
  const channels = { ...config.sse.channels };
  for (const [name, override] of Object.entries(overrides) as Array<[UpstreamName, UpstreamOverrides[UpstreamName]]>) {
    if (override === undefined) continue;
    const current = upstreams[name];
    if (override === false) {
      upstreams[name] = { ...current, enabled: false };
    } else {
      upstreams[name] = {
        ...current,
        enabled: true,
        baseUrl: override.baseUrl.replace(/\/+$/, ''),
        timeoutMs: override.timeoutMs ?? current.timeoutMs,
        serviceName: override.serviceName ?? current.serviceName,
      };
    }
    for (const [channel, { upstream }] of Object.entries(SSE_CHANNELS) as Array<
      [SseChannel, { upstream: UpstreamName }]
    >) {
      if (upstream !== name) continue;
      const next = { ...channels[channel], enabled: override !== false };
      if (override !== false && override.sseUrl !== undefined) next.url = override.sseUrl;
      channels[channel] = next;
    }
  }
  return { ...config, upstreams, sse: { ...config.sse, channels } };
}

async function assertReachable(resolver: UpstreamResolver, upstream: UpstreamConfig): Promise<void> {
  const base = await resolver.resolve(upstream);
  const timeout = Math.min(upstream.timeoutMs, 2000);
  const response = await request(`${base}/health`, { headersTimeout: timeout, bodyTimeout: timeout });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`${upstream.name} answered ${response.statusCode} on /health`);
}

/**
 * Starts the Gateway on infrastructure the caller owns: the caches stay open after `close()`,
 * which ends the SSE streams, drains HTTP and releases the upstream connections.
 */
export async function createGatewayService(options: GatewayServiceOptions): Promise<RunningGatewayService> {
  const { cache, logger } = options;
  const config = withOverrides(options.config, options.upstreams);
  const registry = options.metrics ?? new Registry();
  const metrics = new GatewayMetrics(registry);
  const resolver = createUpstreamResolver(config, logger);
  const verifier = createJwtVerifier({
    jwksUrl: config.jwt.jwksUrl,
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
  });
  const authenticator = new Authenticator({ verifier, authCache: options.authCache ?? cache, logger });
  const limiter = new RateLimiter(options.rateLimitCache ?? cache, metrics, logger);
  const forwarder = new UpstreamForwarder({
    publicOrigin: config.publicOrigin,
    metrics,
    logger,
  });
  const streams = new StreamRegistry(
    cache,
    { maxPerUser: config.sse.maxStreamsPerUser, ttlMs: config.sse.monitorTtlMs },
    logger,
  );
  const monitor = new SseMonitor(
    cache,
    {
      prefix: config.sse.monitorPrefix,
      ttlMs: config.sse.monitorTtlMs,
      flushEveryMs: Math.min(1000, config.sse.heartbeatIntervalMs),
    },
    logger,
  );
  // SSE upstream connections live as long as their client's stream; they get their own pool.
  const sseDispatcher = new Agent({ connections: null });
  const relay = new SseRelay({
    config,
    resolver,
    authenticator,
    registry: streams,
    monitor,
    forwarder,
    dispatcher: sseDispatcher,
    metrics,
    logger,
  });

  await streams.start();
  monitor.start();
  const stopWatchingDisabled = await relay.watchDisabledUsers(options.authCache ?? cache);
  const releaseInfrastructure = async (): Promise<void> => {
    await stopWatchingDisabled();
    await streams.stop();
    await monitor.stop();
    await sseDispatcher.destroy();
  };

  try {
    const service = await startService({
      name: 'gateway',
      module: GatewayModule.create({
        config,
        proxy: new ProxyHandler({ config, resolver, authenticator, limiter, forwarder, logger }),
        relay,
        webhook: new WebhookHandler({ config, resolver, limiter, forwarder }),
        docs: new DocsService({ config, resolver, logger }),
        health: new HealthService(cache, resolver),
        logger,
      }),
      port: options.port ?? config.port,
      host: options.host ?? config.host,
      logger,
      metrics: registry,
      trustProxy: config.trustProxy,
      readiness: {
        cache: () => cache.ping(),
        auth: () => assertReachable(resolver, config.upstreams.auth),
      },
      onShutdown: [releaseInfrastructure],
      openapi: { routes: GATEWAY_ROUTES, title: 'gateway' },
      ...(config.consul
        ? {
            discovery: {
              consulUrl: config.consul.url,
              serviceName: 'gateway-service',
              ...(config.consul.token ? { token: config.consul.token } : {}),
            },
          }
        : {}),
    });
    return Object.assign(service, { config, openStreams: () => relay.size });
  } catch (error) {
    await releaseInfrastructure();
    throw error;
  }
}
