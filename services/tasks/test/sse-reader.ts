/** One SSE frame as received. */
export interface Frame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
}

/** Reads an SSE response into frames, for tests. */
export class SseReader {
  readonly frames: Frame[] = [];
  status = 0;
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();

  static async open(url: string, token: string, lastEventId?: string): Promise<SseReader> {
    const reader = new SseReader();
    const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${token}` };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const response = await fetch(url, { headers, signal: reader.abort.signal });
    reader.status = response.status;
    if (response.status === 200 && response.body) reader.done = reader.read(response.body);
    else await response.arrayBuffer().catch(() => undefined);
    return reader;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame: Frame = {};
          for (const line of buffer.slice(0, end).split('\n')) {
            const at = line.indexOf(':');
            if (at <= 0) continue;
            const field = line.slice(0, at);
            const value = line.slice(at + 1).replace(/^ /, '');
            if (field === 'id' || field === 'event' || field === 'data' || field === 'retry') frame[field] = value;
          }
          this.frames.push(frame);
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // Aborted by close().
    }
  }

  /** `data` of the frames of one event name, parsed. */
  events(name: string): Array<Record<string, unknown> & { _id?: string }> {
    return this.frames
      .filter((frame) => frame.event === name)
      .map((frame) => ({ ...(JSON.parse(frame.data ?? '{}') as Record<string, unknown>), _id: frame.id }));
  }

  async waitFor(predicate: (frames: Frame[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.frames)) {
      if (Date.now() > deadline)
        throw new Error(`SSE condition not met: ${JSON.stringify(this.frames).slice(0, 1500)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
