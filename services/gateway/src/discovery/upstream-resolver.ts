import { type ConsulInstance, type Logger, listHealthyInstances, Unavailable } from '@polis/platform';
import type { GatewayConfig, UpstreamConfig } from '../gateway.config.js';

/** Where to send a request for an upstream: a fixed address, or a healthy replica from Consul. */
export interface UpstreamResolver {
  readonly kind: 'static' | 'consul';
  /** Base URL (no trailing slash) of the instance this request goes to; 503 when there is none. */
  resolve(upstream: UpstreamConfig): Promise<string>;
  /** Throws while the registry cannot be asked (health check); static addresses always pass. */
  ping(): Promise<void>;
}

export class StaticResolver implements UpstreamResolver {
  readonly kind = 'static';

  async resolve(upstream: UpstreamConfig): Promise<string> {
    return upstream.baseUrl;
  }

  async ping(): Promise<void> {}
}

interface InstanceList {
  urls: string[];
  fetchedAt: number;
}

function instanceUrl(instance: ConsulInstance): string {
  const host = instance.address.includes(':') ? `[${instance.address}]` : instance.address;
  return `http://${host}:${instance.port}`;
}

/**
 * Healthy instances from Consul's health API, cached for a few seconds per service and taken in
 * turn. While Consul cannot be reached the last known list is used; with none, the upstream is
 * unavailable.
 */
export class ConsulResolver implements UpstreamResolver {
  readonly kind = 'consul';
  private readonly lists = new Map<string, InstanceList>();
  private readonly pending = new Map<string, Promise<InstanceList>>();
  private readonly turns = new Map<string, number>();

  constructor(
    private readonly consul: NonNullable<GatewayConfig['consul']>,
    private readonly logger: Logger,
    private readonly pingService: string,
  ) {}

  async resolve(upstream: UpstreamConfig): Promise<string> {
    const { urls } = await this.instances(upstream.serviceName);
    if (urls.length === 0) {
      throw new Unavailable(`No healthy instance of ${upstream.name} is registered.`);
    }
    const turn = this.turns.get(upstream.serviceName) ?? 0;
    this.turns.set(upstream.serviceName, (turn + 1) % urls.length);
    return urls[turn % urls.length]!;
  }

  async ping(): Promise<void> {
    await this.lookup(this.pingService);
  }

  private async instances(service: string): Promise<InstanceList> {
    const cached = this.lists.get(service);
    if (cached !== undefined && Date.now() - cached.fetchedAt < this.consul.cacheMs) return cached;
    let refresh = this.pending.get(service);
    if (refresh === undefined) {
      refresh = this.lookup(service).finally(() => this.pending.delete(service));
      this.pending.set(service, refresh);
    }
    try {
      return await refresh;
    } catch (error) {
      if (cached !== undefined) {
        this.logger.warn({ err: error, service }, 'Consul unreachable; using the last known instances');
        return cached;
      }
      throw new Unavailable(`The instances of ${service} cannot be looked up.`);
    }
  }

  private async lookup(service: string): Promise<InstanceList> {
    const instances = await listHealthyInstances({
      consulUrl: this.consul.url,
      token: this.consul.token,
      datacenter: this.consul.datacenter,
      timeoutMs: this.consul.timeoutMs,
      service,
    });
    const list = { urls: instances.map(instanceUrl), fetchedAt: Date.now() };
    this.lists.set(service, list);
    return list;
  }
}

export function createUpstreamResolver(config: GatewayConfig, logger: Logger): UpstreamResolver {
  return config.consul
    ? new ConsulResolver(config.consul, logger, config.upstreams.auth.serviceName)
    : new StaticResolver();
}
