import { describe, expect, it } from 'vitest';
import { contentDisposition, parseRange } from './content.routes.js';

describe('content route helpers', () => {
  it('parses single byte ranges and refuses unsatisfiable ones', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=50-5000', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=9-3', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    // Several ranges or other units: the whole file is a valid answer.
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRange('items=0-1', 100)).toBeNull();
  });

  it('names the attachment in ASCII and exactly in UTF-8', () => {
    expect(contentDisposition('Act_20250101_Акт "1".pdf')).toBe(
      `attachment; filename="Act_20250101____ _1_.pdf"; filename*=UTF-8''Act_20250101_%D0%90%D0%BA%D1%82%20%221%22.pdf`,
    );
  });
});
