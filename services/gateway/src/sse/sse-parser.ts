/** One event of a text/event-stream, kept as its field lines so it can be relayed unchanged. */
export interface SseFrame {
  /** The field lines (`id: 7`, `event: deal.updated`, `data: {...}`, `retry: 5000`), comments removed. */
  lines: string[];
  /** The last `id` field, when the frame has one. */
  id?: string;
  event?: string;
}

/** The frame as it goes on the wire: its lines and the blank line that ends it. */
export function serializeFrame(frame: SseFrame): string {
  return `${frame.lines.join('\n')}\n\n`;
}

function fieldOf(line: string): { name: string; value: string } {
  const colon = line.indexOf(':');
  if (colon < 0) return { name: line, value: '' };
  const value = line.slice(colon + 1);
  return { name: line.slice(0, colon), value: value.startsWith(' ') ? value.slice(1) : value };
}

/**
 * Incremental text/event-stream parser (WHATWG HTML §9.2.6 line rules: LF, CR or CRLF). Comment
 * lines (`: ping`) are dropped, and a block made of comments only yields no frame at all, which is
 * how upstream keep-alives disappear from the relayed stream.
 */
export class SseParser {
  private buffer = '';
  private lines: string[] = [];
  private id: string | undefined;
  private event: string | undefined;

  /** Feeds decoded text; returns the frames it completed. */
  push(text: string): SseFrame[] {
    this.buffer += text;
    const frames: SseFrame[] = [];
    let start = 0;
    for (let index = 0; index < this.buffer.length; index++) {
      const char = this.buffer.charCodeAt(index);
      if (char !== 10 && char !== 13) continue;
      // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
      if (char === 13 && index === this.buffer.length - 1) break;
      const line = this.buffer.slice(start, index);
      if (char === 13 && this.buffer.charCodeAt(index + 1) === 10) index++;
      start = index + 1;
      const frame = this.line(line);
      if (frame !== undefined) frames.push(frame);
    }
    this.buffer = this.buffer.slice(start);
    return frames;
  }

  private line(line: string): SseFrame | undefined {
    if (line === '') {
      if (this.lines.length === 0) return undefined;
      const frame: SseFrame = { lines: this.lines };
      if (this.id !== undefined) frame.id = this.id;
      if (this.event !== undefined) frame.event = this.event;
      this.lines = [];
      this.id = undefined;
      this.event = undefined;
      return frame;
    }
    if (line.startsWith(':')) return undefined;
    const { name, value } = fieldOf(line);
    if (name === 'id' && !value.includes('\0')) this.id = value;
    if (name === 'event') this.event = value;
    this.lines.push(line);
    return undefined;
  }
}
