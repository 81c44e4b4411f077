import { createHash } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Raw header pairs as they came over the wire (to check what was really sent). */
  rawHeaderNames: string[];
  bodyBytes: number;
  bodySha256: string;
  body: string;
}

export type RouteHandler = (request: IncomingMessage, response: ServerResponse, upstream: TestUpstream) => void;

const ECHO_BODY_LIMIT = 64 * 1024;

/**
 * Stands in for a service that does not exist yet: answers every request with what it received
 * (method, path, headers, body length and hash, computed while streaming, never buffered), unless
 * a test installs a handler for a path.
 */
export class TestUpstream {
  readonly requests: ReceivedRequest[] = [];
  private readonly handlers = new Map<string, RouteHandler>();
  private server: Server | undefined;
  url = '';
  /** Bytes of request bodies received so far, updated chunk by chunk (streaming checks). */
  bytesReceived = 0;

  constructor(readonly name: string) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => this.serve(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  /** Handles `METHOD /path` (path without query) itself instead of echoing. */
  on(method: string, path: string, handler: RouteHandler): this {
    this.handlers.set(`${method} ${path}`, handler);
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Reads the body while hashing it, keeping only the first few KB as text. */
  async consume(request: IncomingMessage): Promise<ReceivedRequest> {
    const hash = createHash('sha256');
    let bytes = 0;
    let text = '';
    for await (const chunk of request) {
      const buffer = chunk as Buffer;
      hash.update(buffer);
      bytes += buffer.length;
      this.bytesReceived += buffer.length;
      if (text.length < ECHO_BODY_LIMIT) text += buffer.toString('utf8');
    }
    const rawHeaderNames = request.rawHeaders.filter((_value, index) => index % 2 === 0).map((n) => n.toLowerCase());
    const received: ReceivedRequest = {
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      rawHeaderNames,
      bodyBytes: bytes,
      bodySha256: hash.digest('hex'),
      body: text,
    };
    this.requests.push(received);
    return received;
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const handler = this.handlers.get(`${request.method} ${path}`);
    if (handler !== undefined) {
      handler(request, response, this);
      return;
    }
    this.consume(request).then(
      (received) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ upstream: this.name, ...received }));
      },
      // The Gateway aborted the request (a body over its limit): nothing to answer.
      () => response.destroy(),
    );
  }
}
