import { type IncomingHttpHeaders, request } from 'node:http';
import { eventually } from '@polis/testing';

export interface ReceivedFrame {
  id?: string;
  event?: string;
  data?: string;
}

/**
 * A minimal EventSource for tests: one HTTP stream, its frames as they arrive (comments kept apart),
 * and a way to hang up.
 */
export class SseClient {
  readonly frames: ReceivedFrame[] = [];
  readonly comments: string[] = [];
  status = 0;
  headers: IncomingHttpHeaders = {};
  ended = false;
  raw = '';
  private destroy: (() => void) | undefined;

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    await client.connect(url, headers);
    return client;
  }

  private connect(url: string, headers: Record<string, string>): Promise<void> {
    return new Promise((resolve, reject) => {
      const outgoing = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
        this.status = response.statusCode ?? 0;
        this.headers = response.headers;
        response.setEncoding('utf8');
        let buffer = '';
        response.on('data', (chunk: string) => {
          this.raw += chunk;
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            this.parse(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
          }
        });
        const finish = (): void => {
          this.ended = true;
        };
        response.on('end', finish);
        response.on('close', finish);
        response.on('error', finish);
        resolve();
      });
      outgoing.on('error', (error) => {
        this.ended = true;
        reject(error);
      });
      this.destroy = () => outgoing.destroy();
      outgoing.end();
    });
  }

  private parse(block: string): void {
    const frame: ReceivedFrame = {};
    let fields = 0;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line);
        continue;
      }
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      fields += 1;
      if (name === 'id') frame.id = value;
      if (name === 'event') frame.event = value;
      if (name === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
    }
    if (fields > 0) this.frames.push(frame);
  }

  /** Frames carrying an id, i.e. the relayed events. */
  events(): ReceivedFrame[] {
    return this.frames.filter((frame) => frame.id !== undefined);
  }

  ofType(event: string): ReceivedFrame[] {
    return this.frames.filter((frame) => frame.event === event);
  }

  async waitFor(predicate: (client: SseClient) => boolean, timeoutMs = 5000): Promise<void> {
    await eventually(async () => (predicate(this) ? true : undefined), timeoutMs);
  }

  close(): void {
    this.destroy?.();
  }
}
