import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { type Cache, compareStreamIds, createCache } from '../src/index.js';

// One contract, two adapters: memory by default, Redis when TEST_BACKEND=real.
const real = process.env.TEST_BACKEND === 'real';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const filePrefix = `test-cache-${Date.now().toString(36)}${randomBytes(3).toString('hex')}:`;

const opened: Cache[] = [];

function openCache(scope: string): Cache {
  const keyPrefix = `${filePrefix}${scope}:`;
  const cache = real ? createCache({ url: redisUrl, keyPrefix }) : createCache({ keyPrefix });
  opened.push(cache);
  return cache;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

afterAll(async () => {
  await Promise.all(opened.map((cache) => cache.close()));
  if (!real) return;
  const admin = new Redis(redisUrl);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await admin.scan(cursor, 'MATCH', `${filePrefix}*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length > 0) await admin.del(...keys);
  } finally {
    await admin.quit();
  }
});

describe(`Cache contract (${real ? 'redis' : 'memory'})`, () => {
  const cache = openCache('main');

  it('reports its kind and answers ping', async () => {
    expect(cache.kind).toBe(real ? 'redis' : 'memory');
    await expect(cache.ping()).resolves.toBeUndefined();
  });

  describe('strings', () => {
    it('sets, gets and deletes values', async () => {
      expect(await cache.get('str:missing')).toBeNull();
      expect(await cache.set('str:a', 'alpha')).toBe(true);
      expect(await cache.set('str:b', 'beta')).toBe(true);
      expect(await cache.get('str:a')).toBe('alpha');
      expect(await cache.del('str:a', 'str:b', 'str:missing')).toBe(2);
      expect(await cache.get('str:a')).toBeNull();
      expect(await cache.del()).toBe(0);
    });

    it('expires a value after its ttl', async () => {
      await cache.set('str:ttl', 'soon gone', { ttlMs: 60 });
      const ttl = await cache.ttlMs('str:ttl');
      expect(ttl).not.toBeNull();
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);
      await waitFor(async () => (await cache.get('str:ttl')) === null);
      expect(await cache.ttlMs('str:ttl')).toBeNull();
    });

    it('writes with onlyIfAbsent only when the key is missing', async () => {
      expect(await cache.set('str:nx', 'first', { onlyIfAbsent: true })).toBe(true);
      expect(await cache.set('str:nx', 'second', { onlyIfAbsent: true })).toBe(false);
      expect(await cache.get('str:nx')).toBe('first');
      expect(await cache.set('str:nx-ttl', 'lock', { onlyIfAbsent: true, ttlMs: 50 })).toBe(true);
      await waitFor(async () => (await cache.get('str:nx-ttl')) === null);
      expect(await cache.set('str:nx-ttl', 'again', { onlyIfAbsent: true, ttlMs: 50 })).toBe(true);
    });

    it('sets and refreshes expiry with expire, and reports keys without expiry as null', async () => {
      expect(await cache.expire('str:nothing', 1_000)).toBe(false);
      await cache.set('str:exp', 'value');
      expect(await cache.ttlMs('str:exp')).toBeNull();
      expect(await cache.expire('str:exp', 60_000)).toBe(true);
      expect(await cache.ttlMs('str:exp')).toBeGreaterThan(50_000);
      expect(await cache.expire('str:exp', 40)).toBe(true);
      await waitFor(async () => (await cache.get('str:exp')) === null);
    });

    it('rejects a non-positive ttl', async () => {
      await expect(cache.set('str:bad-ttl', 'x', { ttlMs: 0 })).rejects.toThrow(RangeError);
      await expect(cache.expire('str:bad-ttl', -5)).rejects.toThrow(RangeError);
    });

    it('lets exactly one of many concurrent getDel callers take the value', async () => {
      await cache.set('str:token', 'refresh-token-owner');
      const results = await Promise.all(Array.from({ length: 20 }, () => cache.getDel('str:token')));
      expect(results.filter((value) => value !== null)).toEqual(['refresh-token-owner']);
      expect(await cache.get('str:token')).toBeNull();
      expect(await cache.getDel('str:token')).toBeNull();
    });

    it('fails like WRONGTYPE when a key holds another type', async () => {
      await cache.set('str:typed', 'a string');
      await expect(cache.zAdd('str:typed', [{ member: 'm', score: 1 }])).rejects.toThrow(/WRONGTYPE/);
      await expect(cache.setMembers('str:typed')).rejects.toThrow(/WRONGTYPE/);
      await cache.zAdd('zset:typed', [{ member: 'm', score: 1 }]);
      await expect(cache.get('zset:typed')).rejects.toThrow(/WRONGTYPE/);
    });
  });

  describe('counters', () => {
    it('counts within a window that the first increment starts', async () => {
      const first = await cache.increment('rl:login:1', 60_000);
      expect(first.value).toBe(1);
      expect(first.ttlMs).toBeGreaterThan(0);
      expect(first.ttlMs).toBeLessThanOrEqual(60_000);
      const second = await cache.increment('rl:login:1', 60_000);
      expect(second.value).toBe(2);
      expect(second.ttlMs).toBeLessThanOrEqual(first.ttlMs);
    });

    it('gives distinct values to concurrent increments', async () => {
      const states = await Promise.all(Array.from({ length: 20 }, () => cache.increment('rl:burst:1', 60_000)));
      expect(states.map((state) => state.value).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    it('refuses to increment a value that is not an integer', async () => {
      await cache.set('rl:text', 'not a number');
      await expect(cache.increment('rl:text', 1_000)).rejects.toThrow(/not an integer/);
    });

    it('restarts the window after it expires', async () => {
      await cache.increment('rl:short:1', 50);
      expect((await cache.increment('rl:short:1', 50)).value).toBe(2);
      await waitFor(async () => (await cache.get('rl:short:1')) === null);
      const restarted = await cache.increment('rl:short:1', 50);
      expect(restarted.value).toBe(1);
      expect(restarted.ttlMs).toBeGreaterThan(0);
    });
  });

  describe('sets', () => {
    it('adds, lists and removes members', async () => {
      await cache.setAdd('set:tokens', ['t1', 't2', 't2', 't3']);
      expect((await cache.setMembers('set:tokens')).sort()).toEqual(['t1', 't2', 't3']);
      await cache.setRemove('set:tokens', ['t2', 'absent']);
      expect((await cache.setMembers('set:tokens')).sort()).toEqual(['t1', 't3']);
      await cache.setRemove('set:tokens', ['t1', 't3']);
      expect(await cache.setMembers('set:tokens')).toEqual([]);
      expect(await cache.setMembers('set:missing')).toEqual([]);
    });

    it('expires a set given a ttl', async () => {
      await cache.setAdd('set:short', ['a'], 50);
      expect(await cache.ttlMs('set:short')).toBeGreaterThan(0);
      await waitFor(async () => (await cache.setMembers('set:short')).length === 0);
    });
  });

  describe('sorted sets', () => {
    it('ranges by score, lowest first, with a limit', async () => {
      await cache.zAdd('zset:delayed', [
        { member: 'task-c', score: 300 },
        { member: 'task-a', score: 100 },
        { member: 'task-b', score: 200 },
        { member: 'task-b2', score: 200 },
        { member: 'task-d', score: 400 },
      ]);
      expect(await cache.zCard('zset:delayed')).toBe(5);
      expect(await cache.zRangeByScore('zset:delayed', 0, 250)).toEqual([
        { member: 'task-a', score: 100 },
        { member: 'task-b', score: 200 },
        { member: 'task-b2', score: 200 },
      ]);
      expect(await cache.zRangeByScore('zset:delayed', 150, 400, 2)).toEqual([
        { member: 'task-b', score: 200 },
        { member: 'task-b2', score: 200 },
      ]);
      expect(await cache.zRangeByScore('zset:delayed', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 1)).toEqual([
        { member: 'task-a', score: 100 },
      ]);
      expect(await cache.zRangeByScore('zset:delayed', 1_000, 2_000)).toEqual([]);
    });

    it('updates the score of a member added again', async () => {
      await cache.zAdd('zset:update', [{ member: 'm', score: 1 }]);
      await cache.zAdd('zset:update', [{ member: 'm', score: 1.5 }]);
      expect(await cache.zRangeByScore('zset:update', 0, 10)).toEqual([{ member: 'm', score: 1.5 }]);
      expect(await cache.zCard('zset:update')).toBe(1);
    });

    it('lets exactly one of two concurrent claimers remove a member', async () => {
      await cache.zAdd('zset:claims', [{ member: 'reminder-1', score: Date.now() }]);
      const claims = await Promise.all([
        cache.zRemove('zset:claims', 'reminder-1'),
        cache.zRemove('zset:claims', 'reminder-1'),
      ]);
      expect(claims.sort()).toEqual([0, 1]);
      expect(await cache.zCard('zset:claims')).toBe(0);
      expect(await cache.zRemove('zset:claims')).toBe(0);
    });
  });

  describe('streams', () => {
    it('appends with increasing ids and reads after an id', async () => {
      expect(await cache.streamRead('stream:empty', null, 10)).toEqual([]);
      expect(await cache.streamFirstId('stream:empty')).toBeNull();
      const ids: string[] = [];
      for (const payload of ['e1', 'e2', 'e3', 'e4']) ids.push(await cache.streamAppend('stream:deals', payload, 100));
      for (let i = 1; i < ids.length; i += 1) {
        expect(compareStreamIds(ids[i] as string, ids[i - 1] as string)).toBeGreaterThan(0);
      }
      expect(ids.every((id) => /^\d+-\d+$/.test(id))).toBe(true);

      expect(await cache.streamRead('stream:deals', null, 10)).toEqual([
        { id: ids[0], payload: 'e1' },
        { id: ids[1], payload: 'e2' },
        { id: ids[2], payload: 'e3' },
        { id: ids[3], payload: 'e4' },
      ]);
      expect(await cache.streamRead('stream:deals', ids[1] as string, 10)).toEqual([
        { id: ids[2], payload: 'e3' },
        { id: ids[3], payload: 'e4' },
      ]);
      expect(await cache.streamRead('stream:deals', null, 2)).toHaveLength(2);
      expect(await cache.streamRead('stream:deals', ids[3] as string, 10)).toEqual([]);
      expect(await cache.streamFirstId('stream:deals')).toBe(ids[0]);
    });

    it('trims to about maxLen newest entries', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 400; i += 1) ids.push(await cache.streamAppend('stream:trim', `p${i}`, 10));
      const kept = await cache.streamRead('stream:trim', null, 1_000);
      // Redis trims whole internal nodes with `~`, so "about": at least maxLen, far fewer than appended.
      expect(kept.length).toBeGreaterThanOrEqual(10);
      expect(kept.length).toBeLessThan(400);
      expect(kept.at(-1)).toEqual({ id: ids.at(-1), payload: 'p399' });
      const firstId = await cache.streamFirstId('stream:trim');
      expect(firstId).toBe(kept[0]?.id);
      expect(compareStreamIds(firstId as string, ids[0] as string)).toBeGreaterThan(0);
    });

    it('streamWait answers at once when entries are there', async () => {
      const id = await cache.streamAppend('stream:ready', 'here', 100);
      expect(await cache.streamWait('stream:ready', null, 10, 5_000)).toEqual([{ id, payload: 'here' }]);
    });

    it('streamWait wakes when an entry is appended', async () => {
      const before = await cache.streamAppend('stream:wait', 'old', 100);
      const waiting = cache.streamWait('stream:wait', before, 10, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 30));
      const appended = await cache.streamAppend('stream:wait', 'new', 100);
      expect(await waiting).toEqual([{ id: appended, payload: 'new' }]);
    });

    it('streamWait on an empty stream wakes on the first entry', async () => {
      const waiting = cache.streamWait('stream:wait-empty', null, 10, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 30));
      const appended = await cache.streamAppend('stream:wait-empty', 'first', 100);
      expect(await waiting).toEqual([{ id: appended, payload: 'first' }]);
    });

    it('streamWait answers [] when nothing arrives within blockMs', async () => {
      const last = await cache.streamAppend('stream:quiet', 'only', 100);
      expect(await cache.streamWait('stream:quiet', last, 10, 40)).toEqual([]);
    });

    it('a blocked streamWait does not stall other commands', async () => {
      const waiting = cache.streamWait('stream:blocked', null, 10, 10_000);
      await cache.set('str:while-blocked', 'ok');
      expect(await cache.get('str:while-blocked')).toBe('ok');
      await cache.streamAppend('stream:blocked', 'release', 100);
      expect(await waiting).toHaveLength(1);
    });

    it('close releases a pending streamWait with []', async () => {
      const closing = openCache('closing');
      const waiting = closing.streamWait('stream:never', null, 10, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 30));
      await closing.close();
      expect(await waiting).toEqual([]);
    });
  });

  describe('pub/sub', () => {
    it('delivers published messages to subscribers until they unsubscribe', async () => {
      const received: string[] = [];
      const marks: string[] = [];
      const unsubscribe = await cache.subscribe('events', (message) => received.push(message));
      await cache.subscribe('marks', (message) => marks.push(message));

      await cache.publish('events', 'one');
      await cache.publish('events', 'two');
      await waitFor(() => received.length === 2);
      expect(received).toEqual(['one', 'two']);

      await unsubscribe();
      await cache.publish('events', 'after');
      await cache.publish('marks', 'done');
      // Messages arrive in publish order, so once the mark is in, 'after' would have been too.
      await waitFor(() => marks.length === 1);
      expect(received).toEqual(['one', 'two']);
    });

    it('delivers asynchronously, after publish returns', async () => {
      const received: string[] = [];
      await cache.subscribe('async', (message) => received.push(message));
      const publishing = cache.publish('async', 'x');
      expect(received).toEqual([]);
      await publishing;
      await waitFor(() => received.length === 1);
    });

    it('keeps delivering to other handlers when one throws', async () => {
      const received: string[] = [];
      await cache.subscribe('faulty', () => {
        throw new Error('handler bug');
      });
      await cache.subscribe('faulty', (message) => received.push(message));
      await cache.publish('faulty', 'still delivered');
      await waitFor(() => received.length === 1);
    });
  });

  describe('key prefixes', () => {
    it('isolates caches with different prefixes', async () => {
      const left = openCache('left');
      const right = openCache('right');
      await left.set('shared-name', 'left value');
      await left.zAdd('zset:shared', [{ member: 'm', score: 1 }]);
      await left.streamAppend('stream:shared', 'left entry', 10);
      expect(await right.get('shared-name')).toBeNull();
      expect(await right.zCard('zset:shared')).toBe(0);
      expect(await right.streamRead('stream:shared', null, 10)).toEqual([]);

      const rightReceived: string[] = [];
      const leftReceived: string[] = [];
      await right.subscribe('channel', (message) => rightReceived.push(message));
      await left.subscribe('channel', (message) => leftReceived.push(message));
      await left.publish('channel', 'for left only');
      await waitFor(() => leftReceived.length === 1);
      await right.publish('channel', 'for right');
      await waitFor(() => rightReceived.length === 1);
      expect(rightReceived).toEqual(['for right']);
    });

    it('shares keys and channels between caches with the same prefix', async () => {
      const writer = openCache('same');
      const reader = openCache('same');
      await writer.set('greeting', 'hello');
      expect(await reader.get('greeting')).toBe('hello');

      const received: string[] = [];
      await reader.subscribe('news', (message) => received.push(message));
      await writer.publish('news', 'shared');
      await waitFor(() => received.length === 1);

      const waiting = reader.streamWait('stream:shared', null, 10, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 30));
      await writer.streamAppend('stream:shared', 'cross-instance', 10);
      expect((await waiting).map((entry) => entry.payload)).toEqual(['cross-instance']);
    });
  });
});
