import { afterEach, describe, expect, it } from 'vitest';
import { type Cache, compareStreamIds } from './cache.port.js';
import { createMemoryCache, createMemoryCacheStore } from './memory.cache.js';

const opened: Cache[] = [];
function open(...args: Parameters<typeof createMemoryCache>): Cache {
  const cache = createMemoryCache(...args);
  opened.push(cache);
  return cache;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((cache) => cache.close()));
});

describe('memory cache', () => {
  it('shares keys between caches on the same store, and nothing across stores', async () => {
    const store = createMemoryCacheStore();
    const first = open({ keyPrefix: 'svc:', store });
    const second = open({ keyPrefix: 'svc:', store });
    const elsewhere = open({ keyPrefix: 'svc:', store: createMemoryCacheStore() });
    await first.set('k', 'v');
    expect(await second.get('k')).toBe('v');
    expect(await elsewhere.get('k')).toBeNull();
  });

  it('keeps stream ids monotonic within one millisecond', async () => {
    const cache = open({ store: createMemoryCacheStore() });
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => cache.streamAppend('s', `p${i}`, 100)));
    const sorted = [...ids].sort(compareStreamIds);
    expect(new Set(ids).size).toBe(50);
    expect(ids).toEqual(sorted);
  });

  it('trims a stream to exactly maxLen', async () => {
    const cache = open({ store: createMemoryCacheStore() });
    for (let i = 0; i < 20; i += 1) await cache.streamAppend('s', `p${i}`, 5);
    expect((await cache.streamRead('s', null, 100)).map((entry) => entry.payload)).toEqual([
      'p15',
      'p16',
      'p17',
      'p18',
      'p19',
    ]);
  });

  it('refuses commands after close', async () => {
    const cache = createMemoryCache({ store: createMemoryCacheStore() });
    await cache.close();
    await expect(cache.get('k')).rejects.toThrow(/closed/);
    await expect(cache.ping()).rejects.toThrow(/closed/);
  });

  it('stops delivering to the subscriptions of a closed cache', async () => {
    const store = createMemoryCacheStore();
    const publisher = open({ store });
    const subscriber = createMemoryCache({ store });
    const marks: string[] = [];
    const received: string[] = [];
    await subscriber.subscribe('c', (message) => received.push(message));
    await publisher.subscribe('mark', (message) => marks.push(message));
    await subscriber.close();
    await publisher.publish('c', 'after close');
    await publisher.publish('mark', 'done');
    await expect.poll(() => marks.length).toBe(1);
    expect(received).toEqual([]);
  });
});
