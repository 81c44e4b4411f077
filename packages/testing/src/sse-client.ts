/** One SSE frame as received; comments (`: ping`) are kept so keep-alives can be checked. */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

export interface OpenStreamOptions {
  token?: string;
  lastEventId?: string;
  query?: string;
}

/** A minimal EventSource over fetch that records every frame, for tests. */
export class SseClient {
  readonly frames: SseFrame[] = [];
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();
  status = 0;
  ended = false;

  static async open(baseUrl: string, path: string, options: OpenStreamOptions = {}): Promise<SseClient> {
    const client = new SseClient();
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
    const response = await fetch(`${baseUrl}${path}${options.query ? `?${options.query}` : ''}`, {
      headers,
      signal: client.abort.signal,
    });
    client.status = response.status;
    if (response.status !== 200 || !response.body) {
      await response.arrayBuffer().catch(() => undefined);
      client.ended = true;
      return client;
    }
    client.done = client.read(response.body);
    return client;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          this.frames.push(parseFrame(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // Aborted by close(): the frames read so far stay.
    } finally {
      this.ended = true;
    }
  }

  /** Frames that carry an event (not comments or the retry hint). */
  events(): SseFrame[] {
    return this.frames.filter((frame) => frame.event !== undefined);
  }

  /** The `data` of the frames of one event, parsed, each with its frame's id as `_id`. */
  dataOf(event: string): Array<Record<string, unknown> & { _id?: string }> {
    return this.frames
      .filter((frame) => frame.event === event)
      .map((frame) => ({ ...(JSON.parse(frame.data ?? '{}') as Record<string, unknown>), _id: frame.id }));
  }

  /** Waits until `predicate` holds for the frames received so far. */
  async waitFor(predicate: (frames: SseFrame[]) => boolean, timeoutMs = 10_000): Promise<SseFrame[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.frames)) {
      if (Date.now() > deadline) {
        throw new Error(`SSE condition not met; frames: ${JSON.stringify(this.frames).slice(0, 2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.frames;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

function parseFrame(text: string): SseFrame {
  const frame: SseFrame = {};
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) {
      frame.comment = line.slice(1).trim();
      continue;
    }
    const separator = line.indexOf(':');
    const field = separator < 0 ? line : line.slice(0, separator);
    const value = separator < 0 ? '' : line.slice(separator + 1).replace(/^ /, '');
    if (field === 'id' || field === 'event' || field === 'retry') frame[field] = value;
    else if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
  }
  return frame;
}
