import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The Gateway's own series on the service registry (served at /metrics). */
export class GatewayMetrics {
  readonly upstreamRequests: Counter<'upstream' | 'status_code'>;
  readonly upstreamDuration: Histogram<'upstream'>;
  readonly sseStreams: Gauge<'channel'>;
  readonly rateLimited: Counter<'scope'>;

  constructor(registry: Registry) {
    this.upstreamRequests = new Counter({
      name: 'gateway_upstream_requests_total',
      help: 'Requests proxied to an upstream, by the status the client got (503/504 when the upstream failed)',
      labelNames: ['upstream', 'status_code'] as const,
      registers: [registry],
    });
    this.upstreamDuration = new Histogram({
      name: 'gateway_upstream_duration_seconds',
      help: 'Time until an upstream answered with its response headers (or failed)',
      labelNames: ['upstream'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.sseStreams = new Gauge({
      name: 'gateway_sse_streams',
      help: 'Open SSE streams held by this Gateway instance',
      labelNames: ['channel'] as const,
      registers: [registry],
    });
    this.rateLimited = new Counter({
      name: 'gateway_rate_limited_total',
      help: 'Requests refused with 429 by a Gateway rate limit',
      labelNames: ['scope'] as const,
      registers: [registry],
    });
  }

  observeUpstream(upstream: string, status: number, startedAt: bigint): void {
    this.upstreamRequests.inc({ upstream, status_code: String(status) });
    this.upstreamDuration.observe({ upstream }, Number(process.hrtime.bigint() - startedAt) / 1e9);
  }
}
