import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface LoggedEvent {
  id: string;
  event: string;
  data: string;
}

/**
 * Stands in for the future CRM stream (`/internal/v1/streams/deals`): a replay log with numeric ids,
 * replay after `Last-Event-ID`, a `retry` line and comment keep-alives, as interfaces.md §3.3 asks
 * of the owning services.
 */
export class SseUpstream {
  readonly log: LoggedEvent[] = [];
  readonly connects: IncomingHttpHeaders[] = [];
  private readonly open = new Set<ServerResponse>();
  private server: Server | undefined;
  /** When set, the next connects are refused with this status and problem code. */
  refuse: { status: number; code: string } | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.connects.push(request.headers);
      if (this.refuse !== undefined) {
        response.writeHead(this.refuse.status, { 'content-type': 'application/problem+json' });
        response.end(JSON.stringify({ status: this.refuse.status, code: this.refuse.code }));
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write('retry: 5000\n\n');
      response.write(': keep-alive\n\n');
      const after = request.headers['last-event-id'];
      const start = typeof after === 'string' ? this.log.findIndex((event) => event.id === after) + 1 : 0;
      for (const event of this.log.slice(start)) response.write(this.frame(event));
      this.open.add(response);
      response.on('close', () => this.open.delete(response));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/internal/v1/streams/deals`;
    return this;
  }

  get connections(): number {
    return this.open.size;
  }

  publish(event: string, data: unknown): string {
    const logged = { id: String(this.log.length + 1), event, data: JSON.stringify(data) };
    this.log.push(logged);
    for (const response of this.open) response.write(this.frame(logged));
    return logged.id;
  }

  /** A keep-alive comment on every open stream. */
  ping(): void {
    for (const response of this.open) response.write(': ping\n\n');
  }

  /** Cuts every open stream, as a crashed or restarted replica would. */
  dropAll(): void {
    for (const response of this.open) response.socket?.destroy();
    this.open.clear();
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private frame(event: LoggedEvent): string {
    return `id: ${event.id}\nevent: ${event.event}\ndata: ${event.data}\n\n`;
  }
}
