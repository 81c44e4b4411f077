import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { declaredLength, limitBody, PayloadTooLarge, readBody } from './body-limit.js';

function chunks(count: number, size: number): Readable {
  return Readable.from(Array.from({ length: count }, () => Buffer.alloc(size, 1)));
}

describe('body limits', () => {
  it('passes a body within the limit through unchanged', async () => {
    let total = 0;
    await pipeline(limitBody(chunks(4, 100), 400), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) total += chunk.length;
    });
    expect(total).toBe(400);
  });

  it('fails the stream as soon as the limit is passed, and says so', async () => {
    const limited = limitBody(chunks(10, 100), 250);
    await expect(
      pipeline(limited, async (source: AsyncIterable<Buffer>) => {
        for await (const _chunk of source) {
          // consume
        }
      }),
    ).rejects.toBeInstanceOf(PayloadTooLarge);
    expect(limited.exceeded).toBe(true);
  });

  it('reads small bodies whole and refuses big ones', async () => {
    expect((await readBody(chunks(2, 10), 20)).length).toBe(20);
    await expect(readBody(chunks(3, 10), 20)).rejects.toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('trusts only a well-formed Content-Length', () => {
    expect(declaredLength('1024')).toBe(1024);
    expect(declaredLength(['12'])).toBe(12);
    expect(declaredLength('1e3')).toBeUndefined();
    expect(declaredLength(undefined)).toBeUndefined();
  });
});
