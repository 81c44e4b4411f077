import { describe, expect, it } from 'vitest';
import { SseParser, serializeFrame } from './sse-parser.js';

describe('SseParser', () => {
  it('yields frames with their id and event, keeping the lines as they were', () => {
    const parser = new SseParser();
    const frames = parser.push('retry: 5000\n\nid: 17\nevent: deal.updated\ndata: {"a":1}\ndata: {"b":2}\n\n');
    expect(frames).toEqual([
      { lines: ['retry: 5000'] },
      { lines: ['id: 17', 'event: deal.updated', 'data: {"a":1}', 'data: {"b":2}'], id: '17', event: 'deal.updated' },
    ]);
    expect(serializeFrame(frames[1]!)).toBe('id: 17\nevent: deal.updated\ndata: {"a":1}\ndata: {"b":2}\n\n');
  });

  it('drops comments and comment-only blocks (keep-alives)', () => {
    const parser = new SseParser();
    expect(parser.push(': ping\n\n:\n\n')).toEqual([]);
    expect(parser.push(': note\nid: 1\ndata: x\n\n')).toEqual([{ lines: ['id: 1', 'data: x'], id: '1' }]);
  });

  it('handles frames split anywhere across chunks, with LF, CR or CRLF line ends', () => {
    const parser = new SseParser();
    const text = 'id: 1\r\ndata: a\r\n\r\nid: 2\rdata: b\r\rid:3\ndata:c\n\n';
    const frames = [...text].flatMap((char) => parser.push(char));
    expect(frames.map((frame) => frame.id)).toEqual(['1', '2', '3']);
    expect(frames[1]?.lines).toEqual(['id: 2', 'data: b']);
  });

  it('keeps an incomplete frame until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('id: 5\ndata: par')).toEqual([]);
    expect(parser.push('tial\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ lines: ['id: 5', 'data: partial'], id: '5' }]);
  });
});
