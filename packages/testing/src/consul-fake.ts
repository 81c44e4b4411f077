import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRegistration {
  ID: string;
  Name: string;
  Address: string;
  Port: number;
  Check?: { HTTP?: string };
}

export interface RecordedCall {
  method: string;
  path: string;
  token: string | undefined;
}

/**
 * Stands in for a Consul agent: exactly the three endpoints the platform uses (register,
 * deregister, health of a service). Every registered instance passes unless the test fails it.
 */
export class ConsulFake {
  readonly services = new Map<string, FakeRegistration>();
  readonly failing = new Set<string>();
  readonly calls: RecordedCall[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body === undefined ? '' : JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; body?: unknown }> {
    const url = new URL(request.url ?? '/', 'http://consul');
    const token = request.headers['x-consul-token'];
    this.calls.push({
      method: request.method ?? '',
      path: url.pathname,
      token: typeof token === 'string' ? token : undefined,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method === 'PUT' && url.pathname === '/v1/agent/service/register') {
      const registration = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FakeRegistration;
      this.services.set(registration.ID, registration);
      return { status: 200 };
    }
    const deregister = /^\/v1\/agent\/service\/deregister\/(.+)$/.exec(url.pathname);
    if (request.method === 'PUT' && deregister) {
      this.services.delete(decodeURIComponent(deregister[1] ?? ''));
      return { status: 200 };
    }
    const health = /^\/v1\/health\/service\/(.+)$/.exec(url.pathname);
    if (request.method === 'GET' && health) {
      const name = decodeURIComponent(health[1] ?? '');
      const passingOnly = url.searchParams.get('passing') === 'true';
      const entries = [...this.services.values()]
        .filter((service) => service.Name === name)
        .filter((service) => !passingOnly || !this.failing.has(service.ID))
        .map((service) => ({
          Node: { Node: 'node-1', Address: '127.0.0.1' },
          Service: { ID: service.ID, Service: service.Name, Address: service.Address, Port: service.Port },
          Checks: [{ Status: this.failing.has(service.ID) ? 'critical' : 'passing' }],
        }));
      return { status: 200, body: entries };
    }
    return { status: 404, body: { error: 'unknown endpoint' } };
  }
}
