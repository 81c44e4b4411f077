import type { Cache } from '@polis/cache';
import { checkReadiness, type DependencyStatus, type ReadinessReport } from '@polis/platform';
import type { UpstreamResolver } from '../discovery/upstream-resolver.js';

type GatewayDependency = DependencyStatus & { disabled?: boolean };

export interface GatewayHealthReport {
  status: ReadinessReport['status'];
  info: Record<string, GatewayDependency>;
  error: Record<string, GatewayDependency>;
  details: { redis: GatewayDependency; consul: GatewayDependency };
}

/**
 * The public `GET /api/v1/health` (interfaces.md §1.8): Redis and Consul in Terminus shape. Consul
 * switched off counts as up with `disabled: true`.
 */
export class HealthService {
  constructor(
    private readonly cache: Cache,
    private readonly resolver: UpstreamResolver,
  ) {}

  async report(): Promise<GatewayHealthReport> {
    const consulEnabled = this.resolver.kind === 'consul';
    const checks: Record<string, () => Promise<void>> = { redis: () => this.cache.ping() };
    if (consulEnabled) checks.consul = () => this.resolver.ping();
    const report = await checkReadiness(checks);
    const redis = report.details.redis ?? { status: 'down', message: 'not checked' };
    const consul: GatewayDependency = consulEnabled
      ? (report.details.consul ?? { status: 'down', message: 'not checked' })
      : { status: 'up', disabled: true };
    const info: Record<string, GatewayDependency> = { ...report.info };
    if (!consulEnabled) info.consul = consul;
    return { status: report.status, info, error: report.error, details: { redis, consul } };
  }
}
