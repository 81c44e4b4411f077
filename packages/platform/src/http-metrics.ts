import { collectDefaultMetrics, Histogram, type Registry } from 'prom-client';

export const HTTP_DURATION_METRIC = 'http_request_duration_seconds';

export type HttpDurationHistogram = Histogram<'method' | 'route' | 'status_code'>;

/**
 * Prepares a service's own registry: every series gets the `service` label, the process metrics are
 * collected into it (once), and the HTTP latency histogram is registered (once).
 */
export function instrumentRegistry(registry: Registry, service: string): HttpDurationHistogram {
  registry.setDefaultLabels({ service });
  if (registry.getSingleMetric('process_cpu_user_seconds_total') === undefined) {
    collectDefaultMetrics({ register: registry });
  }
  const existing = registry.getSingleMetric(HTTP_DURATION_METRIC);
  if (existing instanceof Histogram) return existing as HttpDurationHistogram;
  return new Histogram({
    name: HTTP_DURATION_METRIC,
    help: 'Time from receiving an HTTP request to finishing its response, by route pattern',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
}
