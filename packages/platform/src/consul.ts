import { z } from 'zod';

/** How to reach the Consul agent's HTTP API (`CONSUL_HTTP_ADDR`, `CONSUL_HTTP_TOKEN`). */
export interface ConsulConnection {
  consulUrl: string;
  token?: string;
  /** Bound on each call; default 5000 ms (`CONSUL_HTTP_TIMEOUT`). */
  timeoutMs?: number;
}

export interface ConsulServiceRegistration extends ConsulConnection {
  /** The service name others look up, e.g. `auth-service`. */
  name: string;
  /** Unique per instance. */
  id: string;
  /** Where the instance is reachable from the other services. */
  address: string;
  port: number;
  /** Consul polls `http://<address>:<port><checkPath>`; the instance counts as healthy while it answers 2xx. */
  checkPath: string;
  /** Default '10s'. */
  checkInterval?: string;
  /** An instance whose check stays critical this long is removed; default '1m'. */
  deregisterCriticalAfter?: string;
  tags?: string[];
}

export interface ConsulRegistrationHandle {
  /** Idempotent: removes the instance from the catalogue. */
  deregister(): Promise<void>;
}

/** One healthy instance as Consul's health API reports it. */
export interface ConsulInstance {
  id: string;
  address: string;
  port: number;
}

export interface ConsulLookup extends ConsulConnection {
  service: string;
  /** `CONSUL_DC`; the agent's own datacenter when absent. */
  datacenter?: string;
}

const DEFAULT_TIMEOUT_MS = 5000;

async function consulCall(
  connection: ConsulConnection,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (connection.token) headers['x-consul-token'] = connection.token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const url = new URL(path, connection.consulUrl.endsWith('/') ? connection.consulUrl : `${connection.consulUrl}/`);
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(connection.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  });
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    throw new Error(
      `Consul answered ${response.status} to ${method} ${url.pathname}${text ? `: ${text.slice(0, 200)}` : ''}`,
    );
  }
  return response;
}

/**
 * Adds this instance to Consul's catalogue with an HTTP health check (`PUT /v1/agent/service/register`);
 * the handle removes it again (`PUT /v1/agent/service/deregister/<id>`).
 */
export async function registerWithConsul(registration: ConsulServiceRegistration): Promise<ConsulRegistrationHandle> {
  const checkPath = registration.checkPath.startsWith('/') ? registration.checkPath : `/${registration.checkPath}`;
  const host = registration.address.includes(':') ? `[${registration.address}]` : registration.address;
  await consulCall(registration, 'PUT', 'v1/agent/service/register', {
    ID: registration.id,
    Name: registration.name,
    Address: registration.address,
    Port: registration.port,
    Tags: registration.tags ?? [],
    Check: {
      HTTP: `http://${host}:${registration.port}${checkPath}`,
      Interval: registration.checkInterval ?? '10s',
      Timeout: '2s',
      DeregisterCriticalServiceAfter: registration.deregisterCriticalAfter ?? '1m',
    },
  });
  let removal: Promise<void> | undefined;
  return {
    deregister() {
      removal ??= consulCall(
        registration,
        'PUT',
        `v1/agent/service/deregister/${encodeURIComponent(registration.id)}`,
      ).then(async (response) => {
        await response.arrayBuffer();
      });
      return removal;
    },
  };
}

const healthEntrySchema = z.object({
  Node: z.object({ Address: z.string() }).partial().optional(),
  Service: z.object({ ID: z.string(), Address: z.string().optional(), Port: z.number().int() }),
});

/**
 * The instances of `service` whose checks all pass (`GET /v1/health/service/<name>?passing=true`).
 * An instance registered without an address is reached at its node's address, as Consul's DNS does.
 */
export async function listHealthyInstances(lookup: ConsulLookup): Promise<ConsulInstance[]> {
  const query = new URLSearchParams({ passing: 'true' });
  if (lookup.datacenter) query.set('dc', lookup.datacenter);
  const response = await consulCall(lookup, 'GET', `v1/health/service/${encodeURIComponent(lookup.service)}?${query}`);
  const entries = z.array(healthEntrySchema).parse(await response.json());
  const instances: ConsulInstance[] = [];
  for (const entry of entries) {
    const address = entry.Service.Address || entry.Node?.Address;
    if (address) instances.push({ id: entry.Service.ID, address, port: entry.Service.Port });
  }
  return instances;
}
