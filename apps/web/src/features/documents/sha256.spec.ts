import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256, sha256Hex } from './sha256';

function nodeHex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('Sha256', () => {
  it('matches the FIPS 180-4 examples', () => {
    const text = (value: string) => new TextEncoder().encode(value);
    expect(new Sha256().update(text('abc')).hex()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(new Sha256().hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('gives the same digest whatever the pieces (every length around the block edges)', () => {
    const data = new Uint8Array(300).map((_, index) => (index * 31 + 7) & 0xff);
    for (const length of [55, 56, 63, 64, 65, 119, 120, 128, 300]) {
      const slice = data.subarray(0, length);
      const hash = new Sha256();
      for (let start = 0; start < length; start += 17) hash.update(slice.subarray(start, start + 17));
      expect(hash.hex()).toBe(nodeHex(slice));
    }
  });

  it('hashes a Blob read in slices', async () => {
    const data = new Uint8Array(5000).map((_, index) => index % 251);
    expect(await sha256Hex(new Blob([data]), undefined, 0)).toBe(nodeHex(data));
  });
});
